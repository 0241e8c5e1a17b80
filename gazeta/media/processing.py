"""Pillow work for the image library: checking and cleaning an upload, making renditions.
Pure functions over bytes and files; ``services`` stores what they return."""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import ExifTags, ImageOps, UnidentifiedImageError
from PIL import Image as PILImage

EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# Keys of Image.info worth keeping in a cleaned original: colour profile and transparency.
# Everything else (exif, xmp, comment, dpi, …) is dropped.
KEPT_INFO = ("icc_profile", "transparency")
# Encoder options per rendition format. AVIF's speed 8 keeps it near a second per image.
RENDITION_OPTIONS = {
    "webp": {"format": "WEBP", "method": 4},
    "avif": {"format": "AVIF", "speed": 8},
}
# Errors Pillow raises for a file it cannot read: unknown format, truncated or corrupt data.
UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)


@dataclass(frozen=True)
class CleanImage:
    """An accepted upload, re-encoded without metadata and with its orientation applied."""

    content: bytes
    format: str
    width: int
    height: int

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    @property
    def file_name(self) -> str:
        return f"{self.sha256[:16]}.{EXTENSIONS[self.format]}"


@dataclass(frozen=True)
class EncodedRendition:
    content: bytes
    format: str
    width: int
    height: int


def _allowed_formats() -> list[str]:
    return list(settings.GAZETA_IMAGE_FORMATS)


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.0f}"


def image_check_size(size: int) -> None:
    """Refuse a file larger than ``GAZETA_IMAGE_MAX_BYTES`` before anything reads it."""
    limit = settings.GAZETA_IMAGE_MAX_BYTES
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
        )


def _not_an_image() -> ValidationError:
    return ValidationError(
        _("This file is not an image we can read (allowed: %(formats)s)."),
        code="not_an_image",
        params={"formats": ", ".join(_allowed_formats())},
    )


def _too_many_pixels(width: int | None = None, height: int | None = None) -> ValidationError:
    limit = settings.GAZETA_IMAGE_MAX_PIXELS
    if width and height:
        return ValidationError(
            _(
                "The image is %(width)s × %(height)s pixels (%(megapixels)s megapixels); "
                "the limit is %(limit)s megapixels."
            ),
            code="too_many_pixels",
            params={
                "width": width,
                "height": height,
                "megapixels": _megapixels(width * height),
                "limit": _megapixels(limit),
            },
        )
    return ValidationError(
        _("The image has more than %(limit)s megapixels."),
        code="too_many_pixels",
        params={"limit": _megapixels(limit)},
    )


def _open(data: bytes) -> PILImage.Image:
    """Open ``data`` reading only its header. Pillow's decompression-bomb warning is an error
    here, so a bomb is refused even before our own pixel limit is checked."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            return PILImage.open(io.BytesIO(data))
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning):
            raise _too_many_pixels() from None
        except UNREADABLE:
            raise _not_an_image() from None


def image_clean(upload) -> CleanImage:
    """Check an uploaded file and return it cleaned, or raise ``ValidationError``.

    In order: size in bytes, a real image in an allowed format, the pixel limit (read from
    the header, before any pixel is decoded), not animated, intact (``verify`` and a full
    decode). The original is then re-encoded in its own format without EXIF, GPS or XMP, its
    EXIF orientation applied to the pixels."""
    image_check_size(upload.size)
    upload.seek(0)
    data = upload.read()
    image_check_size(len(data))

    probe = _open(data)
    if probe.format not in _allowed_formats():
        raise _not_an_image()
    width, height = probe.size
    if width * height > settings.GAZETA_IMAGE_MAX_PIXELS:
        raise _too_many_pixels(width, height)
    if getattr(probe, "is_animated", False):
        raise ValidationError(
            _("Animated images are not supported: upload a still picture or embed a video."),
            code="animated",
        )
    try:
        probe.verify()
        picture = _open(data)
        picture.load()
    except ValidationError:
        raise
    except UNREADABLE:
        raise ValidationError(
            _("The image is damaged or incomplete; export it again and upload the new file."),
            code="damaged",
        ) from None
    return _reencode(picture)


def _reencode(picture: PILImage.Image) -> CleanImage:
    image_format = picture.format
    orientation = picture.getexif().get(ExifTags.Base.Orientation, 1)
    unchanged_jpeg = image_format == "JPEG" and orientation in (0, 1)
    if orientation not in (0, 1):
        picture = ImageOps.exif_transpose(picture)
    picture.info = {k: v for k, v in picture.info.items() if k in KEPT_INFO}

    options: dict = {"format": image_format}
    if image_format == "JPEG":
        if picture.mode not in ("RGB", "L"):
            picture = picture.convert("RGB")
            unchanged_jpeg = False
        # An upright JPEG keeps its own quantisation: no second generation of losses.
        options |= (
            {"quality": "keep", "subsampling": "keep"}
            if unchanged_jpeg
            else {"quality": settings.GAZETA_IMAGE_JPEG_QUALITY}
        )
    elif image_format == "WEBP":
        options |= {"quality": settings.GAZETA_IMAGE_JPEG_QUALITY}
    if icc := picture.info.get("icc_profile"):
        options["icc_profile"] = icc
    out = io.BytesIO()
    picture.save(out, **options)
    return CleanImage(
        content=out.getvalue(), format=image_format, width=picture.width, height=picture.height
    )


def rendition_widths(original_width: int, widths=None) -> list[int]:
    """The widths to make for an original: those narrower than it (never upscaled); an
    original narrower than every width gets one rendition at its own width."""
    widths = sorted(set(widths or settings.GAZETA_IMAGE_RENDITION_WIDTHS))
    chosen = [w for w in widths if w < original_width]
    return chosen or [original_width]


def renditions_encode(
    data: bytes, *, widths=None, formats=None, quality: int | None = None
) -> list[EncodedRendition]:
    """Resized copies of the image in ``data``, one per width and format."""
    formats = formats or rendition_formats()
    quality = quality or settings.GAZETA_IMAGE_RENDITION_QUALITY
    with PILImage.open(io.BytesIO(data)) as source:
        wanted = rendition_widths(source.width, widths)
        if source.format == "JPEG":
            # Let libjpeg decode at a reduced scale (still at least as large as the widest
            # rendition): several times faster for big photos.
            largest = max(wanted)
            source.draft("RGB", (largest, round(source.height * largest / source.width)))
        original_width, original_height = source.size
        picture = source.convert("RGBA" if _has_alpha(source) else "RGB")
    encoded = []
    for width in sorted(wanted, reverse=True):
        height = max(1, round(original_height * width / original_width))
        resized = (
            picture
            if (width, height) == picture.size
            else picture.resize((width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0)
        )
        for image_format in formats:
            out = io.BytesIO()
            resized.save(out, quality=quality, **RENDITION_OPTIONS[image_format])
            encoded.append(EncodedRendition(out.getvalue(), image_format, width, height))
    return encoded


def rendition_formats() -> list[str]:
    return ["avif", "webp"] if settings.GAZETA_IMAGE_AVIF else ["webp"]


def _has_alpha(picture: PILImage.Image) -> bool:
    return picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
