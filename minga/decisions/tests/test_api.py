"""The decisions JSON API: listing polls, results that never leak early, casting a ballot."""

import pytest
from django.test import Client

from conftest import client_for
from minga.decisions import actions
from minga.decisions.models import Participation

from .ballots import stored_count
from .conftest import make_poll


def test_it_lists_only_closed_polls_to_the_public(client, coop, discussion, owner):
    make_poll(discussion, owner, kind="single")
    closed = make_poll(discussion, owner, kind="approval")
    actions.close_poll(poll=closed)
    body = client.get(f"/api/decisions/coops/{coop.slug}/polls").json()
    assert [p["id"] for p in body["items"]] == [closed.pk]


def test_members_see_open_polls_too(member_client, coop, discussion, owner):
    poll = make_poll(discussion, owner, kind="single")
    make_poll(discussion, owner, kind="single", is_open=False)
    body = member_client.get(f"/api/decisions/coops/{coop.slug}/polls").json()
    assert [p["id"] for p in body["items"]] == [poll.pk]
    assert body["items"][0]["rules"]


def test_results_never_leak_before_closing(member_client, coop, discussion, owner, member):
    poll = make_poll(discussion, owner, kind="single")
    response = member_client.post(
        f"/api/decisions/polls/{poll.pk}/ballots",
        {"choice": {"choice": 1}},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert member_client.get(f"/api/decisions/polls/{poll.pk}/results").status_code == 404
    page = member_client.get(f"/decisions/{coop.slug}/polls/{poll.pk}/").content.decode()
    assert "Bruno" in page  # the option is on the ballot...
    assert "Winner" not in page and "Results so far" not in page  # ...but no result
    actions.close_poll(poll=poll)
    body = Client().get(f"/api/decisions/polls/{poll.pk}/results").json()
    assert body["is_final"] and body["result"]["elected"] == ["Bruno"]


def test_voters_see_results_so_far_when_the_poll_allows(member_client, discussion, owner):
    poll = make_poll(discussion, owner, kind="single", results_visibility="after-vote")
    assert member_client.get(f"/api/decisions/polls/{poll.pk}/results").status_code == 404
    member_client.post(
        f"/api/decisions/polls/{poll.pk}/ballots",
        {"choice": {"choice": 2}},
        content_type="application/json",
    )
    body = member_client.get(f"/api/decisions/polls/{poll.pk}/results").json()
    assert not body["is_final"] and body["result"]["totals"] == [0, 0, 1, 0]


def test_casting_returns_a_receipt(member_client, discussion, owner):
    poll = make_poll(discussion, owner, kind="irv")
    response = member_client.post(
        f"/api/decisions/polls/{poll.pk}/ballots",
        {"choice": {"ranking": [[2], [0]]}},
        content_type="application/json",
    )
    assert response.status_code == 201
    receipt = response.json()["receipt"]
    assert actions.check_receipt(poll=poll, code=receipt)


@pytest.mark.parametrize(
    "payload", [{"choice": {"ranking": [[9]]}}, {"choice": {}}, {"choice": {"ranking": "x"}}]
)
def test_a_bad_ballot_is_a_400_that_changes_nothing(member_client, discussion, owner, payload):
    poll = make_poll(discussion, owner, kind="irv")
    response = member_client.post(
        f"/api/decisions/polls/{poll.pk}/ballots", payload, content_type="application/json"
    )
    assert response.status_code == 400 and response.json()["detail"]
    assert not stored_count() and not Participation.objects.exists()


def test_errors_speak_the_voters_language(client, outsider, coop, discussion, owner):
    from minga.coops.models import Membership

    Membership.objects.create(coop=coop, person=outsider)  # prefers Spanish
    poll = make_poll(discussion, owner, kind="single")
    client_for(client, outsider)
    response = client.post(
        f"/api/decisions/polls/{poll.pk}/ballots",
        {"choice": {"choice": 7}},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 400
    assert response.json()["detail"] != "This ballot names an option that is not on the ballot."


def test_anonymous_and_outsiders_cannot_cast(client, outsider, discussion, owner):
    poll = make_poll(discussion, owner, kind="single")
    url = f"/api/decisions/polls/{poll.pk}/ballots"
    assert (
        client.post(url, {"choice": {"choice": 0}}, content_type="application/json").status_code
        == 401
    )
    client_for(client, outsider)
    assert (
        client.post(url, {"choice": {"choice": 0}}, content_type="application/json").status_code
        == 404
    )
    assert not stored_count()


def test_it_needs_the_csrf_token_for_session_posts(member, discussion, owner):
    poll = make_poll(discussion, owner, kind="single")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(member)
    response = browser.post(
        f"/api/decisions/polls/{poll.pk}/ballots",
        {"choice": {"choice": 0}},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not stored_count()
