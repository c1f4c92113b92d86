"""Needs in the admin, read-only: every change goes through actions.py, and so into the log."""

from django.contrib import admin

from minga.core.admin import ReadOnlyAdmin

from .models import Comment, Need, NeedTranslation


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
