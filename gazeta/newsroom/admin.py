from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
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


PUBLISH_PERMISSION = "newsroom.publish_article"
# What only someone who may publish sets: when and whether an article is live, and how it
# is shown. Read-only for everyone else, and refused if a forged POST carries them.
RELEASE_FIELDS = ("status", "published_at", "revised_at", "is_featured", "comments_open")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Editors (``publish_article``) handle every article. A writer without that permission
    (a reporter) sees only the articles they sign and changes them only while drafts."""

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

    @staticmethod
    def _can_publish(request) -> bool:
        return request.user.has_perm(PUBLISH_PERMISSION)

    def _own_articles_only(self, request) -> bool:
        # Read-only roles (a moderator following a comment) are not writers: they keep
        # seeing every article, without being able to change any.
        user = request.user
        return not self._can_publish(request) and (
            user.has_perm("newsroom.add_article") or user.has_perm("newsroom.change_article")
        )

    @staticmethod
    def _signed_by(user, article) -> bool:
        return article.pk is not None and article.bylines.filter(author__user=user).exists()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self._own_articles_only(request):
            queryset = queryset.filter(bylines__author__user=request.user)
        return queryset

    def get_object(self, request, object_id, from_field=None):
        # Looked up among all articles, so someone else's is refused by the permission
        # checks (403) instead of being reported as missing.
        field = Article._meta.pk if from_field is None else Article._meta.get_field(from_field)
        try:
            return super().get_queryset(request).get(**{field.name: field.to_python(object_id)})
        except (Article.DoesNotExist, ValidationError, ValueError):
            return None

    def has_add_permission(self, request):
        allowed = super().has_add_permission(request)
        if allowed and self._own_articles_only(request):
            # A writer owns articles through their byline; without an author profile a new
            # article would vanish from their list the moment it was saved.
            return getattr(request.user, "author_profile", None) is not None
        return allowed

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        if allowed and obj is not None and self._own_articles_only(request):
            return self._signed_by(request.user, obj)
        return allowed

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if allowed and obj is not None and self._own_articles_only(request):
            return obj.status == Article.Status.DRAFT and self._signed_by(request.user, obj)
        return allowed

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self._can_publish(request):
            readonly += [f for f in RELEASE_FIELDS if f not in readonly]
        return readonly

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The form has no inputs for release fields here, so a POST carrying one is forged.
        if (
            request.method == "POST"
            and not self._can_publish(request)
            and any(f in request.POST for f in RELEASE_FIELDS)
        ):
            raise PermissionDenied
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if not self._can_publish(request):
            before = Article.objects.get(pk=obj.pk) if change else Article()
            if obj.status != Article.Status.DRAFT or any(
                getattr(obj, f) != getattr(before, f) for f in RELEASE_FIELDS
            ):
                raise PermissionDenied
        article_save(article=obj)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        author = getattr(request.user, "author_profile", None)
        if author is None or article.bylines.filter(author=author).exists():
            return
        # A writer always keeps their own byline (it is how they own the article); anyone
        # else adding an unsigned article signs it.
        if self._own_articles_only(request) or (not change and not article.bylines.exists()):
            position = max((b.position for b in article.bylines.all()), default=-1) + 1
            Byline.objects.create(article=article, author=author, position=position)

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
