"""Problems found while verifying a credential, as RFC 9457 problem details.

Pure module (no Django), so the Data Integrity and status list code can raise
them and the command line can print them without a database. Each problem has a
``type`` URI: the one a W3C specification defines where there is one (VC Data
Model 2.0, Data Integrity, Bitstring Status List), and a ``tag:`` URI of our own
otherwise. Titles and detail templates are English source strings marked with
``gettext_noop`` so that ``makemessages`` collects them; the web page and the
API translate them when they show them (:meth:`Problem.translated`), the JSON
report keeps English.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Problem", "ProblemType", "TYPES", "problem"]


def gettext_noop(message: str) -> str:
    """Mark a string for translation without translating it (Django's helper, without Django)."""
    return message


_VC = "https://www.w3.org/TR/vc-data-model#"
_SEC = "https://w3id.org/security#"
_STATUS = "https://www.w3.org/ns/credentials/status-list#"
_OURS = "tag:minga.coop,2026:problem:"


@dataclass(frozen=True)
class ProblemType:
    """A kind of problem: its URI and its short, translatable title."""

    name: str
    uri: str
    title: str


_DEFINITIONS = [
    ("PARSING_ERROR", _VC, gettext_noop("The credential cannot be read")),
    ("MALFORMED_VALUE_ERROR", _VC, gettext_noop("A field is missing or malformed")),
    ("RANGE_ERROR", _VC, gettext_noop("A value is out of range")),
    ("PROOF_VERIFICATION_ERROR", _SEC, gettext_noop("The signature does not verify")),
    ("PROOF_GENERATION_ERROR", _SEC, gettext_noop("The credential cannot be signed")),
    ("PROOF_TRANSFORMATION_ERROR", _SEC, gettext_noop("The credential cannot be canonicalised")),
    ("MALFORMED_PROOF_ERROR", _SEC, gettext_noop("The proof is malformed")),
    ("MISMATCHED_PROOF_PURPOSE_ERROR", _SEC, gettext_noop("The proof has the wrong purpose")),
    (
        "INVALID_VERIFICATION_METHOD",
        _SEC,
        gettext_noop("The signing key is not one of the issuer's"),
    ),
    ("STATUS_RETRIEVAL_ERROR", _STATUS, gettext_noop("The status list cannot be fetched")),
    ("STATUS_VERIFICATION_ERROR", _STATUS, gettext_noop("The status list does not verify")),
    ("STATUS_LIST_LENGTH_ERROR", _STATUS, gettext_noop("The status list is too short")),
    ("MALFORMED_STATUS_ERROR", _STATUS, gettext_noop("The status entry is malformed")),
    ("unknown-context", _OURS, gettext_noop("Unknown JSON-LD context")),
    ("input-too-large", _OURS, gettext_noop("The input is too large or too deeply nested")),
    ("issuer-unresolved", _OURS, gettext_noop("The issuer's DID cannot be resolved")),
    ("not-yet-valid", _OURS, gettext_noop("The credential is not valid yet")),
    ("expired", _OURS, gettext_noop("The credential has expired")),
    ("revoked", _OURS, gettext_noop("The credential has been revoked")),
    ("suspended", _OURS, gettext_noop("The credential is suspended")),
    ("not-in-log", _OURS, gettext_noop("The issuance is not in the audit log")),
    ("log-unavailable", _OURS, gettext_noop("The audit log cannot be read here")),
    ("log-mismatch", _OURS, gettext_noop("The audit log records a different credential")),
    ("log-proof-error", _OURS, gettext_noop("The audit log's inclusion proof fails")),
    ("digest-mismatch", _OURS, gettext_noop("The printed code does not match the credential")),
    ("status-message", _OURS, gettext_noop("The issuer has set a status on the credential")),
    ("name-mismatch", _OURS, gettext_noop("The printed name is not the holder's")),
]

TYPES: dict[str, ProblemType] = {
    name: ProblemType(name=name, uri=base + name, title=title) for name, base, title in _DEFINITIONS
}


@dataclass(frozen=True)
class Problem:
    """One problem: its type, the check that found it, and a detail with named parameters.

    ``template`` is an English sentence with ``%(name)s`` placeholders; keeping
    it apart from ``params`` lets each reader's language fill it in.
    """

    type: ProblemType
    template: str
    params: Mapping[str, Any] = field(default_factory=dict)
    check: str = ""

    @property
    def detail(self) -> str:
        return _fill(self.template, self.params)

    def as_json(self) -> dict[str, Any]:
        """The RFC 9457 members (type, title, detail) plus the check that failed."""
        entry = {"type": self.type.uri, "title": self.type.title, "detail": self.detail}
        if self.check:
            entry["check"] = self.check
        return entry

    def translated(
        self, gettext: Callable[[str], str], show: Callable[[str, Any], Any] | None = None
    ) -> dict[str, Any]:
        """Like :meth:`as_json`, with the title and detail in the language ``gettext`` speaks;
        ``show(name, value)``, when given, writes each parameter for a reader (a date in
        words rather than as a timestamp)."""
        entry = self.as_json()
        entry["title"] = gettext(self.type.title)
        entry["detail"] = _fill(gettext(self.template), shown(self.params, show))
        return entry

    def with_check(self, check: str) -> Problem:
        return Problem(self.type, self.template, self.params, check)

    def __str__(self) -> str:
        return f"{self.type.title}: {self.detail}"


def shown(params: Mapping[str, Any], show: Callable[[str, Any], Any] | None) -> Mapping[str, Any]:
    """``params`` as ``show`` writes them for a reader (unchanged without ``show``)."""
    return {name: show(name, value) for name, value in params.items()} if show else params


def _fill(template: str, params: Mapping[str, Any]) -> str:
    try:
        return template % dict(params) if params else template
    except (KeyError, ValueError, TypeError):
        # A translation with a broken placeholder must not hide the problem itself.
        return template


def problem(name: str, template: str, **params: Any) -> Problem:
    """Build a problem of the type called ``name`` (one of :data:`TYPES`)."""
    return Problem(TYPES[name], template, params)
