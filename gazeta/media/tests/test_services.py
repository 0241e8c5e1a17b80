"""Uploading to the library, renditions made by the background task, deleting."""

import io
import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django_tasks_db.models import DBTaskResult
from PIL import Image as PILImage

from gazeta.media.models import Image
from gazeta.media.services import image_delete, image_renditions_make, image_upload
from gazeta.media.tasks import make_image_renditions

from .factories import ImageFactory, gps_exif, picture_bytes, upload

pytestmark = pytest.mark.django_db

WIDTHS = [320, 640, 960]  # of a 1000-pixel-wide original with the default settings


def on_disk(media_root: Path, name: str) -> Path:
    return media_root / name


def test_upload_stores_a_clean_original_under_its_content_hash(media_root, django_user_model):
    editor = django_user_model.objects.create_user(username="foto")

    image = image_upload(
        file=upload(picture_bytes(1000, 600, exif=gps_exif())),
        alt_text="Podul de pe strada Morii",
        photographer="Ana Pop",
        agency="Agerpres",
        uploaded_by=editor,
    )

    image.refresh_from_db()
    assert re.fullmatch(r"images/\d{4}/\d{2}/[0-9a-f]{16}\.jpg", image.file.name)
    stored = on_disk(media_root, image.file.name).read_bytes()
    assert b"GPS" not in stored and b"TelefonMarca" not in stored
    assert image.file.name.endswith(f"{image.sha256[:16]}.jpg")
    assert (image.width, image.height, image.format) == (1000, 600, "JPEG")
    assert image.file_size == len(stored)
    assert image.uploaded_by == editor
    assert image.credit == "Ana Pop / Agerpres"
    assert image.renditions == []


def test_upload_queues_the_renditions_after_the_commit(
    media_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        image = image_upload(file=upload(picture_bytes(1000, 600)), alt_text="Piața Unirii")

    # The immediate task backend ran the task inside the callback.
    assert len(callbacks) == 1
    image.refresh_from_db()
    assert [r.width for r in image.rendition_list()] == WIDTHS
    for rendition in image.rendition_list():
        pattern = rf"images/renditions/{image.pk}/{rendition.width}w-[0-9a-f]{{12}}\.webp"
        assert re.fullmatch(pattern, rendition.name)
        assert rendition.url == f"/media/{rendition.name}"
        with PILImage.open(on_disk(media_root, rendition.name)) as made:
            assert made.format == "WEBP"
            assert made.size == (rendition.width, rendition.height)
        assert rendition.height == round(600 * rendition.width / 1000)


def test_nothing_is_queued_when_the_upload_is_refused(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(ValidationError):
            image_upload(file=upload(b"nu e o imagine"), alt_text="Nimic")

    assert callbacks == []
    assert not Image.objects.exists()


@pytest.mark.parametrize("alt_text", ["", None])
def test_alt_text_is_required_by_the_service(alt_text):
    with pytest.raises(ValidationError) as caught:
        image_upload(file=upload(picture_bytes(300, 200)), alt_text=alt_text or "")

    assert "alt_text" in caught.value.message_dict
    assert not Image.objects.exists()


def test_alt_text_is_required_by_the_database():
    with pytest.raises(IntegrityError):
        Image.objects.create(file="images/2024/11/x.jpg", width=1, height=1, alt_text="")


def test_the_task_makes_the_renditions_and_reports_how_many(media_root):
    image = ImageFactory(width=1000, height=600)

    result = make_image_renditions.enqueue(image.pk)

    assert result.return_value == len(WIDTHS)
    image.refresh_from_db()
    by_width = sorted(image.renditions, key=lambda r: r["width"])
    assert image.srcset() == ", ".join(f"/media/{r['name']} {r['width']}w" for r in by_width)


def test_the_task_for_a_deleted_image_does_nothing():
    assert make_image_renditions.enqueue(987654).return_value == 0


def test_making_renditions_again_keeps_the_same_files(media_root):
    image = ImageFactory(width=1000, height=600)
    first = image_renditions_make(image=image)

    second = image_renditions_make(image=image)

    assert second == first
    files = sorted(p.name for p in (media_root / "images/renditions" / str(image.pk)).iterdir())
    assert len(files) == len(WIDTHS)


def test_renditions_no_longer_wanted_are_deleted_after_the_commit(
    media_root, settings, django_capture_on_commit_callbacks
):
    image = ImageFactory(width=1000, height=600)
    old = image_renditions_make(image=image)
    settings.GAZETA_IMAGE_RENDITION_WIDTHS = (480,)

    with django_capture_on_commit_callbacks(execute=True):
        new = image_renditions_make(image=image)

    assert [r["width"] for r in new] == [480]
    assert all(not on_disk(media_root, r["name"]).exists() for r in old)
    assert on_disk(media_root, new[0]["name"]).exists()


def test_avif_renditions_are_made_when_switched_on(settings):
    settings.GAZETA_IMAGE_AVIF = True
    settings.GAZETA_IMAGE_RENDITION_WIDTHS = (320,)
    image = ImageFactory(width=640, height=480)

    image_renditions_make(image=image)

    assert image.formats == ["avif", "webp"]
    assert image.rendition_list("avif")[0].name.endswith(".avif")


def test_an_original_narrower_than_every_width_gets_one_rendition_at_its_size():
    image = ImageFactory(width=200, height=100)

    renditions = image_renditions_make(image=image)

    assert [(r["width"], r["height"]) for r in renditions] == [(200, 100)]


def test_deleting_an_image_removes_its_files_after_the_commit(
    media_root, django_capture_on_commit_callbacks
):
    image = ImageFactory(width=1000, height=600)
    image_renditions_make(image=image)
    names = [image.file.name, *(r["name"] for r in image.renditions)]

    with django_capture_on_commit_callbacks(execute=True):
        image_delete(image=image)

    assert not Image.objects.exists()
    assert not any(on_disk(media_root, name).exists() for name in names)


def test_an_upload_keeps_the_pixels_the_reader_sees():
    image = ImageFactory(width=300, height=200)

    with image.file.open("rb") as stored:
        picture = PILImage.open(io.BytesIO(stored.read()))
        assert picture.getpixel((150, 100)) == pytest.approx((30, 110, 190), abs=3)


def test_the_database_worker_makes_the_renditions_of_an_upload(
    task_worker, django_capture_on_commit_callbacks
):
    """As in production: the upload queues a row, ``db_worker`` runs it."""
    with django_capture_on_commit_callbacks(execute=True):
        image = image_upload(file=upload(picture_bytes(1000, 600)), alt_text="Gara de Nord")
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("make_image_renditions") and queued.status == "READY"
    image.refresh_from_db()
    assert image.renditions == []

    task_worker()

    image.refresh_from_db()
    assert [r.width for r in image.rendition_list()] == WIDTHS
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
