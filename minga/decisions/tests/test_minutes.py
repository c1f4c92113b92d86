"""The minutes of a closed poll cite the log's first checkpoint covering its closing entry."""

import pytest
from django.db import transaction
from django.urls import reverse

from conftest import client_for
from minga.audit import log
from minga.decisions import actions

pytestmark = pytest.mark.django_db


def test_it_cites_the_first_checkpoint_covering_the_closing(client, coop, owner, poll_factory):
    before = log.create_checkpoint()
    poll = actions.close_poll(poll=poll_factory(kind="single"), actor=owner)
    url = reverse("decisions:minutes", args=[coop.slug, poll.pk])
    client_for(client, owner)
    page = client.get(url).content.decode()
    assert before is not None and before.size <= poll.closing_log_index
    assert "The next signed checkpoint of the log will cover it." in page

    covering = log.create_checkpoint()
    with transaction.atomic():
        log.record("test.happened", "thing:1", {}, None)
    later = log.create_checkpoint()
    page = client.get(url).content.decode()
    assert covering is not None and later is not None and later.size > covering.size
    assert f"at size {covering.size}:" in page
    assert covering.note in page and later.note not in page
