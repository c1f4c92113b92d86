"""Fixtures of the trainings tests: a trainer and the bookkeeping training of `coop`.

`trainer` is a facilitator named on the training who is not an administrator of the
cooperative; the training's times are in `trainings_setup`. The credentials tests use them
too (profiles, re-issued certificates): their conftest imports them from here.
"""

import pytest

from conftest import make_person
from minga.trainings import actions

from .trainings_setup import (
    ANNOUNCED,
    ENROLMENT_CLOSES,
    FIRST_STARTS,
    SECOND_ENDS,
    SECOND_STARTS,
    at,
    kigali,
)


@pytest.fixture
def trainer(db):
    return make_person("Grace Wanjiru", "trainer@example.org", timezone="Africa/Nairobi")


@pytest.fixture
def training(coop, owner, trainer):
    with at(ANNOUNCED):
        training = actions.create_training(
            coop=coop,
            actor=owner,
            trainers=[trainer],
            title="Bookkeeping basics",
            description="Double-entry books for a coffee cooperative: cash book, ledger.",
            language="en",
            timezone="Africa/Kigali",
            enrolment_closes_at=ENROLMENT_CLOSES,
            min_attendance_percent=50,
            pass_mark=60,
        )
        actions.schedule_session(
            training=training,
            actor=trainer,
            starts_at=FIRST_STARTS,
            ends_at=kigali(2025, 3, 3, 12, 0),
            place="Maraba cooperative hall",
        )
        actions.schedule_session(
            training=training,
            actor=trainer,
            starts_at=SECOND_STARTS,
            ends_at=SECOND_ENDS,
            online_url="https://meet.example.org/bookkeeping",
        )
    return training
