from django.contrib import admin

from .models import Cooperative, Invitation, Membership, MembershipChange


@admin.register(Cooperative)
class CooperativeAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "sector", "member_count"]
    list_filter = ["sector", "country"]
    search_fields = ["name", "region"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "coop", "role", "status"]
    list_filter = ["role", "status"]
    raw_id_fields = ["person", "coop"]


admin.site.register(MembershipChange)
admin.site.register(Invitation)
