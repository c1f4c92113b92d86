import io
import json

import pytest
from django.core.management import call_command

from minga.credentials.demo import KEY, SUSPENDED
from minga.credentials.models import Achievement, Credential
from minga.judging.models import Award


@pytest.mark.django_db
def test_it_loads_badges_and_award_certificates_idempotently():
    call_command("demo", stdout=io.StringIO())
    call_command("demo", stdout=io.StringIO())
    achievement = Achievement.objects.get(key=KEY)
    assert sorted(achievement.languages()) == ["en", "es", "fr", "pt-br"]
    badges = Credential.objects.filter(source__startswith=f"{KEY}:")
    assert badges.count() == 3
    names = {
        json.loads(c.document)["credentialSubject"]["achievement"]["inLanguage"] for c in badges
    }
    assert len(names) > 1  # each recipient reads it in their own language
    suspended = badges.get(source=f"{KEY}:{SUSPENDED}")
    assert suspended.status == "suspended" and suspended.status_reason
    awards = Award.objects.count()
    assert awards and Credential.objects.filter(source__startswith="award:").count() == awards
