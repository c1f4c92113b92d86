"""Checks 3 and 4: the Data Integrity proof (eddsa-rdfc-2022 or eddsa-jcs-2022) verifies
with the issuer's key, and the validity dates include the moment of verification."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .. import dataintegrity
from ..problems import gettext_noop, problem
from .report import FAILED, PASSED, SKIPPED, Report


def signature_check(
    report: Report, credential: Mapping[str, Any], public_key: Ed25519PublicKey | None
) -> None:
    if public_key is None:
        report.add("signature", SKIPPED, gettext_noop("Not checked: the issuer's key is unknown."))
        return
    try:
        dataintegrity.verify(credential, public_key=public_key)
    except dataintegrity.ProofError as error:
        report.add(
            "signature", FAILED, gettext_noop("The signature does not verify."), [error.problem]
        )
        return
    _, proof = dataintegrity.split_proof(credential)
    report.add(
        "signature",
        PASSED,
        gettext_noop("Valid %(suite)s signature."),
        suite=proof["cryptosuite"],
    )


def validity_check(report: Report, credential: Mapping[str, Any], now: datetime.datetime) -> None:
    valid_from = dataintegrity.parse_datetime(credential.get("validFrom"))
    valid_until = dataintegrity.parse_datetime(credential.get("validUntil"))
    if valid_from is not None and valid_from > now:
        report.add(
            "validity",
            FAILED,
            gettext_noop("Not valid before %(date)s."),
            [
                problem(
                    "not-yet-valid",
                    gettext_noop("The credential is valid from %(date)s, which has not come yet."),
                    date=credential["validFrom"],
                )
            ],
            date=credential["validFrom"],
        )
    elif valid_until is not None and valid_until <= now:
        report.add(
            "validity",
            FAILED,
            gettext_noop("Expired on %(date)s."),
            [
                problem(
                    "expired",
                    gettext_noop("The credential was valid until %(date)s."),
                    date=credential["validUntil"],
                )
            ],
            date=credential["validUntil"],
        )
    elif valid_until is not None:
        report.add(
            "validity",
            PASSED,
            gettext_noop("Valid from %(start)s until %(end)s."),
            start=credential.get("validFrom", "-"),
            end=credential["validUntil"],
        )
    else:
        report.add(
            "validity",
            PASSED,
            gettext_noop("Valid from %(start)s, with no end date."),
            start=credential.get("validFrom", "-"),
        )
