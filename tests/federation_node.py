"""One Minga instance's side of the federation test (`tests/test_federation.py`).

Run inside the instance's network namespace, with its settings in the environment, as
``python tests/federation_node.py STEP``; it prints one JSON object on standard output.

- ``setup``: what an operator and a cooperative's administrator do before linking: a
  cooperative with a signing key and did:webvh logs (its own and the platform's), an
  achievement, a credential issued, one issued and then revoked, the cooperative's key
  rotated, a credential issued with the new key, the key rotated again, a credential issued
  and that key declared compromised from the instant before; prints the instance's DIDs
  (did:web and did:webvh), log and witness keys and the credentials.
- ``probe`` (standard input: the other instances' ``setup`` output): resolves their DIDs
  (the did:webvh ones through their ``did.jsonl`` logs),
  verifies their credentials (and one altered on the way), then signs a checkpoint of its own
  log and asks its witnesses to cosign it; prints what it found.
- ``checkpoint``: the administrator defines another achievement (one more log entry); a
  checkpoint is signed again and the witnesses asked.

Everything goes through the same functions as the `minga` commands and the web views.
"""

from __future__ import annotations

import copy
import json
import os
import sys

import django


def setup() -> dict:
    from django.utils import timezone

    from minga.accounts.models import User
    from minga.audit import log
    from minga.coops import actions as coop_actions
    from minga.credentials import actions as credential_actions
    from minga.identity import actions as identity_actions
    from minga.identity.dids import coop_did, platform_did
    from minga.identity.models import Key

    name = os.environ["FEDERATION_NODE"]
    owner = User.objects.create_user(
        email=f"admin@{name}.example.org", password="a-long-test-password", name=f"Admin {name}"
    )
    coop = coop_actions.create_cooperative(
        actor=owner,
        name=f"Cooperative {name.upper()}",
        legal_form="primary",
        country="KE",
        sector="agriculture",
    )
    achievement = credential_actions.define_achievement(
        coop=coop,
        actor=owner,
        name="Bookkeeping basics",
        description="Keeps a cooperative's books by double entry.",
        criteria="Attend four sessions and pass the assessment.",
    )

    def issue(number: int) -> object:
        return credential_actions.issue_credential(
            achievement=achievement,
            recipient_email=f"member{number}@{name}.example.org",
            actor=owner,
        )

    # did:webvh logs from the start, so that every key change below is one of their entries.
    platform_log = identity_actions.ensure_did_log(coop=None, actor=None)
    coop_log = identity_actions.ensure_did_log(coop=coop, actor=owner)
    before = issue(1)
    revoked = credential_actions.revoke_credential(
        credential=issue(2), reason="Issued by mistake.", actor=owner
    )
    identity_actions.rotate_key(coop=coop, actor=owner)
    after = issue(3)
    # The next key signs one credential, then turns out to have leaked from that instant on.
    identity_actions.rotate_key(coop=coop, actor=owner)
    leaked_at = timezone.now()
    compromised = issue(4)
    identity_actions.declare_key_compromised(
        coop=coop,
        key=Key.objects.get(coop=coop, is_active=True),
        since=leaked_at,
        actor=owner,
    )
    return {
        "name": name,
        "platform_did": platform_did(),
        "coop_did": coop_did(coop),
        "platform_webvh": platform_log.did,
        "coop_webvh": coop_log.did,
        "log_vkey": log.log_vkey(),
        "witness_vkey": log.witness_vkey(),
        "credentials": {
            "before_rotation": json.loads(before.document),
            "revoked": json.loads(revoked.document),
            "after_rotation": json.loads(after.document),
            "compromised": json.loads(compromised.document),
        },
    }


def _verify(document: dict) -> dict:
    from minga.credentials.verification import verify_credential

    report = verify_credential(document)
    return {
        "verified": report.is_valid,
        "checks": {check.name: check.status for check in report.checks},
        "problems": [entry.as_json() for entry in report.problems],
    }


def probe() -> dict:
    from minga.identity.didcore import DidError
    from minga.identity.resolution import resolve

    peers = json.load(sys.stdin)
    found: dict = {"resolved": {}, "verified": {}}
    for peer in peers:
        for did in (
            peer["platform_did"],
            peer["coop_did"],
            peer["platform_webvh"],
            peer["coop_webvh"],
        ):
            try:
                document = resolve(did)
            except DidError as error:
                found["resolved"][did] = {"error": f"{error.code}: {error.message}"}
                continue
            found["resolved"][did] = {
                "id": document["id"],
                "also_known_as": document.get("alsoKnownAs", []),
                "keys": sorted(
                    method["publicKeyMultibase"] for method in document["verificationMethod"]
                ),
            }
        for kind, document in peer["credentials"].items():
            found["verified"][f"{peer['name']}:{kind}"] = _verify(document)
        altered = copy.deepcopy(peer["credentials"]["after_rotation"])
        altered["credentialSubject"]["achievement"]["name"] = "Master of accounts"
        found["verified"][f"{peer['name']}:altered"] = _verify(altered)
    found["checkpoint"] = checkpoint(record=False)
    return found


def checkpoint(*, record: bool = True) -> dict:
    from minga.audit import log, witness
    from minga.coops.models import Cooperative
    from minga.credentials import actions as credential_actions

    if record:  # an administrator's action adds an entry to the log
        coop = Cooperative.objects.get()
        credential_actions.define_achievement(
            coop=coop,
            actor=coop.memberships.get().person,
            name="Minute taking",
            description="Keeps the minutes of general assemblies.",
            criteria="Minutes of three assemblies approved by the members.",
        )
    signed = log.create_checkpoint() or log.latest_signed_checkpoint()
    assert signed is not None
    witness.collect_cosignatures(signed)
    signed.refresh_from_db()
    return {
        "size": signed.size,
        "cosigners": log.cosigner_count(signed),
        "published": signed.published_at is not None,
    }


STEPS = {"setup": setup, "probe": probe, "checkpoint": checkpoint}

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minga.settings")
    django.setup()
    print(json.dumps(STEPS[sys.argv[1]]()))
