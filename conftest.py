"""Shared personas for every app's tests: a cooperative with its owner, a member, an outsider.

They are built through actions, as real people would be, so invariants (the founder is
an administrator, memberships have history) hold in every test. Also here, for every app:
`organiser` of the organising `federation`, clients signed in as a persona (`client_of`,
the `*_client` fixtures), and a clock to move (`at`).
"""

import datetime
import importlib
import threading

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseOperations as SQLiteOperations
from django.test import Client
from django.utils import translation

from minga.accounts import actions as account_actions
from minga.accounts.models import User
from minga.coops import actions as coop_actions
from minga.coops.models import Membership

# The browser journeys' fixtures (`browser`, `new_page`), shared by every journey.
pytest_plugins = ["tests.browser.support"]


def run_at_once(jobs, *, connections: int = 20, timeout: float = 300) -> list[BaseException]:
    """Run `jobs` from `connections` threads released together, each with its own database
    connection (closed at the end); returns what the jobs raised, for the test to assert on.
    Twenty connections: PostgreSQL's connection limit is shared with other test runs."""
    start = threading.Barrier(connections)
    failures: list[BaseException] = []
    shares = [jobs[i::connections] for i in range(connections)]

    def run(share) -> None:
        try:
            start.wait()
            for job in share:
                job()
        except BaseException as error:  # reported by the main thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return failures


def rows_of(*app_labels: str) -> dict[str, list[dict]]:
    """Every row of every model of `app_labels` and of the audit log, in a form to compare:
    a refused action must leave the two snapshots, before and after it, equal."""
    models = [
        m for label in (*app_labels, "audit") for m in apps.get_app_config(label).get_models()
    ]
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in models}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing costs half a second per password by design; tests need no such cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _flush_lifting_book_guards(sql_flush):
    """On SQLite, a test with real transactions (a live server, a browser) ends with Django's
    flush, which DELETEs every row; the treasury's triggers refuse that for posted books (on
    PostgreSQL the flush TRUNCATEs, which row triggers do not see). In tests only, the flush
    lifts those DELETE triggers for its own transaction and puts them back after."""

    def flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = sql_flush(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        guards = importlib.import_module(
            "minga.treasury.migrations.0002_database_keeps_the_books_balanced_and_immutable"
        )
        if not set(guards.IMMUTABLE) & set(tables):
            return statements
        drops = [f"DROP TRIGGER IF EXISTS {table}_no_delete" for table in guards.IMMUTABLE]
        creates = [sql.strip() for sql in guards.SQLITE if "DELETE ON" in sql]
        return drops + list(statements) + creates

    return flush


SQLiteOperations.sql_flush = _flush_lifting_book_guards(SQLiteOperations.sql_flush)


@pytest.fixture(autouse=True)
def _english_between_tests():
    """A request leaves its language active in the thread; each test starts in English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def make_person(
    name: str,
    email: str | None = None,
    phone: str | None = None,
    *,
    phone_verified: bool = False,
    **extra,
) -> User:
    """A person; `phone_verified=True` for one whose phone counts for USSD and SMS."""
    user = User.objects.create_user(
        email=email, phone=phone, password="a-long-test-password", name=name, **extra
    )
    if phone_verified:
        user = account_actions.record_phone_verified(user=user, actor=user)
    return user


@pytest.fixture
def owner(db) -> User:
    return make_person("Coop Owner", "owner@example.org", timezone="Africa/Kigali")


@pytest.fixture
def member(db) -> User:
    return make_person(
        "Coop Member", "member@example.org", phone="+250788000111", phone_verified=True
    )


@pytest.fixture
def outsider(db) -> User:
    return make_person("Outsider Person", "outsider@example.org", preferred_language="es")


@pytest.fixture
def coop(owner, member):
    coop = coop_actions.create_cooperative(
        actor=owner,
        name="Abahuzamugambi Coffee Cooperative",
        legal_form="primary",
        country="RW",
        region="Southern Province",
        sector="agriculture",
        founded_year=1999,
        member_count=900,
        languages=["rw", "fr", "en"],
        description="Coffee growers of Maraba.",
    )
    invitation = coop_actions.create_invitation(
        coop=coop, actor=owner, role=Membership.Role.MEMBER, base_url="http://testserver"
    )
    coop_actions.accept_invitation(token=invitation.token, person=member)
    return coop


@pytest.fixture
def organiser(db) -> User:
    """An administrator of a federation that runs coop-a-thons."""
    return make_person("Federation Organiser", "organiser@example.org", timezone="Europe/Brussels")


@pytest.fixture
def federation(organiser):
    return coop_actions.create_cooperative(
        actor=organiser,
        name="Federation of Cooperatives",
        legal_form="federation",
        country="BE",
        sector="federation",
        is_organiser=True,
    )


def at(moment: datetime.datetime):
    """Freeze the clock at `moment` (use as a context manager)."""
    return time_machine.travel(moment, tick=False)


def client_for(client, user):
    client.force_login(user)
    return client


def client_of(person) -> Client:
    """A new client signed in as `person` (anonymous for None), beside the test's `client`."""
    client = Client()
    if person is not None:
        client.force_login(person)
    return client


@pytest.fixture
def anonymous_client() -> Client:
    return Client()


@pytest.fixture
def organiser_client(organiser, federation) -> Client:
    return client_of(organiser)


@pytest.fixture
def owner_client(client, owner):
    return client_for(client, owner)


@pytest.fixture
def member_client(client, member):
    return client_for(client, member)


@pytest.fixture
def outsider_client(client, outsider):
    return client_for(client, outsider)


@pytest.fixture
def sms_outbox(settings):
    """The SMS handed to the provider, texts included (the records keep no secret's text)."""
    from minga.channels import sms

    settings.SMS_PROVIDER = "memory"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


@pytest.fixture
def run_tasks():
    """Run the queued tasks (message deliveries) as `minga worker` would; returns how many ran."""
    from minga.core.worker import run_ready_tasks

    return run_ready_tasks
