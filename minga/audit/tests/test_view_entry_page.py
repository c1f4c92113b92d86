"""An entry's page: what a browser gets at /log/entries/<index> (and /log/entry/<index>),
while programs keep the JSON of the log's contract."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone, translation

from minga import audit
from minga.audit import kinds, log
from minga.audit.tests.conftest import add_entries
from minga.decisions import actions as decision_actions

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def _page(client, index, **headers):
    return client.get(f"/log/entries/{index}", HTTP_ACCEPT=BROWSER, **headers)


def test_it_shows_a_browser_a_page_with_the_proof_and_the_json_one_click_away(
    client, checkpointed
) -> None:
    checkpointed(5)
    response = _page(client, 3)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert "Accept" in response["Vary"]
    html = response.content.decode()
    assert "/log/entries/3?format=json" in html and "/log/entries/3?format=tlog-proof" in html
    assert response.context["leaf_hash"] in html and len(response.context["proof"]) == 3
    for step in response.context["proof"]:
        assert step in html
    assert "<script" not in html


@pytest.mark.parametrize(
    "accept",
    [None, "*/*", "application/json", "application/json, text/html;q=0.5", "text/plain"],
)
def test_it_keeps_the_json_for_programs(client, checkpointed, accept) -> None:
    checkpointed(3)
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    plain = client.get("/log/entries/1?format=json", HTTP_ACCEPT=BROWSER)
    response = client.get("/log/entries/1", **headers)
    assert response["Content-Type"] == "application/json" and "Accept" in response["Vary"]
    assert response.content == plain.content  # byte for byte, whatever the Accept
    assert response.json()["entry"]["data"] == {"n": 1}


def test_the_json_for_a_browser_that_asks_is_the_same_as_before(client, checkpointed) -> None:
    checkpointed(2)
    asked = client.get("/log/entries/0?format=json", HTTP_ACCEPT=BROWSER)
    assert asked["Content-Type"] == "application/json"
    assert set(asked.json()) == {
        "index",
        "entry",
        "entry_base64",
        "leaf_hash",
        "disclosed",
        "log_vkey",
        "checkpoint",
        "inclusion_proof",
        "tlog_proof",
    }


def test_it_names_the_action_in_words_in_the_reader_s_language(client, owner, coop) -> None:
    log.create_checkpoint()
    created = list(audit.entries(kind="coop.created"))[-1]
    html = _page(client, created.index, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    with translation.override("fr"):
        words = kinds.label("coop.created")
    assert words != "Cooperative created"  # the catalogue's words, not English
    assert words in html and "coop.created" in html
    assert f'href="/coops/{coop.slug}/"' in html and coop.name in html


def test_it_shows_a_subject_no_app_knows_as_its_text(client, checkpointed) -> None:
    checkpointed(1)
    html = _page(client, 0).content.decode()
    assert "thing:0" in html and "test.happened" in html


def test_it_says_when_the_entry_is_not_in_a_checkpoint_yet(client, checkpointed) -> None:
    checkpointed(1)
    add_entries(1)
    response = _page(client, 1)
    assert response.status_code == 200 and response.context["proof"] == []
    assert "?format=tlog-proof" not in response.content.decode()


def test_it_answers_a_browser_s_bad_index_in_words(client, checkpointed) -> None:
    checkpointed(1)
    assert _page(client, 7).status_code == 404
    assert _page(client, "abc").status_code == 404


def _reader(user):
    reader = Client()
    if user is not None:
        reader.force_login(user)
    return reader


def test_a_members_only_vote_is_named_for_its_members_only(coop, owner, member, outsider) -> None:
    discussion = decision_actions.start_discussion(coop=coop, actor=owner, title="Drying racks")
    poll = decision_actions.create_poll(
        discussion=discussion,
        actor=owner,
        title="Which supplier?",
        kind="single",
        options=["Kigali Timber", "Huye Metal"],
        closes_at=timezone.now() + datetime.timedelta(days=7),
    )
    entry = list(audit.entries(kind="poll.created"))[-1]
    for user in (owner, member):
        html = _page(_reader(user), entry.index).content.decode()
        assert "Which supplier?" in html and f"/polls/{poll.pk}/" in html
    for user in (outsider, None):
        response = _page(_reader(user), entry.index)
        assert response.status_code == 200  # the log is public; the matter is not
        html = response.content.decode()
        assert "Which supplier?" not in html and f"/polls/{poll.pk}/" not in html
        assert f"poll:{poll.pk}" in html


def test_the_log_index_names_actions_in_words(client, checkpointed) -> None:
    with transaction.atomic():
        log.record("ballot.cast", "poll:1", {}, None)
    html = client.get("/log/").content.decode()
    assert "Ballot cast" in html and "ballot.cast" in html


def test_every_recorded_kind_has_words() -> None:
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    found = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        found |= set(re.findall(r'(?:kind=|record\(\s*)"([a-z_]+\.[a-z_.]+)"', path.read_text()))
    assert found, "the search finds the kinds recorded"
    assert sorted(found - set(kinds.KINDS)) == []
    assert json.dumps(kinds.KINDS)  # plain strings, for the catalogue
