from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One run of an import command: what it read and what came of it."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        INTERRUPTED = "interrupted", _("Interrupted")

    format = models.CharField(_("format"), max_length=20)
    source = models.CharField(_("source"), max_length=255, help_text=_("File read, or “-”."))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    articles_created = models.PositiveIntegerField(_("articles created"), default=0)
    articles_updated = models.PositiveIntegerField(_("articles updated"), default=0)
    articles_unchanged = models.PositiveIntegerField(_("articles unchanged"), default=0)
    lines_failed = models.PositiveIntegerField(_("lines failed"), default=0)
    comments_added = models.PositiveIntegerField(_("comments added"), default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self):
        return f"{self.format} {self.source} ({self.started_at:%Y-%m-%d %H:%M})"
