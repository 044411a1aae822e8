"""Photos re-encoded before they are kept: only the pixels survive (no EXIF, so no
hidden GPS position or camera serial; no trailing payload after the image), at most
MAX_SIDE pixels on a side, and a file that does not decode is refused.

This covers residents' uploads (`/lapor/`, the city app) and providers' media (WhatsApp,
Telegram, Messenger, X) once fetched. iPhones' HEIC/HEIF is decoded with pillow-heif and
kept as JPEG, which every console's browser shows (most cannot show HEIC).
"""

from __future__ import annotations

import io
import warnings

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError
from pillow_heif import register_heif_opener

from siaga.lib.errors import InvalidInput

MAX_SIDE = 2560
JPEG_QUALITY = 85
DECODED = {"image/jpeg", "image/png", "image/webp", "image/heic", "image/heif"}

register_heif_opener()

# What an image really is, from its first bytes; the declared type is not trusted.
SIGNATURES: list[tuple[bytes, int, str]] = [
    (b"\xff\xd8\xff", 0, "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png"),
    (b"WEBP", 8, "image/webp"),
    (b"ftypheic", 4, "image/heic"),
    (b"ftypmif1", 4, "image/heif"),
]


def sniff(content: bytes) -> str | None:
    """The image type its first bytes say, or None."""
    for magic, offset, mime in SIGNATURES:
        if content[offset : offset + len(magic)] == magic:
            return mime
    return None


def clean_media(content: bytes, declared: str) -> tuple[bytes, str]:
    """A provider's media: an image (by its bytes, or as declared) re-encoded like a
    resident's photo; anything else (voice notes, video, documents) as delivered."""
    found = sniff(content)
    if found is None and not declared.startswith("image/"):
        return content, declared
    return clean_image(content, found or declared)


def clean_image(content: bytes, mime: str) -> tuple[bytes, str]:
    """The photo re-encoded (JPEG; PNG when it has transparency), and its type."""
    if mime not in DECODED:
        return content, mime
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as opened:
                opened.load()
                image = ImageOps.exif_transpose(opened)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise InvalidInput(
            _("Berkas foto rusak atau tidak terbaca."), field="photo"
        ) from None
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    if image.mode in {"RGBA", "LA"} or (
        image.mode == "P" and "transparency" in image.info
    ):
        image.save(out, format="PNG", optimize=True)
        return out.getvalue(), "image/png"
    image.convert("RGB").save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue(), "image/jpeg"
