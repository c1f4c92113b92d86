"""Read-only admin: every change to judging goes through an audited action."""

from django.contrib import admin

from minga.core.admin import ReadOnlyAdmin

from .models import Award, Criterion, Juror


@admin.register(Juror)
class JurorAdmin(ReadOnlyAdmin):
    list_display = ["person", "event", "created_at"]
    list_select_related = ["person", "event"]


@admin.register(Criterion)
class CriterionAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "event", "weight", "position"]
    list_select_related = ["event"]


@admin.register(Award)
class AwardAdmin(ReadOnlyAdmin):
    list_display = ["person", "kind", "rank", "prize_name", "event", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["person", "event"]
