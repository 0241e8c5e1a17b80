from dataclasses import dataclass

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Renditions live beside the originals; both carry a content hash in their names, so they
# can be cached for a year (see views.serve_media and docs/media.md).
UPLOAD_TO = "images/%Y/%m/"
RENDITIONS_DIR = "images/renditions"


@dataclass(frozen=True)
class Rendition:
    """One resized copy of an image, as listed in ``Image.renditions``."""

    name: str
    format: str
    width: int
    height: int
    bytes: int = 0

    @property
    def url(self) -> str:
        return default_storage.url(self.name)

    @property
    def mime_type(self) -> str:
        return f"image/{self.format}"


class Image(models.Model):
    """A picture in the newsroom's library, with what readers and search engines need.

    The stored original has no metadata (EXIF, GPS, XMP), its orientation already applied.
    Its renditions are listed in ``renditions`` (written whole by the rendition task), so
    whoever loads an image has its ``srcset`` without another query."""

    class Format(models.TextChoices):
        JPEG = "JPEG", "JPEG"
        PNG = "PNG", "PNG"
        WEBP = "WEBP", "WebP"
        GIF = "GIF", "GIF"

    # No width_field/height_field: Django would re-read the file from storage to refill them
    # (on every refresh_from_db); the upload service sets them once.
    file = models.ImageField(_("file"), upload_to=UPLOAD_TO)
    width = models.PositiveIntegerField(_("width"), editable=False, default=0)
    height = models.PositiveIntegerField(_("height"), editable=False, default=0)
    format = models.CharField(_("format"), max_length=10, choices=Format.choices, editable=False)
    file_size = models.PositiveIntegerField(_("size in bytes"), editable=False, default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, editable=False, db_index=True)
    alt_text = models.CharField(
        _("alternative text"),
        max_length=250,
        help_text=_("What the picture shows, for readers who cannot see it. Required."),
    )
    caption = models.CharField(_("caption"), max_length=500, blank=True)
    photographer = models.CharField(_("photographer"), max_length=150, blank=True)
    agency = models.CharField(_("agency"), max_length=100, blank=True)
    renditions = models.JSONField(_("renditions"), default=list, blank=True, editable=False)
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("image")
        verbose_name_plural = _("images")
        constraints = [
            models.CheckConstraint(
                condition=~Q(alt_text=""),
                name="image_has_alt_text",
                violation_error_message=_("Every image needs an alternative text."),
            )
        ]

    def __str__(self):
        return self.alt_text

    @property
    def url(self) -> str:
        return self.file.url

    @property
    def credit(self) -> str:
        """“Photographer / Agency”, either alone, or empty."""
        return " / ".join(part for part in (self.photographer, self.agency) if part)

    def rendition_list(self, image_format: str = "webp") -> list[Rendition]:
        """Renditions in ``image_format``, narrowest first."""
        found = [Rendition(**r) for r in self.renditions or [] if r.get("format") == image_format]
        return sorted(found, key=lambda r: r.width)

    def srcset(self, image_format: str = "webp") -> str:
        return ", ".join(f"{r.url} {r.width}w" for r in self.rendition_list(image_format))

    def largest_rendition(self, image_format: str = "webp") -> Rendition | None:
        renditions = self.rendition_list(image_format)
        return renditions[-1] if renditions else None

    @property
    def formats(self) -> list[str]:
        """Formats that have renditions, most efficient first (AVIF before WebP)."""
        present = {r.get("format") for r in self.renditions or []}
        return [f for f in ("avif", "webp") if f in present]
