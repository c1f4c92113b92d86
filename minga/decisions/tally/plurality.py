"""Plurality: each ballot counts for its first preference; the most votes win the seats.

From a ranked ballot only the first rank is read. A ballot that ranks two or more candidates
equal first names no single choice and is set aside as void (reported as `exhausted`).
"""

from __future__ import annotations

from .model import Election, Result, Round, fill_seats, order_tiers


def plurality(election: Election, seats: int) -> Result:
    totals = {c: 0 for c in election.eligible()}
    void = 0
    counted = 0
    for weight, ranking in election.prepared():
        first = ranking[0]
        counted += weight
        if isinstance(first, int):
            totals[first] += weight
        else:
            void += weight
    tiers = order_tiers(totals, election.tie_positions())
    elected = fill_seats(tiers, seats)
    return Result(
        method="plurality",
        seats=seats,
        candidates=list(election.candidates),
        ballots=counted,
        elected=elected,
        ranking=tiers,
        rounds=[Round(1, "count", votes=dict(totals), exhausted=void, elected=list(elected))],
        title=election.title,
    )
