"""People in the admin, read-only: accounts change through accounts/actions.py, so into the log.

A person's e-mail address and phone number are how they sign in and, for the phone, who they
are on USSD and SMS: staff change them on a small page that calls `update_profile`, and turn
accounts off and on again with admin actions that call `deactivate_account` and
`reactivate_account`, each with the staff member as actor.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from minga.core.admin import ReadOnlyAdmin, apply_action

from . import actions
from .forms import ContactFieldsMixin
from .models import User


class ContactForm(ContactFieldsMixin, forms.ModelForm):
    """The same checks as the profile form: at least one, normalised, nobody else's."""

    class Meta:
        model = User
        fields = ["email", "phone"]


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    ordering = ["name"]
    list_display = ["name", "email", "phone", "preferred_language", "is_active", "is_staff"]
    search_fields = ["name", "email", "phone"]
    list_filter = ["is_staff", "is_active", "preferred_language"]
    actions = ["deactivate", "reactivate"]
    fieldsets = [
        (None, {"fields": ["email", "phone"]}),
        (
            gettext_lazy("Profile"),
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
        (gettext_lazy("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (
            gettext_lazy("Dates"),
            {"fields": ["email_verified_at", "phone_verified_at", "last_login", "date_joined"]},
        ),
    ]

    def get_urls(self):
        contact = self.admin_site.admin_view(self.contact_view)
        return [
            path("<path:object_id>/contact/", contact, name="accounts_user_contact"),
            *super().get_urls(),
        ]

    def object_links(self, request, obj):
        url = reverse("admin:accounts_user_contact", args=[obj.pk])
        return [(_("Change e-mail or phone"), url)]

    def contact_view(self, request, object_id):
        person = self.get_object(request, object_id)
        if person is None:
            raise Http404
        if not self.has_view_permission(request, person):
            raise PermissionDenied
        form = ContactForm(request.POST or None, instance=person)
        if request.method == "POST" and form.is_valid():
            changes = {name: form.cleaned_data[name] for name in form.changed_data}
            email_changed = "email" in changes
            person = actions.update_profile(user=person, actor=request.user, changes=changes)
            if email_changed and person.email:
                base_url = request.build_absolute_uri("/").rstrip("/")
                actions.send_verification_email(user=person, base_url=base_url)
            self.message_user(request, _("The e-mail address and phone number are saved."))
            return redirect("admin:accounts_user_change", person.pk)
        return self.staff_page(request, title=_("Change e-mail or phone"), form=form, obj=person)

    @admin.action(description=gettext_lazy("Deactivate the selected accounts"))
    def deactivate(self, request, queryset):
        self._apply(
            request,
            queryset,
            actions.deactivate_account,
            lambda n: ngettext(
                "%(count)s account deactivated.", "%(count)s accounts deactivated.", n
            ),
        )

    @admin.action(description=gettext_lazy("Reactivate the selected accounts"))
    def reactivate(self, request, queryset):
        self._apply(
            request,
            queryset,
            actions.reactivate_account,
            lambda n: ngettext(
                "%(count)s account reactivated.", "%(count)s accounts reactivated.", n
            ),
        )

    def _apply(self, request, queryset, action, done):
        """Run `action` on each selected person as the signed-in staff member; say how many."""
        count = apply_action(
            request, queryset, lambda person: action(person=person, actor=request.user)
        )
        if count:
            self.message_user(request, done(count) % {"count": count})
