"""The member persona with a verified phone: only a verified number is a USSD identity."""

import pytest
from django.utils import timezone

from minga.channels.models import PaymentAccount
from minga.channels.payments import inbox, standin

from .payments_support import TOKEN, Books


@pytest.fixture
def member(member):
    if hasattr(type(member), "phone_verified_at"):
        member.phone_verified_at = timezone.now()
        member.save(update_fields=["phone_verified_at"])
    return member


@pytest.fixture
def books(settings):
    settings.MINGA_PAYMENTS_STANDIN_DELIVERY = "collect"
    settings.MPESA_BASE_URL = settings.MOMO_BASE_URL = "standin"
    settings.MPESA_CALLBACK_TOKEN = settings.MOMO_CALLBACK_TOKEN = TOKEN
    settings.MPESA_CALLBACK_IPS = settings.MOMO_CALLBACK_IPS = []
    standin.reset()
    handler = Books()
    inbox.register_handler("test", handler)
    yield handler
    standin.reset()
    inbox._HANDLERS.pop("test", None)


@pytest.fixture
def paybill(db):
    return PaymentAccount.objects.create(
        provider="mpesa", account="600638", owner="test:1", currency="KES"
    )


@pytest.fixture
def momo_account(db):
    return PaymentAccount.objects.create(
        provider="momo", account="momo-api-user", owner="test:1", currency="RWF"
    )
