"""Each judging action checks its actor itself: called with the wrong person, it refuses and
changes nothing, whatever the caller (the views refuse first; a script may not).

`organiser` runs the jury; `juror` and `other_juror` are on it, each with assignments;
`registrant` is in the first team; `outsider` is nobody in the event.
"""

import types

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import rows_of
from minga.judging import actions

from .conftest import ANNOUNCED, BUILDING, JUDGING, at


@pytest.fixture
def world(event, organiser, teams, jurors, assigned, registrant, outsider):
    with at(BUILDING):
        actions.update_settings(
            event=event, actor=organiser, jurors_per_proposal=3, members_choice=True
        )
    juror, other = jurors[0], jurors[1]
    theirs = event.jury_assignments.filter(juror__person=other).select_related("proposal__team")
    return types.SimpleNamespace(
        event=event,
        organiser=organiser,
        juror=juror,
        other_juror=other,
        registrant=registrant,
        outsider=outsider,
        teams=teams,
        juror_row=event.jurors.get(person=other),
        others_assignment=theirs.first(),
        criteria=lambda: {c.pk: 4 for c in event.criteria.all()},
    )


CASES = [
    (
        "update_settings by a juror",
        BUILDING,
        lambda w: actions.update_settings(
            event=w.event, actor=w.juror, jurors_per_proposal=1, members_choice=False
        ),
    ),
    (
        "save_rubric by a participant",
        BUILDING,
        lambda w: actions.save_rubric(
            event=w.event, actor=w.registrant, criteria=[{"name": "Mine", "weight": 1}]
        ),
    ),
    (
        "add_juror by a juror",
        BUILDING,
        lambda w: actions.add_juror(event=w.event, actor=w.juror, person=w.outsider),
    ),
    (
        "remove_juror by another juror",
        BUILDING,
        lambda w: actions.remove_juror(juror=w.juror_row, actor=w.juror),
    ),
    (
        "assign_jurors by an outsider",
        JUDGING,
        lambda w: actions.assign_jurors(event=w.event, actor=w.outsider),
    ),
    (
        "score_proposal by a juror not assigned",
        JUDGING,
        lambda w: actions.score_proposal(
            assignment=w.others_assignment, actor=w.juror, values=w.criteria()
        ),
        ValidationError,
    ),
    (
        "score_proposal by the organiser",
        JUDGING,
        lambda w: actions.score_proposal(
            assignment=w.others_assignment, actor=w.organiser, values=w.criteria()
        ),
        ValidationError,
    ),
    (
        "cast_vote by an outsider",
        JUDGING,
        lambda w: actions.cast_vote(
            event=w.event, voter=w.outsider, proposals=[w.teams[0].proposal]
        ),
        ValidationError,
    ),
    (
        "record_awards by a juror",
        ANNOUNCED,
        lambda w: actions.record_awards(event=w.event, actor=w.juror),
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_it_refuses_the_wrong_actor_and_changes_nothing(world, case):
    _name, moment, call, *refusal = case
    before = rows_of("events", "judging", "credentials")
    with at(moment), pytest.raises(refusal[0] if refusal else PermissionDenied):
        call(world)
    assert rows_of("events", "judging", "credentials") == before
