import time
from types import SimpleNamespace

from django import forms
from django.conf import settings
from django.core import signing
from django.utils.translation import gettext_lazy as _

from gazeta.core.text import strip_control_chars

# Sign the time the form was shown: a page served from a cache carries an old time, which
# only ever makes the minimum fill time easier to meet.
_signer = signing.TimestampSigner(salt="gazeta.comments.form-started")


def form_started_token() -> str:
    return _signer.sign(str(int(time.time())))


class CommentForm(forms.Form):
    article = forms.IntegerField(widget=forms.HiddenInput)
    parent = forms.IntegerField(widget=forms.HiddenInput, required=False)
    body = forms.CharField(
        label=_("Comment"),
        max_length=65_525,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 65_525}),
        error_messages={"required": _("Please type your comment.")},
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=245,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Please enter your name.")},
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=100,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
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
        widget=forms.URLInput(attrs={"autocomplete": "url"}),
    )
    remember = forms.BooleanField(
        label=_("Save my name, email, and website in this browser for the next time I comment."),
        required=False,
        widget=forms.CheckboxInput,
    )
    notify_replies = forms.BooleanField(
        label=_("Email me when someone replies to my comment."),
        required=False,
        widget=forms.CheckboxInput,
    )
    # Honeypot: hidden from people by CSS and from assistive technology by aria-hidden.
    homepage = forms.CharField(
        required=False, label=_("Leave this field empty"), widget=forms.TextInput
    )
    started = forms.CharField(widget=forms.HiddenInput, required=False)

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


# What ``comments/form.html`` draws. The template writes each field's markup itself (a test
# checks it against what Django's widgets draw for this form): an article page shows the form
# to every reader, and building the form's fields and widgets on each uncached page cost more
# than drawing the rest of the comments.
FIELD_NAMES = tuple(CommentForm.base_fields)
NO_ERRORS = SimpleNamespace(**dict.fromkeys(FIELD_NAMES, ()))


def blank_form(*, article: int, parent: int | None = None, remembered: dict | None = None):
    """A new form: the article, the comment replied to, the start time and what the reader's
    consent cookie remembers (name, email, website)."""
    values = dict.fromkeys(FIELD_NAMES, "")
    values |= {"article": article, "parent": parent, "started": form_started_token()}
    values |= {"remember": False, "notify_replies": False} | (remembered or {})
    return SimpleNamespace(
        values=SimpleNamespace(**values),
        errors=NO_ERRORS,
        non_field_errors=(),
        has_errors=False,
        is_bound=False,
    )


def shown_form(form: CommentForm):
    """A submitted form shown again: what the reader typed and what is wrong with it."""
    values = {}
    for name in FIELD_NAMES:
        value = form[name].value()
        if isinstance(form.fields[name].widget, forms.CheckboxInput):
            value = form.fields[name].widget.check_test(value)
        values[name] = value
    errors = {name: form.errors.get(name, ()) for name in FIELD_NAMES}
    return SimpleNamespace(
        values=SimpleNamespace(**values),
        errors=SimpleNamespace(**errors),
        non_field_errors=form.non_field_errors(),
        has_errors=bool(form.errors),
        is_bound=True,
    )
