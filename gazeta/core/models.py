"""``core`` holds no domain models; this module has the field-normalising mixin they share."""

from django.db import models

from .text import normalize_romanian, strip_control_chars


class RomanianTextMixin(models.Model):
    """On save, every stored text field gets comma-below diacritics and no control characters."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.normalize_text_fields()
        super().save(*args, **kwargs)

    def normalize_text_fields(self) -> None:
        for field in self._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and not isinstance(
                field, models.EmailField | models.URLField | models.SlugField
            ):
                value = getattr(self, field.attname)
                if isinstance(value, str):
                    setattr(self, field.attname, normalize_romanian(strip_control_chars(value)))
