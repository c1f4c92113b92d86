"""Time zones people recognise: by country, then city, in the reader's language."""

import pytest
from django.utils import translation

from minga.accounts.vocab import timezone_choices
from minga.core import zones


def flat(choices):
    for value, label in choices:
        if isinstance(label, list):
            yield from ((value, zone, city) for zone, city in label)
        else:
            yield (None, value, label)


def test_it_offers_no_deprecated_or_technical_zone():
    offered = {zone for _group, zone, _label in flat(zones.choices())}
    for name in ("Factory", "W-SU", "Etc/GMT+3", "US/Eastern", "Asia/Calcutta", "EST5EDT"):
        assert name not in offered
    assert {"UTC", "Africa/Kigali", "America/Argentina/Cordoba", "Asia/Kolkata"} <= offered
    assert len(offered) < 450  # was about 590 raw names


def test_a_country_with_one_zone_is_one_choice_named_after_it():
    choices = dict((value, label) for value, label in zones.choices())
    assert choices["Africa/Kigali"] == "Rwanda"
    brazil = dict(choices["Brazil"])
    assert brazil["America/Sao_Paulo"] == "Sao Paulo" and "America/Bahia" in brazil


def test_countries_come_in_the_order_of_their_names_in_the_readers_language():
    with translation.override("es"):
        names = [
            label if not isinstance(label, list) else value for value, label in zones.choices()[1:]
        ]
    assert names.index("España") < names.index("Estados Unidos") < names.index("Etiopía")
    assert names.index("Canadá") < names.index("España") < names.index("India")


def test_every_form_uses_the_one_list():
    assert timezone_choices() == zones.choices()


@pytest.mark.parametrize(
    ("header", "zone"),
    [("pt-BR,pt;q=0.9", "America/Sao_Paulo"), ("fr-RW", "Africa/Kigali"), ("en", None)],
)
def test_it_starts_from_the_browsers_region(header, zone):
    assert zones.zone_from_accept_language(header) == zone


@pytest.mark.django_db
def test_the_registration_page_defaults_to_the_browsers_region_and_stays_light(client):
    response = client.get("/accounts/signup/", HTTP_ACCEPT_LANGUAGE="es-AR,es;q=0.9")
    page = response.content.decode()
    assert '<option value="America/Argentina/Buenos_Aires" selected>' in page
    assert "Etc/GMT" not in page and "Factory" not in page
    assert len(response.content) < 45_000  # it was 54 KB of HTML
