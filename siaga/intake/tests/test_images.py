"""Photos keep only their pixels: EXIF (a GPS position, the camera) is gone,
a huge photo is scaled down, a file that only looks like an image is refused."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from siaga.intake.images import MAX_SIDE, clean_image
from siaga.lib.errors import InvalidInput


def photo_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "blue")
    exif = Image.Exif()
    exif[0x010F] = "KameraKu"  # Make
    exif[0x8825] = {1: "S", 2: (6.0, 10.0, 28.0), 3: "E", 4: (106.0, 38.0, 2.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_exif_and_its_gps_position_are_removed() -> None:
    original = photo_with_gps()
    with Image.open(io.BytesIO(original)) as before:
        assert before.getexif()

    kept, mime = clean_image(original, "image/jpeg")

    with Image.open(io.BytesIO(kept)) as after:
        assert mime == "image/jpeg" and after.size == (40, 30)
        assert not after.getexif()
    assert b"KameraKu" not in kept


def test_a_huge_photo_is_scaled_down() -> None:
    out = io.BytesIO()
    Image.new("RGB", (MAX_SIDE * 2, MAX_SIDE), "green").save(out, format="PNG")
    kept, mime = clean_image(out.getvalue(), "image/png")
    with Image.open(io.BytesIO(kept)) as after:
        assert (mime, after.size) == ("image/jpeg", (MAX_SIDE, MAX_SIDE // 2))


@pytest.mark.parametrize(
    ("content", "mime"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 64, "image/jpeg"),  # magic only
        (b"\x89PNG\r\n\x1a\n" + b"<script>" * 8, "image/png"),
    ],
)
def test_a_file_that_only_looks_like_an_image_is_refused(
    content: bytes, mime: str
) -> None:
    with pytest.raises(InvalidInput):
        clean_image(content, mime)


def iphone_photo() -> bytes:
    """An iPhone's HEIC, with the camera and a GPS position in its EXIF."""
    image = Image.new("RGB", (64, 48), "red")
    exif = Image.Exif()
    exif[0x010F] = "KameraKu"
    exif[0x8825] = {1: "S", 2: (6.0, 10.0, 28.0), 3: "E", 4: (106.0, 38.0, 2.0)}
    out = io.BytesIO()
    image.save(out, format="HEIF", exif=exif.tobytes())
    return out.getvalue()


def test_an_iphones_heic_becomes_a_jpeg_without_its_exif() -> None:
    original = iphone_photo()
    assert original[4:12] == b"ftypheic" and b"KameraKu" in original

    kept, mime = clean_image(original, "image/heic")

    with Image.open(io.BytesIO(kept)) as after:
        assert (mime, after.format, after.size) == ("image/jpeg", "JPEG", (64, 48))
        assert not after.getexif()
    assert b"KameraKu" not in kept


def test_a_file_that_only_looks_like_a_heic_is_refused() -> None:
    with pytest.raises(InvalidInput):
        clean_image(b"\x00\x00\x00\x18ftypheic" + b"\x00" * 32, "image/heic")


def test_providers_media_images_by_their_bytes_others_as_delivered() -> None:
    from siaga.intake.images import clean_media

    voice = b"OggS\x00\x02" + b"\x00" * 40
    assert clean_media(voice, "audio/ogg") == (voice, "audio/ogg")
    kept, mime = clean_media(photo_with_gps(), "application/octet-stream")
    assert mime == "image/jpeg" and b"KameraKu" not in kept
