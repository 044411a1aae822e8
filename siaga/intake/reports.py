"""Reports residents send us directly (the city app, the public web page): the photo
check and the hourly abuse limits shared by both."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from siaga.intake.actions import MediaRef
from siaga.intake.images import clean_image, sniff
from siaga.intake.models import Contact
from siaga.lib import phone
from siaga.lib.errors import InvalidInput, TooLarge, TooMany


def read_upload(upload: UploadedFile) -> bytes:
    """An uploaded file's bytes, refused by its size before it is read into memory."""
    if (upload.size or 0) > settings.SIAGA_MAX_MEDIA_BYTES:
        raise TooLarge(
            _("Foto terlalu besar (maks. %(mb)s MB).")
            % {"mb": settings.SIAGA_MAX_MEDIA_BYTES // 1_048_576}
        )
    content: bytes = upload.read(settings.SIAGA_MAX_MEDIA_BYTES + 1)
    return content


def photo_ref(content: bytes, caption: str = "") -> MediaRef:
    """A resident's photo, kept only if it is an image of an acceptable size, and
    re-encoded (siaga/intake/images.py)."""
    if len(content) > settings.SIAGA_MAX_MEDIA_BYTES:
        raise TooLarge(
            _("Foto terlalu besar (maks. %(mb)s MB).")
            % {"mb": settings.SIAGA_MAX_MEDIA_BYTES // 1_048_576}
        )
    mime = sniff(content)
    if mime is not None:
        kept, kept_type = clean_image(content, mime)
        return MediaRef(
            kind="image", mime_type=kept_type, caption=caption, content=kept
        )
    raise InvalidInput(_("Berkas foto harus JPEG, PNG, WebP atau HEIC."), field="photo")


def check_report_limits(
    *, channel: str, sender: str, address: str | None, since_minutes: int = 60
) -> None:
    """Refuse a sender or address over its hourly report limit (429). Counted from the
    contacts themselves, so both servers see the same counts."""
    since = timezone.now() - timedelta(minutes=since_minutes)
    recent = Contact.objects.filter(channel=channel, received_at__gte=since)
    identifier = phone.to_e164(sender) or f"{channel}:{sender.strip()[:100]}"
    if (
        sender
        and recent.filter(caller__identifier=identifier).count()
        >= settings.SIAGA_REPORTS_PER_SENDER_PER_HOUR
    ):
        raise TooMany(_("Terlalu banyak laporan dari nomor ini. Coba lagi nanti."))
    if (
        address
        and recent.filter(source_address=address).count()
        >= settings.SIAGA_REPORTS_PER_ADDRESS_PER_HOUR
    ):
        raise TooMany(_("Terlalu banyak laporan dari alamat ini. Coba lagi nanti."))
