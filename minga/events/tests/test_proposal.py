import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minga.core import uploads
from minga.events import actions
from minga.events.models import ProposalVersion

from .conftest import (
    AFTER_DEADLINE,
    BUILDING,
    DUE,
    DURING_REGISTRATION,
    PHASES,
    PROPOSAL,
    at,
    client_of,
    make_event,
    register,
)

SECOND = datetime.timedelta(seconds=1)
PDF = b"%PDF-1.4\n% a tiny proposal\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def save(team, person, **changes):
    return actions.save_proposal(team=team, actor=person, fields={**PROPOSAL, **changes})


@pytest.mark.django_db
def test_it_keeps_every_save_as_a_new_version(team, registrant, registrant_client):
    url = reverse("events:proposal", args=[team.event.slug, team.pk])
    with at(BUILDING):
        registrant_client.post(url, PROPOSAL)
        registrant_client.post(url, {**PROPOSAL, "title": "SMS receipts, revised"})
    versions = ProposalVersion.objects.filter(proposal__team=team).order_by("number")
    assert [(v.number, v.title) for v in versions] == [
        (1, "SMS receipts for every delivery"),
        (2, "SMS receipts, revised"),
    ]


@pytest.mark.django_db
def test_it_applies_the_event_licence_which_teams_cannot_choose(team, registrant_client):
    url = reverse("events:proposal", args=[team.event.slug, team.pk])
    with at(BUILDING):
        page = registrant_client.get(url)
        registrant_client.post(url, {**PROPOSAL, "licence": "MIT"})
    assert "licence" not in page.context["form"].fields
    assert "CC BY-SA 4.0" in page.text
    assert ProposalVersion.objects.get().licence == "CC-BY-SA-4.0"


@pytest.mark.django_db
def test_it_accepts_a_save_one_second_before_the_deadline(team, registrant):
    with at(DUE - SECOND):
        version = save(team, registrant)
    assert version.number == 1


@pytest.mark.django_db
def test_it_refuses_a_late_save_clearly_and_saves_nothing(team, registrant, registrant_client):
    url = reverse("events:proposal", args=[team.event.slug, team.pk])
    with at(DUE):
        response = registrant_client.post(url, PROPOSAL)
    assert response.status_code == 400
    assert "The deadline for proposals passed at" in response.text
    assert "Proposals are read-only now; nothing was saved." in response.text
    assert not ProposalVersion.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_late_save_in_the_person_s_language(team, registrant, registrant_client):
    registrant.preferred_language = "fr"
    registrant.save()
    with at(DUE):
        response = registrant_client.post(
            reverse("events:proposal", args=[team.event.slug, team.pk]), PROPOSAL
        )
    assert "La date limite des propositions" in response.text
    assert not ProposalVersion.objects.exists()


@pytest.mark.django_db
def test_it_shows_a_read_only_proposal_after_the_deadline(team, registrant, registrant_client):
    with at(BUILDING):
        save(team, registrant)
    with at(AFTER_DEADLINE):
        response = registrant_client.get(
            reverse("events:proposal", args=[team.event.slug, team.pk])
        )
    assert response.context["form"] is None
    assert "Proposals are read-only now." in response.text
    assert "SMS receipts for every delivery" in response.text


def deadline_cases():
    """15:00 local deadlines in several zones, and two across a daylight-saving change."""
    return [
        ("America/Sao_Paulo", datetime.datetime(2019, 10, 16, 15, 0)),
        ("Asia/Kolkata", datetime.datetime(2019, 10, 16, 15, 0)),
        ("Pacific/Auckland", datetime.datetime(2019, 10, 16, 15, 0)),
        # Paris leaves summer time on 27 October 2019 at 03:00: release at UTC+2, due at UTC+1.
        ("Europe/Paris", datetime.datetime(2019, 10, 27, 15, 0)),
        # New York leaves summer time on 3 November 2019 at 02:00.
        ("America/New_York", datetime.datetime(2019, 11, 3, 15, 0)),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("zone", "local_due"), deadline_cases())
def test_it_locks_at_the_exact_local_instant_in_any_zone(
    organiser, federation, member, zone, local_due
):
    tz = zoneinfo.ZoneInfo(zone)
    due = local_due.replace(tzinfo=tz)
    release = (local_due - datetime.timedelta(days=2)).replace(tzinfo=tz)
    phases = {
        **PHASES,
        "registration_closes_at": release,
        "intake_closes_at": release - datetime.timedelta(days=1),
        "challenges_released_at": release,
        "proposals_due_at": due,
        "judging_ends_at": due + datetime.timedelta(days=1),
        "announcement_at": due + datetime.timedelta(days=1),
    }
    event = make_event(organiser, federation, timezone=zone, team_min_size=1, **phases)
    register(event, member)
    challenge = actions.add_challenge(event=event, actor=organiser, title="A challenge")
    with at(release):
        team = actions.create_team(
            registration=event.registrations.get(person=member), actor=member, name="Solo"
        )
        actions.choose_challenge(team=team, challenge=challenge, actor=member)
    assert due.utcoffset() != release.utcoffset() or zone not in (
        "Europe/Paris",
        "America/New_York",
    )
    with at(due - SECOND):
        save(team, member)
    with at(due), pytest.raises(ValidationError) as refused:
        save(team, member)
    assert refused.value.code == "deadline_passed"
    assert f"({zone})" in refused.value.messages[0]
    assert ProposalVersion.objects.filter(proposal__team=team).count() == 1


@pytest.mark.django_db
def test_it_gives_the_jury_the_last_version_before_the_deadline(team, registrant, organiser):
    with at(BUILDING):
        first = save(team, registrant)
    with at(DUE - datetime.timedelta(minutes=30)):
        second = save(team, registrant, title="Final")
    proposal = team.proposal
    assert proposal.version_for_jury() == second
    # Organisers move the deadline earlier than the second save: the jury sees the first.
    with at(BUILDING):
        actions.update_event(
            event=team.event,
            actor=organiser,
            changes={"proposals_due_at": DUE - datetime.timedelta(hours=1)},
        )
    proposal.refresh_from_db()
    proposal.event.refresh_from_db()
    assert proposal.version_for_jury() == first


@pytest.mark.django_db
def test_it_needs_a_chosen_challenge(event, registrant):
    with at(DURING_REGISTRATION):
        team = actions.create_team(
            registration=event.registrations.get(person=registrant), actor=registrant, name="X"
        )
    with at(BUILDING), pytest.raises(ValidationError, match="Choose your team's challenge"):
        save(team, registrant)


@pytest.mark.django_db
def test_it_attaches_files_and_carries_them_to_the_next_version(team, registrant, settings):
    with at(BUILDING):
        first = actions.save_proposal(
            team=team,
            actor=registrant,
            fields=PROPOSAL,
            new_files=[SimpleUploadedFile("brief.pdf", PDF, "application/pdf")],
        )
        second = save(team, registrant, title="Second")
    attachment = first.attachments.get()
    assert attachment.file.path.startswith(str(settings.MEDIA_ROOT))
    assert list(second.attachments.all()) == [attachment]
    with at(BUILDING):
        third = actions.save_proposal(
            team=team, actor=registrant, fields=PROPOSAL, remove_attachments=[attachment.pk]
        )
    assert not third.attachments.exists()
    assert list(first.attachments.all()) == [attachment]  # history is kept


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ\x90\x00", "only PDF, PNG, JPEG, ODP and PPTX"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "does not look like a PDF"),
        ("big.pdf", PDF + b"x" * 64, "attachments can be at most"),
    ],
)
def test_it_refuses_bad_attachments(team, registrant_client, monkeypatch, name, content, message):
    monkeypatch.setattr(uploads, "MAX_BYTES", 64)
    url = reverse("events:proposal", args=[team.event.slug, team.pk])
    with at(BUILDING):
        response = registrant_client.post(
            url, {**PROPOSAL, "new_files": SimpleUploadedFile(name, content)}
        )
    assert message in response.text
    assert not ProposalVersion.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status", "can_edit"),
    [("registrant", 200, True), ("organiser", 200, False), ("outsider", 403, False)],
)
def test_it_opens_the_proposal_to_members_and_organisers_only(team, who, status, can_edit, request):
    client = client_of(request.getfixturevalue(who))
    url = reverse("events:proposal", args=[team.event.slug, team.pk])
    with at(BUILDING):
        response = client.get(url)
        posted = client.post(url, PROPOSAL)
    assert response.status_code == status
    if status == 200:
        assert (response.context["form"] is not None) == can_edit
    assert posted.status_code in (302, 400, 403)
    assert ProposalVersion.objects.exists() == can_edit


@pytest.mark.django_db
def test_it_refuses_anonymous_visitors(team, anonymous_client):
    url = reverse("events:proposal", args=[team.event.slug, team.pk])
    assert anonymous_client.get(url).status_code == 403


@pytest.mark.django_db
def test_it_serves_attachments_only_to_the_workspace(team, registrant, outsider, registrant_client):
    with at(BUILDING):
        version = actions.save_proposal(
            team=team,
            actor=registrant,
            fields=PROPOSAL,
            new_files=[SimpleUploadedFile("brief.pdf", PDF, "application/pdf")],
        )
    key = version.attachments.get().key
    url = reverse("events:attachment", args=[team.event.slug, team.pk, key])
    assert b"".join(registrant_client.get(url).streaming_content) == PDF
    assert client_of(outsider).get(url).status_code == 403


@pytest.mark.django_db
def test_a_team_below_the_minimum_size_cannot_submit(team, registrant, teammate):
    """A one-person team (minimum two) saved "the version the jury will see"."""
    with at(BUILDING):
        mine = team.memberships.get(registration__person=teammate, status="active")
        actions.leave_team(membership=mine, actor=teammate)
        url = reverse("events:proposal", args=[team.event.slug, team.pk])
        page = client_of(registrant).get(url)
        with pytest.raises(ValidationError, match="at least 2 members to submit"):
            save(team, registrant)
        posted = client_of(registrant).post(url, PROPOSAL)
    assert "A team needs at least 2 members to submit a proposal; yours has 1." in page.text
    assert page.context["form"] is None
    assert posted.status_code == 400 and not ProposalVersion.objects.exists()
