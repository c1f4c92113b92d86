"""Who gets which agents' page: treasurer, checker, supervisory committee, the agent, a member,
an outsider, and nobody signed in; and the forms acting through the actions."""

import pytest
from django.urls import reverse

from minga.agents import actions
from minga.agents.models import Agent, AgentTransaction, CashCount, FloatMovement
from minga.treasury.tests.personas import OFFICERS, as_persona, check, expected

from .conftest import FLOAT, code_from

pytestmark = pytest.mark.django_db

PERSONAS = ["treasurer", "checker", "supervisor", "agent_person", "member", "outsider", None]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", ["agents", "counts", "agent"])
def test_officers_read_the_agents_pages(client, request, funded, persona, page):
    args = [funded.coop.slug] + ([funded.pk] if page == "agent" else [])
    response = as_persona(client, request, persona).get(reverse(f"agents:{page}", args=args))
    check(response.status_code, expected(persona, OFFICERS))
    if response.status_code == 200 and page != "counts":
        assert "50,000.00" in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_agent_sees_their_own_page(client, request, funded, persona):
    response = as_persona(client, request, persona).get(
        reverse("agents:me", args=[funded.coop.slug])
    )
    check(response.status_code, expected(persona, {"agent_person"}))


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_treasurer_registers_an_agent(client, request, books, other_member, persona):
    response = as_persona(client, request, persona).post(
        reverse("agents:agents", args=[books.coop.slug]),
        {"person": "other@example.org", "phone": "+254712000600"},
    )
    if persona == "treasurer":
        assert response.status_code == 302
        assert Agent.objects.filter(user=other_member).exists()
    else:
        check(response.status_code, expected(persona, set()))
        assert not Agent.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_treasurer_requests_float(client, request, agent, persona):
    response = as_persona(client, request, persona).post(
        reverse("agents:float", args=[agent.coop.slug, agent.pk]),
        {"kind": "allocation", "amount": "1,000"},
    )
    if persona == "treasurer":
        assert response.status_code == 302
        assert FloatMovement.objects.get().amount == 1_000_00
    else:
        check(response.status_code, expected(persona, set()))
        assert not FloatMovement.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_agent_records_a_member_s_cash(client, request, funded, saver, persona):
    response = as_persona(client, request, persona).post(
        reverse("agents:me-start", args=[funded.coop.slug]),
        {"kind": "deposit", "member_ref": saver.ref, "amount": "250"},
    )
    if persona == "agent_person":
        assert response.status_code == 302
        assert AgentTransaction.objects.get().amount == 250_00
    else:
        check(response.status_code, expected(persona, set()))
        assert not AgentTransaction.objects.exists()


def test_a_bad_register_form_is_a_clear_error(treasurer_client, books):
    response = treasurer_client.post(
        reverse("agents:agents", args=[books.coop.slug]),
        {"person": "nobody@example.org", "phone": "+254712000600"},
    )
    assert response.status_code == 400
    assert "Nobody on Minga" in response.content.decode()
    assert not Agent.objects.exists()


def test_the_agent_records_confirms_and_counts_from_the_web(
    client, funded, agent_person, saver, sms_outbox, run_tasks
):
    client.force_login(agent_person)
    slug = funded.coop.slug
    client.post(
        reverse("agents:me-start", args=[slug]),
        {"kind": "withdrawal", "member_ref": saver.ref, "amount": "1,000.50"},
    )
    txn = AgentTransaction.objects.get()
    run_tasks()
    response = client.post(
        reverse("agents:me-confirm", args=[slug, txn.pk]), {"code": "999999"}, follow=True
    )
    assert "wrong" in response.content.decode()
    response = client.post(
        reverse("agents:me-confirm", args=[slug, txn.pk]),
        {"code": code_from(sms_outbox)},
        follow=True,
    )
    txn.refresh_from_db()
    assert txn.status == "confirmed"
    assert txn.entry.code in response.content.decode()
    assert actions.float_balance(funded) == FLOAT - 1_000_50
    response = client.post(reverse("agents:me-count", args=[slug]), {"counted": "abc"}, follow=True)
    assert not CashCount.objects.exists()
    client.post(reverse("agents:me-count", args=[slug]), {"counted": "48,999.50"})
    assert CashCount.objects.get().difference == 0


def test_too_many_decimals_are_refused(client, funded, agent_person, saver):
    client.force_login(agent_person)
    response = client.post(
        reverse("agents:me-start", args=[funded.coop.slug]),
        {"kind": "deposit", "member_ref": saver.ref, "amount": "10.005"},
        follow=True,
    )
    assert "at most 2 decimals" in response.content.decode()
    assert not AgentTransaction.objects.exists()


@pytest.mark.parametrize(
    ("language", "title"),
    [("es", "Mi agencia"), ("fr", "Mon agence"), ("pt", "Minha agência")],
)
def test_the_agent_s_page_speaks_their_language(client, funded, agent_person, language, title):
    client.force_login(agent_person)
    client.cookies["minga_language"] = language
    response = client.get(reverse("agents:me", args=[funded.coop.slug]))
    assert title in response.content.decode()
