"""Trainings move to their own app (`minga.trainings`), their tables and rows staying put.

Only Django's picture of the models changes here: `trainings.0001` takes them over with the
same table names (`credentials_training`...), so nothing in the database is touched.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("credentials", "0006_brazilian_portuguese"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="Attendance"),
                migrations.DeleteModel(name="Enrolment"),
                migrations.DeleteModel(name="TrainingSession"),
                migrations.DeleteModel(name="Training"),
            ],
            database_operations=[],
        ),
    ]
