from django.contrib import admin

from .models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Read-only history: runs are recorded by the import commands, never edited."""

    list_display = [
        "started_at",
        "format",
        "source",
        "status",
        "articles_created",
        "articles_updated",
        "articles_unchanged",
        "lines_failed",
        "comments_added",
    ]
    list_filter = ["format", "status"]
    date_hierarchy = "started_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
