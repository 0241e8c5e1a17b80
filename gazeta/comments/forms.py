import time

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from gazeta.core.text import strip_control_chars

# Sign the time the form was shown: a page served from a cache carries an old time, which
# only ever makes the minimum fill time easier to meet.
_signer = signing.TimestampSigner(salt="gazeta.comments.form-started")


def form_started_token() -> str:
    return _signer.sign(str(int(time.time())))


def _attrs_html(attrs: dict) -> str:
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class FlatInputMixin:
    """The comment form is on every article page, so its widgets are drawn in Python: the
    markup of Django's ``input.html`` and ``attrs.html`` templates (same attributes, in the
    same order) without rendering two templates per field on every uncached page."""

    def _render(self, template_name, context, renderer):
        widget = context["widget"]
        value = "" if widget["value"] is None else f' value="{escape(widget["value"])}"'
        return mark_safe(  # noqa: S308 - every value is escaped above
            f'<input type="{escape(widget["type"])}" name="{escape(widget["name"])}"{value}'
            f"{_attrs_html(widget['attrs'])}>"
        )


class FlatTextarea(forms.Textarea):
    """Django's ``textarea.html`` drawn in Python (see ``FlatInputMixin``)."""

    def _render(self, template_name, context, renderer):
        widget = context["widget"]
        return mark_safe(  # noqa: S308 - every value is escaped
            f'<textarea name="{escape(widget["name"])}"{_attrs_html(widget["attrs"])}>\n'
            f"{escape(widget['value'] or '')}</textarea>"
        )


class FlatHiddenInput(FlatInputMixin, forms.HiddenInput):
    pass


class FlatTextInput(FlatInputMixin, forms.TextInput):
    pass


class FlatEmailInput(FlatInputMixin, forms.EmailInput):
    pass


class FlatURLInput(FlatInputMixin, forms.URLInput):
    pass


class FlatCheckboxInput(FlatInputMixin, forms.CheckboxInput):
    pass


class CommentForm(forms.Form):
    article = forms.IntegerField(widget=FlatHiddenInput)
    parent = forms.IntegerField(widget=FlatHiddenInput, required=False)
    body = forms.CharField(
        label=_("Comment"),
        max_length=65_525,
        widget=FlatTextarea(attrs={"rows": 6, "maxlength": 65_525}),
        error_messages={"required": _("Please type your comment.")},
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=245,
        widget=FlatTextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Please enter your name.")},
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=100,
        widget=FlatEmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Please enter your email address."),
            "invalid": _("Please enter a valid email address."),
        },
    )
    website = forms.URLField(
        label=_("Website"),
        max_length=200,
        required=False,
        assume_scheme="https",
        widget=FlatURLInput(attrs={"autocomplete": "url"}),
    )
    remember = forms.BooleanField(
        label=_("Save my name, email, and website in this browser for the next time I comment."),
        required=False,
        widget=FlatCheckboxInput,
    )
    notify_replies = forms.BooleanField(
        label=_("Email me when someone replies to my comment."),
        required=False,
        widget=FlatCheckboxInput,
    )
    # Honeypot: hidden from people by CSS and from assistive technology by aria-hidden.
    homepage = forms.CharField(
        required=False, label=_("Leave this field empty"), widget=FlatTextInput
    )
    started = forms.CharField(widget=FlatHiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("started", form_started_token())
        self.fields["homepage"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def _clean_text(self, name):
        return strip_control_chars(self.cleaned_data.get(name, "") or "").strip()

    def clean_body(self):
        body = self._clean_text("body")
        if not body:
            raise forms.ValidationError(self.fields["body"].error_messages["required"])
        return body

    def clean_name(self):
        name = self._clean_text("name")
        if not name:
            raise forms.ValidationError(self.fields["name"].error_messages["required"])
        return name

    def clean_website(self):
        website = self._clean_text("website")
        if website and not website.lower().startswith(("http://", "https://")):
            raise forms.ValidationError(_("The website must be an http or https address."))
        return website

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("homepage"):
            raise forms.ValidationError(_("Your comment could not be accepted."), code="honeypot")
        if settings.GAZETA_COMMENT_RATE_LIMITS:
            self._check_fill_time(cleaned.get("started") or "")
        return cleaned

    def _check_fill_time(self, token: str) -> None:
        try:
            started = int(_signer.unsign(token))
        except (signing.BadSignature, ValueError):
            self.refresh_started()
            raise forms.ValidationError(
                _("The form had expired. Please send your comment again."), code="expired"
            ) from None
        if time.time() - started < settings.GAZETA_COMMENT_MIN_FILL_SECONDS:
            self.refresh_started()
            raise forms.ValidationError(
                _("That was too quick. Please wait a moment and send your comment again."),
                code="too_fast",
            )

    def refresh_started(self) -> None:
        """Give the re-shown form a new start time, keeping everything the reader typed."""
        data = self.data.copy()
        data["started"] = form_started_token()
        self.data = data
