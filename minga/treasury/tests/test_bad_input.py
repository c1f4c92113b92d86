"""Bad input is a clear, translated error and changes nothing: too many decimals, negative
shares, a date in a closed period, an unknown member_ref."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from minga.audit.models import Entry
from minga.treasury import actions
from minga.treasury.actions import TreasuryError
from minga.treasury.models import JournalEntry, Period, ShareMovement

from .conftest import approved

pytestmark = pytest.mark.django_db


@pytest.fixture
def unchanged(books):
    """Asserts, after the test, that no entry and no audit entry was added."""
    before = (JournalEntry.objects.count(), Entry.objects.count())
    yield
    assert (JournalEntry.objects.count(), Entry.objects.count()) == before


def refused(code, call, *, english, spanish):
    with pytest.raises(TreasuryError) as error:
        call()
    assert error.value.code == code
    assert english in " ".join(error.value.messages)
    with translation.override("es"), pytest.raises(TreasuryError) as error:
        call()
    assert spanish in " ".join(error.value.messages)


def test_too_many_decimals(books, unchanged):
    refused(
        "decimals",
        lambda: actions.parse_amount(books, "10.001"),
        english="KES amounts have at most 2 decimals.",
        spanish="decimales",
    )


def test_decimals_in_a_currency_without_minor_unit(books, unchanged):
    books.currency = "RWF"
    refused(
        "decimals",
        lambda: actions.parse_amount(books, "1500.5"),
        english="RWF amounts have at most 0 decimals.",
        spanish="RWF",
    )


def test_the_entry_form_refuses_too_many_decimals(treasurer_client, books, unchanged):
    response = treasurer_client.post(
        reverse("treasury:entry-new", args=[books.coop.slug]),
        {"date": "2026-03-16", "narration": "Rent", "debit": "", "credit": "", "amount": "1.234"},
    )
    assert response.status_code == 400


@pytest.mark.parametrize("shares", [-3, 0])
def test_negative_shares(books, treasurer, member_account, unchanged, shares):
    refused(
        "shares",
        lambda: actions.buy_shares(member=member_account, shares=shares, actor=treasurer),
        english="The number of shares is a whole number above zero.",
        spanish="acciones",
    )
    assert not ShareMovement.objects.exists()


def test_a_date_in_a_closed_period(books, treasurer, member_account):
    actions.close_period(
        period=Period.objects.get(start=datetime.date(2026, 2, 1)), actor=treasurer
    )
    before = (JournalEntry.objects.count(), Entry.objects.count())
    refused(
        "closed_period",
        lambda: actions.receive_from_member(
            member=member_account,
            amount=500,
            purpose="savings",
            actor=treasurer,
            date=datetime.date(2026, 2, 10),
        ),  # fmt: skip
        english="The period of 2026-02-10 is closed",
        spanish="2026-02-10",
    )
    assert (JournalEntry.objects.count(), Entry.objects.count()) == before


def test_reopening_is_the_boards_decision_and_opens_the_period(
    books, treasurer, checker, member_account
):
    period = Period.objects.get(start=datetime.date(2026, 2, 1))
    actions.close_period(period=period, actor=treasurer)
    with pytest.raises(TreasuryError):
        actions.reopen_period(period=period, actor=checker, decision="  ")
    actions.reopen_period(period=period, actor=checker, decision="Board meeting of 2026-03-10")
    entry = actions.receive_from_member(
        member=member_account, amount=500, purpose="savings", actor=treasurer,
        date=datetime.date(2026, 2, 10),
    )  # fmt: skip
    assert entry.number == 1
    assert period.changes.first().decision == "Board meeting of 2026-03-10"


def test_an_unknown_member_ref(books, coop, unchanged):
    refused(
        "unknown_member",
        lambda: actions.find_member(coop, "999 999"),
        english="No member of this cooperative has the reference “999 999”.",
        spanish="999 999",
    )


def test_the_transfer_form_names_the_unknown_member(
    treasurer_client, books, member_account, unchanged
):
    url = reverse("treasury:member-transfer", args=[books.coop.slug, member_account.ref])
    response = treasurer_client.post(
        url, {"receiver": "123456", "shares": "1", "date": "2026-03-16"}, follow=True
    )
    assert "No member of this cooperative has the reference" in response.content.decode()


def test_redemption_keeps_the_minimum_holding(books, coop, treasurer, member_account):
    actions.buy_shares(member=member_account, shares=3, actor=treasurer)
    for shares in (2, 1):
        request = approved(coop, treasurer, [], f"{shares} back", operation="share-redemption",
                           member=member_account, shares=shares, amount=0)  # fmt: skip
        if shares == 2:
            with pytest.raises(TreasuryError) as error:
                actions.redeem_shares(member=member_account, shares=2, actor=None,
                                      approval=request)  # fmt: skip
            assert error.value.code == "minimum_holding"
        else:
            actions.redeem_shares(member=member_account, shares=1, actor=None, approval=request)
    assert actions.shares_held(member_account) == 2


def test_a_transfer_moves_shares_and_capital(books, treasurer, member_account, other_account):
    actions.buy_shares(member=member_account, shares=5, actor=treasurer)
    actions.transfer_shares(giver=member_account, receiver=other_account, shares=2, actor=treasurer)
    assert (actions.shares_held(member_account), actions.shares_held(other_account)) == (3, 2)
    assert actions.member_balance(other_account, "member-shares") == -200_00
