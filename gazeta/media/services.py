"""Writes to the image library: uploads, renditions, deletion. Admin, commands and tasks all
call these."""

import hashlib
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from .models import RENDITIONS_DIR, Image
from .processing import CleanImage, image_clean, renditions_encode

logger = logging.getLogger(__name__)


def _enqueue_renditions(image_id: int) -> None:
    from .tasks import make_image_renditions

    make_image_renditions.enqueue(image_id)


@transaction.atomic
def image_upload(
    *,
    file,
    alt_text: str,
    caption: str = "",
    photographer: str = "",
    agency: str = "",
    uploaded_by=None,
    image: Image | None = None,
) -> Image:
    """Store an uploaded picture in the library and queue its renditions after the commit.

    ``file`` is an uploaded file (checked and cleaned here, ``ValidationError`` when refused)
    or a ``CleanImage`` a form already made. ``image`` is an unsaved instance to fill (the
    admin's), else a new one is created. The stored original has no metadata."""
    clean = file if isinstance(file, CleanImage) else image_clean(file)
    image = image or Image()
    image.alt_text = alt_text
    image.caption = caption
    image.photographer = photographer
    image.agency = agency
    image.uploaded_by = uploaded_by
    image.format = clean.format
    image.file_size = len(clean.content)
    image.sha256 = clean.sha256
    image.renditions = []
    image.full_clean(exclude=["file"])
    image.file.save(clean.file_name, ContentFile(clean.content), save=False)
    image.width, image.height = clean.width, clean.height
    image.save()
    transaction.on_commit(lambda: _enqueue_renditions(image.pk))
    return image


def _rendition_name(image: Image, content: bytes, image_format: str, width: int) -> str:
    digest = hashlib.sha256(content).hexdigest()[:12]
    return f"{RENDITIONS_DIR}/{image.pk}/{width}w-{digest}.{image_format}"


def image_renditions_make(*, image: Image) -> list[dict]:
    """Make the image's renditions (widths and formats from settings), store their files and
    record them on the image in one update. Files of an earlier set that are no longer
    listed are deleted after the commit. Returns the new list."""
    with image.file.open("rb") as original:
        data = original.read()
    renditions = []
    for encoded in renditions_encode(data):
        name = _rendition_name(image, encoded.content, encoded.format, encoded.width)
        # A content-hashed name that exists already holds these very bytes.
        # Two workers racing may both save; the second copy gets a suffix, same bytes.
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(encoded.content))
        renditions.append(
            {
                "name": name,
                "format": encoded.format,
                "width": encoded.width,
                "height": encoded.height,
                "bytes": len(encoded.content),
            }
        )
    with transaction.atomic():
        current = Image.objects.select_for_update().filter(pk=image.pk).first()
        if current is None:  # deleted meanwhile: its files go too
            _delete_files([r["name"] for r in renditions])
            return []
        stale = {r["name"] for r in current.renditions or []} - {r["name"] for r in renditions}
        Image.objects.filter(pk=image.pk).update(renditions=renditions)
        if stale:
            transaction.on_commit(lambda: _delete_files(sorted(stale)))
    image.renditions = renditions
    return renditions


def image_delete(*, image: Image) -> None:
    """Delete an image; its original and renditions leave the disk after the commit. Articles
    that featured it lose their featured image; body figures showing it stop being shown."""
    names = [image.file.name, *(r["name"] for r in image.renditions or [])]
    with transaction.atomic():
        image.delete()
        transaction.on_commit(lambda: _delete_files(names))


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not delete media file %s", name, exc_info=True)
