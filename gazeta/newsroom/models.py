from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import F, Q
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gazeta.core.models import RomanianTextMixin
from gazeta.core.prepared import SlottedSQL, stand_ins
from gazeta.core.text import truncate_words
from gazeta.core.urls import reverse

from .sanitize import sanitize_body

# How many words of an article's lead describe it to search engines and link previews.
DESCRIPTION_WORDS = 40

# First path segments that belong to the site itself, never to a section.
RESERVED_SECTION_SLUGS = frozenset(
    {
        "admin",
        "autor",
        "autori",
        "arhiva",
        "cauta",
        "feed",
        "feeds",
        "static",
        "media",
        "sitemap",
        "sitemap.xml",
        "robots.txt",
        "api",
        "tag",
        "subiect",
        "comentarii",
        "corecturi",
        "healthz",
        "i18n",
        "v",
        "previzualizare",
    }
)


def validate_section_slug(value: str) -> None:
    if value in RESERVED_SECTION_SLUGS:
        raise ValidationError(_("“%(slug)s” is reserved by the site."), params={"slug": value})


class Section(RomanianTextMixin, models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, validators=[validate_section_slug]
    )
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=100)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("newsroom:section-detail", kwargs={"slug": self.slug})


class Author(RomanianTextMixin, models.Model):
    """A named journalist or a desk (“Redacția Gazeta”) that signs articles."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=150, unique=True)
    is_desk = models.BooleanField(_("is a desk"), default=False)
    bio = models.TextField(_("biography"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("newsroom:author-detail", kwargs={"slug": self.slug})


class Tag(RomanianTextMixin, models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("newsroom:tag-detail", kwargs={"slug": self.slug})


class Agency(RomanianTextMixin, models.Model):
    """A wire agency credited on articles (AFP, Agerpres, Reuters…)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    url = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("wire agency")
        verbose_name_plural = _("wire agencies")

    def __str__(self):
        return self.name


class LikelyAtMost(LessThanOrEqual):
    """``lhs <= rhs`` for a condition true of most rows: wrapped in ``likely()`` on SQLite.

    "Published until now" is true of nearly every article, but SQLite, which keeps no
    statistics on value ranges, rates every bound on a column alike and reads the index
    between the first two it meets: an archive month or a search's "until" date placed after
    it would be read from now back to the month. Marked likely, the narrower bound wins.
    PostgreSQL compares the bounds' values itself. See tests/test_archives.py (old periods)."""

    def as_sqlite(self, compiler, connection):
        sql, params = self.as_sql(compiler, connection)
        return f"likely({sql})", params


def related_span(article, within: timedelta) -> tuple[datetime, datetime]:
    """The publication times "Read also" looks between: ``within`` either side of the
    article's (of now, for an unpublished one)."""
    moment = article.published_at or timezone.now()
    return moment - within, moment + within


def bylines_in_order():
    """An article's bylines as printed, with their authors (the article page, feeds, API)."""
    return Byline.objects.select_related("author").order_by("position")


def credits_in_order():
    """An article's wire credits as printed, with their agencies."""
    return Credit.objects.select_related("agency").order_by("position")


class ArticleQuerySet(models.QuerySet):
    def published(self, *, now=None):
        """The one definition of "published": released for publication and its time has come.

        A scheduled article whose time has passed counts as published even before the
        scheduler flips its status, so readers never get a 404 for it."""
        now = now or timezone.now()
        return self.filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            LikelyAtMost(F("published_at"), now),
            status__in=[Article.Status.PUBLISHED, Article.Status.SCHEDULED],
        )

    def visible_to(self, user):
        """What ``user`` may read at the public address: everything for those who publish,
        published articles plus their own for reporters, published ones for everyone else."""
        if user.is_authenticated and user.has_perm("newsroom.publish_article"):
            return self
        published = self.published()
        if user.is_authenticated and user.has_perm("newsroom.change_article"):
            own = self.filter(bylines__author__user=user).values("pk")
            return self.filter(Q(pk__in=published.values("pk")) | Q(pk__in=own))
        return published

    def drafts(self):
        return self.filter(status=Article.Status.DRAFT)

    def due(self, *, now=None):
        """Scheduled articles whose time has come (the worker marks them published)."""
        return self.filter(status=Article.Status.SCHEDULED, published_at__lte=now or timezone.now())

    def expired(self, *, now=None):
        """Released articles past their expiry time (the worker takes them offline)."""
        return self.filter(
            status__in=[Article.Status.PUBLISHED, Article.Status.SCHEDULED],
            expires_at__lte=now or timezone.now(),
        )

    def in_section(self, section):
        return self.filter(section=section)

    def by_author(self, author):
        """The articles ``author`` signed, newest first, read in order from the bylines'
        index on (author, publication time): a page of an author with ten thousand articles
        reads its twenty. Orders the queryset: call it after ``for_listing()``."""
        return self.filter(
            bylines__author=author, bylines__published_at__lte=timezone.now()
        ).order_by("-bylines__published_at", "-bylines__article_id")

    def tagged(self, tag):
        """The articles of topic ``tag``, newest first, read in order from the topic links'
        index (see ``ArticleTag``). Orders the queryset: call it after ``for_listing()``."""
        return self.filter(
            tag_links__tag=tag, tag_links__published_at__lte=timezone.now()
        ).order_by("-tag_links__published_at", "-tag_links__article_id")

    def related_to(self, article, *, within=None):
        """Articles sharing a tag with ``article`` (never itself), annotated with
        ``shared_tags``: most shared tags first, then newest. Reads the article's tags from
        its prefetch cache when it has one.

        ``within`` (a timedelta) keeps only articles published that close to the article's
        time (now for an unpublished one), so the work depends on how much a newsroom
        publishes in that span, not on the size of the archive (a topic can have tens of
        thousands of articles). The span is read on the topic links' index (tag, publication
        time), a short range per tag."""
        tag_ids = [tag.pk for tag in article.tags.all()]
        if within is None:
            return self.sharing_tags(tag_ids, exclude=article.pk)
        since, until = related_span(article, within)
        return self.sharing_tags(tag_ids, exclude=article.pk, since=since, until=until)

    def sharing_tags(self, tag_ids, *, exclude, since=None, until=None, among=None):
        """What ``related_to`` reads, from plain values: articles carrying any of ``tag_ids``
        (published between ``since`` and ``until`` when given), never the one ``exclude``;
        only those whose ids ``among`` (a subquery, see ``ranked_by_shared_tags``) gives,
        when given."""
        shared = Q(tag_links__tag__in=tag_ids)
        if since is not None:
            shared &= Q(tag_links__published_at__gte=since, tag_links__published_at__lte=until)
        if among is not None:
            shared &= Q(pk__in=among)
        return (
            self.filter(shared)
            .exclude(pk=exclude)
            .annotate(shared_tags=models.Count("tag_links"))
            .order_by("-shared_tags", "-published_at", "-id")
        )

    def archive_periods(self, *, since: datetime, until: datetime, period: str) -> list[datetime]:
        """The starts (local midnight) of the months or days (``period``) from ``since`` to
        ``until`` that hold at least one of these articles. One query of one ``EXISTS`` per
        month or day, each stopping at the first article it finds in the publication-time
        index: the cost follows the number of periods, never the number of articles."""
        starts = []
        day = timezone.localtime(since).date()
        end = timezone.localtime(until).date()
        while day < end:
            starts.append(timezone.make_aware(datetime(day.year, day.month, day.day)))
            if period == "month":
                day = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
            elif period == "day":
                day += timedelta(days=1)
            else:
                raise ValueError(f"Unknown archive period: {period}")
        if not starts:
            return []
        # One probe is built with stand-in bounds and its SQL repeated for every period with
        # that period's bounds put in their place: building thirty probes with the ORM cost
        # half of a month's archive page.
        bounds = stand_ins(since=datetime, until=datetime)
        in_period = self.filter(published_at__gte=bounds["since"], published_at__lt=bounds["until"])
        probe = SlottedSQL.of(
            in_period.order_by().values("pk")[:1].query.get_compiler(using=self.db), bounds
        )
        connection = connections[self.db]
        params = []
        for start, next_start in zip(starts, [*starts[1:], until], strict=True):
            params.extend(probe.params_with(connection, {"since": start, "until": next_start}))
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {', '.join([f'EXISTS ({probe.sql})'] * len(starts))}", params)
            answers = cursor.fetchone()
        return [start for start, found in zip(starts, answers, strict=True) if found]

    def for_listing(self):
        """What an article card needs, in one query: the section and the featured image (its
        renditions are on its row) joined, newest first."""
        return self.select_related("section", "featured_image").order_by("-published_at", "-id")

    def search(self, query, *, now=None):
        """Articles matching ``query`` (text or ``search.SearchQuery``), best first, with a
        ``search_rank``. Call it last: it orders the results. See ``search.py``."""
        from .search import search_queryset

        return search_queryset(self, query, now=now)

    def with_public_corrections(self):
        """Prefetch the correction notices readers may see (one extra query)."""
        return self.prefetch_related(
            models.Prefetch("corrections", queryset=Correction.objects.public())
        )

    def for_detail(self):
        return self.select_related("section", "featured_image").prefetch_related(
            models.Prefetch("bylines", queryset=bylines_in_order()),
            models.Prefetch("credits", queryset=credits_in_order()),
            "tags",
        )


class Article(RomanianTextMixin, models.Model):
    class Status(models.TextChoices):
        """Publication state: whether and when readers see the article."""

        DRAFT = "draft", _("Not published")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")

    class Workflow(models.TextChoices):
        """Editorial state of the text, separate from publication."""

        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")

    headline = models.CharField(_("headline"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    section = models.ForeignKey(
        Section, verbose_name=_("section"), on_delete=models.PROTECT, related_name="articles"
    )
    standfirst = models.TextField(_("lead"), blank=True)
    body = models.TextField(_("body"), blank=True, help_text=_("Sanitised HTML."))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    workflow_state = models.CharField(
        _("workflow"), max_length=20, choices=Workflow.choices, default=Workflow.DRAFT
    )
    published_at = models.DateTimeField(_("publication time"), null=True, blank=True)
    embargo_until = models.DateTimeField(
        _("embargo until"),
        null=True,
        blank=True,
        help_text=_("Not to be published before this time, whatever else is decided."),
    )
    expires_at = models.DateTimeField(
        _("expires at"),
        null=True,
        blank=True,
        help_text=_("Taken offline at this time."),
    )
    revised_at = models.DateTimeField(
        _("updated at"),
        null=True,
        blank=True,
        help_text=_("Shown to readers as “Updated” when the text changed after publication."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)
    is_featured = models.BooleanField(_("top story"), default=False)
    comments_open = models.BooleanField(_("comments open"), default=True)
    external_id = models.CharField(
        _("external id"),
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        help_text=_("Identifier in the system the article was imported from."),
    )
    authors = models.ManyToManyField(
        Author, through="Byline", related_name="articles", verbose_name=_("authors")
    )
    agencies = models.ManyToManyField(
        Agency, through="Credit", related_name="articles", verbose_name=_("wire agencies")
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles", verbose_name=_("tags"))
    featured_image = models.ForeignKey(
        "media.Image",
        verbose_name=_("featured image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="featured_in",
    )

    objects = ArticleQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [("publish_article", "Can publish, schedule and unpublish articles")]
        indexes = [
            # Newest-first lists are read in index order and counted from the index alone
            # (status and expiry are inside it); no index starts with the status, which
            # SQLite without statistics would take and then sort every published article.
            # See tests/test_query_plans.py.
            models.Index(
                fields=["published_at", "id", "status", "expires_at"], name="article_list_idx"
            ),
            models.Index(
                fields=["section", "published_at", "id", "status", "expires_at"],
                name="article_section_list_idx",
            ),
            # The newest change of a published article (the sitemap index's lastmod).
            models.Index(fields=["updated_at"], name="article_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="article_released_has_time",
                violation_error_message=_("A scheduled or published article needs a time."),
            ),
            models.CheckConstraint(
                condition=Q(embargo_until__isnull=True)
                | Q(published_at__isnull=True)
                | Q(published_at__gte=F("embargo_until")),
                name="article_not_before_embargo",
                violation_error_message=_(
                    "The publication time cannot be before the embargo ends."
                ),
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True)
                | Q(published_at__isnull=True)
                | Q(expires_at__gt=F("published_at")),
                name="article_expires_after_publication",
                violation_error_message=_("The expiry time must come after publication."),
            ),
        ]

    def __str__(self):
        return self.headline

    def get_absolute_url(self):
        return reverse(
            "newsroom:article-detail",
            kwargs={"section_slug": self.section.slug, "slug": self.slug},
        )

    @cached_property
    def description(self) -> str:
        """The lead cut to ``DESCRIPTION_WORDS`` words: the page's meta description, its link
        previews and its structured data (worked out once per instance)."""
        return truncate_words(self.standfirst, DESCRIPTION_WORDS)

    def normalize_text_fields(self) -> None:
        """Text fields as stored: comma-below diacritics, no control characters, and the body
        reduced to the allow-list. Runs on every save; services call it to compare texts."""
        super().normalize_text_fields()
        self.body = sanitize_body(self.body)

    @property
    def is_published(self) -> bool:
        now = timezone.now()
        return (
            self.status in (self.Status.PUBLISHED, self.Status.SCHEDULED)
            and self.published_at is not None
            and self.published_at <= now
            and (self.expires_at is None or self.expires_at > now)
        )

    @property
    def was_revised(self) -> bool:
        """Edited after publication by more than a minute (typo fixes on the spot don't count)."""
        return bool(
            self.revised_at
            and self.published_at
            and (self.revised_at - self.published_at).total_seconds() > 60
        )


# Link tables carry a copy of their article's publication time, kept by the database itself
# (triggers in migration 0009, so every write path — services, bulk inserts, imports, raw
# updates — keeps it right): a topic's or an author's newest articles are then read from the
# link table's index in order, twenty rows for a page whatever the size of the archive,
# instead of sorting every article of the topic. Never written by Gazeta's code.
LINK_PUBLISHED_AT_HELP = _("Copy of the article's publication time, kept by the database.")


class Byline(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)
    published_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text=LINK_PUBLISHED_AT_HELP
    )

    class Meta:
        ordering = ["position"]
        verbose_name = _("byline")
        verbose_name_plural = _("bylines")
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="byline_unique_author")
        ]
        indexes = [
            models.Index(
                fields=["author", "published_at", "article"], name="byline_author_list_idx"
            )
        ]

    def __str__(self):
        return str(self.author)


class ArticleTag(models.Model):
    """A row of the table Django keeps for ``Article.tags``, seen with the publication-time
    copy that migration 0009 added to it (see ``LINK_PUBLISHED_AT_HELP`` above). For reads
    only: topics are still set through ``Article.tags`` (forms, the admin's autocomplete,
    services), so this model is unmanaged and its column, index and triggers live in that
    migration."""

    article = models.ForeignKey(
        Article, on_delete=models.DO_NOTHING, related_name="tag_links", db_constraint=False
    )
    tag = models.ForeignKey(
        Tag, on_delete=models.DO_NOTHING, related_name="article_links", db_constraint=False
    )
    published_at = models.DateTimeField(null=True, editable=False)

    class Meta:
        managed = False
        db_table = "newsroom_article_tags"
        verbose_name = _("topic link")
        verbose_name_plural = _("topic links")

    def __str__(self):
        return f"{self.article_id} → {self.tag_id}"


def ranked_by_shared_tags(tag_ids, *, exclude, since, until, count):
    """The ids of the first ``count`` articles in ``sharing_tags``' order (most of ``tag_ids``
    shared, then newest, then highest id) among those published between ``since`` and
    ``until``, ``exclude`` left out, worked out from the topic links alone: their index holds
    the tag, the publication-time copy and the article, so no article row is read. Whether
    an article is published is not known here: the caller filters the articles these ids
    name, and must read further when too few of them are."""
    return (
        ArticleTag.objects.filter(
            tag_id__in=tag_ids, published_at__gte=since, published_at__lte=until
        )
        .exclude(article_id=exclude)
        .values("article_id")
        .annotate(shared=models.Count("id"), latest=models.Max("published_at"))
        .order_by("-shared", "-latest", "-article_id")
        .values("article_id")[:count]
    )


class Credit(models.Model):
    """A wire agency credited on an article; the first is the origin, the rest relayed it
    (“AFP, via Agerpres”)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="credits")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="credits")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("wire credit")
        verbose_name_plural = _("wire credits")
        constraints = [
            models.UniqueConstraint(fields=["article", "agency"], name="credit_unique_agency")
        ]

    def __str__(self):
        return str(self.agency)


class ArticleRedirect(models.Model):
    """An old public path of an article, answered with a 301 to its current URL.

    Own table rather than ``django.contrib.redirects``: the target follows the article
    through later renames and section moves instead of pointing at a frozen path."""

    old_path = models.CharField(max_length=250, unique=True)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="redirects")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")

    def __str__(self):
        return self.old_path


class ArticleSearchDocument(models.Model):
    """An article's entry in the full-text index, here only so queries can join it. The
    table differs per database (FTS5 on SQLite, tsvector on PostgreSQL): a migration
    creates it and ``search.py`` writes it."""

    article = models.OneToOneField(
        Article,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        related_name="search_document",
        db_column="rowid",
        db_constraint=False,
    )

    class Meta:
        managed = False
        db_table = "newsroom_article_search"

    def __str__(self):
        return f"search entry of article {self.article_id}"


class ArticleViewCount(models.Model):
    """Readers' views of an article during one hour. Filled from the cache in bulk by
    ``popularity.view_counts_flush``, never once per page view."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="view_counts")
    hour = models.DateTimeField(_("hour"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("view count")
        verbose_name_plural = _("view counts")
        constraints = [
            models.UniqueConstraint(fields=["article", "hour"], name="viewcount_unique_hour")
        ]
        indexes = [models.Index(fields=["hour"], name="viewcount_hour_idx")]

    def __str__(self):
        return f"{self.article_id} @ {self.hour:%Y-%m-%d %H}:00: {self.views}"


class CorrectionQuerySet(models.QuerySet):
    def public(self, *, now=None):
        """Notices readers see: released, on a published article."""
        now = now or timezone.now()
        return self.filter(published_at__lte=now, article__in=Article.objects.published(now=now))


class Correction(RomanianTextMixin, models.Model):
    """A typed notice on an article: a correction, a clarification or an update."""

    class Kind(models.TextChoices):
        CORRECTION = "corectie", _("Correction")
        CLARIFICATION = "precizare", _("Clarification")
        UPDATE = "actualizare", _("Update")

    class Placement(models.TextChoices):
        TOP = "top", _("Above the article")
        BOTTOM = "bottom", _("Below the article")

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.CORRECTION)
    text = models.TextField(_("text"))
    placement = models.CharField(
        _("placement"), max_length=10, choices=Placement.choices, default=Placement.TOP
    )
    published_at = models.DateTimeField(_("date"), default=timezone.now)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("correction notice")
        verbose_name_plural = _("correction notices")
        indexes = [models.Index(fields=["published_at"], name="correction_published_idx")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:60]}"

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#corectie-{self.pk}"


# Text fields that a live article changes through a pending version.
PENDING_FIELDS = ("headline", "standfirst", "body")


class PendingVersion(RomanianTextMixin, models.Model):
    """Edits to a published article waiting for an editor: readers keep seeing the live text
    until the editor publishes these changes."""

    article = models.OneToOneField(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="pending"
    )
    headline = models.CharField(_("headline"), max_length=300)
    standfirst = models.TextField(_("lead"), blank=True)
    body = models.TextField(_("body"), blank=True)
    workflow_state = models.CharField(
        _("workflow"),
        max_length=20,
        choices=Article.Workflow.choices,
        default=Article.Workflow.DRAFT,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("last edited by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    class Meta:
        verbose_name = _("pending version")
        verbose_name_plural = _("pending versions")

    def __str__(self):
        return self.headline

    def normalize_text_fields(self) -> None:
        super().normalize_text_fields()
        self.body = sanitize_body(self.body)


class EditPresence(models.Model):
    """Who has an article open in the admin, and when they were last seen (a soft lock)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="presences")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="edit_presence_unique")
        ]

    def __str__(self):
        return f"{self.user} @ {self.article_id}"


class AuditEntry(models.Model):
    """A publication event: who did what to which article, and when. Kept when the article
    is deleted (the headline is copied)."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Sent back to the writer")
        PUBLISHED = "published", _("Published")
        SCHEDULED = "scheduled", _("Scheduled")
        WENT_LIVE = "went_live", _("Went live as scheduled")
        UNPUBLISHED = "unpublished", _("Unpublished")
        EXPIRED = "expired", _("Expired")
        CHANGES_PUBLISHED = "changes_published", _("Changes published")
        NOTICE_DECLINED = "notice_declined", _("Correction notice declined")
        RESTORED = "restored", _("Revision restored")
        DELETED = "deleted", _("Deleted")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    article = models.ForeignKey(
        Article,
        verbose_name=_("article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    headline = models.CharField(_("headline"), max_length=300)
    detail = models.TextField(_("detail"), blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.headline}"
