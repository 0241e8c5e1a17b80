from datetime import timedelta

import factory
from django.utils import timezone

from gazeta.frontpage.models import Banner, HomeSlot
from gazeta.newsroom.tests.factories import ArticleFactory


class HomeSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HomeSlot
        django_get_or_create = ["position"]

    position = 0
    article = factory.SubFactory(ArticleFactory)


class BannerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Banner

    text = factory.Sequence(lambda n: f"Ultima oră: anunț important numărul {n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=5))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(hours=1))
