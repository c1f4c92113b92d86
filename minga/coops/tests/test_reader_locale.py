"""Lists and numbers as the reader reads them: countries by name in their language, counts
with their thousands separator."""

import pytest
from django.urls import reverse

from conftest import make_person
from minga.coops import actions
from minga.coops.forms import DirectoryFilterForm

pytestmark = pytest.mark.django_db


def make_coop(founder, name, country, members=0):
    return actions.create_cooperative(
        actor=founder,
        name=name,
        legal_form="primary",
        country=country,
        sector="agriculture",
        member_count=members,
    )


def test_it_sorts_the_country_filter_by_name_not_code():
    """It was by ISO code: Spain (ES) between Canada (CA) and India (IN)."""
    from django.utils import translation

    with translation.override("en"):
        form = DirectoryFilterForm(present_countries=["AE", "CA", "ES", "IN"])
        names = [name for code, name in form.fields["country"].choices[1:]]
    assert names == ["Canada", "India", "Spain", "United Arab Emirates"]
    with translation.override("fr"):
        form = DirectoryFilterForm(present_countries=["AE", "CA", "ES", "IN", "ZM"])
        names = [str(name) for code, name in form.fields["country"].choices[1:]]
    # Accents do not decide the order: the Émirats among the E, not after the Zambie.
    assert names.index("Émirats arabes unis") < names.index("Espagne") < names.index("Zambie")


def test_it_writes_counts_with_the_readers_thousands_separator(client):
    founder = make_person("Founder", "founder@example.org")
    coop = make_coop(founder, "Mwangaza SACCO", "KE", members=23000)
    english = client.get(reverse("coops:detail", args=[coop.slug]), HTTP_ACCEPT_LANGUAGE="en")
    assert "<dd>23,000</dd>" in english.content.decode()
    portuguese = client.get(reverse("coops:directory"), HTTP_ACCEPT_LANGUAGE="pt")
    assert "23.000 membros" in portuguese.content.decode()
    french = client.get(reverse("coops:directory"), HTTP_ACCEPT_LANGUAGE="fr")
    assert "23\xa0000 membres" in french.content.decode()
