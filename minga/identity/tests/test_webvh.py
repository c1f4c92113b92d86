"""did:webvh logs of Minga's cooperatives, checked by the `did-webvh` package's own resolver."""

import json

import jsoncanon
import pytest
from did_webvh.core.hash_utils import HashInfo
from django.core.exceptions import PermissionDenied, ValidationError

from minga.audit.models import Entry
from minga.coops import actions as coop_actions
from minga.identity import actions, didlogs, webvh
from minga.identity.models import DidLogEntry, Key


def _resolve(log, *, stock=True):
    lines = didlogs.entry_lines(log)
    return webvh.resolve_log(log.did, lines, didlogs.witness_json(log), stock=stock)


def _grown_log(coop, owner):
    actions.ensure_did_log(coop=coop, actor=owner)
    actions.rotate_key(coop=coop, actor=owner)
    actions.retire_key(coop=coop, actor=owner)
    old = Key.objects.filter(coop=coop, is_active=False).first()
    actions.declare_key_compromised(coop=coop, key=old, since=old.created_at, actor=owner)
    return didlogs.log_of(coop)


def test_it_resolves_with_the_package_resolver(coop, owner):
    log = _grown_log(coop, owner)
    document, metadata = _resolve(log)
    assert metadata["versionNumber"] == 4
    assert document["id"] == log.did
    assert log.did.startswith("did:webvh:" + log.scid + ":")
    assert log.did.endswith(":coops:" + coop.slug)
    assert document["alsoKnownAs"] == [didlogs.web_did_of(coop)]
    active = Key.objects.get(coop=coop, is_active=True).public_key_multibase
    assert document["assertionMethod"][-1].endswith("#" + active)
    assert json.loads(didlogs.entry_lines(log)[-1])["parameters"]["updateKeys"] == [active]
    assert _resolve(log, stock=False)[1]["versionNumber"] == 4


@pytest.mark.parametrize("version", [1, 2, 3, 4])
def test_it_is_rejected_when_any_entry_is_tampered(coop, owner, version):
    log = _grown_log(coop, owner)
    lines = didlogs.entry_lines(log)
    for tamper in (_change_state, _change_time, _change_proof):
        changed = list(lines)
        changed[version - 1] = tamper(changed[version - 1])
        for stock in (True, False):
            with pytest.raises(webvh.LogError):
                webvh.resolve_log(log.did, changed, stock=stock)


def _change_state(line):
    entry = json.loads(line)
    entry["state"]["alsoKnownAs"] = ["did:web:evil.example"]
    return json.dumps(entry)


def _change_time(line):
    entry = json.loads(line)
    entry["versionTime"] = entry["versionTime"].replace("Z", ".5Z")
    return json.dumps(entry)


def _change_proof(line):
    entry = json.loads(line)
    value = entry["proof"][0]["proofValue"]
    entry["proof"][0]["proofValue"] = value[:-2] + ("11" if value[-2:] != "11" else "22")
    return json.dumps(entry)


def test_it_rejects_a_dropped_entry_and_a_foreign_signer(coop, owner):
    log = _grown_log(coop, owner)
    lines = didlogs.entry_lines(log)
    with pytest.raises(webvh.LogError):
        webvh.resolve_log(log.did, [lines[0], *lines[2:]], stock=True)


def test_it_honours_pre_rotation(coop, owner):
    log = actions.ensure_did_log(coop=coop, actor=owner)
    committed = json.loads(didlogs.entry_lines(log)[-1])["parameters"]["nextKeyHashes"]
    following = Key.objects.get(coop=coop, is_next=True)
    assert committed == [webvh.next_key_hash(following.public_key_multibase)]
    new = actions.rotate_key(coop=coop, actor=owner)
    assert new.pk == following.pk
    # A next key swapped behind the log's back cannot take over.
    from minga.identity.keys import create_key

    Key.objects.filter(coop=coop, is_next=True).delete()
    create_key(coop=coop, is_next=True)
    with pytest.raises(ValidationError) as caught:
        actions.rotate_key(coop=coop, actor=owner)
    assert caught.value.code == "pre_rotation"


def test_each_change_is_audited_with_its_anchor(coop, owner):
    log = _grown_log(coop, owner)
    kinds = list(
        Entry.objects.filter(subject=f"coop:{coop.slug}", kind__startswith="identity.").values_list(
            "kind", flat=True
        )
    )
    assert kinds[-4:] == [
        "identity.webvh.created",
        "identity.key.rotated",
        "identity.key.retired",
        "identity.key.compromised",
    ]
    indexes = list(log.entries.values_list("audit_index", flat=True))
    assert None not in indexes and indexes == sorted(indexes)
    rotated, retired = Key.objects.filter(coop=coop, is_active=False)[:2]
    assert rotated.ended_index == indexes[1] and retired.activated_index == indexes[1]


def test_a_member_may_not_rotate(coop, member, outsider):
    for person in (member, outsider):
        with pytest.raises(PermissionDenied):
            actions.rotate_key(coop=coop, actor=person)
    assert Key.objects.filter(coop=coop).count() == 1


def test_the_fast_path_agrees_with_the_package(coop, owner):
    # The fenced fast path is in place (it fails loudly if the package renames these)...
    assert webvh._state_module.jsoncanon is webvh._JCS
    assert webvh._proof_module.jsoncanon is webvh._JCS
    assert HashInfo.identify_hash is webvh._identify_hash
    # ...and gives what the package's own code gives.
    for line in didlogs.entry_lines(_grown_log(coop, owner)):
        entry = json.loads(line)
        assert jsoncanon.canonicalize(entry) == webvh._JCS.canonicalize(entry)
        for mhash in [entry["versionId"].split("-", 1)[1], *entry["parameters"]["nextKeyHashes"]]:
            assert webvh._identify_hash(mhash) == webvh._original_identify_hash(mhash)


@pytest.fixture
def neighbours(organiser, federation):
    other = coop_actions.create_cooperative(
        actor=organiser,
        name="Second Coop",
        legal_form="primary",
        country="KE",
        sector="agriculture",
    )
    return federation, other


def test_updates_wait_for_their_witnesses(coop, owner, organiser, neighbours):
    first, second = neighbours
    witnesses = [actions.witness_for_coop(first), actions.witness_for_coop(second)]
    log = actions.set_witnesses(coop=coop, witnesses=witnesses, threshold=2, actor=owner)
    assert log.published_version == 2  # the entry naming them is governed by the rule before
    params = json.loads(didlogs.entry_lines(log)[-1])["parameters"]
    assert params["witness"] == {"threshold": 2, "witnesses": [{"id": k} for _, k in witnesses]}

    actions.rotate_key(coop=coop, actor=owner)
    log.refresh_from_db()
    assert log.published_version == 2 and log.entries.count() == 3
    pending = log.entries.get(version_number=3)
    assert didlogs.pending_approvals(first) == [pending]

    actions.approve_update(entry=pending, witness=first, actor=organiser)
    log.refresh_from_db()
    assert log.published_version == 2  # one of two
    with pytest.raises(ValidationError):
        actions.approve_update(entry=pending, witness=first, actor=organiser)
    actions.approve_update(entry=pending, witness=second, actor=organiser)
    log.refresh_from_db()
    assert log.published_version == 3
    document, metadata = _resolve(log)
    assert metadata["versionNumber"] == 3
    assert metadata["witness"]["threshold"] == 2

    # Without the witness file, the package refuses the witnessed version.
    with pytest.raises(webvh.LogError):
        webvh.resolve_log(log.did, didlogs.entry_lines(log), "[]", stock=True)


def test_a_foreign_witness_proof_is_checked(coop, owner, neighbours):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from minga.identity import didkey

    remote = Ed25519PrivateKey.generate()
    remote_did = webvh.key_did(didkey.encode_multikey(remote.public_key().public_bytes_raw()))
    log = actions.set_witnesses(
        coop=coop, witnesses=[("did:web:other.example", remote_did)], threshold=1, actor=owner
    )
    actions.rotate_key(coop=coop, actor=owner)
    pending = DidLogEntry.objects.get(log=log, version_number=3)
    stranger = Ed25519PrivateKey.generate()
    with pytest.raises(ValidationError):
        actions.add_witness_proof(
            entry=pending, proof=webvh.witness_proof(pending.version_id, stranger), actor=None
        )
    forged = webvh.witness_proof("2-" + pending.version_id.split("-", 1)[1], remote)
    with pytest.raises(ValidationError):
        actions.add_witness_proof(entry=pending, proof=forged, actor=None)
    actions.add_witness_proof(
        entry=pending, proof=webvh.witness_proof(pending.version_id, remote), actor=None
    )
    log.refresh_from_db()
    assert log.published_version == 3
    assert _resolve(log)[1]["versionNumber"] == 3


def test_bad_witness_lists_change_nothing(coop, owner):
    for witnesses, threshold in (
        ([("did:web:x.example", "did:key:nonsense")], 1),
        ([("not-a-did", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")], 1),
        ([("did:web:x.example", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK")], 2),
    ):
        with pytest.raises(ValidationError):
            actions.set_witnesses(coop=coop, witnesses=witnesses, threshold=threshold, actor=owner)
    assert didlogs.log_of(coop) is None
    assert Key.objects.filter(coop=coop).count() == 1
