"""Check 6, log: a credential issued here has its issuance in the audit log, recording this
exact credential (SHA-256 of its RFC 8785 form), made with a key authorised at that moment,
and included in the latest signed checkpoint; "pending" until a checkpoint covers it.

The log is read through `minga.audit`'s reading functions only (`first_entry`,
`newest_checkpoint`, `prove_inclusion`), never its tables.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from minga import audit
from minga.core.jcs import canonical_json

from .. import dataintegrity
from ..problems import gettext_noop, problem
from .report import FAILED, PASSED, PENDING, SKIPPED, Report

ISSUANCE = "credential.issue"


def canonical_sha256(credential: Mapping[str, Any]) -> str:
    """Hex SHA-256 of the RFC 8785 form of the signed credential: what the log records."""
    return hashlib.sha256(canonical_json(dict(credential))).hexdigest()


def own_credential_uuid(credential_id: object) -> str | None:
    """The uuid of a credential id of this instance (``<public URL>/credentials/<uuid>``)."""
    from minga.identity.dids import public_url

    if not isinstance(credential_id, str):
        return None
    prefix = public_url().rstrip("/") + "/credentials/"
    if not credential_id.startswith(prefix):
        return None
    tail = credential_id[len(prefix) :].strip("/")
    if not tail or "/" in tail or len(tail) > 64:
        return None
    return tail


def log_check(report: Report, credential: Mapping[str, Any]) -> None:
    uuid = own_credential_uuid(credential.get("id"))
    if uuid is None:
        report.add(
            "log",
            SKIPPED,
            gettext_noop("Issued elsewhere: only credentials issued here are in this audit log."),
        )
        return
    issued = audit.first_entry(kind=ISSUANCE, subject=f"credential:{uuid}")
    if issued is None:
        report.add(
            "log",
            FAILED,
            gettext_noop("No issuance of this credential is recorded in the audit log."),
            [
                problem(
                    "not-in-log",
                    gettext_noop(
                        "This server's audit log has no issuance of %(id)s: it was not issued here."
                    ),
                    id=str(credential.get("id"))[:200],
                )
            ],
        )
        return
    entry_index = issued.index
    if issued.data.get("sha256") != canonical_sha256(credential):
        report.add(
            "log",
            FAILED,
            gettext_noop("Log entry %(index)s records a different credential."),
            [
                problem(
                    "log-mismatch",
                    gettext_noop(
                        "Log entry %(index)s records another SHA-256 for this credential: the "
                        "document differs from the one issued."
                    ),
                    index=entry_index,
                )
            ],
            index=entry_index,
        )
        return
    if _key_history_check(report, credential, entry_index):
        return
    checkpoint = audit.newest_checkpoint()
    if checkpoint is None or checkpoint.size <= entry_index:
        report.add(
            "log",
            PENDING,
            gettext_noop(
                "Recorded as log entry %(index)s; no signed checkpoint covers it yet (one is "
                "signed every few seconds)."
            ),
            index=entry_index,
        )
        return
    try:
        size = audit.prove_inclusion(issued, checkpoint)
    except audit.NotProven as error:
        report.add(
            "log",
            FAILED,
            gettext_noop("The inclusion proof of log entry %(index)s fails."),
            [
                problem(
                    "log-proof-error",
                    gettext_noop(
                        "Log entry %(index)s is not proven in checkpoint %(size)s: %(reason)s"
                    ),
                    index=entry_index,
                    size=checkpoint.size,
                    reason=str(error)[:200],
                )
            ],
            index=entry_index,
        )
        return
    report.add(
        "log",
        PASSED,
        gettext_noop(
            "Issuance recorded as log entry %(index)s, included in signed checkpoint %(size)s."
        ),
        index=entry_index,
        size=size,
    )


def _key_history_check(report: Report, credential: Mapping[str, Any], entry_index: int) -> bool:
    """Fail the log check (and say True) when the signing key was not authorised at the moment
    the issuance entered the audit log: after its rotation or retirement, from a declared
    compromise on, or before it took over. The log entry is the time anchor, never the proof's
    ``created``, which the signer chooses (see `minga.identity.didlogs.key_problem`)."""
    from minga.identity.didlogs import key_problem

    try:
        _, proof = dataintegrity.split_proof(credential)
    except dataintegrity.ProofError:
        return False  # the signature check reports it
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or "#" not in method:
        return False
    did, multikey = method.split("#", 1)
    found = key_problem(did, multikey, entry_index)
    if found is None:
        return False
    template, params = found
    report.add(
        "log",
        FAILED,
        gettext_noop("The key was not authorised when log entry %(index)s recorded the issuance."),
        [problem("INVALID_VERIFICATION_METHOD", template, **params)],
        index=entry_index,
    )
    return True
