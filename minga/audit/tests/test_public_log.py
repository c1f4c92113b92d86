"""The public log carries only what is public: walked as an anonymous reader, as a member.

The demo creates every kind of entry the platform writes in ordinary use; the walk reads each
of them through every public door (the entry list pages, each entry's page, each entry's JSON
and the entry tiles) and looks for members-only values: titles of discussions, the title and
options of polls not yet closed, membership roles and statuses, people's ids and names.
"""

from __future__ import annotations

import datetime
import io
import json
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from minga import audit
from minga.accounts.models import User
from minga.audit import commitments, kinds, log
from minga.audit.models import Entry
from minga.audit.tiles import TILE_WIDTH, tile_path
from minga.coops import actions as coop_actions
from minga.coops.models import Cooperative, Membership
from minga.decisions import actions as decision_actions
from minga.decisions.models import Discussion, Poll

# Keys under which entries name people; each must hold a commitment, never an id.
PERSON_KEYS = {"person", "people", "holder", "participant", "recipient", "roster", "actor"}
MEMBERSHIP_KEYS = {"person", "role", "status"}


def _suspend_someone() -> Membership:
    """The demo changes no membership; the issue's case, a suspension, is made here."""
    coop = Cooperative.objects.get(slug="twizerane-coffee")
    admin = Membership.objects.filter(coop=coop, role=Membership.Role.ADMIN).first()
    target = Membership.objects.filter(coop=coop, role=Membership.Role.MEMBER).first()
    return coop_actions.change_membership(
        membership=target, actor=admin.person, status=Membership.Status.SUSPENDED
    )


@pytest.fixture
def demo(db) -> Membership:
    call_command("demo", stdout=io.StringIO())
    suspended = _suspend_someone()
    log.create_checkpoint()
    return suspended


def _secrets_of_members() -> set[str]:
    """Every members-only value the demo world holds."""
    secret = set(Discussion.objects.values_list("title", flat=True))
    for poll in Poll.objects.exclude(status=Poll.Status.CLOSED).prefetch_related("options"):
        secret.add(poll.title)
        if poll.kind != Poll.Kind.CONSENT:  # agree/abstain/disagree/block are no secret
            secret.update(option.label for option in poll.options.all())
    # A value that is also public elsewhere (a closed poll's) is not the open poll's secret.
    for poll in Poll.objects.filter(status=Poll.Status.CLOSED).prefetch_related("options"):
        secret.discard(poll.title)
        secret.difference_update(option.label for option in poll.options.all())
    secret.update(User.objects.values_list("name", flat=True))
    return {value for value in secret if value}


def _public_texts(client) -> dict[str, str]:
    """Everything an anonymous reader can fetch from the log: url -> text."""
    size = Entry.objects.count()
    texts = {}
    url = "/log/"
    while url:  # every page of the entry list, following its "older entries" link
        page = client.get(url)
        assert page.status_code == 200
        texts[url] = page.content.decode()
        older = page.context["older"]
        url = f"/log/?before={older}" if older is not None else ""
    for index in range(size):
        for url in (f"/log/entry/{index}", f"/log/entries/{index}"):
            response = client.get(url)
            assert response.status_code == 200, url
            texts[url] = response.content.decode()
    for bundle in range(-(-size // TILE_WIDTH)):
        width = min(TILE_WIDTH, size - bundle * TILE_WIDTH)
        path = tile_path(None, bundle, None if width == TILE_WIDTH else width)
        response = client.get(f"/log/{path}", HTTP_ACCEPT_ENCODING="identity")
        assert response.status_code == 200, path
        texts[path] = response.content.decode(errors="replace")  # length prefixes are binary
    return texts


def _without_action_names(text: str) -> str:
    text = text.lower()
    for words in kinds.KINDS.values():
        text = text.replace(words.lower(), "")
    return text


def test_it_shows_the_public_no_members_only_value(demo, client) -> None:
    kinds = set(Entry.objects.values_list("kind", flat=True))
    assert {"discussion.started", "poll.opened", "membership.changed"} <= kinds
    assert Poll.objects.filter(status=Poll.Status.OPEN).exists()
    secrets = _secrets_of_members()
    texts = _public_texts(client)
    assert len(texts) > 2 * Entry.objects.count()
    for where, text in texts.items():
        leaked = sorted(value for value in secrets if value in text)
        assert not leaked, f"{where} shows {leaked}"
        assert not re.search(r"person:[0-9]", text), f"{where} names a person"
        # The log's own words for public actions ("Credential suspended") are not a status.
        assert "suspended" not in _without_action_names(text), f"{where} shows a membership status"
    for entry in Entry.objects.all():
        body = json.loads(bytes(entry.body))
        assert not entry.subject.startswith("person:")
        for key, value in body["data"].items():
            if key in PERSON_KEYS or (
                entry.kind.startswith("membership.") and key in MEMBERSHIP_KEYS
            ):
                assert isinstance(value, str) and value.startswith("sha256:"), (entry.kind, key)
    call_command("log", "verify", stdout=io.StringIO())


def _entry(kind: str, **match) -> Entry:
    for entry in Entry.objects.filter(kind=kind).order_by("-index"):
        if all(json.loads(bytes(entry.body))["data"].get(k) == v for k, v in match.items()):
            return entry
    raise AssertionError(f"no {kind} entry")


def test_it_opens_members_only_values_to_the_members_only(demo, client) -> None:
    discussion = Discussion.objects.filter(coop__slug="twizerane-coffee").first()
    entry = _entry("discussion.started", coop="twizerane-coffee")
    outsider = User.objects.exclude(memberships__coop=discussion.coop).first()
    client.force_login(outsider)
    assert discussion.title not in client.get(f"/log/entry/{entry.index}").content.decode()
    member = Membership.objects.filter(coop=discussion.coop, status="active").first().person
    client.force_login(member)
    page = client.get(f"/log/entry/{entry.index}").content.decode()
    titles = set(Discussion.objects.filter(coop=discussion.coop).values_list("title", flat=True))
    assert any(title in page for title in titles)
    # The member can check the opening against the public entry themselves.
    commitment = json.loads(bytes(entry.body))["data"]["title"]
    opened = audit_opening(commitment, member)
    assert opened is not None and commitments.opens(commitment, *opened)


def audit_opening(commitment: str, viewer: User) -> tuple[str, bytes] | None:
    from minga.audit import queries

    return queries.opening_of(commitment, viewer=viewer)


def test_it_lets_a_suspended_person_open_their_own_entry(demo, client) -> None:
    entry = Entry.objects.filter(kind="membership.changed").latest("index")
    data = json.loads(bytes(entry.body))["data"]
    person = demo.person
    assert audit_opening(data["status"], person) == (
        "suspended",
        audit_opening(data["status"], person)[1],
    )
    assert audit_opening(data["person"], person)[0] == audit.person(person)
    client.force_login(person)
    page = client.get(f"/log/entry/{entry.index}").content.decode()
    assert "suspended" in page and person.name in page


def test_it_discloses_a_poll_s_question_and_options_when_its_results_are_published(
    coop, owner, client
) -> None:
    discussion = decision_actions.start_discussion(coop=coop, actor=owner, title="Drying racks")
    poll = decision_actions.create_poll(
        discussion=discussion,
        actor=owner,
        title="Which supplier?",
        kind="single",
        options=["Kigali Timber", "Huye Steel"],
        closes_at=timezone.now() + datetime.timedelta(days=2),
    )
    decision_actions.open_poll(poll=poll, actor=owner)
    opened = _entry("poll.opened")
    log.create_checkpoint()
    for url in (f"/log/entry/{opened.index}", f"/log/entries/{opened.index}", "/log/"):
        text = client.get(url).content.decode()
        assert "Which supplier?" not in text and "Kigali Timber" not in text
    decision_actions.close_poll(poll=poll, actor=owner)
    page = client.get(f"/log/entry/{opened.index}").content.decode()
    assert "Which supplier?" in page and "Kigali Timber" in page
    assert owner.name not in page  # who opened the poll stays a commitment
    data = client.get(f"/log/entries/{opened.index}").json()
    disclosed = data["disclosed"]
    options = data["entry"]["data"]["options"]
    assert disclosed[options]["value"] == '["Kigali Timber","Huye Steel"]'
    assert commitments.opens(
        options, disclosed[options]["value"], bytes.fromhex(disclosed[options]["salt"])
    )
    assert data["entry"]["actor"] not in disclosed
    # The discussion stays members-only.
    started = _entry("discussion.started")
    assert "Drying racks" not in client.get(f"/log/entry/{started.index}").content.decode()


def test_it_answers_a_missing_entry_page_with_404(db, client) -> None:
    assert client.get("/log/entry/9223372036854775808").status_code == 404
    assert client.get("/log/entry/12").status_code == 404
