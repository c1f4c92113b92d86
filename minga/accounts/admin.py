from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.utils.translation import gettext_lazy as _

from .models import User


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "phone", "name"]
        field_classes: dict = {}


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationForm
    ordering = ["name"]
    list_display = ["name", "email", "phone", "preferred_language", "is_staff"]
    search_fields = ["name", "email", "phone"]
    list_filter = ["is_staff", "is_active", "preferred_language"]
    fieldsets = [
        (None, {"fields": ["email", "phone", "password"]}),
        (
            _("Profile"),
            {
                "fields": [
                    "name",
                    "preferred_language",
                    "languages",
                    "timezone",
                    "skills",
                    "tags",
                    "roles",
                    "bio",
                ]
            },
        ),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (
            _("Dates"),
            {"fields": ["email_verified_at", "phone_verified_at", "last_login", "date_joined"]},
        ),
    ]
    add_fieldsets = [(None, {"fields": ["email", "phone", "name", "password1", "password2"]})]
    # Only their owner confirms an address or a number (a link, a code), never an operator.
    readonly_fields = ["email_verified_at", "phone_verified_at"]

    def save_model(self, request, obj, form, change):
        if "email" in form.changed_data:
            obj.email_verified_at = None
        if "phone" in form.changed_data:
            obj.phone_verified_at = None
        super().save_model(request, obj, form, change)
