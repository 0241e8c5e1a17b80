from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Agency,
    Article,
    ArticleRedirect,
    Author,
    Byline,
    Correction,
    Credit,
    Section,
    Tag,
)
from .services import article_delete, article_save


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]


class CorrectionInline(admin.StackedInline):
    model = Correction
    extra = 0
    fields = ["kind", "text", "placement", "published_at"]


class CreditInline(admin.TabularInline):
    model = Credit
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "section", "status", "published_at", "is_featured"]
    list_filter = ["status", "section", "is_featured"]
    search_fields = ["headline", "standfirst"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["tags"]
    inlines = [BylineInline, CreditInline, CorrectionInline]
    list_select_related = ["section"]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "section", "standfirst", "body"]}),
        (_("Publication"), {"fields": ["status", "published_at", "revised_at", "is_featured"]}),
        (_("More"), {"fields": ["tags", "comments_open", "external_id"]}),
    ]

    def save_model(self, request, obj, form, change):
        article_save(article=obj)

    def delete_model(self, request, obj):
        article_delete(article=obj)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            article_delete(article=article)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Author)
class AuthorAdmin(admin.ModelAdmin):
    list_display = ["name", "is_desk", "user"]
    list_filter = ["is_desk"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(ArticleRedirect)
class ArticleRedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "article", "created_at"]
    search_fields = ["old_path"]
    raw_id_fields = ["article"]
