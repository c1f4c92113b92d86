"""Every decisions page, for each persona: anonymous, outsider, associate, member, administrator."""

import pytest
from django.conf import settings
from django.urls import reverse

from conftest import client_for
from minga.core.tests.untranslated import LANGUAGES, untranslated
from minga.decisions import actions
from minga.decisions.models import Poll

from .conftest import make_poll


@pytest.fixture
def world(coop, owner, member, associate, discussion):
    open_poll = make_poll(discussion, owner, kind="single")
    closed = make_poll(discussion, owner, kind="approval")
    actions.close_poll(poll=closed)
    draft = make_poll(discussion, owner, kind="irv", is_open=False)
    return {"open": open_poll, "closed": Poll.objects.get(pk=closed.pk), "draft": draft}


def urls(coop, discussion, world):
    slug = coop.slug
    polls = {k: v.pk for k, v in world.items()}
    return {
        "index": reverse("decisions:index", args=[slug]),
        "discussion-new": reverse("decisions:discussion-new", args=[slug]),
        "discussion": reverse("decisions:discussion", args=[slug, discussion.pk]),
        "poll-new": reverse("decisions:poll-new", args=[slug, discussion.pk]),
        "poll-open": reverse("decisions:poll", args=[slug, polls["open"]]),
        "poll-draft": reverse("decisions:poll", args=[slug, polls["draft"]]),
        "results-closed": reverse("decisions:poll-results", args=[slug, polls["closed"]]),
        "results-open": reverse("decisions:poll-results", args=[slug, polls["open"]]),
        "minutes": reverse("decisions:minutes", args=[slug, polls["closed"]]),
        "receipts-closed": reverse("decisions:receipts", args=[slug, polls["closed"]]),
        "receipts-open": reverse("decisions:receipts", args=[slug, polls["open"]]),
    }


# status per page for: anonymous, outsider, associate, member, owner (an administrator);
# 302: a signed-out visitor on a members-only page is sent to sign in, and back
# (it was a 404, a dead end for a member who opened a poll link from a message).
EXPECTED = {
    "index": (302, 403, 200, 200, 200),
    "discussion-new": (302, 403, 403, 200, 200),
    "discussion": (302, 403, 200, 200, 200),
    "poll-new": (302, 403, 403, 403, 200),
    "poll-open": (302, 403, 200, 200, 200),
    "poll-draft": (302, 403, 200, 200, 200),
    "results-closed": (200, 200, 200, 200, 200),
    "results-open": (302, 403, 404, 404, 404),
    "minutes": (200, 200, 200, 200, 200),
    "receipts-closed": (200, 200, 200, 200, 200),
    "receipts-open": (302, 403, 200, 200, 200),
}


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_it_gives_each_persona_the_right_access(
    client, coop, owner, member, associate, outsider, discussion, world, page
):
    url = urls(coop, discussion, world)[page]
    people = [None, outsider, associate, member, owner]
    for person, expected in zip(people, EXPECTED[page], strict=True):
        client.logout()
        if person is not None:
            client_for(client, person)
        response = client.get(url)
        assert response.status_code == expected, (page, person, response.status_code)


def test_it_sends_a_signed_out_visitor_to_sign_in_and_back(client, coop, discussion, world):
    url = urls(coop, discussion, world)["poll-open"]
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url}"


def test_it_still_hides_members_pages_from_the_json_api(client, coop, world):
    response = client.get(f"/api/decisions/polls/{world['open'].pk}")
    assert response.status_code == 404


def test_it_never_replays_a_post_as_a_sign_in(client, coop, discussion, world):
    url = reverse("decisions:poll-vote", args=[coop.slug, world["open"].pk])
    assert client.post(url, {"choice": "0"}).status_code == 404


@pytest.mark.parametrize("action", ["poll-open", "poll-close", "poll-cancel"])
def test_members_cannot_manage_polls(member_client, coop, discussion, owner, action):
    poll = make_poll(discussion, owner, kind="single", is_open=action != "poll-open")
    before = poll.status
    response = member_client.post(reverse(f"decisions:{action}", args=[coop.slug, poll.pk]))
    assert response.status_code == 403
    assert Poll.objects.get(pk=poll.pk).status == before


def test_outsiders_cannot_vote(outsider_client, coop, discussion, owner):
    poll = make_poll(discussion, owner, kind="single")
    url = reverse("decisions:poll-vote", args=[coop.slug, poll.pk])
    assert outsider_client.post(url, {"choice": "0"}).status_code == 403
    assert not poll.ballots.exists()


def test_associates_cannot_vote_but_can_comment(associate_client, coop, discussion, owner):
    poll = make_poll(discussion, owner, kind="single")
    url = reverse("decisions:poll-vote", args=[coop.slug, poll.pk])
    assert associate_client.post(url, {"choice": "0"}).status_code == 403
    assert not poll.ballots.exists()
    url = reverse("decisions:comment-add", args=[coop.slug, discussion.pk])
    associate_client.post(url, {"body": "A question from an associate."})
    assert discussion.comments.get().body == "A question from an associate."


def test_receipt_checks_are_limited_per_address(client, coop, discussion, world):
    from django.core.cache import cache

    from minga.decisions import views

    cache.clear()
    url = urls(coop, discussion, world)["receipts-closed"]
    try:
        for _ in range(views.RECEIPT_CHECKS):
            response = client.get(url, {"code": "04719 88231"})
            assert "Too many receipts" not in response.content.decode()
        response = client.get(url, {"code": "04719 88231"}, REMOTE_ADDR="127.0.0.1")
        assert response.status_code == 200
        assert "Too many receipts were checked from here" in response.content.decode()
        other = client.get(url, {"code": "04719 88231"}, REMOTE_ADDR="192.0.2.7")
        assert "Too many receipts" not in other.content.decode()
    finally:
        cache.clear()


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_page_is_in_the_readers_language(
    client, coop, owner, member, discussion, world, language
):
    """No English the catalogues translate on any page of the table (a consent ballot too)."""
    consent = make_poll(discussion, owner, kind="consent")
    pages = {**urls(coop, discussion, world), "consent": consent.get_absolute_url()}
    found = {}
    for person in (member, owner):
        client.logout()
        client_for(client, person)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for page, url in pages.items():
            response = client.get(url)
            if response.status_code == 200:
                assert f'lang="{language}"' in response.content.decode()
                english = untranslated(response.content.decode(), language)
                if english:
                    found[page] = english
    assert found == {}
