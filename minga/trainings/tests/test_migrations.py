"""Trainings moved from the credentials app: a database made before keeps every row."""

import pytest
from django.db import connection, migrations
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from minga.trainings.models import Enrolment, Training

BEFORE = [("credentials", "0006_brazilian_portuguese")]
MOVE = [
    ("credentials", "0007_trainings_move_to_their_own_app"),
    ("trainings", "0001_trainings_from_credentials"),
]


def _executor() -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor


def test_it_moves_the_models_without_touching_a_table():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for key in MOVE:
        for operation in loader.get_migration(*key).operations:
            if isinstance(operation, migrations.SeparateDatabaseAndState):
                assert operation.database_operations == [], key
            else:  # the content types follow the models
                assert isinstance(operation, migrations.RunPython), key


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_trainings_of_a_database_made_before(training, member):
    Enrolment.objects.create(training=training, person=member, name=member.name)
    executor = _executor()
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    assert old.get_model("credentials", "Training").objects.get().title == training.title
    older = old.get_model("credentials", "Training").objects.create(
        coop_id=training.coop_id,
        achievement_id=training.achievement_id,
        title="Saving groups",
        description="Written before the move.",
    )

    executor = _executor()
    executor.migrate(executor.loader.graph.leaf_nodes())

    assert set(Training.objects.values_list("title", flat=True)) == {
        training.title,
        "Saving groups",
    }
    assert Training.objects.get(pk=older.pk).trainers.count() == 0
    assert set(Training.objects.get(pk=training.pk).trainers.all()) == set(training.trainers.all())
    assert Enrolment.objects.get(training=training).person == member
