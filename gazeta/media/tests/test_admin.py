"""The image library in the admin: uploads with their errors, thumbnails, search, the
body editor's picker."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.urls import reverse

from gazeta.media.models import Image
from gazeta.media.services import image_renditions_make
from gazeta.newsroom.tests.html import parse

from .factories import ImageFactory, gps_exif, picture_bytes, upload

pytestmark = pytest.mark.django_db

ADD = "admin:media_image_add"


@pytest.fixture
def photo_editor(client):
    user = get_user_model().objects.create_user(username="foto", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="media",
            codename__in=["add_image", "change_image", "view_image"],
        )
    )
    client.force_login(user)
    return user


def upload_form(content: bytes, name: str = "poza.jpg", **fields) -> dict:
    return {
        "upload": upload(content, name),
        "alt_text": "Tramvaiul 3 în stația Copou",
        "caption": "Tramvaiul circulă din nou.",
        "photographer": "Ana Pop",
        "agency": "Agerpres",
    } | fields


def form_errors(response) -> dict:
    return response.context["adminform"].form.errors


def test_upload_through_the_admin_stores_a_clean_image(client, photo_editor, media_root):
    response = client.post(reverse(ADD), upload_form(picture_bytes(1000, 600, exif=gps_exif())))

    assert response.status_code == 302
    image = Image.objects.get()
    assert (image.alt_text, image.credit) == ("Tramvaiul 3 în stația Copou", "Ana Pop / Agerpres")
    assert image.uploaded_by == photo_editor
    assert b"GPS" not in (media_root / image.file.name).read_bytes()


def test_upload_queues_renditions_that_the_task_makes(
    client, photo_editor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse(ADD), upload_form(picture_bytes(1000, 600)))

    assert [r.width for r in Image.objects.get().rendition_list()] == [320, 640, 960]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"%PDF-1.4 un document, nu o poza", "document.jpg", "nu este o imagine"),
        (picture_bytes(200, 100, image_format="BMP"), "poza.bmp", "nu este o imagine"),
    ],
)
def test_a_refused_file_comes_back_as_an_error_on_the_form(
    client, photo_editor, content, name, message
):
    response = client.post(reverse(ADD), upload_form(content, name))

    assert response.status_code == 200
    assert message in form_errors(response)["upload"][0]
    assert not Image.objects.exists()


def test_too_many_pixels_and_bytes_are_explained_on_the_form(client, photo_editor, settings):
    settings.GAZETA_IMAGE_MAX_PIXELS = 1_000_000
    settings.GAZETA_IMAGE_MAX_BYTES = 50_000

    pixels = client.post(reverse(ADD), upload_form(picture_bytes(1500, 1000)))
    size = client.post(reverse(ADD), upload_form(picture_bytes(200, 100) + b"\0" * 60_000))

    assert "1500 × 1000" in form_errors(pixels)["upload"][0]
    assert "limit" in form_errors(size)["upload"][0]
    assert not Image.objects.exists()


def test_alt_text_is_required_on_the_form(client, photo_editor):
    response = client.post(reverse(ADD), upload_form(picture_bytes(300, 200), alt_text=" "))

    assert response.status_code == 200
    assert "alt_text" in form_errors(response)
    assert not Image.objects.exists()


def test_upload_form_says_what_is_accepted(client, photo_editor):
    response = client.get(reverse(ADD))

    field = parse(response.content.decode()).find("input", name="upload")
    assert field["accept"] == "image/jpeg,image/png,image/webp,image/gif"
    assert "JPEG, PNG, WEBP, GIF" in response.content.decode()


def test_changing_an_image_edits_its_description_never_its_file(client, photo_editor):
    image = ImageFactory()
    file_name = image.file.name

    response = client.post(
        reverse("admin:media_image_change", args=[image.pk]),
        {"alt_text": "Alt text nou", "caption": "", "photographer": "Ion", "agency": ""},
    )

    assert response.status_code == 302
    image.refresh_from_db()
    assert (image.alt_text, image.credit, image.file.name) == ("Alt text nou", "Ion", file_name)


def test_library_lists_thumbnails_and_searches_by_credit(client, photo_editor):
    with_renditions = ImageFactory(photographer="Mihai Stan", agency="")
    image_renditions_make(image=with_renditions)
    ImageFactory(photographer="Ana Pop")

    response = client.get(reverse("admin:media_image_changelist"), {"q": "Mihai"})

    assert [i.pk for i in response.context["cl"].result_list] == [with_renditions.pk]
    thumbnail = parse(response.content.decode()).find("img", class_="media-thumbnail")
    assert thumbnail["src"] == with_renditions.rendition_list()[0].url


def test_picker_offers_library_images_with_what_the_editor_needs(client, photo_editor):
    image = ImageFactory(caption="Podul nou")
    ImageFactory(alt_text="Altceva", caption="")

    response = client.get(
        reverse("admin:media_image_picker"), {"q": "Podul", "CKEditorFuncNum": "-1"}
    )

    assert response.status_code == 200
    choices = parse(response.content.decode()).find_all("button", class_="image-picker__choice")
    assert [(c["data-id"], c["data-url"], c["data-alt"], c["data-caption"]) for c in choices] == [
        (str(image.pk), image.url, image.alt_text, "Podul nou")
    ]
    assert "media/image-picker.js" in response.content.decode()


def test_picker_is_refused_without_the_library_permission(client):
    user = get_user_model().objects.create_user(username="cititor", is_staff=True)
    client.force_login(user)

    assert client.get(reverse("admin:media_image_picker")).status_code == 403


def test_change_page_previews_a_rendition_rather_than_the_original(client, photo_editor):
    image = ImageFactory(width=1000, height=600)
    image_renditions_make(image=image)

    response = client.get(reverse("admin:media_image_change", args=[image.pk]))

    preview = parse(response.content.decode()).find("img", alt=image.alt_text)
    assert preview["src"] == image.rendition_list()[1].url  # 640 wide, for a 480 preview
    assert (preview["width"], preview["height"]) == ("480", "288")
    assert "WEBP 320px" in response.content.decode()
