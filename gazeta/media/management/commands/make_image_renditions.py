"""Make library renditions again: after changing the widths, quality or AVIF setting, or for
images uploaded while no worker ran."""

from django.core.management.base import BaseCommand

from gazeta.media.models import Image
from gazeta.media.services import image_renditions_make
from gazeta.media.tasks import make_image_renditions


class Command(BaseCommand):
    help = "Make the renditions of library images that have none (or of all, with --all)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            dest="every",
            action="store_true",
            help="Every image, not only those without renditions (after a settings change).",
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue one task per image for the background worker instead of working here.",
        )

    def handle(self, *args, every, enqueue, **options):
        images = Image.objects.order_by("pk")
        if not every:
            images = images.filter(renditions=[])
        count = 0
        for image in images.iterator():
            if enqueue:
                make_image_renditions.enqueue(image.pk)
            else:
                image_renditions_make(image=image)
            count += 1
        verb = "Queued" if enqueue else "Made renditions for"
        self.stdout.write(f"{verb} {count} image(s).")
