"""A bookkeeping training of the root `coop` in Kigali, and a clock to move around it.

Times are Africa/Kigali (UTC+2), the training's zone: announced 1 February 2025, enrolment
closes 1 March 09:00, sessions on 3 March and 10 March 09:00-12:00. The fixtures
`trainer` and `training` are in this folder's conftest.
"""

import datetime
import zoneinfo

import time_machine

KIGALI = zoneinfo.ZoneInfo("Africa/Kigali")


def kigali(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=KIGALI)


ANNOUNCED = kigali(2025, 2, 1, 10, 0)
ENROLMENT_CLOSES = kigali(2025, 3, 1, 9, 0)
FIRST_STARTS = kigali(2025, 3, 3, 9, 0)
DURING_FIRST = kigali(2025, 3, 3, 10, 0)
SECOND_STARTS = kigali(2025, 3, 10, 9, 0)
SECOND_ENDS = kigali(2025, 3, 10, 12, 0)
AFTER = kigali(2025, 3, 10, 13, 0)


def at(moment: datetime.datetime):
    return time_machine.travel(moment, tick=False)
