"""Bitstring Status List encoding: round trips, bit order, and hostile lists refused."""

import base64
import gzip

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minga.credentials import statuslist

INDEXES = st.sets(st.integers(min_value=0, max_value=statuslist.MIN_ENTRIES - 1), max_size=40)


def _encoded(raw: bytes) -> str:
    return "u" + base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@settings(max_examples=60, deadline=None)
@given(INDEXES)
def test_it_round_trips_any_set_of_indexes(indexes):
    encoded = statuslist.encode(indexes)
    assert encoded.startswith("u") and "=" not in encoded
    bits = statuslist.decode(encoded)
    assert len(bits) * 8 == statuslist.MIN_ENTRIES
    found = {i for i in range(len(bits) * 8) if bits[i >> 3] >> (7 - (i & 7)) & 1}
    assert found == indexes


@settings(max_examples=60, deadline=None)
@given(INDEXES, INDEXES)
def test_setting_then_clearing_bits_changes_only_those(first, second):
    encoded = statuslist.set_bits(statuslist.encode(first), second)
    for index in first | second:
        assert statuslist.is_set(encoded, index)
    cleared = statuslist.set_bits(encoded, second, value=False)
    for index in second:
        assert not statuslist.is_set(cleared, index)
    for index in first - second:
        assert statuslist.is_set(cleared, index)


def test_index_zero_is_the_left_most_bit():
    bits = statuslist.decode(statuslist.encode({0, 9}))
    assert bits[0] == 0b1000_0000 and bits[1] == 0b0100_0000


def test_equal_lists_encode_to_equal_text():
    bits = bytearray(statuslist.MIN_ENTRIES // 8)
    bits[0] = 0b0000_0100  # index 5
    assert statuslist.encode({5}) == statuslist.encode(bits)
    assert statuslist.encode(set()) == statuslist.set_bits(None, [])


def test_it_reads_a_list_written_by_another_gzip():
    raw = bytearray(statuslist.MIN_ENTRIES // 8)
    raw[2] = 0b0010_0000  # index 18
    encoded = _encoded(gzip.compress(bytes(raw), mtime=1_700_000_000))
    assert statuslist.is_set(encoded, 18) and not statuslist.is_set(encoded, 17)


def test_multi_bit_statuses():
    bits = bytes([0b1011_0000]) + bytes(statuslist.MIN_ENTRIES // 8 - 1)
    assert statuslist.get_status(bits, 0, 2) == 0b10 and statuslist.get_status(bits, 1, 2) == 0b11


def test_a_list_shorter_than_the_minimum_is_refused():
    with pytest.raises(statuslist.StatusListError) as caught:
        statuslist.decode(_encoded(gzip.compress(bytes(1024))))
    assert caught.value.problem.type.name == "STATUS_LIST_LENGTH_ERROR"
    with pytest.raises(ValueError):
        statuslist.new_list(1000)


def test_a_zip_bomb_stops_at_the_bound():
    bomb = gzip.compress(bytes(statuslist.MAX_BYTES * 4))
    with pytest.raises(statuslist.StatusListError) as caught:
        statuslist.decode(_encoded(bomb))
    assert caught.value.problem.type.name == "STATUS_LIST_LENGTH_ERROR"


@pytest.mark.parametrize(
    "value",
    [
        None,
        42,
        "",
        "zabc",
        "u!!!",
        "uA",
        _encoded(b"not gzip at all"),
        _encoded(gzip.compress(bytes(20000))[:40]),
        "u" + "A" * (statuslist.MAX_ENCODED_LENGTH + 1),
    ],
    ids=[
        "none",
        "number",
        "empty",
        "base58",
        "bad-chars",
        "bad-length",
        "not-gzip",
        "truncated",
        "huge",
    ],
)
def test_a_malformed_list_is_a_problem(value):
    with pytest.raises(statuslist.StatusListError) as caught:
        statuslist.decode(value)
    assert caught.value.problem.type.name in {"MALFORMED_VALUE_ERROR", "STATUS_LIST_LENGTH_ERROR"}
    assert caught.value.problem.detail


@pytest.mark.parametrize("value", [94567, "-1", "+3", "03", "1e3", " 5", "", None, "9" * 20])
def test_an_index_must_be_a_decimal_string(value):
    with pytest.raises(statuslist.StatusListError) as caught:
        statuslist.parse_index(value)
    assert caught.value.problem.type.name == "MALFORMED_STATUS_ERROR"


def test_an_index_past_the_end_is_a_range_error():
    encoded = statuslist.encode(set())
    assert statuslist.parse_index("131071") == 131071
    with pytest.raises(statuslist.StatusListError) as caught:
        statuslist.is_set(encoded, statuslist.MIN_ENTRIES)
    assert caught.value.problem.type.name == "RANGE_ERROR"
    with pytest.raises(statuslist.StatusListError):
        statuslist.set_bits(encoded, [statuslist.MIN_ENTRIES])


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200) | st.binary(max_size=200).map(_encoded))
def test_any_text_is_a_problem_never_a_crash(value):
    try:
        statuslist.decode(value)
    except statuslist.StatusListError as error:
        assert error.problem.detail
