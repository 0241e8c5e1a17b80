from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gazeta.frontpage.models import slot_label
from gazeta.frontpage.services import slot_pin
from gazeta.newsroom.models import Article


def aware_datetime(value: str) -> datetime:
    """An ISO 8601 time; without an offset it is read in the site's time zone."""
    moment = datetime.fromisoformat(value)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment)


class Command(BaseCommand):
    help = (
        "Pin articles to the home page: the first to --slot (0, the top story, by default), "
        "the next ones to the following featured slots. Articles are named by slug or by "
        "external id. Pinning the same articles again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("articles", nargs="+", help="Slug or external id of each article.")
        parser.add_argument(
            "--slot",
            type=int,
            default=0,
            help="Slot of the first article: 0 is the top story, 1… the featured stories.",
        )
        parser.add_argument(
            "--until",
            type=aware_datetime,
            help="End of the pins, e.g. 2026-11-28T08:00 (site time zone); default: none.",
        )

    @transaction.atomic
    def handle(self, *args, articles, slot, until, **options):
        for position, name in enumerate(articles, start=slot):
            article = Article.objects.filter(Q(slug=name) | Q(external_id=name)).first()
            if article is None:
                raise CommandError(f"No article with slug or external id {name!r}.")
            try:
                slot_pin(position=position, article=article, until=until)
            except ValidationError as error:
                raise CommandError(f"{name}: {' '.join(error.messages)}") from error
            self.stdout.write(f"{slot_label(position)}: {article.headline}")
