import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import client_of
from minga.audit.models import Entry
from minga.events.tests.conftest import DUE
from minga.judging import actions
from minga.judging.models import Assignment, Criterion

from .conftest import (
    BUILDING,
    JUDGING,
    JUDGING_ENDS,
    SECOND,
    assignment_of,
    at,
    join,
    person,
    score_all,
)


@pytest.mark.django_db
def test_it_gives_every_proposal_three_jurors_without_conflicts(
    event, organiser, teams, jurors, conflicted_juror
):
    with at(JUDGING):
        plan = actions.assign_jurors(event=event, actor=organiser)
    assert plan.short == {}
    for team in teams:
        people = set(
            Assignment.objects.filter(proposal__team=team).values_list("juror__person", flat=True)
        )
        assert len(people) == 3
    # The conflicted juror shares a cooperative with the first team: never theirs.
    umoja = Assignment.objects.filter(proposal__team=teams[0])
    assert not umoja.filter(juror__person=conflicted_juror).exists()
    loads = [
        Assignment.objects.filter(juror__person=p).count() for p in [*jurors, conflicted_juror]
    ]
    assert max(loads) - min(loads) <= 1


@pytest.mark.django_db
def test_it_saves_the_default_rubric_when_judging_opens(event, organiser, teams, jurors):
    with at(JUDGING):
        actions.assign_jurors(event=event, actor=organiser)
    assert [c.key for c in Criterion.objects.filter(event=event)] == [
        "relevance",
        "feasibility",
        "values",
        "quality",
    ]
    assert Entry.objects.filter(kind="jury.rubric_saved").exists()
    assert Entry.objects.filter(kind="jury.assigned").exists()


@pytest.mark.django_db
def test_it_says_which_proposals_lack_jurors_without_conflicts(
    event, organiser, teams, it_coop, organiser_client
):
    # Three jurors, two of them from the first team's cooperative.
    people = [person(f"Member Juror {n}") for n in range(2)]
    for someone in people:
        join(it_coop, someone)
    people.append(person("Independent Juror"))
    with at(BUILDING):
        for someone in people:
            actions.add_juror(event=event, actor=organiser, person=someone)
    with at(JUDGING):
        plan = actions.assign_jurors(event=event, actor=organiser)
        assert plan.short == {teams[0].proposal.pk: 1}
        page = organiser_client.get(reverse("judging:jury", args=[event.slug])).text
    assert "fewer than 3 jurors" in page and "Team Umoja: 1" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("moment", "allowed"),
    [(DUE - SECOND, False), (DUE, True), (JUDGING_ENDS - SECOND, True), (JUDGING_ENDS, False)],
)
def test_it_assigns_only_while_judging_is_open(event, organiser, teams, jurors, moment, allowed):
    with at(moment):
        if allowed:
            actions.assign_jurors(event=event, actor=organiser)
        else:
            with pytest.raises(ValidationError):
                actions.assign_jurors(event=event, actor=organiser)
    assert Assignment.objects.exists() is allowed


@pytest.mark.django_db
def test_it_tops_up_after_a_juror_joins_and_keeps_what_was_scored(
    event, organiser, teams, jurors, assigned
):
    score_all(event, {(jurors[0], teams[1]): 4})
    late = person("Late Juror")
    with at(JUDGING):
        actions.add_juror(event=event, actor=organiser, person=late)
        plan = actions.assign_jurors(event=event, actor=organiser)
    assert plan.new == [] and plan.dropped == []  # everyone had three already
    assert assignment_of(event, jurors[0], teams[1]).is_scored


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("organiser", 302), ("juror", 403), ("registrant", 403), ("outsider", 403), (None, 302)],
)
def test_it_lets_only_organisers_assign(event, teams, jurors, who, status, request):
    someone = request.getfixturevalue(who) if who else None
    with at(JUDGING):
        response = client_of(someone).post(reverse("judging:assign", args=[event.slug]))
    assert response.status_code == status
    assert Assignment.objects.exists() is (who == "organiser")
