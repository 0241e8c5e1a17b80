from django.conf import settings
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, TemplateView

from gazeta.core.cache import private_no_cache, public_cache

from .models import Article, ArticleRedirect, Author, Section
from .selectors import home_page_stories


class PublicCacheMixin:
    """Public pages are cacheable; anything shown only to staff is not."""

    is_preview = False

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        return private_no_cache(response) if self.is_preview else public_cache(response)


class HomeView(PublicCacheMixin, TemplateView):
    template_name = "newsroom/home.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(page=home_page_stories(), **kwargs)


class ArticleListMixin(PublicCacheMixin):
    """Shared by the section and author fronts: published cards, paginated (bad page → 404)."""

    paginate_by = None
    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.GAZETA_SECTION_PAGE_SIZE


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
        return Article.objects.published().by_author(self.author).for_listing()

    def get_context_data(self, **kwargs):
        return super().get_context_data(author=self.author, **kwargs)


class ArticleDetailView(PublicCacheMixin, DetailView):
    template_name = "newsroom/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        articles = Article.objects.for_detail()
        user = self.request.user
        if user.is_authenticated and user.has_perm("newsroom.change_article"):
            return articles
        return articles.published()

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
