from datetime import timedelta

import factory
from django.utils import timezone

from gazeta.newsroom.models import Agency, Article, Author, Byline, Credit, Section, Tag


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Secțiunea {n}")
    slug = factory.Sequence(lambda n: f"sectiunea-{n}")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Ioana Reporter {n}")
    slug = factory.Sequence(lambda n: f"ioana-reporter-{n}")


class DeskFactory(AuthorFactory):
    name = "Redacția Gazeta"
    slug = "redactia-gazeta"
    is_desk = True

    class Meta:
        model = Author
        django_get_or_create = ["slug"]


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"Subiect {n}")
    slug = factory.Sequence(lambda n: f"subiect-{n}")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ["slug"]

    name = "Agerpres"
    slug = "agerpres"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        # The hooks below write Byline/Credit rows; the article itself needs no second save.
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Știre de test numărul {n}")
    slug = factory.Sequence(lambda n: f"stire-de-test-{n}")
    section = factory.SubFactory(SectionFactory)
    standfirst = "Primăria a anunțat azi un nou program pentru cartierele din oraș."
    body = "<p>Primul paragraf.</p><h2>Subtitlu</h2><p>Al doilea paragraf.</p>"
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            for i, author in enumerate(extracted):
                Byline.objects.create(article=self, author=author, position=i)

    @factory.post_generation
    def agencies(self, create, extracted, **kwargs):
        if create and extracted:
            for i, agency in enumerate(extracted):
                Credit.objects.create(article=self, agency=agency, position=i)


class DraftFactory(ArticleFactory):
    status = Article.Status.DRAFT
    published_at = None


def unreleased_articles(*, section, now):
    """Three articles no reader may see yet: a draft, a published one dated in the future
    and a scheduled one whose time has not come."""
    return [
        DraftFactory(section=section, slug="ciorna"),
        ArticleFactory(section=section, slug="viitor", published_at=now + timedelta(minutes=5)),
        ArticleFactory(
            section=section,
            slug="programat",
            status=Article.Status.SCHEDULED,
            published_at=now + timedelta(hours=1),
        ),
    ]
