"""A cooperative's administrator reads an entry of the public audit log as a page.

The administrator of a coffee cooperative that has just registered on Minga opens the public
log from the footer-free address any member is given (/log/), follows the entry that records
the cooperative's creation, and reads it in her own language, at phone width: the action in
words with its technical code beside, the cooperative named and linked, the time in words in
her zone, the entry's hash and its inclusion proof. The JSON a program would fetch is one
click away, and the same address still answers programs with it.
"""

import json

import pytest
from django.db import transaction
from playwright.sync_api import expect

from conftest import make_person
from minga.audit import log
from minga.coops import actions as coop_actions
from tests.browser.support import PHONE, assert_fits

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("browser"),
]

WORDS = {  # the action and the heading of the proof, as each catalogue says them
    "en": ("Cooperative created", "Inclusion proof"),
    "es": ("Cooperativa creada", "Prueba de inclusión"),
    "fr": ("Coopérative créée", "Preuve d'inclusion"),
    "pt": ("Cooperativa criada", "Prova de inclusão"),
}


@pytest.mark.parametrize("language", list(WORDS))
def test_an_administrator_reads_an_audit_entry_as_a_page(new_page, live_server, language):
    base = live_server.url
    admin = make_person(
        "Hillside coffee chair",
        f"chair-{language}@coffee.example.org",
        timezone="Africa/Kigali",
        preferred_language=language,
    )
    coop = coop_actions.create_cooperative(
        actor=admin,
        name="Hillside Coffee Growers",
        legal_form="primary",
        country="RW",
        region="Southern Province",
        sector="agriculture",
        founded_year=1999,
        languages=["rw", "fr", "en"],
    )
    with transaction.atomic():  # a later entry, so the proof has a step or more
        log.record("test.happened", "thing:1", {"n": 1}, None)
    log.create_checkpoint()
    action, proof = WORDS[language]

    page = new_page(admin, viewport=PHONE)  # the language is her preference, not the browser's
    page.goto(f"{base}/log/")
    row = page.locator("tr", has_text=action)
    row.get_by_role("link").first.click()
    expect(page.locator("h1")).to_be_visible()
    facts = page.locator("dl.facts").first
    expect(facts).to_contain_text(action)
    expect(facts).to_contain_text("coop.created")
    expect(facts.get_by_role("link", name=coop.name)).to_have_attribute(
        "href", f"/coops/{coop.slug}/"
    )
    expect(facts.locator("time")).to_contain_text("Africa/Kigali")
    expect(page.get_by_text(proof, exact=True)).to_be_visible()
    expect(page.locator("ol.proof li").first).to_be_visible()
    assert_fits(page)

    # The JSON is one click away, and the same address still gives programs the JSON.
    entry_url = page.url
    with page.expect_response(lambda r: "format=json" in r.url) as answer:
        page.locator('a[href$="?format=json"]').click()
    data = json.loads(answer.value.body())
    assert data["entry"]["kind"] == "coop.created" and data["inclusion_proof"]
    program = page.request.get(entry_url, headers={"Accept": "application/json"})
    assert program.json() == data
