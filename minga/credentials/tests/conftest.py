"""Fixtures of the credentials tests: the trainings tests' trainer and bookkeeping training,
whose certificates the profile and re-issue tests read."""

from minga.trainings.tests.conftest import trainer, training  # noqa: F401 (fixtures)
