"""Challenges stay sealed until their release instant: on pages, in the API and the feed."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from minga.challenges.models import Need
from minga.events import actions

from .conftest import RELEASE, at, client_of

SECRET = "Cherry deliveries by SMS"
JUST_BEFORE = RELEASE - datetime.timedelta(seconds=1)


@pytest.fixture
def challenge(event, organiser):
    return actions.add_challenge(event=event, actor=organiser, title=SECRET, theme="access")


def text_of(response) -> str:
    # iCalendar folds long lines at 75 octets with CRLF and a space; unfold them first.
    return response.content.replace(b"\r\n ", b"").decode()


def pages(event):
    return [
        event.get_absolute_url(),
        reverse("events:challenges", args=[event.slug]),
        reverse("events:calendar", args=[event.slug]),
        f"/api/events/{event.slug}/challenges",
        f"/api/events/{event.slug}",
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["registrant", "outsider", None])
def test_it_hides_challenges_until_the_release_instant(event, challenge, who, request, client):
    if who:
        client = client_of(request.getfixturevalue(who))
    for url in pages(event):
        with at(JUST_BEFORE):
            before = client.get(url)
        assert before.status_code == 200, url
        assert SECRET not in text_of(before), url
    for url in pages(event)[:4]:
        with at(RELEASE):
            after = client.get(url)
        assert SECRET in text_of(after), url


@pytest.mark.django_db
def test_it_shows_challenges_to_organisers_before_release(event, challenge, organiser_client):
    with at(JUST_BEFORE):
        text = organiser_client.get(reverse("events:challenges", args=[event.slug])).text
    assert SECRET in text
    assert "Only organisers see these until the release." in text


@pytest.mark.django_db
def test_it_says_when_challenges_are_released(event, challenge, client):
    with at(JUST_BEFORE):
        data = client.get(f"/api/events/{event.slug}/challenges").json()
    assert data == {
        "released_at": "2019-10-14T13:00:00Z",
        "is_released": False,
        "challenges": [],
    }


@pytest.mark.django_db
def test_it_refuses_choosing_a_challenge_before_release(event, challenge, registrant):
    registration = event.registrations.get(person=registrant)
    with at(JUST_BEFORE):
        team = actions.create_team(registration=registration, actor=registrant, name="Early")
        with pytest.raises(ValidationError, match="Challenges are released at"):
            actions.choose_challenge(team=team, challenge=challenge, actor=registrant)
    team.refresh_from_db()
    assert team.challenge is None


def accepted_need(coop, **fields):
    # The challenges app's own tests build needs through its actions; an accepted row is
    # all an event needs here.
    return Need.objects.create(
        coop=coop,
        status=Need.Status.ACCEPTED,
        country=coop.country,
        world_region="africa",
        sector=coop.sector,
        language="en",
        theme="fintech",
        **fields,
    )


@pytest.mark.django_db
def test_it_lets_organisers_pick_accepted_needs(event, coop, owner, organiser_client):
    need = accepted_need(coop, title="Member deposits by USSD", owner=owner)
    draft = accepted_need(coop, title="Still a draft")
    draft.status = Need.Status.DRAFT
    draft.save()
    url = reverse("events:challenges", args=[event.slug])
    form = organiser_client.get(url).context["form"]
    assert list(form.fields["need"].queryset) == [need]
    organiser_client.post(url, {"need": need.pk, "title": "", "summary": "", "theme": ""})
    challenge = event.challenges.get()
    assert (challenge.need, challenge.title, challenge.owner, challenge.owner_coop) == (
        need,
        "Member deposits by USSD",
        owner,
        coop,
    )
    assert challenge.theme == "fintech"


@pytest.mark.django_db
def test_it_refuses_needs_that_are_not_accepted(event, coop, organiser):
    need = accepted_need(coop, title="Declined one")
    need.status = Need.Status.DECLINED
    need.save()
    with pytest.raises(ValidationError):
        actions.add_challenge(event=event, actor=organiser, need=need)
    assert not event.challenges.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["registrant", "outsider"])
def test_it_lets_only_organisers_add_challenges(event, who, request):
    response = client_of(request.getfixturevalue(who)).post(
        reverse("events:challenges", args=[event.slug]), {"title": "Sneaky"}
    )
    assert response.status_code == 403
    assert not event.challenges.exists()
