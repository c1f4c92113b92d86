"""What a verification reports: each check's outcome and the problems found, in order."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..problems import Problem, gettext_noop, shown

PASSED, FAILED, PENDING, SKIPPED = "passed", "failed", "pending", "skipped"

# name -> label shown to people (translated where shown).
CHECKS: dict[str, str] = {
    "structure": gettext_noop("Structure"),
    "issuer": gettext_noop("Issuer"),
    "signature": gettext_noop("Signature"),
    "validity": gettext_noop("Validity dates"),
    "status": gettext_noop("Revocation and suspension"),
    "log": gettext_noop("Audit log"),
}

STATUS_LABELS = {
    PASSED: gettext_noop("passed"),
    FAILED: gettext_noop("failed"),
    PENDING: gettext_noop("pending"),
    SKIPPED: gettext_noop("skipped"),
}


def _fill(template: str, params: Mapping[str, Any]) -> str:
    try:
        return template % dict(params) if params else template
    except (KeyError, ValueError, TypeError):
        return template


@dataclass(frozen=True)
class Check:
    """One check's outcome; iterates as (name, status, detail)."""

    name: str
    status: str
    template: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def detail(self) -> str:
        return _fill(self.template, self.params)

    def __iter__(self) -> Iterator[str]:
        return iter((self.name, self.status, self.detail))

    def as_json(self) -> dict[str, str]:
        return {"check": self.name, "status": self.status, "detail": self.detail}

    def translated(
        self, gettext: Callable[[str], str], show: Callable[[str, Any], Any] | None = None
    ) -> dict[str, str]:
        return {
            "check": self.name,
            "label": gettext(CHECKS[self.name]),
            "status": self.status,
            "status_label": gettext(STATUS_LABELS[self.status]),
            "detail": _fill(gettext(self.template), shown(self.params, show)),
        }


@dataclass
class Report:
    """Everything a verification found: the checks run and the problems, in order."""

    checks: list[Check] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    credential: dict[str, Any] | None = None

    @property
    def is_valid(self) -> bool:
        return (
            bool(self.checks) and not self.problems and all(c.status != FAILED for c in self.checks)
        )

    @property
    def could_not_check(self) -> bool:
        """Not valid only because something could not be reached (the issuer's host, a status
        list, this instance's audit log), not because anything was found wrong: `minga
        credential verify` then exits 2, not 1."""
        out_of_reach = [found for found in self.problems if unreachable(found)]
        issuer_away = any(found.type.name == "issuer-unresolved" for found in out_of_reach)
        # A status list cannot be checked against an issuer that cannot be reached either.
        return bool(out_of_reach) and all(
            found in out_of_reach
            or (issuer_away and found.type.name == "STATUS_VERIFICATION_ERROR")
            for found in self.problems
        )

    @property
    def credential_id(self) -> str | None:
        value = (self.credential or {}).get("id")
        return value if isinstance(value, str) else None

    def as_json(self) -> dict[str, Any]:
        return {
            "verified": self.is_valid,
            "credential": self.credential_id,
            "checks": [check.as_json() for check in self.checks],
            "problems": [entry.as_json() for entry in self.problems],
        }

    def translated(
        self, gettext: Callable[[str], str], show: Callable[[str, Any], Any] | None = None
    ) -> dict[str, Any]:
        """The report in the language ``gettext`` speaks, parameters written by ``show`` (see
        `Problem.translated`)."""
        return {
            "verified": self.is_valid,
            "credential": self.credential_id,
            "checks": [check.translated(gettext, show) for check in self.checks],
            "problems": [entry.translated(gettext, show) for entry in self.problems],
        }

    def add(
        self, name: str, status: str, template: str, found: Sequence[Problem] = (), **params: Any
    ) -> None:
        self.checks.append(Check(name, status, template, params))
        self.problems.extend(entry.with_check(name) for entry in found)


class Failed(Exception):
    """A check found problems; carries them to the report."""

    def __init__(self, *found: Problem) -> None:
        super().__init__(str(found[0]) if found else "failed")
        self.problems = list(found)


UNREACHABLE = {"STATUS_RETRIEVAL_ERROR", "log-unavailable"}


def unreachable(found: Problem) -> bool:
    """Whether `found` says something could not be reached, rather than found wrong."""
    if found.type.name == "issuer-unresolved":
        return found.params.get("code") == "internalError"  # the host, not the DID, failed
    return found.type.name in UNREACHABLE
