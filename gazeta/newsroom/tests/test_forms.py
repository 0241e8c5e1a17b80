"""The article admin form's body editor: configured for the newsroom's blocks, and whatever
it posts stored through the importer's sanitiser."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from gazeta.newsroom.forms import ArticleAdminForm
from gazeta.newsroom.models import Article

from .admin_forms import article_form
from .factories import SectionFactory
from .html import parse

pytestmark = pytest.mark.django_db

EDITOR_OUTPUT = (
    "<h2>Ce s-a votat</h2><p>Consilierii au aprobat <strong>bugetul</strong>.</p>"
    '<iframe src="https://www.youtube.com/watch?v=dQw4w9WgXcQ" title="Ședința"></iframe>'
    '<iframe src="https://rau.example/player" title="Altceva"></iframe>'
    '<p><a href="javascript:alert(1)">legătură</a><img src="x" onerror="alert(1)"></p>'
)


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser(username="sef", password="x")
    client.force_login(user)
    return client


def admin_article_data(section, **overrides):
    new = Article(section=section, headline="Bugetul a fost votat", slug="bugetul-a-fost-votat")
    return article_form(new, release=True, **overrides)


def test_form_cleans_the_editor_output_with_the_body_sanitiser():
    form = ArticleAdminForm(data={"body": EDITOR_OUTPUT})

    assert form.is_valid(), form.errors
    tree = parse(form.cleaned_data["body"])
    assert [n.tag for n in tree.children] == ["h2", "p", "iframe", "p"]
    assert tree.find("iframe")["src"] == "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"
    assert "rau.example" not in form.cleaned_data["body"]
    assert "alert" not in form.cleaned_data["body"]


def test_editor_output_posted_through_the_admin_is_stored_sanitised(admin_client):
    section = SectionFactory()

    response = admin_client.post(
        reverse("admin:newsroom_article_add"), admin_article_data(section, body=EDITOR_OUTPUT)
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    body = Article.objects.get(slug="bugetul-a-fost-votat").body
    assert body.startswith("<h2>Ce s-a votat</h2>")
    assert body.count("<iframe") == 1 and "youtube-nocookie.com/embed/dQw4w9WgXcQ" in body
    assert "javascript" not in body and "onerror" not in body


def test_admin_form_shows_the_configured_editor_and_the_featured_image_field(admin_client):
    response = admin_client.get(reverse("admin:newsroom_article_add"))

    html = response.content.decode()
    textarea = parse(html).find("textarea", name="body")
    config = json.loads(textarea["data-django-prose-editor-configurable"])
    extensions = config["extensions"]
    assert extensions["Heading"] == {"levels": [2, 3]}
    assert {"Bold", "Italic", "Blockquote", "BulletList", "OrderedList", "Link", "Embed"} <= set(
        extensions
    )
    assert extensions["Figure"]["pickerUrl"] == reverse("admin:media_image_picker")
    assert any(m.endswith("/media/editor-embed.js") for m in config["js_modules"])
    assert '<script type="importmap"' in html and "django_prose_editor/editor.js" in html
    assert 'name="featured_image"' in html
