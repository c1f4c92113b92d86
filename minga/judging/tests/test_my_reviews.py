import pytest
from django.urls import reverse

from conftest import client_of

from .conftest import BUILDING, JUDGING, at, score_all


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("juror", 200), ("organiser", 403), ("registrant", 403), ("outsider", 403), (None, 302)],
)
def test_it_lists_a_jurors_proposals_to_the_juror_only(event, assigned, who, status, request):
    someone = request.getfixturevalue(who) if who else None
    with at(JUDGING):
        response = client_of(someone).get(reverse("judging:my-reviews", args=[event.slug]))
    assert response.status_code == status


@pytest.mark.django_db
def test_it_shows_progress(event, teams, assigned, juror):
    first = event.jury_assignments.filter(juror__person=juror).select_related("proposal__team")[0]
    score_all(event, {(juror, first.proposal.team): 4})
    with at(JUDGING):
        text = client_of(juror).get(reverse("judging:my-reviews", args=[event.slug])).text
    assert "1 of 3 scored." in text and "Proposal of" in text


@pytest.mark.django_db
def test_it_tells_a_juror_when_scoring_opens(event, juror):
    with at(BUILDING):
        text = client_of(juror).get(reverse("judging:my-reviews", args=[event.slug])).text
    assert "Scoring opens at the proposal deadline" in text
