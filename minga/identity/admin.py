"""Keys in the admin: public facts only, and no way to edit or add them by hand.

Keys change through ``actions.py`` so that every change is in the audit log.
"""

from django.contrib import admin

from minga.core.admin import ReadOnlyAdmin

from .models import Key


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
