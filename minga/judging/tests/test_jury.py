import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import client_of
from minga.audit.models import Entry
from minga.channels.models import OutboundMessage
from minga.events.tests.conftest import DUE
from minga.judging import actions
from minga.judging.models import Assignment, JudgingSettings, Juror

from .conftest import BUILDING, JUDGING, JUDGING_ENDS, at, person, score_all


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("organiser", 200), ("juror", 403), ("registrant", 403), ("outsider", 403), (None, 302)],
)
def test_it_shows_the_jury_page_to_organisers_only(event, teams, jurors, who, status, request):
    someone = request.getfixturevalue(who) if who else None
    with at(BUILDING):
        response = client_of(someone).get(reverse("judging:jury", args=[event.slug]))
    assert response.status_code == status
    if status == 200:
        assert "Juror 1" in response.text and "Relevance to the need" in response.text


@pytest.mark.django_db
def test_it_adds_a_juror_by_phone_number_and_tells_them(
    event, organiser_client, django_capture_on_commit_callbacks, run_tasks
):
    someone = person("Phone Juror", phone="+254712000999", timezone="Africa/Nairobi")
    with at(BUILDING), django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            reverse("judging:juror-add", args=[event.slug]), {"identifier": "+254 712 000 999"}
        )
    run_tasks()
    assert response.status_code == 302
    assert Juror.objects.filter(event=event, person=someone).exists()
    assert Entry.objects.filter(kind="jury.juror_added").count() == 1
    assert mail.outbox[0].to == ["phone.juror@example.org"]
    assert "(Africa/Nairobi)" in mail.outbox[0].body
    assert "jury" in OutboundMessage.objects.get(to="+254712000999").text


@pytest.mark.django_db
def test_it_says_when_nobody_has_that_address(event, organiser_client):
    with at(BUILDING):
        response = organiser_client.post(
            reverse("judging:juror-add", args=[event.slug]),
            {"identifier": "nobody@example.org"},
            follow=True,
        )
    assert "Nobody on Minga signs in with this" in response.text
    assert not Juror.objects.exists()


@pytest.mark.django_db
def test_it_refuses_the_same_juror_twice(event, organiser, juror):
    with at(BUILDING), pytest.raises(ValidationError, match="already on the jury"):
        actions.add_juror(event=event, actor=organiser, person=juror)


@pytest.mark.django_db
def test_it_closes_the_jury_when_judging_ends(event, organiser, outsider):
    with at(JUDGING_ENDS), pytest.raises(ValidationError, match="Judging closed"):
        actions.add_juror(event=event, actor=organiser, person=outsider)


@pytest.mark.django_db
def test_it_removes_a_juror_who_has_not_scored(event, organiser_client, teams, jurors, assigned):
    score_all(
        event,
        {
            (jurors[0], a.proposal.team): 3
            for a in Assignment.objects.filter(juror__person=jurors[0])
        },
    )
    idle, busy = Juror.objects.get(person=jurors[1]), Juror.objects.get(person=jurors[0])
    with at(JUDGING):
        organiser_client.post(reverse("judging:juror-remove", args=[event.slug, idle.pk]))
        response = organiser_client.post(
            reverse("judging:juror-remove", args=[event.slug, busy.pk]), follow=True
        )
    assert not Juror.objects.filter(pk=idle.pk).exists()
    assert not Assignment.objects.filter(juror=idle.pk).exists()
    assert Juror.objects.filter(pk=busy.pk).exists()
    assert "has already scored proposals" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("organiser", 302), ("juror", 403), (None, 302)])
def test_it_lets_only_organisers_change_the_settings(event, jurors, who, status, request):
    someone = request.getfixturevalue(who) if who else None
    with at(BUILDING):
        response = client_of(someone).post(
            reverse("judging:settings", args=[event.slug]),
            {"jurors_per_proposal": 4, "members_choice": "on"},
        )
    assert response.status_code == status
    saved = JudgingSettings.objects.filter(event=event).first()
    assert (saved is not None and saved.members_choice) is (who == "organiser")


@pytest.mark.django_db
def test_it_fixes_the_settings_when_judging_opens(event, organiser):
    with at(DUE), pytest.raises(ValidationError, match="can no longer change"):
        actions.update_settings(
            event=event, actor=organiser, jurors_per_proposal=3, members_choice=True
        )


@pytest.mark.django_db
def test_it_wants_at_least_three_jurors_per_proposal(event, organiser):
    with at(BUILDING), pytest.raises(ValidationError):
        actions.update_settings(
            event=event, actor=organiser, jurors_per_proposal=2, members_choice=False
        )
