"""Minga's Portuguese is Brazil's (pt-br); whatever still asks for plain "pt" gets it too."""

import importlib

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from minga.accounts.models import User

pytestmark = pytest.mark.django_db


def _lang(response) -> str:
    page = response.content.decode()
    return page.split('<html lang="', 1)[1].split('"', 1)[0]


def test_it_lists_brazilian_portuguese_only():
    codes = [code for code, _name in settings.LANGUAGES]
    assert "pt-br" in codes
    assert "pt" not in codes


@pytest.mark.parametrize("header", ["pt", "pt-BR", "pt-PT,pt;q=0.9", "pt-br"])
def test_it_answers_a_portuguese_browser_in_brazilian_portuguese(client, header):
    response = client.get(reverse("core:about"), HTTP_ACCEPT_LANGUAGE=header)
    assert _lang(response) == "pt-br"
    assert response["Content-Language"] == "pt-br"


def test_it_reads_an_old_pt_cookie_as_brazilian_portuguese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "pt"
    assert _lang(client.get(reverse("core:about"), HTTP_ACCEPT_LANGUAGE="fr")) == "pt-br"


def test_it_switches_to_brazilian_portuguese_from_an_old_pt_link(client):
    response = client.get(reverse("core:set-language"), {"language": "pt", "next": "/about/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "pt-br"
    assert _lang(client.get("/about/")) == "pt-br"


def test_it_reads_a_profile_still_saying_pt_as_brazilian_portuguese(client, member):
    User.objects.filter(pk=member.pk).update(preferred_language="pt")
    client.force_login(member)
    assert _lang(client.get(reverse("core:about"))) == "pt-br"


def test_it_uses_djangos_own_brazilian_catalogue(client):
    """Django's built-in messages (a required field) come in Brazil's words too."""
    response = client.post(reverse("accounts:login"), {}, HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert "Este campo é obrigatório." in response.content.decode()


def test_the_migration_moves_profiles_from_pt_to_pt_br(member, outsider):
    User.objects.filter(pk=member.pk).update(preferred_language="pt")
    migration = importlib.import_module("minga.accounts.migrations.0003_brazilian_portuguese")
    migration.to_brazilian(apps, None)
    member.refresh_from_db()
    outsider.refresh_from_db()
    assert member.preferred_language == "pt-br"
    assert outsider.preferred_language == "es"


def test_it_keeps_the_language_across_sign_out(client, outsider):
    """Signed in, Spanish comes from the profile; signed out, the page stays in Spanish."""
    client.force_login(outsider)
    assert _lang(client.get(reverse("core:about"), HTTP_ACCEPT_LANGUAGE="en")) == "es"
    response = client.post(reverse("accounts:logout"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    assert _lang(client.get(reverse("core:about"), HTTP_ACCEPT_LANGUAGE="en")) == "es"


def test_sign_out_keeps_a_language_chosen_with_the_switcher(client, outsider):
    client.force_login(outsider)
    client.get(reverse("core:set-language"), {"language": "fr", "next": "/"})
    client.post(reverse("accounts:logout"))
    assert _lang(client.get(reverse("core:about"), HTTP_ACCEPT_LANGUAGE="en")) == "fr"
