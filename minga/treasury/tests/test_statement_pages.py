"""A member's statement in pages: the latest lines first, older pages by cursor, and every
page's running balances equal to the ones of the whole statement walked from the opening."""

import datetime

import pytest
from django.utils import timezone

from minga.treasury import actions, approvals, queries
from minga.treasury.models import Line

from .conftest import approved

pytestmark = pytest.mark.django_db

SINCE, UNTIL = datetime.date(2026, 2, 1), datetime.date(2026, 3, 1)


@pytest.fixture
def history(books, treasurer, member_account, other_account):
    """Lines before, inside and after the dates, on two sub-ledgers, and another member's."""
    day = datetime.date(2026, 1, 5)
    amounts = [700, 1200, 300, 4500, 250, 900, 60, 1000, 80, 310, 2200, 45, 90, 120]
    for n, amount in enumerate(amounts):
        purpose = "savings" if n % 3 else "contribution"
        actions.receive_from_member(
            member=member_account, amount=amount, purpose=purpose, actor=treasurer, date=day
        )
        if n % 4 == 3:  # an outflow: posted by the platform from an approved request
            request = approved(
                books.coop, treasurer, [], "Withdrawal",
                operation="savings-withdrawal", member=member_account, amount=100,
            )  # fmt: skip
            entry = actions.withdraw_savings(
                member=member_account, amount=100, actor=None, date=day, approval=request
            )
            approvals.posted(request, entry, timezone.now())
        if n % 2:
            actions.receive_from_member(
                member=other_account, amount=5, purpose="savings", actor=treasurer, date=day
            )
        day += datetime.timedelta(days=10 if n % 2 else 0)  # some days carry two entries
    return member_account


def walked(member):
    """The statement worked out from every line, without the stored balances."""
    running: dict[str, int] = {}
    opening: dict[str, int] = {}
    result = []
    for line in (
        Line.objects.filter(member=member)
        .select_related("account")
        .order_by("date", "entry_id", "id")
    ):
        role = line.account.role
        if line.date < SINCE:
            opening[role] = opening.get(role, 0) - line.amount
        elif line.date <= UNTIL:
            running.setdefault(role, opening.get(role, 0))
            running[role] -= line.amount
            result.append((line.id, role, -line.amount, running[role]))
    return opening, result


def test_pages_carry_the_running_balances_of_the_whole_statement(history):
    opening, expected = walked(history)
    assert len(expected) > 7 and {role for _i, role, *_r in expected} == {
        "member-savings",
        "member-contributions",
    }
    whole = queries.member_statement(history, since=SINCE, until=UNTIL)
    assert [(x.line_id, x.account.role, x.amount, x.balance) for x in whole.lines] == expected
    assert whole.older is None
    pages, before = [], None
    while True:
        page = queries.member_statement(history, since=SINCE, until=UNTIL, limit=3, before=before)
        assert (page.opening, page.closing) == (whole.opening, whole.closing)
        pages.insert(0, [(x.line_id, x.account.role, x.amount, x.balance) for x in page.lines])
        before = page.older
        if before is None:
            break
        assert len(page.lines) == 3 and before == page.lines[0].line_id
    assert [row for page in pages for row in page] == expected
    assert {k: v for k, v in whole.opening.items() if v} == opening


def test_the_api_pages_by_cursor_and_documents_it(client, treasurer, books, history):
    client.force_login(treasurer)
    url = f"/api/treasury/{books.coop.slug}/members/{history.ref}/statement"
    dates = {"since": SINCE.isoformat(), "until": UNTIL.isoformat()}
    _opening, expected = walked(history)
    seen, before = [], None
    while True:
        body = client.get(url, {**dates, "limit": 4, **({"before": before} if before else {})})
        assert body.status_code == 200
        lines = body.json()["lines"]
        seen = [(x["account"], x["amount"], x["balance"]) for x in lines] + seen
        before = body.json()["older"]
        if before is None:
            break
    assert seen == [(role, amount, balance) for _i, role, amount, balance in expected]
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/treasury/{slug}/members/{ref}/statement"]["get"]
    params = {p["name"] for p in operation["parameters"]}
    assert {"limit", "before"} <= params


def test_a_cursor_from_another_members_statement_is_not_found(
    client, treasurer, books, history, other_account
):
    client.force_login(treasurer)
    theirs = Line.objects.filter(member=other_account).first()
    url = f"/api/treasury/{books.coop.slug}/members/{history.ref}/statement"
    assert client.get(url, {"before": theirs.id}).status_code == 404
    assert client.get(url, {"before": 0}).status_code == 404
    assert client.get(url, {"limit": 0}).status_code == 422


def test_the_page_links_to_older_movements(client, treasurer, books, history, monkeypatch):
    monkeypatch.setattr(queries, "STATEMENT_PAGE", 3)
    client.force_login(treasurer)
    url = f"/treasury/{books.coop.slug}/members/{history.ref}/"
    dates = {"since": SINCE.isoformat(), "until": UNTIL.isoformat()}
    first = client.get(url, dates)
    page = first.context["statement"]
    assert len(page.lines) == 3 and page.older == page.lines[0].line_id
    assert f"before={page.older}" in first.content.decode()
    older = client.get(url, {**dates, "before": page.older}).context["statement"]
    shown = [(x.line_id, x.account.role, x.amount, x.balance) for x in older.lines + page.lines]
    assert shown == walked(history)[1][-6:]
    csv = client.get(url, {**dates, "format": "csv"}).content.decode()
    assert csv.count("\n") > 3 + 3  # the export holds every line
