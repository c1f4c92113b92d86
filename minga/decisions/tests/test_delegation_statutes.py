"""The statutes page: administrators set the voting rules; the change is audited."""

import pytest

from conftest import client_for
from minga.audit.models import Entry
from minga.coops.models import Membership
from minga.decisions import delegation
from minga.decisions.models import Statutes

pytestmark = pytest.mark.django_db
GOOD = {
    "max_proxies_per_holder": "2",
    "allow_agents": "on",
    "electorate": "member",
    "quorum_kind": "percent",
    "quorum_value": "30",
}


def url(coop):
    return f"/decisions/{coop.slug}/statutes/"


def test_access(client, coop, owner, member, outsider):
    assert client.get(url(coop)).status_code == 302
    assert client_for(client, outsider).get(url(coop)).status_code == 403
    assert client_for(client, member).post(url(coop), GOOD).status_code == 403
    assert client_for(client, owner).get(url(coop)).status_code == 200
    assert not Statutes.objects.exists()


def test_board_members_and_tellers_do_not_set_statutes(client, coop, voters):
    membership = Membership.objects.get(coop=coop, person=voters[0])
    membership.role = Membership.Role.BOARD
    membership.save()
    assert client_for(client, voters[0]).get(url(coop)).status_code == 403


def test_an_administrator_sets_the_rules(owner_client, coop):
    response = owner_client.post(url(coop), GOOD)
    assert response.status_code == 302
    statutes = Statutes.objects.get(coop=coop)
    assert (statutes.max_proxies_per_holder, statutes.quorum_kind, statutes.quorum_value) == (
        2,
        "percent",
        30,
    )
    assert Entry.objects.filter(kind="statutes.updated", subject=f"coop:{coop.slug}").exists()
    page = owner_client.get(url(coop)).content.decode()
    assert 'value="2"' in page


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"quorum_value": "150"}, "between 1 and 100%"),
        ({"quorum_kind": "number", "quorum_value": "0"}, "at least 1"),
        ({"max_proxies_per_holder": "-1"}, "greater than or equal to 0"),
        ({"electorate": "everyone"}, "Select a valid choice"),
    ],
)
def test_bad_rules_are_refused(owner_client, coop, change, message):
    response = owner_client.post(url(coop), {**GOOD, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Statutes.objects.exists()


def test_defaults_without_statutes(coop):
    statutes = delegation.statutes_of(coop)
    assert statutes.pk is None and statutes.max_proxies_per_holder == 1 and statutes.allow_agents
