"""Receipt codes: ten digits, drawn so that every code is equally likely."""

from unittest import mock

from minga.decisions import secrecy


def test_it_draws_ten_digits():
    codes = {secrecy.new_receipt() for _ in range(200)}
    assert all(len(code) == 10 and code.isdigit() for code in codes)
    assert len(codes) == 200


def test_it_keeps_leading_zeros_and_reaches_both_ends():
    with mock.patch("secrets.randbelow", return_value=42):
        assert secrecy.new_receipt() == "0000000042"
    with mock.patch("secrets.randbelow", return_value=10**10 - 1):
        assert secrecy.new_receipt() == "9999999999"
    with mock.patch("secrets.randbelow", return_value=0) as draw:
        assert secrecy.new_receipt() == "0000000000"
    draw.assert_called_once_with(10**10)
