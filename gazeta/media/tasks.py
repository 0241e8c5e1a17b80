"""Slow follow-ups of image library services, run by the task backend (see README, Production)."""

from django.tasks import task

from .models import Image
from .services import image_renditions_make


@task
def make_image_renditions(image_id: int) -> int:
    """Make and store the renditions of one image (see ``image_renditions_make``). Returns how
    many were made; 0 when the image was deleted in the meantime."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        return 0
    return len(image_renditions_make(image=image))
