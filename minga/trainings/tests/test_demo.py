import io

import pytest
from django.core.management import call_command

from minga.credentials.models import Credential
from minga.credentials.verification import verify_credential
from minga.trainings.demo import BOOKKEEPING, GOVERNANCE
from minga.trainings.models import Training


@pytest.mark.django_db
def test_it_loads_a_finished_and_an_open_training_idempotently():
    call_command("demo", stdout=io.StringIO())
    call_command("demo", stdout=io.StringIO())
    bookkeeping = Training.objects.get(title=BOOKKEEPING)
    assert bookkeeping.coop.country == "RW" and not bookkeeping.is_open
    outcomes = dict(bookkeeping.enrolments.values_list("name", "outcome"))
    assert sorted(outcomes.values()) == ["completed", "completed", "completed", "not-completed"]
    certificates = Credential.objects.filter(source__startswith=f"training:{bookkeeping.pk}:")
    assert certificates.count() == 3
    assert verify_credential(certificates.first().document).is_valid
    governance = Training.objects.get(title=GOVERNANCE)
    assert governance.is_open and governance.sessions.count() == 2
