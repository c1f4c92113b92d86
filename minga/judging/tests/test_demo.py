import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from minga.audit import integrity
from minga.events.models import Event
from minga.judging.demo import LIVE, SPRINT
from minga.judging.models import Assignment, Award, Juror, VoteReceipt


@pytest.mark.django_db
def test_it_loads_a_jury_and_an_announced_sprint_idempotently(client):
    call_command("demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "announced, 3 winning teams" in out.getvalue()
    live = Event.objects.get(slug=LIVE)
    assert Juror.objects.filter(event=live).count() == 4
    sprint = Event.objects.get(slug=SPRINT)
    assert sprint.are_results_announced(timezone.now())
    assert Assignment.objects.filter(event=sprint, scored_at__isnull=False).count() == 12
    assert VoteReceipt.objects.filter(event=sprint).count() == 2
    winners = Award.objects.filter(event=sprint, kind="winner").select_related("team")
    assert {a.team.name for a in winners} >= {"Pesa Pamoja", "Recibo Justo"}
    kinds = {kind: 0 for kind in Award.Kind.values}
    for kind in Award.objects.filter(event=sprint).values_list("kind", flat=True):
        kinds[kind] += 1
    assert kinds == {"winner": 5, "participant": 6, "juror": 4, "challenge-owner": 2}
    results = client.get(reverse("judging:results", args=[SPRINT]))
    assert results.status_code == 200
    assert [r.entry.team for r in results.context["results"].rows][:2] == [
        "Pesa Pamoja",
        "Recibo Justo",
    ]
    assert client.get(reverse("judging:winners", args=[SPRINT])).status_code == 200
    # Replayed at the instants they happened, the steps still make a verifiable log.
    integrity.verify_log()
