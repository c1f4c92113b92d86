"""Fixtures of the credentials tests: the trainings tests' trainer and bookkeeping training,
whose certificates the profile and re-issue tests read."""

import pytest

from minga.credentials import actions
from minga.trainings.tests.conftest import trainer, training  # noqa: F401 (fixtures)

from .issuing_setup import define_bookkeeping


@pytest.fixture
def achievement(coop, owner):
    return define_bookkeeping(coop, owner)


@pytest.fixture
def issued(achievement, member, owner):
    return actions.issue_credential(achievement=achievement, recipient=member, actor=owner)
