"""The member persona with a verified phone: only a verified number is a USSD identity."""

import pytest
from django.utils import timezone


@pytest.fixture
def member(member):
    if hasattr(type(member), "phone_verified_at"):
        member.phone_verified_at = timezone.now()
        member.save(update_fields=["phone_verified_at"])
    return member
