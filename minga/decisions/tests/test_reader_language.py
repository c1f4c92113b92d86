"""Words a poll stores in its creator's language are shown in the reader's."""

import pytest
from django.conf import settings
from django.urls import reverse

from conftest import client_for
from minga.decisions import actions, counting, queries

pytestmark = pytest.mark.django_db


def _vote(poll, person, choice):
    (elector,) = queries.electors_for(person, poll)
    actions.cast_ballot(poll=poll, elector=elector, choice=choice, channel="web", actor=person)


def _read_in(client, person, language, url) -> str:
    client_for(client, person)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url).content.decode()


def test_the_consent_ballot_names_its_positions_in_the_readers_language(
    client, member, poll_factory
):
    poll = poll_factory(kind="consent")  # created by an English-speaking owner
    assert [o.label for o in poll.options.all()] == ["Agree", "Abstain", "Disagree", "Block"]
    page = _read_in(client, member, "fr", poll.get_absolute_url())
    assert "D&#x27;accord" in page or "D'accord" in page
    assert "Pas d&#x27;accord" in page or "Pas d'accord" in page
    assert "> Agree<" not in page


def test_a_closed_consent_result_and_its_chart_follow_the_reader(
    client, member, owner, poll_factory
):
    poll = poll_factory(kind="consent")
    _vote(poll, member, {"consent": "agree", "reason": ""})
    actions.close_poll(poll=poll)
    url = reverse("decisions:poll-results", args=[poll.coop.slug, poll.pk])
    page = _read_in(client, member, "es", url)
    assert "En desacuerdo" in page
    assert "Disagree" not in page


def test_a_stored_round_by_round_chart_is_drawn_again_in_the_readers_language(
    member, owner, voters, poll_factory
):
    from django.utils import translation

    poll = poll_factory(kind="irv")
    for person, ranking in ((member, [[0], [1]]), (owner, [[1], [0]]), (voters[0], [[2], [0]])):
        _vote(poll, person, {"ranking": ranking})
    with translation.override("en"):
        closed = actions.close_poll(poll=poll)
    assert "Round 1" in closed.result["chart"]
    with translation.override("pt-br"):
        chart = counting.current_result(closed)["chart"]
    assert "Rodada 1" in chart and "Round 1" not in chart
    assert "Ana" in chart  # the candidates stay as written


def test_the_round_by_round_list_says_what_each_round_did_in_the_readers_language(
    client, member, owner, voters, poll_factory
):
    poll = poll_factory(kind="irv")
    for person, ranking in ((member, [[0], [1]]), (owner, [[1], [0]]), (voters[0], [[2], [0]])):
        _vote(poll, person, {"ranking": ranking})
    actions.close_poll(poll=poll)
    url = reverse("decisions:poll-results", args=[poll.coop.slug, poll.pk])
    page = _read_in(client, member, "es", url)
    listed = page[page.index('<ol class="rounds">') :]
    listed = listed[: listed.index("</ol>")]
    assert "primeras preferencias" in listed and "excluido(s)" in listed
    assert "desempate" in listed  # a three-way tie, broken by the order drawn at closing
    for code in ("first preferences", "exclusion", "decided by"):
        assert code not in listed


def test_the_minutes_draw_the_chart_in_the_readers_language(
    client, member, owner, voters, poll_factory
):
    from django.utils import translation

    poll = poll_factory(kind="irv")
    for person, ranking in ((member, [[0], [1]]), (owner, [[1], [0]]), (voters[0], [[2], [0]])):
        _vote(poll, person, {"ranking": ranking})
    with translation.override("en"):
        actions.close_poll(poll=poll)  # the stored chart is in English
    url = reverse("decisions:minutes", args=[poll.coop.slug, poll.pk])
    page = _read_in(client, member, "fr", url)
    assert "Tour 1" in page and "Round 1" not in page
