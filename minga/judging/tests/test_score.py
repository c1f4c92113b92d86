import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import client_of
from minga.audit.models import Entry, Secret
from minga.events import actions as event_actions
from minga.events.tests.conftest import DUE
from minga.judging import actions
from minga.judging.models import Score

from .conftest import (
    AFTER_JUDGING,
    BUILDING,
    JUDGING,
    JUDGING_ENDS,
    SECOND,
    at,
    join,
    proposal_fields,
)


def _form(event, values, comment="Clear and affordable."):
    data = {f"c{c.pk}": v for c, v in zip(event.criteria.all(), values, strict=True)}
    return {**data, "comment": comment}


def _url(event, team):
    return reverse("judging:score", args=[event.slug, team.proposal.pk])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("juror", 200), ("organiser", 403), ("registrant", 403), ("outsider", 403), (None, 302)],
)
def test_it_shows_a_proposal_only_to_its_jurors(event, teams, assigned, who, status, request):
    someone = request.getfixturevalue(who) if who else None
    juror = request.getfixturevalue("juror")
    team = next(a.proposal.team for a in event.jury_assignments.filter(juror__person=juror))
    with at(JUDGING):
        response = client_of(someone).get(_url(event, team))
    assert response.status_code == status


@pytest.mark.django_db
def test_it_refuses_a_juror_the_proposals_not_assigned_to_them(event, teams, assigned, juror):
    mine = set(
        event.jury_assignments.filter(juror__person=juror).values_list("proposal", flat=True)
    )
    other = next(t for t in teams if t.proposal.pk not in mine)
    with at(JUDGING):
        assert client_of(juror).get(_url(event, other)).status_code == 404


@pytest.mark.django_db
def test_it_saves_scores_and_lets_the_juror_change_them_until_judging_closes(
    event, teams, assigned, juror
):
    assignment = event.jury_assignments.filter(juror__person=juror).first()
    team = assignment.proposal.team
    client = client_of(juror)
    with at(JUDGING):
        response = client.post(_url(event, team), _form(event, [4, 3, 5, 2]))
        assert response.status_code == 302
        client.post(_url(event, team), _form(event, [5, 5, 5, 5], "Changed my mind."))
    assignment.refresh_from_db()
    assert sorted(Score.objects.filter(assignment=assignment).values_list("value", flat=True)) == [
        5,
        5,
        5,
        5,
    ]
    assert assignment.comment == "Changed my mind."
    assert assignment.version == team.proposal.version_for_jury()
    entries = Entry.objects.filter(kind="jury.scored")
    assert entries.count() == 2
    # The log says a juror scored, not the scores: they are a commitment the juror can open.
    body = json.loads(entries.last().body)
    assert (
        body["data"]["sheet"].startswith("sha256:") and "scores" not in entries.last().body.decode()
    )
    opening = Secret.objects.get(commitment=body["data"]["sheet"])
    assert opening.owner == juror and "Changed my mind." in opening.value


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        (DUE - SECOND, False),
        (DUE, True),
        (JUDGING_ENDS - SECOND, True),
        (JUDGING_ENDS, False),
        (AFTER_JUDGING, False),
    ],
)
def test_it_takes_scores_only_during_judging(event, teams, assigned, juror, moment, allowed):
    assignment = event.jury_assignments.filter(juror__person=juror).first()
    values = {c.pk: 3 for c in event.criteria.all()}
    with at(moment):
        if allowed:
            actions.score_proposal(assignment=assignment, actor=juror, values=values)
        else:
            with pytest.raises(ValidationError) as error:
                actions.score_proposal(assignment=assignment, actor=juror, values=values)
            assert error.value.code in ("judging_not_open", "judging_closed")
    assert Score.objects.exists() is allowed


@pytest.mark.django_db
def test_it_tells_a_late_juror_that_judging_closed(event, teams, assigned, juror):
    team = event.jury_assignments.filter(juror__person=juror).first().proposal.team
    with at(JUDGING_ENDS):
        response = client_of(juror).post(_url(event, team), _form(event, [3, 3, 3, 3]))
    assert response.status_code == 400
    assert "Judging closed at" in response.text
    assert not Score.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_score_when_the_juror_joined_a_teams_cooperative(
    event, teams, assigned, it_coop
):
    """Conflicts are checked again when scoring: memberships change after assignment."""
    assignment = event.jury_assignments.select_related("juror__person").filter(
        proposal__team=teams[0]
    )[0]
    juror = assignment.juror.person
    join(it_coop, juror)
    with at(JUDGING), pytest.raises(ValidationError, match="belongs to one of your cooperatives"):
        actions.score_proposal(
            assignment=assignment, actor=juror, values={c.pk: 3 for c in event.criteria.all()}
        )
    assert not Score.objects.exists()


@pytest.mark.django_db
def test_it_takes_only_the_assigned_jurors_scores(event, teams, assigned, jurors):
    assignment = event.jury_assignments.filter(juror__person=jurors[0]).first()
    with at(JUDGING), pytest.raises(ValidationError, match="Only the juror assigned"):
        actions.score_proposal(
            assignment=assignment, actor=jurors[1], values={c.pk: 3 for c in event.criteria.all()}
        )


@pytest.mark.django_db
@pytest.mark.parametrize("values", [[3, 3, 3], [0, 3, 3, 3], [6, 3, 3, 3]])
def test_it_refuses_incomplete_or_off_scale_scores(event, teams, assigned, juror, values):
    assignment = event.jury_assignments.filter(juror__person=juror).first()
    criteria = list(event.criteria.all())
    with at(JUDGING), pytest.raises(ValidationError):
        actions.score_proposal(
            assignment=assignment,
            actor=juror,
            values={c.pk: v for c, v in zip(criteria, values, strict=False)},
        )
    assert not Score.objects.exists()


@pytest.mark.django_db
def test_it_shows_the_jury_the_last_version_before_the_deadline(
    event, organiser, teams, assigned, juror
):
    assignment = event.jury_assignments.filter(juror__person=juror).first()
    team = assignment.proposal.team
    member = team.memberships.filter(status="active").first().registration.person
    with at(BUILDING):
        event_actions.save_proposal(
            team=team, actor=member, fields=proposal_fields("A better second version")
        )
    with at(JUDGING):
        page = client_of(juror).get(_url(event, team)).text
    assert "A better second version" in page and "Version 2" in page
