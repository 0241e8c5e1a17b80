"""The article admin form: the body is written in a rich-text editor (django-prose-editor)
whose output goes through the same sanitiser as imports (``sanitize.sanitize_body``)."""

from django import forms
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget

from .models import Article
from .sanitize import sanitize_body

# What editors can make without writing HTML. Figures take their image from the library
# (the picker puts the image's id in data-file; pages show its renditions). Tables and rules
# are here so imported bodies that have them survive an edit.
BODY_EXTENSIONS = {
    "Heading": {"levels": [2, 3]},
    "Bold": True,
    "Italic": True,
    "Blockquote": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "HardBreak": True,
    "HorizontalRule": True,
    "Link": {"enableTarget": False},
    "Figure": {"pickerUrl": reverse_lazy("admin:media_image_picker")},
    "Image": True,
    "Caption": True,
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "Embed": True,
}
# Gazeta's own editor extensions (ES modules exporting them by name).
EXTENSION_MODULES = ["media/editor-embed.js"]


class BodyEditorWidget(AdminProseEditorWidget):
    """The admin editor with Gazeta's extension modules loaded by the configurable preset."""

    def get_config(self):
        config = super().get_config()
        modules = [static(path) for path in EXTENSION_MODULES]
        return config | {"js_modules": [*config.get("js_modules", []), *modules]}


class ArticleAdminForm(forms.ModelForm):
    body = ProseEditorFormField(
        label=_("body"),
        required=False,
        extensions=BODY_EXTENSIONS,
        sanitize=sanitize_body,
        widget=BodyEditorWidget,
    )

    class Meta:
        model = Article
        # The admin passes the fields of its fieldsets; on its own the form edits the body.
        fields = ["body"]
