from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .models import Image
from .processing import image_clean

ACCEPTED_TYPES = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}


def upload_help_text() -> str:
    return _("%(formats)s; at most %(size)s and %(megapixels)s megapixels.") % {
        "formats": ", ".join(settings.GAZETA_IMAGE_FORMATS),
        "size": filesizeformat(settings.GAZETA_IMAGE_MAX_BYTES),
        "megapixels": f"{settings.GAZETA_IMAGE_MAX_PIXELS / 1_000_000:.0f}",
    }


class ImageUploadForm(forms.ModelForm):
    """A new picture for the library. The file is checked and cleaned here (``image_clean``),
    so every refusal comes back as an error on the form; ``clean_image`` keeps the result."""

    upload = forms.FileField(label=_("Image file"))

    class Meta:
        model = Image
        fields = ["alt_text", "caption", "photographer", "agency"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.clean_image = None
        upload = self.fields["upload"]
        upload.help_text = upload_help_text()
        upload.widget.attrs["accept"] = ",".join(
            ACCEPTED_TYPES[f] for f in settings.GAZETA_IMAGE_FORMATS if f in ACCEPTED_TYPES
        )

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        self.clean_image = image_clean(upload)
        return upload
