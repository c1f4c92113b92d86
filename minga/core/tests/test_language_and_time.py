import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from minga.core.templatetags.minga import _shows_minutes_at_most, when


@pytest.mark.django_db
def test_it_follows_the_browser_language(client):
    response = client.get(reverse("core:about"), HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9")
    assert 'lang="fr"' in response.content.decode()


@pytest.mark.django_db
def test_it_names_the_language_and_what_it_depends_on(client):
    response = client.get(reverse("core:about"), HTTP_ACCEPT_LANGUAGE="es")
    assert response["Content-Language"] == "es"
    assert "Accept-Language" in response["Vary"]  # caches keep one copy per language
    english = client.get(reverse("core:about"), HTTP_ACCEPT_LANGUAGE="sw")  # not offered
    assert english["Content-Language"] == "en"


@pytest.mark.django_db
def test_it_finds_no_language_in_the_path(client):
    # Minga's URLs name no language: a path that looks like one is just a path.
    assert client.get("/fr/about/", HTTP_ACCEPT_LANGUAGE="es").status_code == 404


@pytest.mark.django_db
def test_it_prefers_the_profile_language_to_the_browser(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("core:about"), HTTP_ACCEPT_LANGUAGE="pt")
    assert 'lang="es"' in response.content.decode()


@pytest.mark.django_db
def test_it_switches_language_without_javascript(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("core:set-language"), {"language": "pt-br", "next": "/about/"})
    assert response.status_code == 302
    assert response.url == "/about/"
    assert 'lang="pt-br"' in client.get("/about/").content.decode()


@pytest.mark.django_db
def test_it_ignores_unknown_languages_and_foreign_redirects(client):
    response = client.get(
        reverse("core:set-language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response.url == "/"
    assert "minga_language" not in response.cookies


def test_it_shows_times_in_a_zone_and_names_it():
    moment = datetime.datetime(2026, 11, 22, 15, 0, tzinfo=datetime.UTC)
    html = when(moment, "America/Argentina/Buenos_Aires")
    assert "12:00" in html or "noon" in html or "12 p.m." in html
    assert "(America/Argentina/Buenos_Aires)" in html
    assert 'datetime="2026-11-22T15:00:00+00:00"' in html


def test_it_uses_the_active_zone_by_default():
    moment = datetime.datetime(2026, 11, 22, 15, 0, tzinfo=datetime.UTC)
    with timezone.override("Africa/Kigali"):
        assert "(Africa/Kigali)" in when(moment)
    assert when(None) == ""


@pytest.mark.django_db
def test_it_activates_the_persons_zone(client, owner):
    client.force_login(owner)
    response = client.get(reverse("accounts:profile"))
    assert "(Africa/Kigali)" in response.content.decode()


def test_it_keeps_times_in_words_apart_by_language_and_zone():
    moment = datetime.datetime(2026, 11, 22, 15, 0, 30, tzinfo=datetime.UTC)
    with translation.override("en"):
        english = when(moment, "Africa/Kigali")
    with translation.override("es"):
        spanish = when(moment, "Africa/Kigali")
        elsewhere = when(moment, "America/Lima")
    assert "Nov" in english and "noviembre" in spanish and "17:00" in spanish
    assert "10:00" in elsewhere  # the same instant, a zone of its own


def test_it_formats_again_a_format_that_shows_seconds():
    assert _shows_minutes_at_most(r"j \d\e F \d\e Y à\s H:i")  # escaped letters are words
    assert not _shows_minutes_at_most("H:i:s")
    assert not _shows_minutes_at_most("c")
