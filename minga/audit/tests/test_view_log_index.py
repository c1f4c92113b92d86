"""GET /log/: recent entries and how to verify them, for people."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from minga.audit import log
from minga.audit.tests.conftest import add_entries


def test_it_lists_recent_entries_and_how_to_check_them(client, checkpointed) -> None:
    checkpointed(3)
    add_entries(1, kind="coop.created")
    response = client.get("/log/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "coop.created" in page and "thing:0" in page
    assert log.log_vkey() in page and log.witness_vkey() in page
    assert "python -m minga.audit.verifier" in page
    assert "/log/entries/2?format=tlog-proof" in page
    assert "In a few seconds" in page  # entry 3 is not checkpointed yet


def test_it_pages_through_older_entries(client, make_entries) -> None:
    make_entries(60)
    first = client.get("/log/").content.decode()
    assert "thing:59" in first and ">thing:5<" not in first
    assert "?before=10" in first
    second = client.get("/log/?before=10").content.decode()
    assert ">thing:5<" in second and "thing:10<" not in second and "Newest entries" in second
    assert "Older entries" not in second
    assert client.get("/log/?before=-3").status_code == 200  # ignored, first page


def test_it_works_on_an_empty_log(client, db) -> None:
    response = client.get("/log/")
    assert response.status_code == 200
    assert "Nothing has been recorded yet." in response.content.decode()


def test_it_speaks_the_visitors_language(client, checkpointed) -> None:
    checkpointed(1)
    with translation.override("es"):
        response = client.get("/log/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 200


def test_it_is_open_to_members_and_outsiders(owner_client, checkpointed) -> None:
    checkpointed(1)
    assert owner_client.get("/log/").status_code == 200


def test_it_names_each_action_in_words_with_its_code_beside(client, checkpointed) -> None:
    checkpointed(1)
    add_entries(1, kind="ballot.cast")
    add_entries(1, kind="no.label_yet")
    client.cookies["minga_language"] = "pt-br"
    page = client.get("/log/").content.decode()
    assert 'Voto registrado <code class="meta">ballot.cast</code>' in page
    assert "no.label_yet<br>" in page  # a code without words is shown as it is
    entry = client.get(reverse("audit:entry", args=[1]), HTTP_ACCEPT="text/html").content.decode()
    assert 'Voto registrado <code class="meta">ballot.cast</code>' in entry


def test_it_says_what_each_entry_concerns_in_words(client, checkpointed) -> None:
    checkpointed(1)
    for subject in ("poll:12", "coop:maraba", "person", "treasury:maraba:dispute:3"):
        log.record("test.happened", subject, {}, None)
    client.cookies["minga_language"] = "es"
    page = client.get("/log/").content.decode()
    assert "Votación 12" in page and "Cooperativa maraba" in page
    assert "La cuenta de una persona" in page
    assert "Tesorería de la cooperativa maraba: reclamo 3" in page
    for code in ("poll:12", "coop:maraba", "treasury:maraba"):
        assert code not in page
