import gzip

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.urls import reverse

from conftest import make_person
from minga.coops import actions

URL = reverse("coops:directory")


@pytest.fixture
def world(coop):
    it = make_person("IT Founder", "it@example.org")
    actions.create_cooperative(
        actor=it,
        name="Código Sur",
        legal_form="worker",
        country="AR",
        region="Córdoba",
        sector="it",
        languages=["es", "en"],
        description="Software libre",
    )
    actions.create_cooperative(
        actor=it,
        name="Mwangaza SACCO",
        legal_form="sacco",
        country="KE",
        region="Nyeri",
        sector="savings-credit",
        languages=["sw", "en"],
    )
    return coop


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Abahuzamugambi Coffee Cooperative", "Código Sur", "Mwangaza SACCO"}),
        ("?country=AR", {"Código Sur"}),
        ("?sector=savings-credit", {"Mwangaza SACCO"}),
        ("?language=sw", {"Mwangaza SACCO"}),
        ("?language=en", {"Abahuzamugambi Coffee Cooperative", "Código Sur", "Mwangaza SACCO"}),
        ("?region=nyeri", {"Mwangaza SACCO"}),
        ("?q=libre", {"Código Sur"}),
        ("?q=coffee&country=RW", {"Abahuzamugambi Coffee Cooperative"}),
    ],
)
def test_it_filters(client, world, query, expected):
    response = client.get(URL + query)
    assert response.status_code == 200
    assert {coop.name for coop in response.context["page"]} == expected


@pytest.mark.django_db
def test_it_ignores_bad_filter_values(client, world):
    response = client.get(URL + "?country=ZZ&sector=<script>&page=abc")
    assert response.status_code == 200
    assert b"<script>" not in response.content


@pytest.mark.django_db
def test_it_shows_new_cooperatives_at_once_despite_the_cache(client, world, owner):
    assert "Nueva" not in client.get(URL).content.decode()
    actions.create_cooperative(
        actor=owner,
        name="Nueva Cooperativa",
        legal_form="worker",
        country="ES",
        sector="it",
    )
    assert "Nueva Cooperativa" in client.get(URL).content.decode()


@pytest.mark.django_db
def test_a_cached_page_is_served_compressed_to_those_who_accept_it(client, world):
    plain = client.get(URL).content  # the first visit fills the cache
    packed = client.get(URL, HTTP_ACCEPT_ENCODING="gzip, br")
    again = client.get(URL)
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"] and "Accept-Encoding" in again["Vary"]
    assert gzip.decompress(packed.content) == plain
    assert not again.has_header("Content-Encoding") and again.content == plain


@pytest.mark.django_db
def test_a_waiting_message_is_shown_rather_than_the_cached_page(client, rf, world):
    client.get(URL)  # cached
    storage, carrier = CookieStorage(rf.get("/")), HttpResponse()
    storage.add(messages.SUCCESS, "Your cooperative was saved.")
    storage.update(carrier)  # the cookie a redirect after saving would have set
    client.cookies[CookieStorage.cookie_name] = carrier.cookies[CookieStorage.cookie_name].value
    assert "Your cooperative was saved." in client.get(URL).content.decode()


@pytest.mark.django_db
def test_it_shows_the_map_by_country(client, world):
    response = client.get(reverse("coops:overview"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "<svg" in content
    assert "Argentina" in content and "Kenya" in content and "Rwanda" in content
    assert "?country=AR" in content


@pytest.mark.django_db
def test_it_shows_the_directory_in_the_visitors_language(client, world):
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="pt-BR,pt;q=0.9")
    assert 'lang="pt' in response.content.decode()
    assert "Cooperativas" in response.content.decode()
