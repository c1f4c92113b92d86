"""Cooperatives in the admin, read-only: they change through coops/actions.py, so into the log.

Staff change a cooperative, a membership or an invitation on the site's own pages (staff may
manage every cooperative there), which call the audited actions with them as actor; the admin
links to those pages. Affiliations to federations have no page on the site: staff add them on
a small admin page and end them with an admin action, both through the affiliation actions.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from minga.core.admin import ReadOnlyAdmin, apply_action

from . import actions
from .models import Affiliation, Cooperative, Invitation, Membership, MembershipChange


@admin.register(Cooperative)
class CooperativeAdmin(ReadOnlyAdmin):
    list_display = ["name", "country", "sector", "member_count"]
    list_filter = ["sector", "country"]
    search_fields = ["name", "region"]

    def object_links(self, request, obj):
        return [
            (_("Edit on the site"), reverse("coops:edit", args=[obj.slug])),
            (_("Members on the site"), reverse("coops:members", args=[obj.slug])),
        ]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["person", "coop", "role", "status"]
    list_filter = ["role", "status"]
    list_select_related = ["person", "coop"]
    search_fields = ["person__name", "coop__name"]

    def object_links(self, request, obj):
        url = reverse("coops:membership-edit", args=[obj.coop.slug, obj.pk])
        return [(_("Change role or status on the site"), url)]


@admin.register(MembershipChange)
class MembershipChangeAdmin(ReadOnlyAdmin):
    list_display = ["membership", "old_role", "new_role", "old_status", "new_status", "actor"]
    list_select_related = ["membership__person", "membership__coop", "actor"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "role", "uses", "max_uses", "expires_at", "revoked_at"]
    list_select_related = ["coop"]
    exclude = ["token"]  # a usable link: whoever reads it joins
    actions = ["revoke"]

    def object_links(self, request, obj):
        return [(_("Invitations on the site"), reverse("coops:invitations", args=[obj.coop.slug]))]

    @admin.action(description=gettext_lazy("Withdraw the selected invitations"))
    def revoke(self, request, queryset):
        def revoke(invitation):
            return actions.revoke_invitation(invitation=invitation, actor=request.user)

        count = apply_action(request, queryset.filter(revoked_at__isnull=True), revoke)
        if count:
            self.message_user(
                request,
                ngettext(
                    "%(count)s invitation withdrawn.", "%(count)s invitations withdrawn.", count
                )
                % {"count": count},
            )


class AffiliationForm(forms.Form):
    federation = forms.ModelChoiceField(
        label=gettext_lazy("Federation"), queryset=Cooperative.objects.all()
    )
    member = forms.ModelChoiceField(
        label=gettext_lazy("Member cooperative"), queryset=Cooperative.objects.all()
    )


@admin.register(Affiliation)
class AffiliationAdmin(ReadOnlyAdmin):
    list_display = ["member", "federation", "is_active", "joined_at"]
    list_filter = ["is_active"]
    list_select_related = ["member", "federation"]
    actions = ["end"]

    def get_urls(self):
        add = self.admin_site.admin_view(self.add_affiliation_view)
        return [path("join/", add, name="coops_affiliation_join"), *super().get_urls()]

    def list_links(self, request):
        return [(_("Add an affiliation"), reverse("admin:coops_affiliation_join"))]

    def add_affiliation_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = AffiliationForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                actions.add_affiliation(actor=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                form.add_error(None, error if isinstance(error, ValidationError) else str(error))
            else:
                self.message_user(request, _("The affiliation is added."))
                return redirect("admin:coops_affiliation_changelist")
        return self.staff_page(request, title=_("Add an affiliation"), form=form)

    @admin.action(description=gettext_lazy("End the selected affiliations"))
    def end(self, request, queryset):
        count = apply_action(
            request,
            queryset,
            lambda affiliation: actions.end_affiliation(
                affiliation=affiliation, actor=request.user
            ),
        )
        if count:
            self.message_user(
                request,
                ngettext("%(count)s affiliation ended.", "%(count)s affiliations ended.", count)
                % {"count": count},
            )
