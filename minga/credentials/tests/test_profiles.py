"""Public profiles: verified credentials only, the score, and JSON anyone can recompute."""

import datetime
import json

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

from minga.credentials import actions as credential_actions
from minga.credentials import reputation
from minga.identity.dids import coop_did
from minga.trainings import actions
from minga.trainings.tests.trainings_setup import AFTER, DURING_FIRST, at

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def certified(training, trainer, member):
    """The member and a phone-only participant completed the bookkeeping training."""
    person = actions.add_participant(training=training, actor=trainer, name="", phone=member.phone)
    phone_only = actions.add_participant(
        training=training, actor=trainer, name="Jean Uwimana", phone="+250788123456"
    )
    with at(DURING_FIRST):
        actions.record_attendance(
            session=training.sessions.first(), actor=trainer, present=[person.pk, phone_only.pk]
        )
    actions.record_assessment(
        training=training, actor=trainer, scores={person.pk: 90, phone_only.pk: 70}
    )
    with at(AFTER):
        actions.complete_training(training=training, actor=trainer)
    person.refresh_from_db()
    return person.credential


def _person_url(person, json_=False):
    name = "credentials:person-reputation" if json_ else "credentials:person"
    return reverse(name, args=[person.pk])


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "owner"])
def test_it_shows_a_persons_profile_to_everyone(client, request, certified, member, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # some personas prefer Spanish
    page = client.get(_person_url(member))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Bookkeeping basics" in text and str(certified.uuid) in text
    assert "3 points" in text and reputation.FORMULA in text
    assert "member@example.org" not in text and member.phone not in text


def test_it_hides_a_person_with_nothing_public(client, outsider):
    assert client.get(_person_url(outsider)).status_code == 404
    assert client.get(reverse("credentials:person", args=[99999])).status_code == 404


def test_it_publishes_inputs_anyone_can_recompute(client, certified, member, coop):
    response = client.get(_person_url(member, json_=True))
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["score"] == 3
    assert reputation.recompute(response.content) == data["score"]
    [item] = data["inputs"]
    document = json.loads(certified.document)
    assert item["credential"] == document["id"]
    assert item["issuer"] == coop_did(coop)
    assert item["achievement"] == document["credentialSubject"]["achievement"]["id"]
    assert item["achievement_type"] == "CertificateOfCompletion"
    assert item["log_index"] is not None
    assert data["subject"].endswith(_person_url(member))


def test_it_drops_a_revoked_credential_from_the_score(client, certified, member, owner):
    assert client.get(_person_url(member, json_=True)).json()["score"] == 3
    credential_actions.revoke_credential(
        credential=certified, reason="Issued by mistake", actor=owner
    )
    data = client.get(_person_url(member, json_=True)).json()
    assert data["score"] == 0 and data["inputs"] == []


def test_it_counts_a_credential_only_if_it_verifies(client, certified, member):
    tampered = json.loads(certified.document)
    tampered["credentialSubject"]["achievement"]["achievementType"] = "Award"
    type(certified).objects.filter(pk=certified.pk).update(document=json.dumps(tampered))
    data = client.get(_person_url(member, json_=True)).json()
    assert data["score"] == 0


def test_it_lists_trainings_given_and_completed(client, certified, member, trainer):
    assert "Bookkeeping basics" in client.get(_person_url(trainer)).content.decode()
    page = client.get(_person_url(member)).content.decode()
    assert "Trainings completed" in page and "Bookkeeping basics" in page


def test_it_reads_a_winners_rank_from_the_credential(client, coop, owner, member):
    achievement = credential_actions.define_achievement(
        coop=coop,
        actor=owner,
        name="Coop-a-thon winner",
        description="d",
        criteria="c",
        achievement_type="Award",
    )
    credential_actions.issue_credential(
        achievement=achievement,
        recipient=member,
        results=[{"name": "Rank", "value": "1", "type": "ext:Rank"}],
        actor=owner,
    )
    data = client.get(_person_url(member, json_=True)).json()
    assert data["inputs"][0]["rank"] == 1
    assert data["score"] == 5 + 3


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "owner"])
def test_it_shows_a_cooperatives_profile_to_everyone(client, request, certified, coop, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # some personas prefer Spanish
    page = client.get(reverse("credentials:coop", args=[coop.slug]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "2 verified certificates issued" in text and "Bookkeeping basics" in text
    assert "2 points" in text


def test_it_publishes_a_cooperatives_inputs(client, certified, coop):
    response = client.get(reverse("credentials:coop-reputation", args=[coop.slug]))
    data = response.json()
    assert data["subject"] == coop_did(coop)
    assert [item["relation"] for item in data["inputs"]] == ["issued", "issued"]
    assert data["score"] == reputation.recompute(response.content) == 2


def test_it_answers_404_for_an_unknown_cooperative(client):
    assert client.get(reverse("credentials:coop", args=["nowhere"])).status_code == 404
    assert client.get(reverse("credentials:coop-reputation", args=["nowhere"])).status_code == 404


def test_it_shows_an_empty_cooperative_with_zero(client, coop):
    page = client.get(reverse("credentials:coop", args=[coop.slug])).content.decode()
    assert "0 points" in page


def test_it_lists_coopathon_awards_on_a_profile(client, member, federation, organiser):
    from minga.events.models import Event
    from minga.judging.models import Award

    day = [datetime.datetime(2019, 10, n, tzinfo=datetime.UTC) for n in range(1, 9)]
    event = Event.objects.create(
        organiser=federation,
        title="Coop-a-thon 2019",
        slug="coopathon-2019",
        summary="s",
        status=Event.Status.PUBLISHED,
        intake_opens_at=day[0],
        intake_closes_at=day[1],
        registration_opens_at=day[1],
        registration_closes_at=day[3],
        challenges_released_at=day[3],
        proposals_due_at=day[5],
        judging_ends_at=day[6],
        announcement_at=day[7],
    )
    Award.objects.create(event=event, person=member, kind="winner", rank=2)
    page = client.get(_person_url(member)).content.decode()
    assert "Coop-a-thon 2019" in page and "Winner 2" in page
