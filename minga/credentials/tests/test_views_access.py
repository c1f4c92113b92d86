"""Every credentials page for each kind of visitor: anonymous, outsider, member, administrator."""

import json

import pytest
from django.conf import settings
from django.urls import reverse

from minga.core.tests.untranslated import LANGUAGES, untranslated

pytestmark = pytest.mark.django_db


ADMIN_ONLY = {None: 302, "outsider": 403, "member": 403, "owner": 200}
PUBLIC = {None: 200, "outsider": 200, "member": 200, "owner": 200}


def _url(name, coop, achievement, issued):
    return {
        "mine": reverse("credentials:mine"),
        "achievements": reverse("credentials:achievements", args=[coop.slug]),
        "achievement-create": reverse("credentials:achievement-create", args=[coop.slug]),
        "achievement": reverse("credentials:achievement", args=[achievement.uuid]),
        "achievement-edit": reverse("credentials:achievement-edit", args=[achievement.uuid]),
        "achievement-issue": reverse("credentials:achievement-issue", args=[achievement.uuid]),
        "detail": reverse("credentials:detail", args=[issued.uuid]),
        "json": reverse("credentials:json", args=[issued.uuid]),
        "print": reverse("credentials:print", args=[issued.uuid]),
        "revoke": reverse("credentials:status", args=[issued.uuid, "revoke"]),
        "suspend": reverse("credentials:status", args=[issued.uuid, "suspend"]),
        "status-list": reverse(
            "credentials:status-list", args=[coop.slug, "message", issued.status_list.number]
        ),
    }[name]


EXPECTED = {
    "mine": {None: 302, "outsider": 200, "member": 200, "owner": 200},
    "achievements": ADMIN_ONLY,
    "achievement-create": ADMIN_ONLY,
    "achievement": PUBLIC,
    "achievement-edit": ADMIN_ONLY,
    "achievement-issue": ADMIN_ONLY,
    "detail": PUBLIC,
    "json": PUBLIC,
    "print": PUBLIC,
    "revoke": ADMIN_ONLY,
    "suspend": ADMIN_ONLY,
    "status-list": PUBLIC,
}


@pytest.mark.parametrize("who", [None, "outsider", "member", "owner"])
@pytest.mark.parametrize("name", list(EXPECTED))
def test_it_lets_each_visitor_see_what_they_may(
    client, coop, achievement, issued, name, who, request
):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.get(_url(name, coop, achievement, issued))
    assert response.status_code == EXPECTED[name][who]


def test_the_credential_url_answers_json_to_programs(client, issued):
    url = reverse("credentials:detail", args=[issued.uuid])
    assert url == f"/credentials/{issued.uuid}"
    response = client.get(url, HTTP_ACCEPT="application/ld+json")
    assert response["Content-Type"].startswith("application/ld+json")
    assert json.loads(response.content) == json.loads(issued.document)
    assert client.get(url, HTTP_ACCEPT="text/html").templates


def test_the_json_download_is_the_signed_document(client, issued):
    response = client.get(reverse("credentials:json", args=[issued.uuid]))
    assert response.content.decode() == issued.document
    assert "attachment" in response["Content-Disposition"]


def test_the_page_carries_a_qr_code_to_the_verification_page(client, issued):
    from minga.credentials.credential import check_qr_digest, qr_digest

    html = client.get(reverse("credentials:detail", args=[issued.uuid])).content.decode()
    assert "<svg" in html and "/credentials/verify/?id=" in html
    digest = qr_digest(issued.sha256)
    assert len(digest) == 16 and digest in html
    assert check_qr_digest(issued.sha256, digest.lower())
    assert not check_qr_digest(issued.sha256, "A" * 16)


def test_the_management_links_show_only_for_administrators(client, owner, outsider, issued):
    url = reverse("credentials:detail", args=[issued.uuid])
    revoke = reverse("credentials:status", args=[issued.uuid, "revoke"])
    client.force_login(outsider)
    assert revoke not in client.get(url).content.decode()
    client.force_login(owner)
    assert revoke in client.get(url).content.decode()


def test_unknown_things_are_not_found(client, coop, owner, issued):
    client.force_login(owner)
    assert client.get(f"/credentials/{'0' * 8}-0000-4000-8000-{'0' * 12}").status_code == 404
    assert (
        client.get(reverse("credentials:status", args=[issued.uuid, "delete"])).status_code == 404
    )
    assert client.get(f"/credentials/status/{coop.slug}/deletion/1").status_code == 404
    assert client.get(f"/credentials/status/{coop.slug}/revocation/99").status_code == 404


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_every_page_is_in_the_readers_language(
    client, coop, achievement, issued, member, owner, language
):
    """No English the catalogues translate on any page of the table."""
    found = {}
    for person in (member, owner):
        client.force_login(person)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for name in EXPECTED:
            response = client.get(_url(name, coop, achievement, issued))
            if response.status_code != 200 or "text/html" not in response["Content-Type"]:
                continue
            assert f'lang="{language}"' in response.content.decode()
            english = untranslated(response.content.decode(), language)
            if english:
                found[name] = english
    assert found == {}
