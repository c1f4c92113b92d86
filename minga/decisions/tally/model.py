"""What every counting method shares: the election, its ballots, the result and its rounds.

Candidates are numbered from 0 in the order of `Election.candidates`. A ballot's ranking is a
tuple of ranks, most preferred first; a rank is one candidate index, or a frozenset of two or more
indices the voter ranked equal. Candidates a ballot leaves out are ranked equal to each other and
below every candidate it ranks (what a truncated ballot means for Schulze; STV and IRV simply stop
there).

Counts are exact: whole numbers for plurality, approval, score, Schulze and IRV, fixed-point
integers for STV (see `stv`). No floating point is used anywhere a result depends on it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter
from typing import Any

Rank = int | frozenset[int]
Ranking = tuple[Rank, ...]
Tally = int | Decimal


class TallyError(ValueError):
    """An election that cannot be counted as asked (bad seats, bad candidate index...)."""


@dataclass(frozen=True, slots=True)
class Ballot:
    """`weight` identical ballots (1 for one voter) with the same ranking."""

    weight: int
    ranking: Ranking


@dataclass(slots=True)
class Election:
    """Candidates, seats and ballots, as read from a BLT file or built by the app.

    `withdrawn` candidates are struck from every ballot before counting. `tie_order` is the
    predetermined order used where the rules say "by lot" (see the package docstring); it lists
    every candidate index once and defaults to the order of `candidates`.
    """

    candidates: list[str]
    seats: int
    ballots: list[Ballot]
    withdrawn: frozenset[int] = frozenset()
    title: str = ""
    tie_order: tuple[int, ...] | None = None

    def validate(self) -> None:
        """Raise TallyError if anything would make a count meaningless."""
        self._grouped()

    def check_header(self) -> None:
        """Check the candidates, seats, withdrawn and tie order (not the ballots: see validate)."""
        n = len(self.candidates)
        if n == 0:
            raise TallyError("The election has no candidates.")
        if self.seats < 1:
            raise TallyError(f"The number of seats must be at least 1, not {self.seats}.")
        for c in self.withdrawn:
            if not 0 <= c < n:
                raise TallyError(f"Withdrawn candidate {c} is not one of the {n} candidates.")
        if self.tie_order is not None and sorted(self.tie_order) != list(range(n)):
            raise TallyError("The tie-break order must list every candidate exactly once.")

    def _grouped(self) -> dict[Ranking, int]:
        """Total weight per distinct ranking, every ballot checked (each ranking once)."""
        self.check_header()
        weights = list(map(attrgetter("weight"), self.ballots))
        groups: dict[Ranking, int]
        if weights.count(1) == len(weights):  # one ballot per voter: count at C speed
            groups = Counter(map(attrgetter("ranking"), self.ballots))
        else:
            groups = {}
            get = groups.get
            for ballot in self.ballots:
                ranking = ballot.ranking
                groups[ranking] = get(ranking, 0) + ballot.weight
        if weights and min(weights) < 1:
            number, ballot = next((i, b) for i, b in enumerate(self.ballots, 1) if b.weight < 1)
            raise TallyError(f"Ballot {number} has weight {ballot.weight}; it must be >= 1.")
        n = len(self.candidates)
        for ranking in groups:
            problem = _ranking_problem(ranking, n)
            if problem:
                number = next(i for i, b in enumerate(self.ballots, 1) if b.ranking == ranking)
                raise TallyError(f"Ballot {number} {problem}.")
        return groups

    def tie_positions(self) -> list[int]:
        """Position of each candidate in the tie-break order (lower comes first)."""
        order = self.tie_order if self.tie_order is not None else range(len(self.candidates))
        positions = [0] * len(self.candidates)
        for position, c in enumerate(order):
            positions[c] = position
        return positions

    def eligible(self) -> list[int]:
        return [c for c in range(len(self.candidates)) if c not in self.withdrawn]

    def prepared(self) -> list[tuple[int, Ranking]]:
        """Ballots grouped by ranking, withdrawn candidates struck and empty ballots dropped.

        Identical rankings are counted once with their total weight: real elections repeat
        rankings a lot, and every method then works per group rather than per voter. Groups keep
        the order in which each ranking first appears, so counts are reproducible. Raises
        TallyError on an invalid election (see `validate`).
        """
        groups = self._grouped()
        withdrawn = self.withdrawn
        if withdrawn:
            struck: dict[Ranking, int] = {}
            for ranking, weight in groups.items():
                ranking = strike(ranking, withdrawn)
                struck[ranking] = struck.get(ranking, 0) + weight
            groups = struck
        return [(weight, ranking) for ranking, weight in groups.items() if ranking]


def _ranking_problem(ranking: Ranking, n: int) -> str | None:
    if not ranking:
        return None
    try:  # the common case, a strict ranking, checked at C speed
        low, high = min(ranking), max(ranking)
        # Equal ranks are frozensets, which fail these comparisons: the TypeError sorts them out.
        if low >= 0 and high < n and len(set(ranking)) == len(ranking):  # type: ignore[operator]
            return None
    except TypeError:  # equal ranks (frozensets) or something that is not an index
        pass
    seen: set[int] = set()
    for rank in ranking:
        members = (rank,) if isinstance(rank, int) else tuple(rank)
        if not members:
            return "has an empty rank"
        for c in members:
            if not isinstance(c, int) or not 0 <= c < n:
                return f"ranks candidate {c}, not one of {n}"
            if c in seen:
                return f"ranks candidate {c} twice"
            seen.add(c)
    return None


def strike(ranking: Ranking, removed: frozenset[int] | set[int]) -> Ranking:
    """The ranking without the removed candidates (ranks left empty disappear)."""
    out: list[Rank] = []
    for rank in ranking:
        if isinstance(rank, int):
            if rank not in removed:
                out.append(rank)
        else:
            left = rank - removed
            if len(left) == 1:
                out.append(next(iter(left)))
            elif left:
                out.append(left)
    return tuple(out)


def rank_members(rank: Rank) -> Iterable[int]:
    return (rank,) if isinstance(rank, int) else sorted(rank)


@dataclass(slots=True)
class Round:
    """One step of a count, as it stood when the step was done.

    `votes` holds the tally of every candidate standing (withdrawn ones aside; excluded ones
    at 0) after the step; for Schulze it is empty and the matrices are in `detail`.
    `exhausted` is the value of ballots that could go no further, `lost` what truncation of
    transfer values discarded (Scottish STV) or what is held by no candidate (Meek's excess and
    display rounding). In every round of IRV and STV,
    sum(votes) + exhausted + lost == the total number of ballots, exactly.
    """

    number: int
    action: str
    subject: list[int] = field(default_factory=list)
    votes: dict[int, Tally] = field(default_factory=dict)
    exhausted: Tally = 0
    lost: Tally = 0
    quota: Tally | None = None
    elected: list[int] = field(default_factory=list)
    excluded: list[int] = field(default_factory=list)
    tie: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    def as_json(self, names: Sequence[str]) -> dict[str, Any]:
        out: dict[str, Any] = {"round": self.number, "action": self.action}
        if self.subject:
            out["candidates"] = [names[c] for c in self.subject]
        if self.votes:
            out["votes"] = {names[c]: _number(v) for c, v in self.votes.items()}
            out["exhausted"] = _number(self.exhausted)
            if self.lost:
                out["lost"] = _number(self.lost)
        if self.quota is not None:
            out["quota"] = _number(self.quota)
        if self.elected:
            out["elected"] = [names[c] for c in self.elected]
        if self.excluded:
            out["excluded"] = [names[c] for c in self.excluded]
        if self.tie:
            out["tie"] = self.tie
        for key, value in self.detail.items():
            out[key] = value
        return out


def _number(value: Tally) -> int | str:
    """Whole numbers stay JSON integers; exact decimals become strings (never floats)."""
    return format(value, "f") if isinstance(value, Decimal) else value


@dataclass(slots=True)
class Result:
    """The outcome of a count.

    `elected` lists candidate indices in order of election. `ranking` is a list of tiers (each a
    list of indices, tied candidates together) for the ranking methods (plurality, approval,
    score, Schulze), and None for IRV and STV. `rounds` is the transcript.
    """

    method: str
    seats: int
    candidates: list[str]
    ballots: int
    elected: list[int]
    ranking: list[list[int]] | None
    rounds: list[Round]
    title: str = ""

    @property
    def elected_names(self) -> list[str]:
        return [self.candidates[c] for c in self.elected]

    def as_json(self) -> dict[str, Any]:
        """The result in the shape `minga tally` prints (see DESIGN.md)."""
        names = self.candidates
        return {
            "method": self.method,
            "seats": self.seats,
            "candidates": list(names),
            "ballots": self.ballots,
            "elected": [names[c] for c in self.elected],
            "ranking": (
                None
                if self.ranking is None
                else [[names[c] for c in tier] for tier in self.ranking]
            ),
            "rounds": [r.as_json(names) for r in self.rounds],
        }


def order_tiers(totals: dict[int, int], tie_positions: Sequence[int]) -> list[list[int]]:
    """Candidates grouped by equal total, highest first; each tier in tie-break order."""
    tiers: dict[int, list[int]] = {}
    for c, total in totals.items():
        tiers.setdefault(total, []).append(c)
    return [
        sorted(tiers[total], key=tie_positions.__getitem__) for total in sorted(tiers, reverse=True)
    ]


def fill_seats(tiers: list[list[int]], seats: int) -> list[int]:
    """The first `seats` candidates of a ranking (ties already in tie-break order)."""
    return [c for tier in tiers for c in tier][:seats]


def break_tie(
    tied: Sequence[int],
    history: Sequence[Sequence[Tally]],
    *,
    lowest: bool,
    tie_positions: Sequence[int],
) -> tuple[int, str | None]:
    """Pick one of `tied` the way the Scottish Order (rules 49 and 51) does, and say how.

    Look back from the latest stage (`history[-1]`) to the first, keeping only the candidates
    with the fewest (`lowest`) or most votes at each stage; the first stage that leaves one
    decides. If they were equal at every stage, the decision falls on the candidate first in the
    tie-break order (the Order's "by lot", drawn in advance).
    """
    if len(tied) == 1:
        return tied[0], None
    left = list(tied)
    for number in range(len(history) - 1, -1, -1):
        stage = history[number]
        values = [stage[c] for c in left]
        best = min(values) if lowest else max(values)
        left = [c for c, v in zip(left, values, strict=True) if v == best]
        if len(left) == 1:
            return left[0], f"decided by the votes at stage {number + 1}"
    chosen = min(left, key=tie_positions.__getitem__)
    return chosen, "decided by the tie-break order"
