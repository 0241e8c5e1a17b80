from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import models

from gazeta.comments.models import Comment
from gazeta.newsroom.models import (
    RESERVED_SECTION_SLUGS,
    Agency,
    Article,
    Author,
    Section,
    Tag,
)

from .factories import (
    AgencyFactory,
    ArticleFactory,
    AuthorFactory,
    DraftFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

# Legacy cedilla letters, a letter plus COMBINING CEDILLA, and control characters.
DIRTY = "\u015eCOALA \u0162ARA \u015fi \u0163ara, s\u0327i t\u0327\x07\x1b\x00 gata\tbine"
LEGACY_OR_CONTROL = set("\u015e\u015f\u0162\u0163\u0327\x00\x07\x1b")
CLEAN = "\u0218COALA \u021aARA \u0219i \u021bara, \u0219i \u021b gata\tbine"


def stored_text_fields(model) -> list[models.Field]:
    """Free text columns a reader or editor types: every Char/TextField except e-mail
    addresses, URLs, slugs and fixed choices."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.EmailField | models.URLField | models.SlugField)
        and not field.choices
    ]


def make(model):
    """An unsaved, valid-enough row of ``model`` whose text fields are then overwritten."""
    if model is Article:
        return ArticleFactory.build(section=SectionFactory())
    if model is Comment:
        return Comment(article=ArticleFactory(), name="x", email="cititor@exemplu.ro", body="x")
    factory = {
        Section: SectionFactory,
        Author: AuthorFactory,
        Tag: TagFactory,
        Agency: AgencyFactory,
    }[model]
    return factory.build()


TEXT_MODELS = [Article, Section, Author, Tag, Agency, Comment]


def test_every_model_with_reader_visible_text_is_covered():
    for model in TEXT_MODELS:
        assert stored_text_fields(model), model
    names = {f.name for f in stored_text_fields(Article)}
    assert {"headline", "standfirst", "body"} <= names
    assert {"name", "body"} <= {f.name for f in stored_text_fields(Comment)}


@pytest.mark.parametrize("model", TEXT_MODELS, ids=lambda m: m.__name__)
def test_every_stored_text_field_gets_comma_below_diacritics_and_no_control_chars(model):
    obj = make(model)
    fields = stored_text_fields(model)
    for field in fields:
        setattr(obj, field.attname, DIRTY[: field.max_length] if field.max_length else DIRTY)
    obj.save()
    obj.refresh_from_db()
    for field in fields:
        stored = getattr(obj, field.attname)
        where = f"{model.__name__}.{field.name}"
        # Derived columns (rendered HTML) may wrap the text; typed ones hold exactly it.
        assert stored == CLEAN if field.editable else CLEAN in stored, where
        assert not set(stored) & LEGACY_OR_CONTROL, where


@pytest.mark.parametrize("model", TEXT_MODELS, ids=lambda m: m.__name__)
def test_text_is_normalised_again_when_a_row_is_edited(model):
    obj = make(model)
    obj.save()
    field = stored_text_fields(model)[0]
    setattr(obj, field.attname, "Ţară")
    obj.save()
    obj.refresh_from_db()
    assert getattr(obj, field.attname) == "Țară"


def test_text_created_through_the_manager_is_normalised():
    section = Section.objects.create(name="Ştiri externe", slug="externe")
    assert Section.objects.get(pk=section.pk).name == "Știri externe"


def test_email_and_url_fields_are_stored_untouched():
    article = ArticleFactory()
    comment = Comment.objects.create(
        article=article,
        name="Ştefan",
        email="\u015ftefan@exemplu.ro",
        website="https://exemplu.ro/\u015ftiri",
        body="Bine",
    )
    agency = Agency.objects.create(name="Ştiri", slug="stiri", url="https://exemplu.ro/\u0163ara")
    comment.refresh_from_db()
    agency.refresh_from_db()
    assert comment.name == "Ștefan"
    assert comment.email == "\u015ftefan@exemplu.ro"
    assert comment.website == "https://exemplu.ro/\u015ftiri"
    assert agency.url == "https://exemplu.ro/\u0163ara"


def test_article_body_is_normalised_inside_html():
    article = ArticleFactory(body="<p>Ministrul a declarat: „Ţara are nevoie de şcoli”.</p>")
    article.refresh_from_db()
    assert article.body == "<p>Ministrul a declarat: „Țara are nevoie de școli”.</p>"


@pytest.mark.parametrize("slug", sorted(RESERVED_SECTION_SLUGS - {"sitemap.xml", "robots.txt"}))
def test_reserved_section_slugs_are_rejected_by_validation(slug):
    section = Section(name=f"Secțiune {slug}", slug=slug)
    with pytest.raises(ValidationError) as error:
        section.full_clean()
    assert "slug" in error.value.message_dict


def test_every_site_path_is_reserved_for_sections():
    """A section may not take a first path segment the site answers itself."""
    from gazeta import urls
    from gazeta.newsroom import urls as newsroom_urls

    patterns = [*urls.urlpatterns, *newsroom_urls.urlpatterns]
    first_segments = {str(p.pattern).split("/")[0] for p in patterns} - {""}
    first_segments = {s for s in first_segments if "<" not in s}
    assert first_segments, "no fixed site paths found"
    assert first_segments <= RESERVED_SECTION_SLUGS
    assert {"static", "media", "feed"} <= RESERVED_SECTION_SLUGS


def test_ordinary_section_slug_is_valid():
    Section(name="Internațional", slug="international").full_clean()


class TestPublishedQuerySet:
    def test_published_with_past_time_is_published(self, now):
        article = ArticleFactory(published_at=now - timedelta(minutes=1))
        assert list(Article.objects.published()) == [article]
        assert article.is_published

    def test_draft_is_not_published(self, now):
        DraftFactory()
        assert not Article.objects.published().exists()

    def test_published_with_future_time_is_not_published(self, now):
        article = ArticleFactory(published_at=now + timedelta(minutes=1))
        assert not Article.objects.published().exists()
        assert not article.is_published

    def test_scheduled_in_the_future_is_not_published(self, now):
        article = ArticleFactory(
            status=Article.Status.SCHEDULED, published_at=now + timedelta(hours=2)
        )
        assert not Article.objects.published().exists()
        assert not article.is_published

    def test_scheduled_whose_time_has_passed_is_published(self, now, time_machine):
        article = ArticleFactory(
            status=Article.Status.SCHEDULED, published_at=now + timedelta(hours=2)
        )
        time_machine.move_to(now + timedelta(hours=2), tick=False)
        assert list(Article.objects.published()) == [article]
        assert article.is_published

    def test_published_at_exactly_now_is_published(self, now):
        ArticleFactory(published_at=now)
        assert Article.objects.published().count() == 1

    def test_released_article_without_time_is_refused_by_the_database(self):
        from django.db import IntegrityError

        with pytest.raises(IntegrityError):
            ArticleFactory(published_at=None)


class TestWasRevised:
    @pytest.mark.parametrize(
        ("delay", "expected"),
        [
            (None, False),
            (timedelta(seconds=0), False),
            (timedelta(seconds=60), False),
            (timedelta(seconds=61), True),
            (timedelta(hours=3), True),
        ],
    )
    def test_updated_only_when_revised_more_than_a_minute_after_publication(
        self, now, delay, expected
    ):
        article = ArticleFactory.build(
            published_at=now, revised_at=None if delay is None else now + delay
        )
        assert article.was_revised is expected


def test_absolute_url_is_section_then_slug():
    article = ArticleFactory(section=SectionFactory(slug="international"), slug="o-stire")
    assert article.get_absolute_url() == "/international/o-stire/"
