"""Who gets which page and API operation: treasurer, checker, supervisory committee, the member,
another member, an outsider, and nobody signed in."""

import datetime

import pytest
from django.urls import reverse

from minga.treasury import actions
from minga.treasury.models import FiscalYear, JournalEntry, Period

from .personas import OFFICERS, as_persona, check, expected

pytestmark = pytest.mark.django_db

PERSONAS = ["treasurer", "checker", "supervisor", "member", "other_member", "outsider", None]


@pytest.fixture
def entry(books, coop, treasurer, member_account):
    actions.buy_shares(member=member_account, shares=3, actor=treasurer)
    return actions.receive_from_member(
        member=member_account, amount=5000, purpose="savings", actor=treasurer
    )


READ_PAGES = ["accounts", "entries", "periods", "members"]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", READ_PAGES)
def test_it_shows_the_books_to_officers_only(client, request, books, entry, persona, page):
    response = as_persona(client, request, persona).get(
        reverse(f"treasury:{page}", args=[books.coop.slug])
    )
    check(response.status_code, expected(persona, OFFICERS))


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_shows_an_entry_to_officers_only(client, request, books, entry, persona):
    url = reverse("treasury:entry-detail", args=[books.coop.slug, entry.pk])
    response = as_persona(client, request, persona).get(url)
    check(response.status_code, expected(persona, OFFICERS))
    if response.status_code == 200:
        assert entry.hash_hex in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_shows_the_home_page_to_members(client, request, books, persona):
    response = as_persona(client, request, persona).get(
        reverse("treasury:home", args=[books.coop.slug])
    )
    members = OFFICERS | {"member", "other_member"}
    check(response.status_code, 200 if persona in members else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_gives_the_new_entry_form_to_the_treasurer_only(client, request, books, persona):
    response = as_persona(client, request, persona).get(
        reverse("treasury:entry-new", args=[books.coop.slug])
    )
    check(response.status_code, expected(persona, {"treasurer"}))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("kind", ["trial-balance", "balance-sheet", "income-statement"])
def test_it_shows_reports_to_members(client, request, books, entry, persona, kind):
    response = as_persona(client, request, persona).get(
        reverse("treasury:report", args=[books.coop.slug, kind])
    )
    members = OFFICERS | {"member", "other_member"}
    check(response.status_code, 200 if persona in members else 404)


def test_members_see_reports_only_up_to_the_last_closed_period(
    client, books, treasurer, member, entry
):
    client.force_login(member)
    url = reverse("treasury:report", args=[books.coop.slug, "trial-balance"])
    assert "No period is closed yet" in client.get(url).content.decode()
    february = Period.objects.get(start=datetime.date(2026, 2, 1))
    actions.close_period(period=february, actor=treasurer)
    page = client.get(url, {"as_of": "2026-03-16"}).content.decode()
    assert "Trial balance at 2026-02-28" in page and "at 2026-03-16" not in page


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("kind", ["share-register", "arrears"])
def test_it_shows_registers_to_officers_only(client, request, books, entry, persona, kind):
    response = as_persona(client, request, persona).get(
        reverse("treasury:report", args=[books.coop.slug, kind])
    )
    check(response.status_code, expected(persona, OFFICERS))


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_shows_a_statement_to_its_member_and_officers(
    client, request, books, entry, member_account, persona
):
    url = reverse("treasury:member-statement", args=[books.coop.slug, member_account.ref])
    response = as_persona(client, request, persona).get(url)
    check(response.status_code, expected(persona, OFFICERS | {"member"}))
    if response.status_code == 200:
        assert "50.00" in response.content.decode()


def test_the_csv_of_a_statement_has_the_lines(client, books, entry, member, member_account):
    client.force_login(member)
    url = reverse("treasury:member-statement", args=[books.coop.slug, member_account.ref])
    response = client.get(url, {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "50.00" in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_gives_the_agm_pack_of_a_closed_year(
    client, request, books, coop, treasurer, entry, persona
):
    year = FiscalYear.objects.get(coop=coop)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(year, "end", year.end)
        actions.close_fiscal_year(year=year, actor=treasurer)
    response = as_persona(client, request, persona).get(
        reverse("treasury:agm-pack", args=[coop.slug, year.pk])
    )
    members = OFFICERS | {"member", "other_member"}
    check(response.status_code, 200 if persona in members else 404)
    if response.status_code == 200:
        assert response.content.startswith(b"%PDF")


POSTS = {
    "entry-new": ("treasurer", lambda b, e, p, m: ([b.coop.slug], {})),
    "entry-reverse": ("treasurer", lambda b, e, p, m: ([b.coop.slug, e.pk], {"reason": "Twice"})),
    "period-close": ("treasurer", lambda b, e, p, m: ([b.coop.slug, p.pk], {})),
    "year-open": ("treasurer", lambda b, e, p, m: ([b.coop.slug], {})),
    "member-operation": ("treasurer", lambda b, e, p, m: ([b.coop.slug, m.ref], {
        "operation": "savings", "amount": "10", "via": "cash", "date": "2026-03-16"})),
    "member-transfer": ("treasurer", lambda b, e, p, m: ([b.coop.slug, m.ref], {
        "receiver": "x", "shares": "1", "date": "2026-03-16"})),
    "member-patronage": ("treasurer", lambda b, e, p, m: ([b.coop.slug, m.ref], {
        "kind": "delivery", "quantity": "12.5", "value": "300", "date": "2026-03-16"})),
    "members": ("treasurer", lambda b, e, p, m: ([b.coop.slug], {})),
}  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(POSTS))
def test_it_lets_only_the_treasurer_change_the_books(
    client, request, books, entry, member_account, persona, name
):
    allowed, arguments = POSTS[name]
    period = Period.objects.get(start=datetime.date(2026, 1, 1))
    args, data = arguments(books, entry, period, member_account)
    before = JournalEntry.objects.count()
    response = as_persona(client, request, persona).post(
        reverse(f"treasury:{name}", args=args), data
    )
    if persona == allowed:
        assert response.status_code in {200, 302, 400}
    else:
        check(response.status_code, expected(persona, set()))
        assert JournalEntry.objects.count() == before


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_a_checker_reopens_a_period(client, request, books, treasurer, persona):
    period = Period.objects.get(start=datetime.date(2026, 1, 1))
    actions.close_period(period=period, actor=treasurer)
    url = reverse("treasury:period-reopen", args=[books.coop.slug, period.pk])
    response = as_persona(client, request, persona).post(
        url, {"decision": "Board, 2026-03-10, minute 4"}
    )
    period.refresh_from_db()
    if persona == "checker":
        assert response.status_code == 302 and not period.is_closed
    else:
        check(response.status_code, expected(persona, set()))
        assert period.is_closed


# --- the JSON API -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_trial_balance_follows_the_pages(client, request, books, treasurer, entry, persona):
    actions.close_period(
        period=Period.objects.get(start=datetime.date(2026, 1, 1)), actor=treasurer
    )
    response = as_persona(client, request, persona).get(
        f"/api/treasury/{books.coop.slug}/trial-balance"
    )
    members = OFFICERS | {"member", "other_member"}
    check(response.status_code, 200 if persona in members else 404)
    if persona in OFFICERS:
        body = response.json()
        assert body["total_debit"] == body["total_credit"] == 35000 and body["exponent"] == 2
    elif persona in members:
        assert response.json()["as_of"] == "2026-01-31" and response.json()["accounts"] == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_statement_is_for_the_member_and_officers(
    client, request, books, entry, member_account, persona
):
    url = f"/api/treasury/{books.coop.slug}/members/{member_account.ref}/statement"
    response = as_persona(client, request, persona).get(url)
    check(response.status_code, expected(persona, OFFICERS | {"member"}) if persona else 404)
    if response.status_code == 200:
        assert response.json()["closing"]["member-savings"] == 5000
        assert response.json()["shares"] == 3


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_share_register_is_for_officers(client, request, books, entry, persona):
    response = as_persona(client, request, persona).get(
        f"/api/treasury/{books.coop.slug}/share-register"
    )
    check(response.status_code, expected(persona, OFFICERS) if persona else 404)
    if response.status_code == 200:
        assert response.json()["holdings"][0]["shares"] == 3
