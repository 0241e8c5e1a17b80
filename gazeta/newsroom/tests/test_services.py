from datetime import timedelta

import pytest

from gazeta.newsroom.models import Article, ArticleRedirect, Author, Section
from gazeta.newsroom.services import (
    agency_get_or_create,
    article_save,
    author_get_or_create,
    section_get_or_create,
    tag_get_or_create,
    unique_slug,
)

from .factories import (
    AgencyFactory,
    ArticleFactory,
    AuthorFactory,
    DraftFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


def new_article(headline: str, **fields) -> Article:
    fields.setdefault("section", SectionFactory())
    fields.setdefault("status", Article.Status.DRAFT)
    return article_save(article=Article(headline=headline, **fields))


class TestSlugs:
    def test_slug_is_made_from_a_romanian_headline(self):
        article = new_article("Ştiinţa şi învăţământul în România: ce urmează")
        assert article.slug == "stiinta-si-invatamantul-in-romania-ce-urmeaza"
        assert article.slug.isascii()

    def test_same_headline_gets_numbered_slugs(self):
        slugs = [new_article("Ședința consiliului local").slug for _ in range(3)]
        assert slugs == [
            "sedinta-consiliului-local",
            "sedinta-consiliului-local-2",
            "sedinta-consiliului-local-3",
        ]

    def test_cedilla_and_comma_headlines_share_one_slug_sequence(self):
        first = new_article("Şedinţa de azi")
        second = new_article("Ședința de azi")
        assert (first.slug, second.slug) == ("sedinta-de-azi", "sedinta-de-azi-2")

    def test_long_headline_gives_a_slug_cut_at_a_word_boundary(self):
        headline = "Primăria municipiului anunță lucrări de modernizare " * 4
        article = new_article(headline)
        assert len(article.slug) <= 80
        full = "-".join(["primaria-municipiului-anunta-lucrari-de-modernizare"] * 4)
        assert full.startswith(article.slug + "-")

    def test_long_duplicate_headlines_still_get_unique_slugs_that_fit(self):
        headline = "Consiliul Județean a votat " + "bugetul " * 20
        slugs = {new_article(headline).slug for _ in range(3)}
        assert len(slugs) == 3
        assert all(len(s) <= Article._meta.get_field("slug").max_length for s in slugs)

    def test_unique_slug_ignores_the_row_being_edited(self):
        article = ArticleFactory(slug="stire")
        assert unique_slug(Article, "Știre", exclude_pk=article.pk) == "stire"
        assert unique_slug(Article, "Știre") == "stire-2"

    def test_unique_slug_falls_back_to_the_model_name_for_a_headline_without_letters(self):
        assert unique_slug(Article, "„…”") == "article"

    def test_saving_again_keeps_the_slug(self):
        article = new_article("Vremea de mâine")
        article.headline = "Vremea de poimâine"
        article_save(article=article)
        article.refresh_from_db()
        assert article.slug == "vremea-de-maine"

    def test_article_save_normalises_text_and_sanitises_the_body(self):
        article = new_article(
            "Ţara",
            standfirst="Şcoli",
            body='<p onclick="x()">Paragraf ş<script>alert(1)</script></p>',
        )
        article.refresh_from_db()
        assert (article.headline, article.standfirst) == ("Țara", "Școli")
        assert article.body == "<p>Paragraf ș</p>"

    def test_published_article_without_a_time_is_refused(self):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            new_article("Fără oră", status=Article.Status.PUBLISHED)
        assert not Article.objects.exists()


class TestGetOrCreate:
    def test_section_is_found_by_slug_whatever_the_diacritics(self):
        created = section_get_or_create(name="Ştiinţă ")
        assert (created.name, created.slug) == ("Știință", "stiinta")
        assert section_get_or_create(name="Știință") == created
        assert Section.objects.count() == 1

    def test_reserved_section_name_is_refused(self):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError):
            section_get_or_create(name="Admin")
        assert not Section.objects.exists()

    @pytest.mark.parametrize("name", ["Redacţia BZI", "Redacția BZI", "REDACTIA BZI"])
    def test_author_named_redactia_is_a_desk(self, name):
        author = author_get_or_create(name=name)
        assert author.is_desk
        assert author.slug == "redactia-bzi"

    def test_person_is_not_a_desk_and_is_found_again(self):
        author = author_get_or_create(name="Ştefan Popescu")
        assert (author.name, author.is_desk) == ("Ștefan Popescu", False)
        assert author_get_or_create(name="Ștefan Popescu") == author
        assert Author.objects.count() == 1

    def test_agency_and_tag_are_created_once(self):
        assert agency_get_or_create(name="AFP") == agency_get_or_create(name="AFP ")
        tag = tag_get_or_create(name="Educaţie")
        assert (tag.name, tag.slug) == ("Educație", "educatie")
        assert tag_get_or_create(name="Educație") == tag


class TestBylinesAndCredits:
    def test_authors_and_agencies_are_stored_in_the_given_order(self):
        ana, bogdan = AuthorFactory(name="Ana"), AuthorFactory(name="Bogdan")
        afp, agerpres = AgencyFactory(name="AFP", slug="afp"), AgencyFactory()
        article = article_save(
            article=DraftFactory.build(section=SectionFactory()),
            authors=[bogdan, ana],
            agencies=[afp, agerpres],
        )
        assert [b.author for b in article.bylines.order_by("position")] == [bogdan, ana]
        assert [c.agency for c in article.credits.order_by("position")] == [afp, agerpres]

    def test_saving_again_replaces_bylines(self):
        ana, bogdan = AuthorFactory(), AuthorFactory()
        article = article_save(
            article=DraftFactory.build(section=SectionFactory()), authors=[ana, bogdan]
        )
        article_save(article=article, authors=[bogdan])
        assert [b.author for b in article.bylines.all()] == [bogdan]

    def test_saving_without_authors_keeps_bylines(self):
        ana = AuthorFactory()
        article = article_save(article=DraftFactory.build(section=SectionFactory()), authors=[ana])
        article_save(article=article)
        assert [b.author for b in article.bylines.all()] == [ana]


class TestAddressChanges:
    def test_slug_change_of_published_article_leaves_its_old_address(self, now):
        article = ArticleFactory(slug="vechi", section=SectionFactory(slug="local"))
        article.slug = "nou"
        article_save(article=article)
        assert list(ArticleRedirect.objects.values_list("old_path", "article")) == [
            ("/local/vechi/", article.pk)
        ]

    def test_section_move_of_published_article_leaves_its_old_address(self, now):
        article = ArticleFactory(slug="stire", section=SectionFactory(slug="local"))
        article.section = SectionFactory(slug="national")
        article_save(article=article)
        assert ArticleRedirect.objects.get().old_path == "/local/stire/"

    def test_renaming_back_removes_the_redirect_that_would_shadow_it(self, now):
        article = ArticleFactory(slug="a", section=SectionFactory(slug="local"))
        article.slug = "b"
        article_save(article=article)
        article.slug = "a"
        article_save(article=article)
        assert list(ArticleRedirect.objects.values_list("old_path", flat=True)) == ["/local/b/"]

    def test_slug_change_of_a_draft_leaves_no_redirect(self, now):
        article = DraftFactory(slug="ciorna")
        article.slug = "ciorna-noua"
        article_save(article=article)
        assert not ArticleRedirect.objects.exists()

    def test_slug_change_of_a_future_scheduled_article_leaves_no_redirect(self, now):
        article = ArticleFactory(
            slug="programat",
            status=Article.Status.SCHEDULED,
            published_at=now + timedelta(days=1),
        )
        article.slug = "programat-nou"
        article_save(article=article)
        assert not ArticleRedirect.objects.exists()

    def test_unchanged_address_leaves_no_redirect(self, now):
        article = ArticleFactory()
        article.standfirst = "Alt rezumat."
        article_save(article=article)
        assert not ArticleRedirect.objects.exists()


class TestRevisedAt:
    def test_text_change_of_published_article_sets_the_updated_time(self, now, time_machine):
        article = ArticleFactory(published_at=now)
        time_machine.move_to(now + timedelta(hours=2), tick=False)
        article.body = "<p>Text corectat.</p>"
        article_save(article=article)
        article.refresh_from_db()
        assert article.revised_at == now + timedelta(hours=2)
        assert article.was_revised

    def test_draft_edits_set_no_updated_time(self, now):
        article = DraftFactory()
        article.body = "<p>Alt text.</p>"
        article_save(article=article)
        assert article.revised_at is None

    def test_non_text_change_sets_no_updated_time(self, now):
        article = ArticleFactory(published_at=now - timedelta(hours=1))
        article.is_featured = True
        article_save(article=article)
        assert article.revised_at is None

    def test_an_updated_time_given_by_the_caller_is_kept(self, now):
        article = ArticleFactory(published_at=now - timedelta(hours=3))
        given = now - timedelta(hours=1)
        article.body = "<p>Preluat din nou.</p>"
        article.revised_at = given
        article_save(article=article)
        assert article.revised_at == given
