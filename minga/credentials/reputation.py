"""Reputation: a published, deterministic score over verified credentials, nothing else.

Anyone can recompute a score from its public inputs (each credential names its id, issuer,
achievement and audit-log index, so it can be fetched and verified independently). There is
no hidden weighting, no clock and no randomness: the same inputs always give the same score,
whatever their order. This module has no Django imports; the profile pages feed it.

The formula (version ``minga-reputation-1``):

1. Only credentials that verified (signature, issuer, dates, status) are inputs.
2. A credential the subject *earned* is worth the points of its achievement type
   (``TYPE_POINTS``; any other type is worth ``DEFAULT_POINTS``), plus a rank bonus when it
   carries a rank: 3 for first place, 2 for second, 1 for third (``RANK_BONUS``).
3. The same achievement counts once: of several credentials for it, the one worth most
   (then the smallest credential id) counts, the others are worth 0.
4. Points from any one issuer count up to ``ISSUER_CAP``, so no cooperative can make
   someone's reputation alone. Within an issuer, credentials are taken from the most
   points down, then by credential id, until the cap is reached.
5. For a cooperative, each certificate it *issued* at the end of a training it ran is worth
   ``ISSUED_POINTS``, up to ``ISSUED_CAP`` in all.
6. The score is the sum.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

FORMULA = "minga-reputation-1"

TYPE_POINTS: Mapping[str, int] = {
    "Award": 5,
    "Certification": 4,
    "Competency": 4,
    "License": 4,
    "Certificate": 3,
    "CertificateOfCompletion": 3,
    "Course": 3,
    "LearningProgram": 3,
    "MicroCredential": 3,
    "Badge": 2,
    "Assessment": 2,
    "CommunityService": 2,
    "Membership": 1,
}
DEFAULT_POINTS = 1
RANK_BONUS: Mapping[int, int] = {1: 3, 2: 2, 3: 1}
ISSUER_CAP = 20
ISSUED_POINTS = 1
ISSUED_CAP = 50

EARNED = "earned"
ISSUED = "issued"
RELATIONS = (EARNED, ISSUED)


class InputError(ValueError):
    """The inputs are not a list of credential facts this formula understands."""


@dataclass(frozen=True, order=True)
class Input:
    """One verified credential, as the score sees it."""

    credential: str
    issuer: str
    achievement: str
    achievement_type: str
    relation: str = EARNED
    rank: int | None = None
    log_index: int | None = None


@dataclass(frozen=True)
class Line:
    """What one input is worth, and why (a rule of the formula, named in `reason`)."""

    credential: str
    relation: str
    points: int
    reason: str


@dataclass(frozen=True)
class Score:
    total: int
    lines: tuple[Line, ...]

    def as_dict(self) -> dict[str, Any]:
        return {"total": self.total, "lines": [asdict(line) for line in self.lines]}


def base_points(item: Input) -> int:
    """Rule 2: the points an earned credential is worth before rules 3 and 4."""
    points = TYPE_POINTS.get(item.achievement_type, DEFAULT_POINTS)
    if item.rank is not None:
        points += RANK_BONUS.get(item.rank, 0)
    return points


def score(inputs: Iterable[Input]) -> Score:
    """The score of a person or cooperative from its verified credentials."""
    items = sorted(set(inputs))
    for item in items:
        if item.relation not in RELATIONS:
            raise InputError(f"unknown relation {item.relation!r}")
    lines: dict[tuple[str, str], Line] = {}

    earned = [item for item in items if item.relation == EARNED]
    best: dict[tuple[str, str], Input] = {}
    for item in sorted(earned, key=lambda i: (-base_points(i), i.credential)):
        best.setdefault((item.issuer, item.achievement), item)
    counted_per_issuer: dict[str, int] = {}
    for item in sorted(earned, key=lambda i: (i.issuer, -base_points(i), i.credential)):
        if best[(item.issuer, item.achievement)] is not item:
            lines[(EARNED, item.credential)] = Line(item.credential, EARNED, 0, "same-achievement")
            continue
        so_far = counted_per_issuer.get(item.issuer, 0)
        points = min(base_points(item), ISSUER_CAP - so_far)
        counted_per_issuer[item.issuer] = so_far + points
        reason = "earned" if points == base_points(item) else "issuer-cap"
        lines[(EARNED, item.credential)] = Line(item.credential, EARNED, points, reason)

    issued_total = 0
    for item in (i for i in items if i.relation == ISSUED):
        points = min(ISSUED_POINTS, ISSUED_CAP - issued_total)
        issued_total += points
        reason = "issued" if points else "issued-cap"
        lines[(ISSUED, item.credential)] = Line(item.credential, ISSUED, points, reason)

    ordered = tuple(lines[key] for key in sorted(lines))
    return Score(total=sum(line.points for line in ordered), lines=ordered)


def formula() -> dict[str, Any]:
    """The formula's parameters, published beside every score."""
    return {
        "name": FORMULA,
        "type_points": dict(sorted(TYPE_POINTS.items())),
        "default_points": DEFAULT_POINTS,
        "rank_bonus": {str(rank): bonus for rank, bonus in sorted(RANK_BONUS.items())},
        "issuer_cap": ISSUER_CAP,
        "issued_points": ISSUED_POINTS,
        "issued_cap": ISSUED_CAP,
    }


def document(subject: str, inputs: Iterable[Input]) -> dict[str, Any]:
    """The public JSON of a score: subject, formula, every input and the result."""
    items = sorted(set(inputs))
    result = score(items)
    return {
        "subject": subject,
        "formula": formula(),
        "inputs": [asdict(item) for item in items],
        "score": result.total,
        "lines": result.as_dict()["lines"],
    }


def _input(raw: Any) -> Input:
    if not isinstance(raw, dict):
        raise InputError("each input is an object")
    fields = {"credential", "issuer", "achievement", "achievement_type"}
    for name in fields:
        if not isinstance(raw.get(name), str):
            raise InputError(f"input field {name!r} must be text")
    rank, log_index = raw.get("rank"), raw.get("log_index")
    for name, value in (("rank", rank), ("log_index", log_index)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise InputError(f"input field {name!r} must be a whole number or null")
    relation = raw.get("relation", EARNED)
    if relation not in RELATIONS:
        raise InputError(f"unknown relation {relation!r}")
    return Input(
        credential=raw["credential"],
        issuer=raw["issuer"],
        achievement=raw["achievement"],
        achievement_type=raw["achievement_type"],
        relation=relation,
        rank=rank,
        log_index=log_index,
    )


def recompute(text: str | bytes) -> int:
    """Recompute a score from a published document (its `inputs`), ignoring its `score`.

    Refuses a document made with another formula: its rules may differ.
    """
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as error:
        raise InputError(f"not JSON: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("inputs"), list):
        raise InputError("a reputation document is an object with a list of inputs")
    name = (
        (data.get("formula") or {}).get("name") if isinstance(data.get("formula"), dict) else None
    )
    if name != FORMULA:
        raise InputError(f"this is formula {FORMULA}, the document says {name!r}")
    return score(_input(raw) for raw in data["inputs"]).total
