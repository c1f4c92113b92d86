"""Entry timestamps have one spelling: the bytes of every entry hash depend on it."""

import datetime

from hypothesis import given
from hypothesis import strategies as st

from minga.audit.log import format_time

ZONES = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: datetime.timezone(datetime.timedelta(minutes=minutes))
)


def test_it_writes_utc_with_microseconds_and_z():
    moment = datetime.datetime(2026, 11, 23, 11, 5, 9, 120, tzinfo=datetime.UTC)
    assert format_time(moment) == "2026-11-23T11:05:09.000120Z"
    assert format_time(moment.replace(microsecond=0)) == "2026-11-23T11:05:09.000000Z"
    east = datetime.timezone(datetime.timedelta(hours=3))  # Nairobi
    assert format_time(moment.astimezone(east)) == "2026-11-23T11:05:09.000120Z"


@given(
    st.datetimes(
        min_value=datetime.datetime(1001, 1, 1),
        max_value=datetime.datetime(9998, 12, 31),
        timezones=ZONES,
    )
)
def test_it_spells_every_moment_as_strftime_does(moment):
    utc = moment.astimezone(datetime.UTC)
    assert format_time(moment) == utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
