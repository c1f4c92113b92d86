import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from minga.accounts.phones import normalize_phone


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+250 788 123 456", "+250788123456"),
        ("00254712345678", "+254712345678"),
        ("+54 9 351 555-1234", "+5493515551234"),
        ("+91 98121 00004", "+919812100004"),
    ],
)
def test_it_normalises_to_e164(raw, e164):
    assert normalize_phone(raw) == e164


@given(st.text(max_size=30))
def test_it_never_fails_other_than_with_a_validation_error(text):
    try:
        result = normalize_phone(text)
    except ValidationError:
        return
    assert result.startswith("+") and result[1:].isdigit()
