"""Verify a credential, check by check, and say precisely what is wrong.

`verify_credential` runs six checks in order and never raises, whatever it is
given:

1. **structure**: JSON within limits; VC Data Model 2.0 and, for Open Badges,
   the OB 3.0 required fields.
2. **issuer**: the issuer's DID resolves (this instance's did:web from the
   database, did:key offline, other hosts over HTTPS with time and size limits),
   and the proof's verification method is one of its assertion methods.
3. **signature**: the Data Integrity proof (eddsa-rdfc-2022 or eddsa-jcs-2022).
4. **validity**: ``validFrom`` has come and ``validUntil`` has not.
5. **status**: every Bitstring Status List entry, from a status list credential
   whose own proof is verified too (this instance's lists are read without HTTP).
6. **log**: for credentials issued here, the issuance entry in the audit log
   names this exact credential (SHA-256 of its RFC 8785 form) and is included in
   the latest signed checkpoint; "pending" until a checkpoint covers it.

A failed structure check skips the rest, and so does a failed issuer check for
the signature; the other checks run independently so the report lists every
problem at once. Problems are RFC 9457-style entries (:mod:`.problems`).

The package holds one module per concern: `report` (what a verification finds), `structure`,
`issuer` (keys from DID documents), `proofs` (signature and validity dates), `status` (status
lists, fetched and verified) and `inclusion` (the audit log). Callers import from the package.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from ..problems import gettext_noop, problem
from .inclusion import canonical_sha256, log_check, own_credential_uuid
from .issuer import issuer_check, issuer_key, once_each, resolve_did
from .proofs import signature_check, validity_check
from .report import CHECKS, FAILED, PASSED, PENDING, SKIPPED, Check, Failed, Report
from .status import (
    STATUS_LIST_CACHE,
    fetch_status_list,
    status_check,
    status_message_problems,
)
from .structure import (
    OB_TYPES,
    VC_V2_CONTEXT,
    as_list,
    issuer_id,
    parse_input,
    structure_problems,
)

__all__ = [
    "CHECKS",
    "FAILED",
    "PASSED",
    "PENDING",
    "SKIPPED",
    "STATUS_LIST_CACHE",
    "VC_V2_CONTEXT",
    "Check",
    "Failed",
    "Report",
    "canonical_sha256",
    "fetch_status_list",
    "issuer_key",
    "own_credential_uuid",
    "resolve_did",
    "status_message_problems",
    "structure_problems",
    "verify_credential",
]


def verify_credential(
    data: bytes | str | dict[str, Any],
    *,
    now: datetime.datetime | None = None,
    resolve: Callable[[str], dict[str, Any]] | None = None,
    fetch_status: Callable[[str], bytes] | None = None,
    check_log: bool = True,
) -> Report:
    """Verify a credential (JSON text, bytes, or an already parsed object); never raises."""
    report = Report()
    now = now or datetime.datetime.now(datetime.UTC)
    resolve = once_each(resolve or resolve_did)
    fetch = fetch_status or fetch_status_list
    credential = parse_input(report, data)
    if credential is None:
        return report
    report.credential = credential
    found = structure_problems(credential)
    if found:
        report.add("structure", FAILED, gettext_noop("The credential is not well formed."), found)
        for name in list(CHECKS)[1:]:
            report.add(name, SKIPPED, gettext_noop("Not checked: the structure is wrong."))
        return report
    report.add(
        "structure",
        PASSED,
        gettext_noop("Well-formed %(kind)s."),
        kind="Open Badge 3.0"
        if any(t in as_list(credential["type"]) for t in OB_TYPES)
        else "Verifiable Credential 2.0",
    )
    issuer = issuer_id(credential)
    public_key = issuer_check(report, credential, issuer, resolve)
    signature_check(report, credential, public_key)
    validity_check(report, credential, now)
    status_check(report, credential, issuer, now=now, resolve=resolve, fetch=fetch)
    if check_log:
        try:
            log_check(report, credential)
        except Exception as error:  # the database being away must not turn into a crash
            report.add(
                "log",
                FAILED,
                gettext_noop("The audit log could not be read."),
                [
                    problem(
                        "log-unavailable",
                        gettext_noop("The audit log could not be read: %(reason)s"),
                        reason=type(error).__name__,
                    )
                ],
            )
    return report
