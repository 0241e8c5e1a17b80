import difflib

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import strip_tags
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import preview
from .forms import ArticleAdminForm
from .models import (
    PENDING_FIELDS,
    Agency,
    Article,
    ArticleRedirect,
    AuditEntry,
    Author,
    Byline,
    Correction,
    Credit,
    Section,
    Tag,
)
from .services import (
    article_approve,
    article_changes_publish,
    article_delete,
    article_pending_discard,
    article_pending_save,
    article_publish,
    article_restore,
    article_return,
    article_save,
    article_schedule,
    article_submit,
    article_unpublish,
    notice_required,
    presence_touch,
)


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
RELEASE_FIELDS = (
    "status",
    "workflow_state",
    "published_at",
    "embargo_until",
    "expires_at",
    "revised_at",
    "is_featured",
    "comments_open",
)
# Publication and review happen through the buttons under the form (services with an
# audit line), never by editing these fields.
STATE_FIELDS = ("status", "workflow_state")
# Buttons of the change form: POST name → (service, needs publish permission).
WORKFLOW_BUTTONS = {
    "_submit_review": (article_submit, False),
    "_approve": (article_approve, True),
    "_return": (article_return, True),
    "_publish": (article_publish, True),
    "_schedule": (article_schedule, True),
    "_unpublish": (article_unpublish, True),
    "_publish_changes": (article_changes_publish, True),
}


class NoticeForm(forms.Form):
    """Publishing changes to the body of a live article: a notice for readers, or a reason
    for publishing without one."""

    kind = forms.ChoiceField(
        label=_("kind"), choices=Correction.Kind.choices, initial=Correction.Kind.CORRECTION
    )
    text = forms.CharField(label=_("notice"), widget=forms.Textarea, required=False)
    placement = forms.ChoiceField(
        label=_("placement"), choices=Correction.Placement.choices, initial="top"
    )
    decline_reason = forms.CharField(
        label=_("or: reason for publishing without a notice"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if not data.get("text", "").strip() and not data.get("decline_reason", "").strip():
            raise ValidationError(
                _("Write a notice for readers, or give a reason for publishing without one.")
            )
        return data


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    """Editors (``publish_article``) handle every article. A writer without that permission
    (a reporter) sees only the articles they sign and changes them only while drafts.

    Workflow and publication go through the buttons under the form (see WORKFLOW_BUTTONS).
    Edits to the text of a live article are kept as a pending version until an editor
    publishes them; revisions can be listed, compared and restored from "History"."""

    form = ArticleAdminForm
    change_form_template = "admin/newsroom/article/change_form.html"
    object_history_template = "admin/newsroom/article/object_history.html"
    list_display = [
        "headline",
        "section",
        "workflow_state",
        "status",
        "published_at",
        "is_featured",
    ]
    list_filter = ["status", "workflow_state", "section", "is_featured"]
    search_fields = ["headline", "standfirst"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["headline"]}
    autocomplete_fields = ["tags"]
    raw_id_fields = ["featured_image"]
    inlines = [BylineInline, CreditInline, CorrectionInline]
    list_select_related = ["section"]
    fieldsets = [
        (
            None,
            {"fields": ["headline", "slug", "section", "standfirst", "featured_image", "body"]},
        ),
        (
            _("Publication"),
            {
                "fields": [
                    ("status", "workflow_state"),
                    "published_at",
                    ("embargo_until", "expires_at"),
                    "revised_at",
                    "is_featured",
                ]
            },
        ),
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
        # checks (403) instead of being reported as missing. The form shows the pending
        # version of a live article, since that is what an edit continues.
        field = Article._meta.pk if from_field is None else Article._meta.get_field(from_field)
        try:
            article = (
                super()
                .get_queryset(request)
                .select_related("pending")
                .get(**{field.name: field.to_python(object_id)})
            )
        except (Article.DoesNotExist, ValidationError, ValueError):
            return None
        pending = getattr(article, "pending", None)
        if pending is not None:
            for name in PENDING_FIELDS:
                setattr(article, name, getattr(pending, name))
        return article

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
        hidden = RELEASE_FIELDS if not self._can_publish(request) else STATE_FIELDS
        return readonly + [f for f in hidden if f not in readonly]

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # The form has no inputs for these fields here, so a POST carrying one is forged.
        if request.method == "POST":
            forbidden = STATE_FIELDS if self._can_publish(request) else RELEASE_FIELDS
            if any(f in request.POST for f in forbidden):
                raise PermissionDenied
            for button, (_service, needs_publish) in WORKFLOW_BUTTONS.items():
                if button in request.POST and needs_publish and not self._can_publish(request):
                    raise PermissionDenied
        extra_context = extra_context or {}
        article = self.get_object(request, object_id) if object_id else None
        if article is not None and self.has_change_permission(request, article):
            if request.method == "GET":
                extra_context["other_editors"] = presence_touch(article=article, user=request.user)
            extra_context["pending"] = getattr(article, "pending", None)
            if extra_context["pending"] is not None or not article.is_published:
                extra_context["preview_url"] = request.build_absolute_uri(
                    preview.preview_url(article=article)
                )
                extra_context["preview_hours"] = settings.GAZETA_PREVIEW_LINK_HOURS
            extra_context["can_publish"] = self._can_publish(request)
            extra_context["is_live"] = article.is_published
            extra_context["audit_entries"] = article.audit_entries.select_related("user")[:10]
        elif object_id is None:
            extra_context["can_publish"] = self._can_publish(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        live = None
        if change:
            live = Article.objects.get(pk=obj.pk)
        if not self._can_publish(request):
            before = live or Article()
            if before.status != Article.Status.DRAFT or any(
                getattr(obj, f) != getattr(before, f) for f in RELEASE_FIELDS
            ):
                raise PermissionDenied
        if live is not None and live.is_published:
            # Readers keep the live text; the edit waits as a pending version.
            text = {f: getattr(obj, f) for f in PENDING_FIELDS}
            for field in PENDING_FIELDS:
                setattr(obj, field, getattr(live, field))
            article_save(article=obj)
            if article_pending_save(article=obj, user=request.user, **text) is not None:
                messages.info(
                    request,
                    gettext(
                        "Your changes are saved as a pending version: readers see them "
                        "once an editor publishes them."
                    ),
                )
            return
        article_save(article=obj)
        # An article taken offline with pending changes: the form showed them, so the save
        # just made them the article's text.
        article_pending_discard(article=obj)

    def _run_button(self, request, article):
        """Run the workflow button pressed with the save, if any. Returns a response to send
        instead of the usual one, or None."""
        button = next((b for b in WORKFLOW_BUTTONS if b in request.POST), None)
        if button is None:
            return None
        article = Article.objects.get(pk=article.pk)  # the saved row, not the form's
        service, _needs_publish = WORKFLOW_BUTTONS[button]
        if button == "_publish_changes" and notice_required(article=article):
            return HttpResponseRedirect(
                reverse("admin:newsroom_article_publish_changes", args=[article.pk])
            )
        kwargs = {"article": article, "user": request.user}
        if button == "_schedule":
            kwargs["at"] = article.published_at
        if button == "_return":
            kwargs["note"] = request.POST.get("return_note", "").strip()[:500]
        try:
            if button == "_schedule" and kwargs["at"] is None:
                raise ValidationError(gettext("Set a publication time to schedule."))
            service(**kwargs)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request, gettext("Done: %(action)s.") % {"action": BUTTON_LABELS[button]}
            )
        return HttpResponseRedirect(request.path)

    def response_change(self, request, obj):
        return self._run_button(request, obj) or super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        response = self._run_button(request, obj)
        if response is not None:
            return HttpResponseRedirect(reverse("admin:newsroom_article_change", args=[obj.pk]))
        return super().response_add(request, obj, post_url_continue)

    def get_urls(self):
        urls = [
            path(
                "<int:object_id>/publish-changes/",
                self.admin_site.admin_view(self.publish_changes_view),
                name="newsroom_article_publish_changes",
            ),
            path(
                "<int:object_id>/history/compare/",
                self.admin_site.admin_view(self.compare_view),
                name="newsroom_article_compare",
            ),
            path(
                "<int:object_id>/history/<int:history_id>/restore/",
                self.admin_site.admin_view(self.restore_view),
                name="newsroom_article_restore",
            ),
        ]
        return urls + super().get_urls()

    def _article_for(self, request, object_id, *, publish=False):
        article = get_object_or_404(Article, pk=object_id)
        if not self.has_change_permission(request, article) or (
            publish and not self._can_publish(request)
        ):
            raise PermissionDenied
        return article

    def publish_changes_view(self, request, object_id):
        """Publishing pending changes to a live body: ask for a notice (or a reason)."""
        article = self._article_for(request, object_id, publish=True)
        pending = getattr(article, "pending", None)
        if pending is None:
            messages.info(request, gettext("This article has no pending changes."))
            return HttpResponseRedirect(reverse("admin:newsroom_article_change", args=[article.pk]))
        form = NoticeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            article_changes_publish(
                article=article,
                user=request.user,
                notice_kind=data["kind"],
                notice_text=data["text"],
                notice_placement=data["placement"],
                decline_reason=data["decline_reason"],
            )
            messages.success(request, gettext("The changes are live."))
            return HttpResponseRedirect(reverse("admin:newsroom_article_change", args=[article.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "article": article,
            "form": form,
            "diff": text_diff(strip_tags(article.body), strip_tags(pending.body)),
            "title": gettext("Publish changes"),
        }
        return TemplateResponse(request, "admin/newsroom/article/publish_changes.html", context)

    def compare_view(self, request, object_id):
        """Two revisions side by side, field by field (``?a=<id>&b=<id>``)."""
        article = self._article_for(request, object_id)
        history = article.history.all()
        try:
            a = history.get(history_id=int(request.GET.get("a", "")))
            b = history.get(history_id=int(request.GET.get("b", "")))
        except (ValueError, Article.history.model.DoesNotExist):
            messages.error(request, gettext("Choose two revisions to compare."))
            return HttpResponseRedirect(
                reverse("admin:newsroom_article_history", args=[article.pk])
            )
        if a.history_date > b.history_date:
            a, b = b, a
        changes = [
            {
                "field": Article._meta.get_field(change.field).verbose_name,
                "diff": text_diff(
                    strip_tags(str(change.old or "")), strip_tags(str(change.new or ""))
                ),
            }
            for change in b.diff_against(a).changes
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "article": article,
            "a": a,
            "b": b,
            "changes": changes,
            "title": gettext("Compare revisions"),
        }
        return TemplateResponse(request, "admin/newsroom/article/compare.html", context)

    def restore_view(self, request, object_id, history_id):
        article = self._article_for(request, object_id)
        if request.method != "POST":
            return HttpResponseRedirect(
                reverse("admin:newsroom_article_history", args=[article.pk])
            )
        if not self._can_publish(request) and article.status != Article.Status.DRAFT:
            raise PermissionDenied
        get_object_or_404(article.history, history_id=history_id)
        article_restore(article=article, history_id=history_id, user=request.user)
        messages.success(request, gettext("The revision is restored."))
        return HttpResponseRedirect(reverse("admin:newsroom_article_change", args=[article.pk]))

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
        article_delete(article=obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            article_delete(article=article, user=request.user)


BUTTON_LABELS = {
    "_submit_review": _("submitted for review"),
    "_approve": _("approved"),
    "_return": _("sent back to the writer"),
    "_publish": _("published"),
    "_schedule": _("scheduled"),
    "_unpublish": _("unpublished"),
    "_publish_changes": _("changes published"),
}


def text_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level difference of two texts as (kind, words) pairs: kind is "same", "removed"
    or "added" (rendered with <del>/<ins> by the admin templates)."""
    old_words, new_words = old.split(), new.split()
    parts = []
    matcher = difflib.SequenceMatcher(a=old_words, b=new_words, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(("same", " ".join(old_words[a1:a2])))
            continue
        if a2 > a1:
            parts.append(("removed", " ".join(old_words[a1:a2])))
        if b2 > b1:
            parts.append(("added", " ".join(new_words[b1:b2])))
    return parts


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log: read-only, for editors and administrators."""

    list_display = ["at", "action", "headline", "user", "detail"]
    list_filter = ["action"]
    search_fields = ["headline", "detail"]
    date_hierarchy = "at"
    list_select_related = ["user"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
