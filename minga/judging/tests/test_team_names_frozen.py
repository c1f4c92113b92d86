"""A team renamed after the results are announced keeps its announced name in the results."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from conftest import client_of
from minga.events import actions as event_actions
from minga.judging import actions
from minga.judging.certificates import award_evidence
from minga.judging.models import Award

from .conftest import ANNOUNCED, BUILDING, at


def _rename(team, name: str) -> None:
    team.refresh_from_db()
    event_actions.update_team(team=team, actor=team.created_by, changes={"name": name})
    cache.clear()  # rankings are cached: the page must be built again from the database


@pytest.mark.django_db
def test_it_keeps_the_announced_team_name_in_results_and_certificates(event, teams, scored):
    with at(ANNOUNCED):
        actions.record_awards(event=event, actor=event.created_by)
        _rename(teams[0], "Winners Forever")
        _rename(teams[0], "Winners Forever Again")
        text = client_of(None).get(reverse("judging:results", args=[event.slug])).text
        winners = client_of(None).get(reverse("judging:winners", args=[event.slug])).text
    assert "Team Umoja" in text and "Winners Forever" not in text
    assert "Team Umoja" in winners and "Winners Forever" not in winners
    award = Award.objects.filter(team=teams[0], kind=Award.Kind.WINNER).first()
    (evidence,) = award_evidence(award)
    assert "Team Umoja" in evidence["description"]
    teams[0].refresh_from_db()
    assert teams[0].name == "Winners Forever Again"  # the team's own pages use its new name


@pytest.mark.django_db
def test_it_lets_a_team_rename_itself_freely_before_the_announcement(event, teams, scored):
    with at(BUILDING):
        _rename(teams[0], "Umoja Receipts")
    with at(ANNOUNCED):
        text = client_of(None).get(reverse("judging:results", args=[event.slug])).text
    assert "Umoja Receipts" in text
