import pytest
from django.urls import reverse

from conftest import client_of
from minga.judging.models import Assignment

from .conftest import AFTER_JUDGING, ANNOUNCED, ANNOUNCEMENT, JUDGING, SECOND, at, score_all

PAGES = ["judging:results", "judging:winners", "judging:results-csv"]


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("who", "status"),
    [("organiser", 200), ("juror", 404), ("registrant", 404), ("outsider", 404), (None, 404)],
)
def test_it_hides_results_from_all_but_organisers_until_the_announcement(
    event, scored, page, who, status, request
):
    someone = request.getfixturevalue(who) if who else None
    with at(ANNOUNCEMENT - SECOND):
        response = client_of(someone).get(reverse(page, args=[event.slug]))
    assert response.status_code == status


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("who", ["organiser", "juror", "registrant", "outsider", None])
def test_it_shows_results_to_everyone_from_the_announcement(event, scored, page, who, request):
    someone = request.getfixturevalue(who) if who else None
    with at(ANNOUNCEMENT):
        response = client_of(someone).get(reverse(page, args=[event.slug]))
    assert response.status_code == 200


@pytest.mark.django_db
def test_it_tells_the_organisers_they_see_a_preview(event, scored, organiser_client):
    with at(AFTER_JUDGING):
        text = organiser_client.get(reverse("judging:results", args=[event.slug])).text
    assert "Preview for the organisers" in text


@pytest.mark.django_db
def test_it_ranks_with_scores_per_criterion_and_prizes(event, teams, scored, client):
    with at(ANNOUNCED):
        response = client.get(reverse("judging:results", args=[event.slug]))
    text = response.text
    rows = response.context["results"].rows
    assert [row.entry.team for row in rows] == [
        "Team Umoja",
        "Team Sur",
        "Team Kaveri",
        "Team Prairie",
    ]
    assert [row.prize.name if row.prize else None for row in rows] == [
        "A .coop domain for one year",
        "A flag of the cooperative movement",
        None,
        None,
    ]
    assert rows[0].cells == [5.0, 5.0, 5.0, 5.0] and rows[0].standing.jurors == 3
    for label in ["Relevance to the need", "Feasibility for the cooperative", "Quality"]:
        assert label in text
    assert "Preview" not in text


@pytest.mark.django_db
def test_it_evens_out_a_lenient_and_a_strict_juror(event, organiser, teams, jurors, assigned):
    """Juror 1 is lenient and never sees Team Prairie; juror 4 is strict and never sees Team
    Umoja. The two others prefer Prairie to Umoja. By raw means Umoja (5, 3, 3) beats Prairie
    (4, 4, 2); compared with each juror's habits, Prairie's 2 is the strict juror's best mark
    and Umoja's 5 the lenient juror's usual one: Prairie comes first."""
    habits = [
        {"Team Umoja": 5, "Team Sur": 5, "Team Kaveri": 4},
        {"Team Umoja": 3, "Team Sur": 2, "Team Prairie": 4},
        {"Team Umoja": 3, "Team Kaveri": 2, "Team Prairie": 4},
        {"Team Sur": 1, "Team Kaveri": 1, "Team Prairie": 2},
    ]
    by_name = {team.name: team for team in teams}
    for juror, marks in zip(jurors, habits, strict=True):
        mine = Assignment.objects.filter(juror__person=juror)
        assert set(mine.values_list("proposal__team__name", flat=True)) == set(marks)
    score_all(
        event,
        {
            (juror, by_name[name]): value
            for juror, marks in zip(jurors, habits, strict=True)
            for name, value in marks.items()
        },
    )
    with at(ANNOUNCED):
        response = client_of(None).get(reverse("judging:results", args=[event.slug]))
    rows = response.context["results"].rows
    by_team = {row.entry.team: row for row in rows}
    assert by_team["Team Umoja"].standing.raw > by_team["Team Prairie"].standing.raw
    assert [row.entry.team for row in rows][:2] == ["Team Prairie", "Team Umoja"]


@pytest.mark.django_db
def test_it_breaks_a_tie_by_the_stated_rule(event, teams, jurors, assigned, client):
    """Every juror gives everything 3: all scores tie; the earliest submission wins."""
    score_all(
        event,
        {
            (a.juror.person, a.proposal.team): 3
            for a in Assignment.objects.select_related("juror__person", "proposal__team")
        },
    )
    with at(ANNOUNCED):
        rows = client.get(reverse("judging:results", args=[event.slug])).context["results"].rows
    assert [row.entry.team for row in rows] == [t.name for t in teams]  # saved in this order
    assert [row.standing.tie_break for row in rows] == [None, "submitted", "submitted", "submitted"]


@pytest.mark.django_db
def test_it_lists_proposals_nobody_scored(event, teams, assigned, jurors, client):
    first = Assignment.objects.filter(proposal__team=teams[0]).select_related("juror__person")
    score_all(event, {(a.juror.person, teams[0]): 4 for a in first})
    with at(ANNOUNCED):
        response = client.get(reverse("judging:results", args=[event.slug]))
    assert [row.entry.team for row in response.context["results"].rows] == ["Team Umoja"]
    assert "Submitted but not scored" in response.text and "Team Prairie" in response.text


@pytest.mark.django_db
def test_it_reads_results_in_a_fixed_number_of_queries(
    event, scored, client, django_assert_max_num_queries
):
    with at(ANNOUNCED), django_assert_max_num_queries(16):
        client.get(reverse("judging:results", args=[event.slug]))


@pytest.mark.django_db
def test_it_shows_nothing_for_a_cancelled_event(event, scored, organiser, client):
    from minga.events import actions as event_actions

    with at(JUDGING):
        event_actions.cancel_event(event=event, actor=organiser, reason="Floods.")
    with at(ANNOUNCED):
        assert client.get(reverse("judging:results", args=[event.slug])).status_code == 404


@pytest.mark.django_db
def test_it_pages_through_a_long_ranking(event, teams, scored, client, monkeypatch):
    from minga.judging import views

    monkeypatch.setattr(views, "RESULTS_PER_PAGE", 3)
    url = reverse("judging:results", args=[event.slug])
    with at(ANNOUNCED):
        first = client.get(url)
        second = client.get(url + "?page=2")
    assert [row.entry.team for row in first.context["results"].rows] == [
        "Team Umoja",
        "Team Sur",
        "Team Kaveri",
    ]
    assert "Page 1 of 2" in first.text and "See the winners' gallery" in first.text
    assert [row.entry.team for row in second.context["results"].rows] == ["Team Prairie"]
    assert second.context["results"].rows[0].rank == 4
    assert "See the winners' gallery" not in second.text
