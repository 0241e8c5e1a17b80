import json

from django.contrib import admin, messages
from django.db.models import Case, Value, When
from django.http import HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Ban, Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    """The moderation queue: held comments first, the reason each was held beside it,
    the commenter's history one click away, bulk approve / spam / remove, and bans."""

    list_display = [
        "excerpt",
        "name",
        "commenter_history",
        "article_link",
        "status",
        "held_reason",
        "created_at",
        "ip_address",
    ]
    list_filter = ["status", ("article", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "email", "body", "ip_address"]
    list_select_related = ["article__section"]
    raw_id_fields = ["article", "parent", "user"]
    readonly_fields = ["held_reason", "ip_address", "user_agent", "created_at", "body_html"]
    date_hierarchy = "created_at"
    list_per_page = 50
    # Held comments first, newest first. It must be ``ordering``: the changelist puts it (or
    # Meta.ordering) before a queryset's order_by, and a column the moderator sorts by replaces it.
    ordering = [
        Case(When(status=Comment.Status.PENDING, then=Value(0)), default=Value(1)).asc(),
        "-created_at",
    ]
    actions = [
        "approve",
        "mark_spam",
        "remove",
        "ban_email",
        "ban_ip",
        "export_commenter",
        "erase_commenter",
    ]
    fields = [
        "article",
        "parent",
        "name",
        "email",
        "website",
        "body",
        "status",
        "held_reason",
        "notify_replies",
        "created_at",
        "ip_address",
        "user_agent",
        "user",
    ]

    def get_actions(self, request, action_location=admin.ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        # In Romanian Django's "delete selected" (Elimină) reads like our "remove" (Șterge) but
        # deletes for good, replies too; removing keeps the record, erasing serves privacy.
        actions.pop("delete_selected", None)
        return actions

    def lookup_allowed(self, lookup, value, request=None):
        # The "history" link filters the queue by one commenter's email or IP address.
        if lookup in ("email__iexact", "ip_address"):
            return True
        return super().lookup_allowed(lookup, value, request)

    @admin.display(description=_("comment"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(120)

    @admin.display(description=_("history"))
    def commenter_history(self, obj):
        if not obj.email:
            return "—"
        url = (
            reverse("admin:comments_comment_changelist")
            + "?"
            + urlencode({"email__iexact": obj.email})
        )
        return format_html('<a href="{}">{}</a>', url, obj.email)

    @admin.display(description=_("article"), ordering="article__published_at")
    def article_link(self, obj):
        return format_html(
            '<a href="{}#comment-{}">{}</a>',
            obj.article.get_absolute_url(),
            obj.pk,
            Truncator(obj.article.headline).chars(60),
        )

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data:
            new_status = obj.status
            obj.status = form.initial.get("status", obj.status)
            obj.save()
            self._change_status([obj], new_status)
        else:
            obj.save()

    def _change_status(self, comments, status):
        action = {
            Comment.Status.PENDING: services.comment_hold,
            Comment.Status.APPROVED: services.comment_approve,
            Comment.Status.SPAM: services.comment_mark_spam,
            Comment.Status.REMOVED: services.comment_remove,
        }[status]
        return action(comments=comments)

    def _report(self, request, message):
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Approve selected comments"), permissions=["change"])
    def approve(self, request, queryset):
        count = services.comment_approve(comments=queryset)
        self._report(
            request,
            ngettext("%(count)d comment approved.", "%(count)d comments approved.", count)
            % {"count": count},
        )

    @admin.action(description=_("Mark selected comments as spam"), permissions=["change"])
    def mark_spam(self, request, queryset):
        count = services.comment_mark_spam(comments=queryset)
        self._report(
            request,
            ngettext(
                "%(count)d comment marked as spam.", "%(count)d comments marked as spam.", count
            )
            % {"count": count},
        )

    @admin.action(description=_("Remove selected comments"), permissions=["change"])
    def remove(self, request, queryset):
        count = services.comment_remove(comments=queryset)
        self._report(
            request,
            ngettext("%(count)d comment removed.", "%(count)d comments removed.", count)
            % {"count": count},
        )

    def _ban(self, request, kind, values):
        for value in values:
            services.commenter_ban(
                kind=kind,
                value=value,
                by=request.user,
                reason=_("banned from the moderation queue"),
            )
        self._report(
            request,
            ngettext("%(count)d address banned.", "%(count)d addresses banned.", len(values))
            % {"count": len(values)},
        )

    @admin.action(
        description=_("Ban the email addresses of selected comments"), permissions=["change"]
    )
    def ban_email(self, request, queryset):
        self._ban(request, Ban.Kind.EMAIL, {c.email.lower() for c in queryset if c.email})

    @admin.action(
        description=_("Ban the IP addresses of selected comments"), permissions=["change"]
    )
    def ban_ip(self, request, queryset):
        self._ban(request, Ban.Kind.IP, {c.ip_address for c in queryset if c.ip_address})

    @admin.action(
        description=_("Export everything stored about these commenters"), permissions=["change"]
    )
    def export_commenter(self, request, queryset):
        emails = sorted({c.email.lower() for c in queryset if c.email})
        data = [services.commenter_export(email=e) for e in emails]
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="commenters.json"'
        return response

    @admin.action(
        description=_("Erase these commenters (comments kept as anonymous)"), permissions=["delete"]
    )
    def erase_commenter(self, request, queryset):
        emails = {c.email.lower() for c in queryset if c.email}
        count = sum(services.commenter_erase(email=e) for e in emails)
        self._report(
            request,
            ngettext("%(count)d comment anonymised.", "%(count)d comments anonymised.", count)
            % {"count": count},
        )


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    list_display = ["kind", "value", "reason", "created_at", "created_by"]
    list_filter = ["kind"]
    search_fields = ["value", "reason"]
    readonly_fields = ["created_at", "created_by"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        obj.save()
