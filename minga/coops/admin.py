from django.contrib import admin

from minga.core.admin import ReadOnlyAdmin

from .models import Cooperative, Invitation, Membership, MembershipChange

# Cooperatives, memberships and invitations change only through the actions, which check the
# roles and write the history and the audit log: the admin shows them, staff act on the site.


@admin.register(Cooperative)
class CooperativeAdmin(ReadOnlyAdmin):
    list_display = ["name", "country", "sector", "member_count"]
    list_filter = ["sector", "country"]
    search_fields = ["name", "region"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["person", "coop", "role", "status"]
    list_filter = ["role", "status"]
    raw_id_fields = ["person", "coop"]


@admin.register(MembershipChange)
class MembershipChangeAdmin(ReadOnlyAdmin):
    list_display = ["membership", "new_role", "new_status", "actor", "created_at"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["coop", "role", "created_at", "expires_at", "uses", "max_uses"]
    exclude = ["token"]
