"""Pictures made with Pillow, and library images stored through the upload service."""

import io

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags
from PIL import Image as PILImage

from gazeta.media.models import Image
from gazeta.media.services import image_renditions_make, image_upload

GPS_LATITUDE = (44.0, 26.0, 12.5)  # Bucharest, where the photographer stood


def picture_bytes(
    width=1200, height=800, *, image_format="JPEG", mode="RGB", color=(30, 110, 190), **save
) -> bytes:
    picture = PILImage.new(mode, (width, height), color)
    out = io.BytesIO()
    picture.save(out, image_format, **save)
    return out.getvalue()


def gps_exif(*, orientation: int = 1) -> PILImage.Exif:
    """EXIF as a phone writes it: camera, orientation and where the picture was taken."""
    exif = PILImage.Exif()
    exif[ExifTags.Base.Make] = "TelefonMarca"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: GPS_LATITUDE,
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (26.0, 6.0, 3.0),
    }
    return exif


def upload(content: bytes, name: str = "poza.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


class ImageFactory(factory.django.DjangoModelFactory):
    """A library image stored by ``image_upload`` (cleaned, on disk). Its renditions are
    not made: use ``RenderedImageFactory`` or call ``image_renditions_make``."""

    class Meta:
        model = Image

    alt_text = factory.Sequence(lambda n: f"Podul peste Bahlui, fotografia {n}")
    caption = "Podul de pe strada Morii, redeschis circulației."
    photographer = "Ana Pop"
    agency = "Agerpres"
    width = 1200
    height = 800

    @classmethod
    def _create(cls, model_class, *, width, height, **fields):
        return image_upload(file=upload(picture_bytes(width, height)), **fields)


class RenderedImageFactory(ImageFactory):
    @classmethod
    def _create(cls, model_class, **fields):
        image = super()._create(model_class, **fields)
        image_renditions_make(image=image)
        return image
