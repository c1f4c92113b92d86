"""Helpers for the apps' demo modules (`minga demo`)."""

import contextlib
import datetime
from collections.abc import Iterator
from unittest import mock

from django.utils import timezone


@contextlib.contextmanager
def replay_at(moment: datetime.datetime) -> Iterator[None]:
    """Run actions as if it were `moment`, so a demo story's dates, deadlines and audit
    entries read as they would have happened, through the same actions as real use."""
    with mock.patch.object(timezone, "now", return_value=moment):
        yield
