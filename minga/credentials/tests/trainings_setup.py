"""A bookkeeping training of the root `coop` in Kigali, and a clock to move around it.

Times are Africa/Kigali (UTC+2), the training's zone: announced 1 February 2025, enrolment
closes 1 March 09:00, sessions on 3 March and 10 March 09:00-12:00. `trainer` is a
facilitator named on the training who is not an administrator of the cooperative.
Import the fixtures by name into a test module to use them.
"""

import datetime
import zoneinfo

import pytest
import time_machine

from conftest import make_person
from minga.credentials import training_actions

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


@pytest.fixture
def trainer(db):
    return make_person("Grace Wanjiru", "trainer@example.org", timezone="Africa/Nairobi")


@pytest.fixture
def training(coop, owner, trainer):
    with at(ANNOUNCED):
        training = training_actions.create_training(
            coop=coop,
            actor=owner,
            trainers=[trainer],
            title="Bookkeeping basics",
            description="Double-entry books for a coffee cooperative: cash book, ledger, trial balance.",
            language="en",
            timezone="Africa/Kigali",
            enrolment_closes_at=ENROLMENT_CLOSES,
            min_attendance_percent=50,
            pass_mark=60,
        )
        training_actions.schedule_session(
            training=training,
            actor=trainer,
            starts_at=FIRST_STARTS,
            ends_at=kigali(2025, 3, 3, 12, 0),
            place="Maraba cooperative hall",
        )
        training_actions.schedule_session(
            training=training,
            actor=trainer,
            starts_at=SECOND_STARTS,
            ends_at=SECOND_ENDS,
            online_url="https://meet.example.org/bookkeeping",
        )
    return training
