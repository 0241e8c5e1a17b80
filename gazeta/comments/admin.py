from django.contrib import admin

from .models import Comment


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["name", "article", "status", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "email", "body"]
    raw_id_fields = ["article", "parent"]
    list_select_related = ["article"]
