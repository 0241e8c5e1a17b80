from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import (
    DayArchiveView,
    DetailView,
    ListView,
    MonthArchiveView,
    View,
    YearArchiveView,
)

from gazeta.core.cache import private_no_cache, public_cache
from gazeta.core.http import client_ip
from gazeta.core.pagination import OpenEndedPaginator

from . import popularity, preview, search, selectors
from .models import PENDING_FIELDS, Article, ArticleRedirect, Author, Correction, Section, Tag


class PublicCacheMixin:
    """Public pages are cacheable; anything shown only to staff is not."""

    is_preview = False
    preview_notice = _("Preview: this article is not published.")

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        return private_no_cache(response) if self.is_preview else public_cache(response)


class PagedListMixin(PublicCacheMixin):
    """Public lists, paginated like section fronts (a bad ``?page=`` is a 404): newer and
    older pages, never a count of the whole list (see ``OpenEndedPaginator``)."""

    paginator_class = OpenEndedPaginator

    def paginate_queryset(self, queryset, page_size):
        if (self.kwargs.get(self.page_kwarg) or self.request.GET.get(self.page_kwarg)) == "last":
            raise Http404("Pages are counted from the newest: there is no “last” page.")
        return super().paginate_queryset(queryset, page_size)

    def get_paginate_by(self, queryset):
        return settings.GAZETA_SECTION_PAGE_SIZE


class ArticleListMixin(PagedListMixin):
    """Shared by the section, author and topic fronts: published cards."""

    context_object_name = "articles"


class SectionDetailView(ArticleListMixin, ListView):
    template_name = "newsroom/section_detail.html"

    def get_queryset(self):
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        return Article.objects.published().in_section(self.section).for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(section=self.section, **kwargs)


class AuthorDetailView(ArticleListMixin, ListView):
    template_name = "newsroom/author_detail.html"

    def get_queryset(self):
        self.author = get_object_or_404(Author, slug=self.kwargs["slug"])
        return Article.objects.published().for_listing().by_author(self.author)

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class ArticleDetailView(PublicCacheMixin, DetailView):
    template_name = "newsroom/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.for_detail().with_public_corrections().visible_to(self.request.user)

    def get(self, request, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            return self.redirect_old_address(request)
        if self.object.section.slug != kwargs["section_slug"]:
            return HttpResponsePermanentRedirect(self.object.get_absolute_url())
        self.is_preview = not self.object.is_published
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_object(self, queryset=None):
        if not self.request.user.is_authenticated:
            article = selectors.published_article_for_page(self.kwargs["slug"])
            if article is None:
                raise Http404("No published article at this address.")
            return article
        return get_object_or_404(self.get_queryset(), slug=self.kwargs["slug"])

    def redirect_old_address(self, request):
        redirect = (
            ArticleRedirect.objects.select_related("article__section")
            .filter(old_path=request.path, article__in=Article.objects.published())
            .first()
        )
        if redirect is None:
            raise Http404("No article at this address.")
        return HttpResponsePermanentRedirect(redirect.article.get_absolute_url())


class ArticlePreviewView(ArticleDetailView):
    """An unpublished article, or the pending changes of a live one, for whoever holds the
    secret link (see ``preview.py``). Never cached, never indexed; an expired or forged link
    is a 404."""

    is_preview = True

    def get(self, request, token):
        article_id = preview.article_id_from_token(token)
        if article_id is None:
            raise Http404("This preview link is not valid or has expired.")
        self.object = get_object_or_404(
            Article.objects.for_detail().with_public_corrections().select_related("pending"),
            pk=article_id,
        )
        pending = getattr(self.object, "pending", None)
        if pending is not None:
            for field in PENDING_FIELDS:
                setattr(self.object, field, getattr(pending, field))
            self.preview_notice = _("Preview: changes not yet published.")
        return self.render_to_response(self.get_context_data(object=self.object))


class TagDetailView(ArticleListMixin, ListView):
    template_name = "newsroom/tag_detail.html"
    # A tag that no published article carries yet has no page: its name may be news.
    allow_empty = False

    def get_queryset(self):
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        return Article.objects.published().for_listing().tagged(self.tag)

    def get_context_data(self, **kwargs):
        return super().get_context_data(tag=self.tag, **kwargs)


class ArticleArchiveMixin(PagedListMixin):
    """Shared by the date archives: published articles by publication time in the site's
    time zone, paginated; an empty, invalid or future period is a 404."""

    date_field = "published_at"
    month_format = "%m"
    allow_empty = False
    allow_future = False
    make_object_list = True
    context_object_name = "articles"

    def get_queryset(self):
        return Article.objects.published().for_listing()

    def get(self, request, *args, **kwargs):
        # Also keeps year 9999 away from date arithmetic that would overflow.
        if kwargs["year"] > timezone.localdate().year:
            raise Http404("No articles from the future.")
        return super().get(request, *args, **kwargs)

    def get_date_list(self, queryset, date_type=None, ordering="ASC"):
        """The months of a year (the days of a month) that have articles, in one query that
        asks each month or day whether it has one, instead of Django's ``DISTINCT`` over
        every publication time of the period: a busy newsroom's year holds seventy
        thousand."""
        # Each month or day is asked of the whole list, not of the year's ``queryset``: with
        # two ranges on the publication time SQLite would walk the year's.
        since, until = self.archive_period
        found = self.get_queryset().archive_periods(
            since=since,
            until=until,
            period=date_type or self.get_date_list_period(),
        )
        if not found and not self.get_allow_empty():
            raise Http404("No articles in this period.")
        return found if ordering == "ASC" else found[::-1]

    def get_dated_queryset(self, **lookup):
        self.archive_period = (lookup["published_at__gte"], lookup["published_at__lt"])
        return super().get_dated_queryset(**lookup)


class ArticleYearArchiveView(ArticleArchiveMixin, YearArchiveView):
    pass


class ArticleMonthArchiveView(ArticleArchiveMixin, MonthArchiveView):
    pass


class ArticleDayArchiveView(ArticleArchiveMixin, DayArchiveView):
    pass


class ArticleBeaconView(View):
    """The 1×1 image under each article that counts a view (see ``popularity``). The same
    answer for everyone, no cookie, never cached, so every view reaches the server."""

    http_method_names = ["get"]

    def get(self, request, pk):
        popularity.view_counts_flush_if_overdue()
        popularity.view_record(
            article_id=pk,
            ip=client_ip(request) or "",
            user_agent=request.headers.get("User-Agent", ""),
            purpose=request.headers.get("Sec-Purpose") or request.headers.get("Purpose", ""),
        )
        response = HttpResponse(popularity.BEACON_GIF, content_type="image/gif")
        response["X-Robots-Tag"] = "noindex"
        return private_no_cache(response)


class SearchView(ListView):
    """Reader search (``/cauta/?q=``, see ``search.py``). Answers are never stored by shared
    caches nor indexed by search engines; searches are rate-limited per IP (429). A bad
    ``?page=`` is a 404, as on section pages."""

    template_name = "newsroom/search.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.GAZETA_SEARCH_PAGE_SIZE

    def get(self, request, *args, **kwargs):
        self.form = search.SearchForm(request.GET)
        self.form.is_valid()
        self.search_arguments = self.form.search_arguments()
        if self.search_arguments["query"].is_searchable and search.search_rate_limited(request):
            self.object_list = Article.objects.none()
            context = {**self.search_context(), "rate_limited": True}
            response = self.render_to_response(context, status=429)
            response["Retry-After"] = "60"
        else:
            response = super().get(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        return private_no_cache(response)

    def get_queryset(self):
        # Not article_search's QuerySet: SearchResults ranks the matches and reads only
        # the page's articles (see its docstring); same articles, order and count.
        return search.article_search_results(**self.search_arguments)

    def search_context(self) -> dict:
        arguments = self.search_arguments
        return {
            "form": self.form,
            "query": arguments["query"],
            "active_section": arguments["section"],
            "date_from": arguments["date_from"],
            "date_to": arguments["date_to"],
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**self.search_context(), **kwargs)
        context["articles"] = search.attach_highlights(context["articles"], context["query"])
        return context


class CorrectionListView(PagedListMixin, ListView):
    """Every public correction, clarification and update notice, newest first."""

    template_name = "newsroom/correction_list.html"
    context_object_name = "corrections"

    def get_queryset(self):
        return Correction.objects.public().select_related("article__section")
