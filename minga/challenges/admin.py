"""Needs in the admin, read-only: every change goes through actions.py, and so into the log."""

from django.contrib import admin

from .models import Comment, Need, NeedTranslation


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Need)
class NeedAdmin(ReadOnlyAdmin):
    list_display = ["title", "coop", "status", "theme", "country", "updated_at"]
    list_filter = ["status", "theme", "world_region", "sector"]
    search_fields = ["title", "coop__name"]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ["need", "author", "status", "created_at"]


@admin.register(NeedTranslation)
class NeedTranslationAdmin(ReadOnlyAdmin):
    list_display = ["need", "language", "translator", "updated_at"]
