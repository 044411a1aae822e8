"""Residents' photos re-encoded before they are kept: only the pixels survive (no EXIF,
so no hidden GPS position or camera serial; no trailing payload after the image), at
most MAX_SIDE pixels on a side, and a file that does not decode is refused.

HEIC/HEIF cannot be decoded without a plugin Pillow does not ship; those are kept as
sent (their type already checked by signature). Providers' media (WhatsApp, Telegram)
are kept as the provider delivered them.
"""

from __future__ import annotations

import io
import warnings

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from siaga.lib.errors import InvalidInput

MAX_SIDE = 2560
JPEG_QUALITY = 85
DECODED = {"image/jpeg", "image/png", "image/webp"}


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
