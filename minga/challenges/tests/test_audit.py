"""Every change to a need leaves one entry in the public log, without the need's texts."""

import pytest

from minga.audit.models import Entry
from minga.challenges import actions

from .conftest import make_need


@pytest.mark.django_db
def test_it_records_each_step_of_a_needs_life(coop, owner, member, organiser, federation):
    need = make_need(coop, member, complete=True, problem="Our secret trouble")
    need = actions.submit_need(need=need, actor=owner)
    actions.add_comment(need=need, actor=organiser, body="A private question")
    need = actions.request_changes(need=need, actor=organiser, message="Private advice")
    need = actions.submit_need(need=need, actor=owner)
    need = actions.accept_need(need=need, actor=organiser)
    actions.translate_need(need=need, actor=member, language="fr", texts={"title": "Titre"})
    entries = Entry.objects.filter(subject=f"need:{need.pk}")
    assert [entry.kind for entry in entries] == [
        "need.drafted",
        "need.draft_saved",
        "need.submitted",
        "need.commented",
        "need.changes_requested",
        "need.submitted",
        "need.accepted",
        "need.translated",
    ]
    for entry in entries:
        body = bytes(entry.body)
        assert b'"coop":"abahuzamugambi-coffee-cooperative"' in body
        for private in (b"secret", b"private", b"Private", b"Titre"):
            assert private not in body
