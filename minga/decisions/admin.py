"""Read-only admin: every change to decisions goes through an audited action.

Ballots and participations are deliberately absent: an administrator browsing them side by side
is exactly what secret ballots must not invite.
"""

from django.contrib import admin

from minga.core.admin import ReadOnlyAdmin as ReadOnly

from .models import Comment, Discussion, Poll


@admin.register(Discussion)
class DiscussionAdmin(ReadOnly):
    list_display = ["title", "coop", "author", "created_at"]
    list_select_related = ["coop", "author"]


@admin.register(Comment)
class CommentAdmin(ReadOnly):
    list_display = ["__str__", "discussion", "created_at"]
    list_select_related = ["discussion", "author"]


@admin.register(Poll)
class PollAdmin(ReadOnly):
    list_display = ["title", "coop", "kind", "status", "closes_at", "electorate_size"]
    list_filter = ["status", "kind"]
    list_select_related = ["coop"]
    exclude = ["ballot_salt"]
