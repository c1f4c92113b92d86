"""The demo's paybill: payments received through the payment inbox, booked by the treasury's
handler, shown on the treasurer's list; loading it again adds nothing."""

import pytest

from conftest import client_for
from minga.channels.models import Payment, PaymentAccount
from minga.treasury import actions, demo, payments
from minga.treasury.models import JournalEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def standin_provider(settings):
    settings.MPESA_BASE_URL = settings.MOMO_BASE_URL = "standin"


def test_the_demo_paybill_receives_payments_through_the_inbox(
    client, books, coop, treasurer, standin_provider
):
    receipts = demo.mobile_money(coop)
    account = PaymentAccount.objects.get(owner=payments.owner_of(coop))
    assert (account.provider, account.account) == ("mpesa", demo.PAYBILL)
    posted = Payment.objects.filter(status="posted").order_by("pk")
    assert sorted(p.receipt for p in posted) == sorted(receipts)
    for payment in posted:
        entry = JournalEntry.objects.get(reference=payment.receipt)
        assert entry.code == payment.booked_as
    assert Payment.objects.filter(status="suspense").count() == 1
    first = posted[0]
    member = actions.find_member(coop, first.reference)
    assert actions.member_balance(member, "member-savings") == -200000

    page = client_for(client, treasurer).get(f"/treasury/{coop.slug}/mobile-money/exceptions/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "0000000" in text  # in suspense: to look at
    for receipt in receipts:  # posted: among the latest payments
        assert receipt in text
    assert "2,000.00 KES" in text


def test_loading_the_demo_twice_adds_nothing(books, coop, standin_provider):
    people = {}
    demo.mobile_money(coop)
    count = Payment.objects.count()
    demo.load(people=people, coops={demo.MWANGAZA: coop, demo.COFFEE: coop}, stdout=None)
    assert Payment.objects.count() == count
    assert PaymentAccount.objects.count() == 1
