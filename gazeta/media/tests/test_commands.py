import io

import pytest
from django.core.management import call_command

from .factories import ImageFactory, RenderedImageFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command("make_image_renditions", *args, stdout=out)
    return out.getvalue()


def test_command_makes_the_missing_renditions_only():
    waiting = ImageFactory(width=700, height=400)
    done = RenderedImageFactory(width=700, height=400)
    before = list(done.renditions)

    assert run() == "Made renditions for 1 image(s).\n"

    waiting.refresh_from_db()
    done.refresh_from_db()
    assert [r.width for r in waiting.rendition_list()] == [320, 640]
    assert done.renditions == before


def test_command_remakes_every_image_after_a_settings_change(settings):
    image = RenderedImageFactory(width=700, height=400)
    settings.GAZETA_IMAGE_RENDITION_WIDTHS = (500,)

    assert run("--all", "--enqueue") == "Queued 1 image(s).\n"  # the immediate backend runs it

    image.refresh_from_db()
    assert [r.width for r in image.rendition_list()] == [500]
