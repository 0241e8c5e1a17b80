from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import Banner, HomeSlot, slot_label, slot_positions
from .selectors import home_page_stories


def slot_choices():
    return [(position, slot_label(position)) for position in slot_positions()]


class HomeSlotForm(forms.ModelForm):
    position = forms.TypedChoiceField(label=_("slot"), coerce=int, choices=slot_choices)

    class Meta:
        model = HomeSlot
        fields = ["position", "article", "pinned_until"]


@admin.register(HomeSlot)
class HomeSlotAdmin(admin.ModelAdmin):
    """The home page screen: the pinned slots, and above them what readers see now."""

    form = HomeSlotForm
    list_display = ["slot", "article", "pinned_until", "state"]
    list_display_links = ["slot", "article"]
    list_select_related = ["article__section"]
    autocomplete_fields = ["article"]
    change_list_template = "admin/frontpage/homeslot/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).with_article_live()

    def get_readonly_fields(self, request, obj=None):
        # Moving a pin to another slot is done by pinning the article there.
        return ["position"] if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and "position" in form.base_fields:
            taken = set(HomeSlot.objects.values_list("position", flat=True))
            form.base_fields["position"].choices = [
                choice for choice in slot_choices() if choice[0] not in taken
            ]
        return form

    @admin.display(description=_("slot"), ordering="position")
    def slot(self, obj):
        return slot_label(obj.position)

    @admin.display(description=_("on the home page"))
    def state(self, obj):
        if obj.pinned_until and obj.pinned_until <= timezone.now():
            return _("No: the pin has expired")
        if not obj.article_is_live:
            return _("Not yet: the article is not published")
        return _("Yes")

    def save_model(self, request, obj, form, change):
        slot = services.slot_pin(position=obj.position, article=obj.article, until=obj.pinned_until)
        obj.pk = slot.pk

    def delete_model(self, request, obj):
        services.slot_unpin(position=obj.position)

    def delete_queryset(self, request, queryset):
        for slot in queryset:
            services.slot_unpin(position=slot.position)

    def changelist_view(self, request, extra_context=None):
        extra_context = {"home_page": home_page_stories(), **(extra_context or {})}
        return super().changelist_view(request, extra_context=extra_context)


@admin.register(Banner)
class BannerAdmin(admin.ModelAdmin):
    list_display = ["text", "starts_at", "expires_at", "state"]
    list_select_related = ["article__section"]
    autocomplete_fields = ["article"]
    fields = ["text", "article", "url", "starts_at", "expires_at"]
    date_hierarchy = "starts_at"
    actions = ["end_now"]

    @admin.display(description=_("state"))
    def state(self, obj):
        now = timezone.now()
        if obj.expires_at <= now:
            return _("Ended")
        if obj.starts_at > now:
            return _("Scheduled")
        return _("Showing")

    def save_model(self, request, obj, form, change):
        services.banner_set(
            text=obj.text,
            article=obj.article,
            url=obj.url,
            starts_at=obj.starts_at,
            expires_at=obj.expires_at,
            banner=obj,
        )

    def delete_model(self, request, obj):
        services.banner_delete(banner=obj)

    def delete_queryset(self, request, queryset):
        for banner in queryset:
            services.banner_delete(banner=banner)

    @admin.action(description=_("End the selected banners now"), permissions=["change"])
    def end_now(self, request, queryset):
        count = services.banner_clear(banners=queryset)
        message = ngettext("%(count)d banner ended.", "%(count)d banners ended.", count)
        self.message_user(request, message % {"count": count})
