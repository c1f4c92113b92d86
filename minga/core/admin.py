"""Admin pieces shared by the apps whose rows change only through audited actions.

An admin page that saved a row itself would change the database without a log entry, and the
log and the database would disagree. So every app registers its models with `ReadOnlyAdmin`:
staff see every row and change none. Where staff do need to change something, the app's admin
offers it as an admin action or a small staff page that calls the app's audited action with the
staff member as actor, or links to the site's own page for it (`object_links`).

This module imports no other app: the apps bring their actions, core brings the frame.
"""

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _


class ReadOnlyPermissions:
    """No adding, changing or deleting, whoever asks: pages and inlines of audited rows."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyPermissions, admin.ModelAdmin):
    """Shows rows and never changes them: every change goes through an action and the log.

    Subclasses list where staff change a row instead in `object_links` (shown on the row's
    page) and `list_links` (shown above the list); both are (label, URL) pairs.
    """

    change_form_template = "admin/minga/read_only_change_form.html"
    change_list_template = "admin/minga/read_only_change_list.html"

    def object_links(self, request, obj: Model) -> list[tuple[str, str]]:
        return []

    def list_links(self, request) -> list[tuple[str, str]]:
        return []

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        links = self.object_links(request, obj) if obj is not None else []
        extra_context = {**(extra_context or {}), "minga_links": links}
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "minga_links": self.list_links(request)}
        return super().changelist_view(request, extra_context)

    def staff_page(self, request, *, title: str, form, obj: Model | None = None) -> Any:
        """A small admin page with one form, for changes made through an action."""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "form": form,
            "original": obj,
        }
        return TemplateResponse(request, "admin/minga/staff_form.html", context)


class ReadOnlyInline(ReadOnlyPermissions, admin.TabularInline):
    """An inline of a read-only page: shown, never added to, changed or deleted."""

    extra = 0
    can_delete = False


def apply_action(request, rows: Iterable[Model], change: Callable[[Model], object]) -> int:
    """Call `change(row)`, an audited action, for each selected row; returns how many changed.

    Each action runs in its own transaction, so a row the action refuses (one of its rules,
    shown with the row's name) leaves the others done. The caller reports the count.
    """
    count = 0
    for row in rows:
        try:
            change(row)
        except ValidationError as error:
            _refused(request, row, " ".join(error.messages))
        except PermissionDenied as error:
            _refused(request, row, str(error) or _("You may not do this."))
        else:
            count += 1
    return count


def _refused(request, row: Model, reason: str) -> None:
    messages.error(request, _("%(row)s: %(reason)s") % {"row": row, "reason": reason})
