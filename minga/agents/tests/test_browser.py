"""The agents' pages on a 320 px phone in a real browser (no JavaScript needed): the treasurer
reads the agents and an agent's float; the agent records a member's deposit and confirms it
with the code the member received by SMS."""

import pytest
from django.db import connection
from playwright.sync_api import expect

from minga.agents.models import AgentTransaction
from tests.browser.support import PHONE, assert_fits

from .conftest import code_from

# On PostgreSQL only: the live server needs a transactional test, whose flush SQLite's triggers
# refuse once books are posted (PostgreSQL truncates).
pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs DATABASE_URL=postgres://"),
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]


def test_the_agents_pages_fit_a_phone_and_work_without_javascript(
    new_page, live_server, funded, treasurer, agent_person, saver, sms_outbox, run_tasks
):
    slug = funded.coop.slug
    page = new_page(treasurer, viewport=PHONE, java_script_enabled=False)
    for path in (f"/agents/{slug}/", f"/agents/{slug}/{funded.pk}/", f"/agents/{slug}/counts/"):
        page.goto(live_server.url + path)
        assert_fits(page)
    page = new_page(agent_person, viewport=PHONE, java_script_enabled=False)
    page.goto(f"{live_server.url}/agents/{slug}/me/")
    assert_fits(page)
    page.select_option("#id_kind", "deposit")
    page.fill("#id_member_ref", saver.ref)
    page.fill("#id_amount", "1,500")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.get_by_text("Waiting for the member: they got a code by SMS.")).to_be_visible()
    txn = AgentTransaction.objects.get()
    run_tasks()
    page.fill(f"#code-{txn.pk}", code_from(sms_outbox))
    page.get_by_role("button", name="Confirm").click()
    txn.refresh_from_db()
    expect(page.get_by_text(f"Confirmed and posted as entry {txn.entry.code}.")).to_be_visible()
    assert_fits(page)
