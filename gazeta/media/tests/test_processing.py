"""What an upload must be to enter the library, and what is kept of it."""

import io
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import ExifTags
from PIL import Image as PILImage

from gazeta.media.processing import image_clean, rendition_widths, renditions_encode

from .factories import GPS_LATITUDE, gps_exif, picture_bytes, upload


def refusal(content: bytes, name: str = "poza.jpg") -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        image_clean(upload(content, name))
    return caught.value


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that announces ``width`` × ``height`` pixels but carries almost no data: what a
    decompression bomb looks like before anyone decodes it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_a_text_file_named_jpg_is_not_an_image():
    error = refusal(b"Nu sunt o fotografie, doar un text.", "poza.jpg")

    assert error.code == "not_an_image"
    assert "nu este o imagine" in error.messages[0]


def test_a_format_outside_the_allow_list_is_refused():
    error = refusal(picture_bytes(200, 100, image_format="BMP"), "poza.bmp")

    assert error.code == "not_an_image"


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read(settings):
    settings.GAZETA_IMAGE_MAX_BYTES = 10_000
    big = picture_bytes(100, 100) + b"\x00" * 20_000

    error = refusal(big)

    assert error.code == "file_too_large"
    assert filesizeformat(10_000) in error.messages[0]


def test_an_image_over_the_pixel_limit_is_refused_with_its_size(settings):
    settings.GAZETA_IMAGE_MAX_PIXELS = 40_000_000
    # A real, decodable 8000 × 6000 picture (48 megapixels), one bit per pixel to stay light.
    content = picture_bytes(8000, 6000, image_format="PNG", mode="1", color=1)

    error = refusal(content, "panorama.png")

    assert error.code == "too_many_pixels"
    assert "8000 × 6000" in error.messages[0] and "48 megapixeli" in error.messages[0]


def test_a_decompression_bomb_is_refused_from_its_header_without_decoding():
    # 30 000 × 30 000 announced, a few bytes of data: decoding would fail as "damaged", so
    # this refusal shows the pixel count was read from the header first.
    error = refusal(png_header_only(30_000, 30_000), "bomba.png")

    assert error.code == "too_many_pixels"


def test_a_header_under_the_limit_with_missing_data_is_damaged():
    error = refusal(png_header_only(2_000, 1_000), "trunchiat.png")

    assert error.code == "damaged"


def test_a_truncated_jpeg_is_damaged():
    content = picture_bytes(800, 600)

    error = refusal(content[: len(content) // 2])

    assert error.code == "damaged"


def test_an_animated_gif_is_refused():
    frames = [PILImage.new("RGB", (40, 40), c) for c in ("red", "green", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=100)

    error = refusal(out.getvalue(), "animatie.gif")

    assert error.code == "animated"


def test_gps_and_every_other_exif_field_are_stripped_and_the_orientation_applied():
    # Taken with the phone on its side: 1200 × 800 stored, "rotate 90°" in EXIF (6).
    exif = gps_exif(orientation=6)
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><GPSLatitude>44,26N</GPSLatitude></x:xmpmeta>'
    content = picture_bytes(1200, 800, exif=exif, xmp=xmp)
    assert PILImage.open(io.BytesIO(content)).getexif().get_ifd(ExifTags.IFD.GPSInfo)

    clean = image_clean(upload(content))

    stored = PILImage.open(io.BytesIO(clean.content))
    assert (clean.format, stored.format) == ("JPEG", "JPEG")
    assert (clean.width, clean.height) == stored.size == (800, 1200)
    assert dict(stored.getexif()) == {}
    assert not {"exif", "xmp"} & set(stored.info)
    for trace in (b"GPS", b"TelefonMarca", b"xmpmeta", b"Exif"):
        assert trace not in clean.content
    assert str(GPS_LATITUDE[2]).encode() not in clean.content


def test_an_upright_jpeg_keeps_its_pixels_and_loses_its_metadata():
    content = picture_bytes(640, 480, exif=gps_exif(orientation=1), quality=85)

    clean = image_clean(upload(content))

    assert (clean.width, clean.height) == (640, 480)
    assert b"GPS" not in clean.content
    assert len(clean.content) <= len(content)


@pytest.mark.parametrize(
    ("image_format", "mode", "color"),
    [("PNG", "RGBA", (10, 20, 30, 128)), ("WEBP", "RGB", (10, 20, 30)), ("GIF", "P", 3)],
)
def test_other_allowed_formats_are_kept_in_their_format(image_format, mode, color):
    content = picture_bytes(300, 200, image_format=image_format, mode=mode, color=color)

    clean = image_clean(upload(content, f"poza.{image_format.lower()}"))

    assert clean.format == image_format
    assert PILImage.open(io.BytesIO(clean.content)).size == (300, 200)
    assert clean.file_name.endswith("." + {"JPEG": "jpg"}.get(image_format, image_format.lower()))


def test_the_file_name_is_the_content_hash():
    clean = image_clean(upload(picture_bytes(300, 200)))

    assert clean.file_name == f"{clean.sha256[:16]}.jpg"


@pytest.mark.parametrize(
    ("original", "widths"),
    [(2000, [320, 640, 960, 1280, 1600]), (1000, [320, 640, 960]), (640, [320]), (200, [200])],
)
def test_renditions_are_never_wider_than_the_original(original, widths):
    assert rendition_widths(original, (320, 640, 960, 1280, 1600)) == widths


def test_renditions_keep_the_aspect_ratio_and_transparency():
    content = picture_bytes(1000, 500, image_format="PNG", mode="RGBA", color=(0, 0, 0, 0))

    renditions = renditions_encode(content, widths=(320, 640), formats=["webp"])

    assert [(r.width, r.height, r.format) for r in renditions] == [
        (640, 320, "webp"),
        (320, 160, "webp"),
    ]
    smallest = PILImage.open(io.BytesIO(renditions[-1].content))
    assert (smallest.format, smallest.size, smallest.mode) == ("WEBP", (320, 160), "RGBA")
