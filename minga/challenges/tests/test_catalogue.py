import pytest
from django.urls import reverse

from conftest import client_of, make_person
from minga.challenges import actions
from minga.challenges.models import Need
from minga.coops import actions as coop_actions

from .conftest import make_need

URL = reverse("challenges:catalogue")


@pytest.fixture
def world(coop, owner, organiser, federation):
    """Accepted needs from Rwanda, Kenya and Argentina, plus needs not in the catalogue."""
    accepted = Need.Status.ACCEPTED
    make_need(coop, owner, status=accepted, organiser=organiser, title="Cherry deliveries")
    ke = make_person("SACCO Treasurer", "treasurer@example.org")
    sacco = coop_actions.create_cooperative(
        actor=ke,
        name="Mwangaza SACCO",
        legal_form="sacco",
        country="KE",
        region="Nyeri",
        sector="savings-credit",
    )
    make_need(
        sacco,
        ke,
        status=accepted,
        organiser=organiser,
        title="M-PESA reconciliation",
        theme="fintech",
        problem="Deposits arrive with wrong account numbers.",
    )
    ar = make_person("Yerba Secretary", "yerba@example.org")
    yerba = coop_actions.create_cooperative(
        actor=ar,
        name="Yerba del Litoral",
        legal_form="primary",
        country="AR",
        region="Misiones",
        sector="agriculture",
    )
    make_need(yerba, ar, status=accepted, organiser=organiser, title="Formación", theme="know-how")
    make_need(coop, owner, title="Still a draft")
    make_need(coop, owner, status=Need.Status.SUBMITTED, title="Being read")
    make_need(coop, owner, status=Need.Status.DECLINED, organiser=organiser, title="Refused")
    return coop


def titles(response):
    return {need.title for need in response.context["page"]}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"Cherry deliveries", "M-PESA reconciliation", "Formación"}),
        ("?theme=fintech", {"M-PESA reconciliation"}),
        ("?world_region=africa", {"Cherry deliveries", "M-PESA reconciliation"}),
        ("?world_region=americas", {"Formación"}),
        ("?country=KE", {"M-PESA reconciliation"}),
        ("?region=Misiones", {"Formación"}),
        ("?sector=agriculture", {"Cherry deliveries", "Formación"}),
        ("?sector=agriculture&country=RW", {"Cherry deliveries"}),
        ("?q=account+numbers", {"M-PESA reconciliation"}),
        ("?q=mwangaza", {"M-PESA reconciliation"}),
        ("?theme=platform-coops", set()),
    ],
)
def test_it_filters_accepted_needs(client, world, query, expected):
    response = client.get(URL + query)
    assert response.status_code == 200
    assert titles(response) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "organiser"])
def test_it_shows_only_accepted_needs_to_everyone(request, world, who):
    client = request.getfixturevalue("client")
    if who != "anonymous":
        client = client_of(request.getfixturevalue(who))
    response = client.get(URL)
    assert response.status_code == 200
    assert not {"Still a draft", "Being read", "Refused"} & titles(response)


@pytest.mark.django_db
def test_it_offers_only_countries_and_regions_it_has(client, world):
    form = client.get(URL).context["form"]
    assert [code for code, _name in form.fields["country"].choices] == ["", "AR", "KE", "RW"]
    assert "Misiones" in dict(form.fields["region"].choices)


@pytest.mark.django_db
def test_it_ignores_bad_filter_values(client, world):
    response = client.get(URL + "?country=ZZ&theme=<script>&page=abc")
    assert response.status_code == 200
    assert b"<script>" not in response.content


@pytest.mark.django_db
def test_it_paginates(client, world, monkeypatch):
    monkeypatch.setattr("minga.challenges.views.PAGE_SIZE", 2)
    first, second = client.get(URL), client.get(URL + "?page=2")
    assert len(first.context["page"]) == 2
    assert len(second.context["page"]) == 1
    assert "?page=2" in first.content.decode()


@pytest.mark.django_db
def test_it_shows_a_newly_accepted_need_at_once_despite_the_cache(client, world, owner, organiser):
    assert "Being read" not in client.get(URL).content.decode()
    need = Need.objects.get(title="Being read")
    actions.accept_need(need=need, actor=organiser)
    assert "Being read" in client.get(URL).content.decode()


@pytest.mark.django_db
def test_it_shows_a_renamed_cooperative_at_once_despite_the_cache(client, world, owner):
    client.get(URL)
    coop_actions.update_cooperative(coop=world, actor=owner, changes={"name": "Renamed Coop"})
    assert "Renamed Coop" in client.get(URL).content.decode()


@pytest.mark.django_db
def test_it_reads_a_page_in_a_few_queries(client, world, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get(URL)
