"""Keys in the admin: public facts only, and no way to edit or add them by hand.

Keys change through ``actions.py`` so that every change is in the audit log.
"""

from django.contrib import admin

from minga.core.admin import ReadOnlyAdmin

from .models import DidLog, DidLogEntry, Key


@admin.register(Key)
class KeyAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "coop", "is_active", "created_at", "rotated_at"]
    list_filter = ["is_active"]
    search_fields = ["public_key_multibase", "coop__slug", "coop__name"]
    fields = [
        "coop",
        "public_key_multibase",
        "master_key_id",
        "is_active",
        "created_at",
        "rotated_at",
    ]
    readonly_fields = fields


@admin.register(DidLog)
class DidLogAdmin(ReadOnlyAdmin):
    list_display = ["did", "coop", "published_version", "created_at"]
    search_fields = ["did", "coop__slug"]
    fields = ["did", "scid", "coop", "published_version", "created_at"]
    readonly_fields = fields


@admin.register(DidLogEntry)
class DidLogEntryAdmin(ReadOnlyAdmin):
    list_display = ["version_id", "log", "audit_index", "created_at"]
    fields = ["log", "version_number", "version_id", "line", "audit_index", "created_at"]
    readonly_fields = fields
