"""The demo's platform and cooperatives have did:webvh logs that the package resolves."""

import io

import pytest
from django.core.management import call_command

from minga.coops.models import Cooperative
from minga.identity import didlogs, webvh

pytestmark = pytest.mark.django_db


def test_the_demo_starts_every_log_once():
    call_command("demo", stdout=io.StringIO())
    coops = list(Cooperative.objects.all())
    assert coops
    for coop in [None, *coops]:
        log = didlogs.log_of(coop)
        document, _ = webvh.resolve_log(log.did, didlogs.entry_lines(log), stock=True)
        assert document["alsoKnownAs"] == [didlogs.web_did_of(coop)]
    call_command("demo", stdout=io.StringIO())
    assert sum(didlogs.log_of(c).entries.count() for c in coops) == len(coops)
