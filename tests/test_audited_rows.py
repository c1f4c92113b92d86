"""No audited row changes outside an action: not in the admin, a view, a form or the demo.

Which models are audited is derived, not listed by hand. An app is audited when its code
records into the log (it calls `audit.record` or `audit.append`; the audit app, whose rows
are the log and its private openings, counts too). Every concrete model of such an app is
audited: an app that audits its changes keeps its rows consistent with its log only if
every change to them goes through its actions, including rows no entry names directly
(history rows, options, translations), whose silent change would falsify what the entries
say. A new app that starts recording, or a new model in such an app, is covered at once.
`NOT_AUDITED` is where a model of such an app could be exempted, with its reason; it is empty.

The admin check is exact: every audited model registered in the admin refuses add, change and
delete to a superuser (inlines included), and a superuser's POST to its add, change and delete
pages answers 403 and changes nothing, on a world built by `minga demo`.

The view and form check is static and pragmatic (an `ast` walk, not a type checker): in the
`*views.py`, `*forms.py`, `api.py` and `admin.py` modules of audited apps it finds
- any `.save(...)` or `.delete(...)` call, whatever the receiver (in these modules the receiver
  is a model instance, a form of one or a queryset), and
- `.create / .update / .get_or_create / .update_or_create / .bulk_create / .bulk_update`
  called on a chain that starts at an audited model's class name (`Poll.objects...`) or goes
  through a related manager of an audited model (`coop.memberships.create(...)`).
Writes Django makes inside its own views (the password change and reset views save the
person's password hash, `login` stamps `last_login`) are outside its reach, and so is a write
through a helper module a view imports: those modules are reviewed like actions.
"""

import ast
import io
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from minga.accounts.models import User
from minga.audit import integrity
from minga.audit.models import Entry
from minga.coops.models import Affiliation, Membership

PACKAGE = Path(__file__).resolve().parents[1] / "minga"
RECORDS = re.compile(r"\baudit\.(?:record|append)\(")
NOT_AUDITED: dict[str, str] = {}  # "app_label.Model": why its rows may change outside actions
WRITE_ANYWHERE = {"save", "delete"}
WRITE_ON_MODELS = {
    "create",
    "update",
    "get_or_create",
    "update_or_create",
    "bulk_create",
    "bulk_update",
}
SCANNED = ("*views.py", "*forms.py", "api.py", "admin.py")


def audited_apps() -> list:
    """The project's apps whose code records into the log, and the log's own app."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("minga."):
            continue
        root = Path(config.path)
        sources = [p for p in root.rglob("*.py") if not {"tests", "migrations"} & set(p.parts)]
        if config.label == "audit" or any(RECORDS.search(p.read_text()) for p in sources):
            found.append(config)
    return found


def audited_models() -> list:
    return [
        model
        for config in audited_apps()
        for model in config.get_models()
        if model._meta.label not in NOT_AUDITED
    ]


def registered_audited_models() -> list:
    return [model for model in audited_models() if model in admin.site._registry]


def test_it_derives_the_audited_apps_and_models():
    labels = {config.label for config in audited_apps()}
    assert {"accounts", "coops", "identity", "audit", "decisions", "credentials"} <= labels
    models = {model._meta.label for model in audited_models()}
    assert {"coops.Membership", "coops.Affiliation", "accounts.User"} <= models
    assert set(NOT_AUDITED) <= {
        model._meta.label for config in audited_apps() for model in config.get_models()
    }


@pytest.fixture
def superuser_request(db):
    request = RequestFactory().get("/admin/")
    request.user = User.objects.create_superuser(
        email="root@example.org", password="x", name="Root"
    )
    return request


@pytest.mark.django_db
@pytest.mark.parametrize("model", registered_audited_models(), ids=lambda m: m._meta.label)
def test_it_gives_no_admin_page_a_way_to_add_change_or_delete_an_audited_model(
    model, superuser_request
):
    model_admin = admin.site._registry[model]
    request = superuser_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.has_view_permission(request)  # staff still see every row
    for inline_class in model_admin.inlines:
        inline = inline_class(model, admin.site)
        assert not inline.has_add_permission(request, None)
        assert not inline.has_change_permission(request)
        assert not inline.has_delete_permission(request)
    assert all(action != "delete_selected" for action in model_admin.get_actions(request))


def form_data(row) -> dict:
    """A POST that would change the row: its values with every text field altered."""
    data = {}
    for field in row._meta.concrete_fields:
        value = field.value_from_object(row)
        if field.is_relation:
            data[field.name] = value
        elif isinstance(value, str):
            data[field.name] = value + "x"
        elif value is not None and not isinstance(value, bytes | bool | dict | list):
            data[field.name] = str(value)
    return {name: value for name, value in data.items() if value is not None}


def snapshot(model) -> list:
    return list(model._default_manager.order_by("pk").values())


@pytest.mark.django_db
def test_it_refuses_every_admin_write_to_the_demo_world_and_changes_nothing(client):
    """A superuser reads the list and a row of every audited model, and posting to its add,
    change and delete pages gets 403 and leaves the rows as they were (the demo gives rows to
    every registered model)."""
    call_command("demo", stdout=io.StringIO())
    client.force_login(User.objects.get(email="organiser@demo.minga.coop"))
    refused = []
    for model in registered_audited_models():
        info = model._meta.app_label, model._meta.model_name
        before = snapshot(model)
        assert before, f"the demo has no {model._meta.label} to try"
        row = model._default_manager.order_by("pk").first()
        for url in (
            reverse("admin:{}_{}_changelist".format(*info)),
            reverse("admin:{}_{}_change".format(*info), args=[row.pk]),
        ):
            assert client.get(url).status_code == 200, url  # staff still read every row
        posts = [
            (reverse("admin:{}_{}_add".format(*info)), form_data(row)),
            (reverse("admin:{}_{}_change".format(*info), args=[row.pk]), form_data(row)),
            (reverse("admin:{}_{}_delete".format(*info), args=[row.pk]), {"post": "yes"}),
        ]
        for url, data in posts:
            status = client.post(url, data).status_code
            if status != 403:
                refused.append(f"{url} answered {status}")
        assert snapshot(model) == before, model._meta.label
    assert not refused


class WriteFinder(ast.NodeVisitor):
    """Direct writes of audited models in one module (see the module docstring)."""

    def __init__(self, model_names: set[str], accessors: set[str]):
        self.model_names, self.accessors = model_names, accessors
        self.found: list[tuple[int, str]] = []

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and self._writes(func):
            self.found.append((node.lineno, ast.unparse(func)))
        self.generic_visit(node)

    def _writes(self, func: ast.Attribute) -> bool:
        if func.attr in WRITE_ANYWHERE:
            return True
        return func.attr in WRITE_ON_MODELS and self._on_audited_model(func.value)

    def _on_audited_model(self, node: ast.expr) -> bool:
        while True:
            if isinstance(node, ast.Call):
                node = node.func
            elif isinstance(node, ast.Attribute):
                if node.attr in self.accessors:
                    return True
                node = node.value
            elif isinstance(node, ast.Name):
                return node.id in self.model_names
            else:
                return False


def find_writes(source: str) -> list[tuple[int, str]]:
    models = audited_models()
    names = {model.__name__ for model in models}
    accessors = {
        relation.get_accessor_name()
        for model in models
        for relation in model._meta.related_objects
        if relation.get_accessor_name()
    }
    accessors |= {field.name for model in models for field in model._meta.many_to_many}
    finder = WriteFinder(names, accessors)
    finder.visit(ast.parse(source))
    return finder.found


def test_it_finds_no_view_form_or_admin_writing_an_audited_model_directly():
    found = []
    for config in audited_apps():
        for pattern in SCANNED:
            for path in sorted(Path(config.path).glob(pattern)):
                for line, call in find_writes(path.read_text()):
                    found.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {call}(...)")
    assert not found, "write through an action instead:\n" + "\n".join(found)


def test_it_would_find_a_view_that_saves_a_membership_or_creates_a_poll():
    source = (
        "def edit(request, pk):\n"
        "    membership = Membership.objects.get(pk=pk)\n"
        "    membership.role = request.POST['role']\n"
        "    membership.save()\n"
        "    coop.memberships.create(person=request.user)\n"
        "    Poll.objects.filter(pk=pk).update(status='closed')\n"
        "    context.update(done=True)\n"
    )
    assert [line for line, _call in find_writes(source)] == [4, 5, 6]


@pytest.mark.django_db
def test_it_builds_the_demo_world_through_actions():
    """Every demo person signed up, every membership and affiliation has its history and its
    entry, the organiser's staff access is recorded, and the log verifies."""
    call_command("demo", stdout=io.StringIO())
    assert Entry.objects.filter(kind="person.joined").count() == User.objects.count()
    memberships = Membership.objects.count()
    assert Entry.objects.filter(kind="membership.joined").count() == memberships
    assert not Membership.objects.filter(changes__isnull=True).exists()
    assert Entry.objects.filter(kind="affiliation.added").count() == Affiliation.objects.count()
    assert Affiliation.objects.exists()
    assert Entry.objects.filter(kind="person.staff_access_changed").count() == 1
    integrity.verify_log()
