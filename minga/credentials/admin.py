"""Read-only admin: achievements, credentials and status lists change only through actions,
so every change is signed and in the audit log."""

from django.contrib import admin

from minga.core.admin import ReadOnlyAdmin as ReadOnly
from minga.core.admin import ReadOnlyInline

from .models import Achievement, AchievementTranslation, Alignment, Credential, StatusList


class TranslationInline(ReadOnlyInline):
    model = AchievementTranslation


class AlignmentInline(ReadOnlyInline):
    model = Alignment


@admin.register(Achievement)
class AchievementAdmin(ReadOnly):
    list_display = ["name", "coop", "achievement_type", "language", "is_active", "created_at"]
    list_filter = ["achievement_type", "is_active"]
    list_select_related = ["coop"]
    search_fields = ["name", "coop__name"]
    inlines = [TranslationInline, AlignmentInline]


@admin.register(Credential)
class CredentialAdmin(ReadOnly):
    list_display = ["uuid", "achievement", "coop", "recipient_name", "status", "issued_at"]
    list_filter = ["status", "identity_type"]
    list_select_related = ["achievement", "coop"]
    search_fields = ["uuid", "recipient_name", "coop__name", "achievement__name"]
    exclude = ["identity_salt", "contact_hmac"]


@admin.register(StatusList)
class StatusListAdmin(ReadOnly):
    list_display = ["coop", "purpose", "number", "next_index", "size", "updated_at"]
    list_select_related = ["coop"]
