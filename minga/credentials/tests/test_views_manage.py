"""Defining achievements, issuing and changing a credential's status from the pages."""

import pytest
from django.urls import reverse

from minga.credentials.models import Achievement, Credential

pytestmark = pytest.mark.django_db


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def _fields(**extra):
    return {
        "achievement_type": "Competency",
        "language": "en",
        "name": "Board governance",
        "description": "Runs a board meeting by the rules.",
        "criteria": "Chair two meetings.",
        "name_fr": "Gouvernance du conseil",
        "description_fr": "Dirige une réunion du conseil selon les règles.",
        "criteria_fr": "Présider deux réunions.",
        "skill_1_name": "Governance",
        "skill_1_url": "https://example.org/skills/governance",
        **extra,
    }


def test_an_administrator_defines_an_achievement_in_two_languages(owner_client, coop):
    from django.core.files.uploadedfile import SimpleUploadedFile

    image = SimpleUploadedFile("badge.png", PNG, content_type="image/png")
    response = owner_client.post(
        reverse("credentials:achievement-create", args=[coop.slug]), _fields(image=image)
    )
    achievement = Achievement.objects.get(name="Board governance")
    assert response.status_code == 302
    assert achievement.in_language("fr").name == "Gouvernance du conseil"
    assert achievement.alignments.get().target_name == "Governance"
    assert achievement.image
    image_url = reverse("credentials:achievement-image", args=[achievement.uuid])
    assert owner_client.get(image_url).content == PNG


@pytest.mark.parametrize(
    "bad",
    [
        {"name": ""},
        {"achievement_type": "Diplomacy"},
        {"language": "xx"},
        {"criteria_fr": ""},
        {"skill_1_url": ""},
    ],
)
def test_bad_input_defines_nothing(owner_client, coop, bad):
    response = owner_client.post(
        reverse("credentials:achievement-create", args=[coop.slug]), _fields(**bad)
    )
    assert response.status_code == 200 and not Achievement.objects.exists()


def test_a_script_is_refused_as_an_image(owner_client, coop):
    from django.core.files.uploadedfile import SimpleUploadedFile

    svg = SimpleUploadedFile("badge.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = owner_client.post(
        reverse("credentials:achievement-create", args=[coop.slug]), _fields(image=svg)
    )
    assert response.status_code == 200 and not Achievement.objects.exists()


def test_editing_keeps_issued_credentials_as_signed(owner_client, achievement, member, owner):
    from minga.credentials import actions

    issued = actions.issue_credential(achievement=achievement, recipient=member, actor=owner)
    before = issued.document
    owner_client.post(
        reverse("credentials:achievement-edit", args=[achievement.uuid]),
        _fields(name="Bookkeeping, level 1", is_active="on"),
    )
    achievement.refresh_from_db()
    issued.refresh_from_db()
    assert achievement.name == "Bookkeeping, level 1"
    assert issued.document == before


def test_an_administrator_issues_to_a_phone_number(owner_client, achievement):
    url = reverse("credentials:achievement-issue", args=[achievement.uuid])
    response = owner_client.post(url, {"name": "Jeanne", "phone": "+250788123456"})
    credential = Credential.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("credentials:detail", args=[credential.uuid])
    assert credential.identity_type == "identifier" and credential.recipient_name == "Jeanne"


@pytest.mark.parametrize(
    "bad",
    [{"name": "Jeanne"}, {"name": "Jeanne", "phone": "123"}, {"name": "", "email": "a@b.org"}],
)
def test_issuing_with_bad_input_issues_nothing(owner_client, achievement, bad):
    url = reverse("credentials:achievement-issue", args=[achievement.uuid])
    assert owner_client.post(url, bad).status_code == 200
    assert not Credential.objects.exists()


def test_an_administrator_suspends_then_revokes(owner_client, achievement, member, owner):
    from minga.credentials import actions

    issued = actions.issue_credential(achievement=achievement, recipient=member, actor=owner)
    suspend = reverse("credentials:status", args=[issued.uuid, "suspend"])
    revoke = reverse("credentials:status", args=[issued.uuid, "revoke"])
    assert owner_client.post(suspend, {"reason": ""}).status_code == 200
    issued.refresh_from_db()
    assert issued.status == "active"
    assert owner_client.post(suspend, {"reason": "Checking the attendance."}).status_code == 302
    assert owner_client.post(revoke, {"reason": "Did not attend."}).status_code == 302
    issued.refresh_from_db()
    assert issued.status == "revoked"
    page = owner_client.get(reverse("credentials:detail", args=[issued.uuid])).content.decode()
    assert "Did not attend." in page


def test_an_outsider_cannot_revoke(client, outsider, achievement, member, owner):
    from minga.credentials import actions

    issued = actions.issue_credential(achievement=achievement, recipient=member, actor=owner)
    client.force_login(outsider)
    url = reverse("credentials:status", args=[issued.uuid, "revoke"])
    assert client.post(url, {"reason": "Mischief."}).status_code == 403
    issued.refresh_from_db()
    assert issued.status == "active"
