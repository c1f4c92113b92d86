"""Trainings, taken over from the credentials app with their tables as they are.

The tables were created by `credentials.0002_trainings` and keep their names (each model's
`db_table`); `credentials.0007` drops the models from that app's state, this migration adds
them to this one's, and the database is not touched: every row stays. The models' content
types (and the permissions pointing at them) follow them to this app.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
import minga.accounts.models
from django.conf import settings
from django.db import migrations, models

MODELS = ["training", "trainingsession", "enrolment", "attendance"]


def _move_content_types(apps, schema_editor, *, source, target):
    """Relabel the content types of `source`, unless `target` already has its own."""
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(
        schema_editor.connection.alias
    )
    taken = content_types.filter(app_label=target).values_list("model", flat=True)
    content_types.filter(app_label=source, model__in=MODELS).exclude(model__in=list(taken)).update(
        app_label=target
    )


def forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, source="credentials", target="trainings")


def backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, source="trainings", target="credentials")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('coops', '0004_membership_role_supervisory'),
        ('credentials', '0007_trainings_move_to_their_own_app'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Training',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('description', models.TextField(max_length=5000, verbose_name='what participants learn')),
                        ('language', models.CharField(choices=[('en', 'English'), ('es', 'Español'), ('fr', 'Français'), ('pt-br', 'Português')], default='en', max_length=8, verbose_name='language')),
                        ('timezone', models.CharField(default='UTC', help_text='Session times are entered in this zone; everyone also sees them in theirs.', max_length=64, validators=[minga.accounts.models.validate_timezone], verbose_name='time zone of the sessions')),
                        ('is_members_only', models.BooleanField(default=False, verbose_name='only for members of the cooperative')),
                        ('capacity', models.PositiveIntegerField(blank=True, help_text='Leave empty for no limit.', null=True, validators=[django.core.validators.MinValueValidator(1)], verbose_name='places')),
                        ('enrolment_closes_at', models.DateTimeField(blank=True, null=True, verbose_name='enrolment closes')),
                        ('min_attendance_percent', models.PositiveSmallIntegerField(default=100, help_text='The share of sessions a participant must attend to complete the training.', validators=[django.core.validators.MinValueValidator(1), django.core.validators.MaxValueValidator(100)], verbose_name='sessions to attend (percent)')),
                        ('pass_mark', models.PositiveSmallIntegerField(blank=True, help_text='Leave empty when there is no assessment.', null=True, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(100)], verbose_name='pass mark of the assessment (out of 100)')),
                        ('status', models.CharField(choices=[('open', 'Open'), ('closed', 'Closed, certificates issued')], default='open', max_length=12, verbose_name='status')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='created at')),
                        ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed at')),
                        ('achievement', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='trainings', to='credentials.achievement', verbose_name='certificate')),
                        ('coop', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='trainings', to='coops.cooperative', verbose_name='cooperative')),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('trainers', models.ManyToManyField(db_table='credentials_training_trainers', related_name='trainings_given', to=settings.AUTH_USER_MODEL, verbose_name='trainers')),
                    ],
                    options={
                        'verbose_name': 'training',
                        'verbose_name_plural': 'trainings',
                        'db_table': 'credentials_training',
                        'ordering': ['-created_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Enrolment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=150, verbose_name='name')),
                        ('phone', models.CharField(blank=True, max_length=20, verbose_name='phone number')),
                        ('enrolled_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='enrolled at')),
                        ('score', models.PositiveSmallIntegerField(blank=True, null=True, validators=[django.core.validators.MaxValueValidator(100)], verbose_name='assessment score (out of 100)')),
                        ('assessed_at', models.DateTimeField(blank=True, null=True, verbose_name='assessed at')),
                        ('outcome', models.CharField(choices=[('pending', 'In progress'), ('completed', 'Completed'), ('not-completed', 'Not completed')], default='pending', max_length=16, verbose_name='outcome')),
                        ('assessed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('credential', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='credentials.credential', verbose_name='certificate')),
                        ('enrolled_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('person', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='training_enrolments', to=settings.AUTH_USER_MODEL, verbose_name='person')),
                        ('training', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='enrolments', to='trainings.training')),
                    ],
                    options={
                        'verbose_name': 'enrolment',
                        'verbose_name_plural': 'enrolments',
                        'db_table': 'credentials_enrolment',
                        'ordering': ['training', 'name', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='TrainingSession',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('starts_at', models.DateTimeField(verbose_name='starts')),
                        ('ends_at', models.DateTimeField(verbose_name='ends')),
                        ('place', models.CharField(blank=True, max_length=200, verbose_name='place')),
                        ('online_url', models.URLField(blank=True, max_length=500, verbose_name='link to join online')),
                        ('note', models.CharField(blank=True, max_length=300, verbose_name='note')),
                        ('training', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='sessions', to='trainings.training')),
                    ],
                    options={
                        'verbose_name': 'training session',
                        'verbose_name_plural': 'training sessions',
                        'db_table': 'credentials_trainingsession',
                        'ordering': ['training', 'starts_at', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Attendance',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('recorded_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='recorded at')),
                        ('recorded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('enrolment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendances', to='trainings.enrolment')),
                        ('session', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='attendances', to='trainings.trainingsession')),
                    ],
                    options={
                        'verbose_name': 'attendance',
                        'verbose_name_plural': 'attendances',
                        'db_table': 'credentials_attendance',
                        'ordering': ['session', 'enrolment'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='enrolment',
                    constraint=models.UniqueConstraint(condition=models.Q(('person__isnull', False)), fields=('training', 'person'), name='credentials_one_enrolment_per_person'),
                ),
                migrations.AddConstraint(
                    model_name='enrolment',
                    constraint=models.UniqueConstraint(condition=models.Q(('phone', ''), _negated=True), fields=('training', 'phone'), name='credentials_one_enrolment_per_phone'),
                ),
                migrations.AddConstraint(
                    model_name='enrolment',
                    constraint=models.CheckConstraint(condition=models.Q(('person__isnull', False), models.Q(('phone', ''), _negated=True), _connector='OR'), name='credentials_enrolment_has_person_or_phone'),
                ),
                migrations.AddConstraint(
                    model_name='trainingsession',
                    constraint=models.CheckConstraint(condition=models.Q(('ends_at__gt', models.F('starts_at'))), name='credentials_session_ends_after_start'),
                ),
                migrations.AddConstraint(
                    model_name='trainingsession',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('place', ''), _negated=True), models.Q(('online_url', ''), _negated=True), _connector='OR'), name='credentials_session_has_place_or_link'),
                ),
                migrations.AddConstraint(
                    model_name='attendance',
                    constraint=models.UniqueConstraint(fields=('session', 'enrolment'), name='credentials_one_attendance_per_session'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
