"""Two issuances at once never share a status-list index (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from conftest import make_person
from minga.coops import actions as coop_actions
from minga.credentials import actions
from minga.credentials.models import Credential, StatusList

ISSUERS = 8
EACH = 4


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "row-lock allocation only means something on PostgreSQL: run with "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/test"
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_hands_out_every_index_once_under_load() -> None:
    needs_postgresql()
    founder = make_person("Founder", "founder@example.org")
    coop = coop_actions.create_cooperative(
        actor=founder, name="Tech Coop", legal_form="worker", country="AR", sector="it"
    )
    achievement = actions.define_achievement(
        coop=coop, actor=founder, name="Digital tools", description="d", criteria="c"
    )
    start = threading.Barrier(ISSUERS)
    failures: list[BaseException] = []

    def issue(worker: int) -> None:
        try:
            start.wait()
            for i in range(EACH):
                actions.issue_credential(
                    achievement=achievement,
                    recipient_email=f"p{worker}-{i}@example.org",
                    actor=founder,
                )
        except BaseException as error:  # reported by the main thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(w,)) for w in range(ISSUERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not failures, failures
    total = ISSUERS * EACH
    indexes = sorted(Credential.objects.values_list("status_index", flat=True))
    assert indexes == list(range(total))
    assert StatusList.objects.filter(coop=coop).count() == 1
    assert set(StatusList.objects.filter(coop=coop).values_list("next_index", flat=True)) == {total}
