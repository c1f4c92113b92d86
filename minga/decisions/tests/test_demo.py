import io

import pytest
from django.core.management import call_command

from minga.audit import integrity
from minga.decisions.demo import ELECTION, PROPOSAL, THEME
from minga.decisions.models import Ballot, Poll


@pytest.mark.django_db
def test_it_loads_an_election_a_proposal_and_a_federation_poll_idempotently(client):
    call_command("demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert "Decisions: 1 closed and 2 open polls." in out.getvalue()
    election = Poll.objects.get(discussion__title=ELECTION)
    assert election.status == "closed" and election.is_quorate and election.has_passed
    assert len(election.result["elected"]) == 3 and len(election.result["rounds"]) > 1
    assert Ballot.objects.filter(poll=election).count() == 13
    for url in ("poll-results", "minutes", "receipts"):
        page = client.get(
            f"/decisions/{election.coop.slug}/polls/{election.pk}/{url.split('-')[-1]}/"
        )
        assert page.status_code == 200, url
    proposal = Poll.objects.get(discussion__title=PROPOSAL)
    assert proposal.status == "open" and not proposal.is_secret
    assert proposal.discussion.comments.count() == 2
    theme = Poll.objects.get(discussion__title=THEME)
    assert theme.electorate == "weighted" and theme.electorate_size == 4
    assert Ballot.objects.filter(poll=theme).count() == 4
    integrity.verify_log()
