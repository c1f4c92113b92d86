"""`audit.record`: one entry per audited change, in the change's own transaction."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from minga import audit
from minga.audit import commitments, log, merkle
from minga.audit.models import Entry, LogHead, Secret


def test_it_appends_canonical_json_with_consecutive_indexes(make_entries) -> None:
    entries = make_entries(3)
    assert [e.index for e in Entry.objects.all()] == [0, 1, 2]
    stored = Entry.objects.get(index=1)
    body = bytes(stored.body)
    assert body.startswith(b'{"actor":"system","at":"')
    fields = json.loads(body)
    assert fields["kind"] == "test.happened" and fields["data"] == {"n": 1}
    assert bytes(stored.leaf_hash) == merkle.leaf_hash(body)
    assert LogHead.objects.get().size == 3
    assert entries[2].index == 2


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_record_outside_a_transaction() -> None:
    with pytest.raises(log.LogError, match="inside the transaction"):
        audit.record("x.y", "s", {}, None)
    assert not Entry.objects.exists()


def test_it_rolls_back_with_the_change_and_leaves_no_gap(make_entries) -> None:
    make_entries(2)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record("x.y", "s", {}, None)
        raise RuntimeError("the audited change failed")
    make_entries(1)
    assert list(Entry.objects.values_list("index", flat=True)) == [0, 1, 2]
    assert LogHead.objects.get().size == 3


def test_it_records_the_actor_only_as_a_commitment(owner) -> None:
    with transaction.atomic():
        entry = audit.record("x.y", "coop:abc", {"role": "admin"}, owner)
    fields = json.loads(bytes(entry.body))
    assert fields["actor"].startswith("sha256:")
    assert f"person:{owner.pk}" not in bytes(entry.body).decode()
    assert "owner@" not in bytes(entry.body).decode()
    secret = Secret.objects.get(commitment=fields["actor"])
    assert secret.owner == owner
    assert commitments.opens(fields["actor"], f"person:{owner.pk}", bytes(secret.salt))


def test_it_keeps_private_values_out_of_the_public_entry(owner) -> None:
    with transaction.atomic():
        entry = audit.record(
            "member.imported",
            "coop:abc",
            {"role": "member"},
            owner,
            private={"phone": "+250788000111"},
        )
    body = bytes(entry.body).decode()
    assert "+250788000111" not in body
    commitment = json.loads(body)["data"]["phone"]
    secret = Secret.objects.get(commitment=commitment)
    assert secret.value == "+250788000111" and secret.owner == owner
    assert commitments.opens(commitment, "+250788000111", bytes(secret.salt))
    assert not commitments.opens(commitment, "+250788000112", bytes(secret.salt))


def test_it_commits_with_fresh_salts() -> None:
    first, salt1 = audit.commit("same value")
    second, salt2 = audit.commit("same value")
    assert first != second and salt1 != salt2 and len(salt1) == 32
    assert commitments.opens(first, "same value", salt1)
    assert not commitments.opens(first, "same value", b"short")


@pytest.mark.parametrize(
    ("kind", "subject", "data", "message"),
    [
        ("", "s", {}, "kind"),
        ("k" * 65, "s", {}, "kind"),
        ("x.y", "s" * 201, {}, "subject"),
        ("x.y", "s", {"when": object()}, "plain JSON"),
        ("x.y", "s", {"n": float("nan")}, "plain JSON"),
        ("x.y", "s", {"blob": "x" * 70_000}, "at most"),
    ],
)
def test_it_rejects_what_cannot_be_logged(db, kind, subject, data, message) -> None:
    with pytest.raises(ValueError, match=message), transaction.atomic():
        audit.record(kind, subject, data, None)
    assert not Entry.objects.exists()


def test_it_refuses_a_name_both_public_and_private(db) -> None:
    with pytest.raises(ValueError, match="not also public"), transaction.atomic():
        audit.record("x.y", "s", {"phone": 1}, None, private={"phone": "+1"})
    with pytest.raises(ValueError, match="text or plain JSON"), transaction.atomic():
        audit.record("x.y", "s", {}, None, private={"phone": object()})


def test_it_commits_to_other_json_values_as_canonical_json(db) -> None:
    with transaction.atomic():
        entry = audit.record("x.y", "s", {}, None, private={"options": ["b", "a"]})
    commitment = json.loads(bytes(entry.body))["data"]["options"]
    secret = Secret.objects.get(commitment=commitment)
    assert secret.value == '["b","a"]'
    assert commitments.opens(commitment, secret.value, bytes(secret.salt))


def test_it_is_written_by_the_apps_actions(coop) -> None:
    kinds = list(Entry.objects.values_list("kind", flat=True))
    assert "coop.created" in kinds and "membership.joined" in kinds
