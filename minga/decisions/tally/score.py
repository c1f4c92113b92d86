"""Score (range) voting: each voter gives each candidate a whole-number score; highest total wins.

BLT files carry ranks, not scores, so score ballots come from the app: one mapping
{candidate index: score} per voter. A candidate a voter did not score gets 0 from that voter.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from .model import Result, Round, TallyError, fill_seats, order_tiers


def score(
    candidates: Sequence[str],
    scores: Iterable[Mapping[int, int]],
    *,
    seats: int = 1,
    title: str = "",
    tie_order: Sequence[int] | None = None,
    max_score: int | None = None,
) -> Result:
    """Count score ballots. Ties are broken by `tie_order` (default: the candidates' order)."""
    n = len(candidates)
    if n == 0:
        raise TallyError("The election has no candidates.")
    if seats < 1:
        raise TallyError(f"The number of seats must be at least 1, not {seats}.")
    order = list(tie_order) if tie_order is not None else list(range(n))
    if sorted(order) != list(range(n)):
        raise TallyError("The tie-break order must list every candidate exactly once.")
    positions = [0] * n
    for position, c in enumerate(order):
        positions[c] = position
    totals = dict.fromkeys(range(n), 0)
    voters = 0
    for number, ballot in enumerate(scores, 1):
        voters += 1
        for c, value in ballot.items():
            if not 0 <= c < n:
                raise TallyError(f"Ballot {number} scores candidate {c}, not one of {n}.")
            if value < 0 or (max_score is not None and value > max_score):
                raise TallyError(f"Ballot {number} gives candidate {c} the score {value}.")
            totals[c] += value
    tiers = order_tiers(totals, positions)
    elected = fill_seats(tiers, seats)
    return Result(
        method="score",
        seats=seats,
        candidates=list(candidates),
        ballots=voters,
        elected=elected,
        ranking=tiers,
        rounds=[Round(1, "count", votes=dict(totals), elected=list(elected))],
        title=title,
    )
