"""Coop-a-thon awards become signed credentials when the organisers record them."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from minga.audit.models import Entry
from minga.credentials.models import Achievement, Credential
from minga.judging import actions
from minga.judging.models import Award

from .conftest import ANNOUNCED, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(event, teams, jurors, scored, organiser):
    with at(ANNOUNCED):
        actions.record_awards(event=event, actor=organiser)


def test_it_issues_one_credential_per_award(recorded, event, federation):
    assert Credential.objects.count() == Award.objects.count() == 13
    assert set(Credential.objects.values_list("coop", flat=True)) == {federation.pk}
    kinds = set(Achievement.objects.filter(coop=federation).values_list("key", flat=True))
    assert kinds == {f"event:{event.pk}:{kind}" for kind in Award.Kind.values}
    assert Entry.objects.filter(kind="credential.issue").count() == 13


def test_it_gives_winners_their_rank_and_prize(recorded):
    award = Award.objects.filter(kind="winner", rank=1).first()
    credential = Credential.objects.get(source=f"award:{award.pk}")
    document = json.loads(credential.document)
    subject = document["credentialSubject"]
    assert subject["achievement"]["achievementType"] == "Award"
    assert [result["value"] for result in subject["result"]] == ["1", award.prize_name]
    descriptions = subject["achievement"]["resultDescription"]
    assert [item["id"] for item in descriptions] == [
        r["resultDescription"] for r in subject["result"]
    ]
    assert document["evidence"][0]["id"].endswith(f"/teams/{award.team_id}/")
    assert document["evidence"][0]["genre"] == "Proposal"


def test_it_gives_challenge_owners_and_jurors_their_own_achievement(recorded, owner, jurors):
    owner_credential = Credential.objects.get(recipient=owner)
    assert "Challenge owner" in owner_credential.achievement.name
    juror_credential = Credential.objects.filter(recipient=jurors[0]).get()
    assert "Juror" in juror_credential.achievement.name


def test_it_defines_the_event_achievements_in_every_language(recorded, event):
    achievement = Achievement.objects.get(key=f"event:{event.pk}:participant")
    assert sorted(achievement.languages()) == ["en", "es", "fr", "pt-br"]
    assert achievement.in_language("es").name == f"Participante en {event.title}"
    assert achievement.in_language("fr").name == f"Participant à {event.title}"


def test_it_names_an_award_in_the_readers_language(recorded, event, client):
    """ "Winner of…" is the platform's words: each reader gets them in their language."""
    award = Award.objects.filter(kind="winner", rank=1).first()
    credential = Credential.objects.get(source=f"award:{award.pk}")
    client.force_login(credential.recipient)
    client.cookies["minga_language"] = "pt-br"
    page = client.get(reverse("credentials:mine")).content.decode()
    assert credential.achievement.in_language("pt-br").name in page
    assert credential.achievement.name not in page
    with translation.override("pt"):  # an old code still finds the Brazilian words
        assert credential.achievement.shown_name == credential.achievement.in_language("pt-br").name


def test_it_issues_nothing_twice(recorded, event, organiser):
    with at(ANNOUNCED):
        actions.record_awards(event=event, actor=organiser)
        assert actions.issue_event_awards(event=event, actor=organiser) == []
    assert Credential.objects.count() == 13
