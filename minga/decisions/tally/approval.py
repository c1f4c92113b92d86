"""Approval: each ballot approves every candidate it names; the most approvals win.

From a ranked ballot every ranked candidate is approved, whatever the rank.
"""

from __future__ import annotations

from .model import Election, Result, Round, fill_seats, order_tiers


def approval(election: Election, seats: int) -> Result:
    totals = {c: 0 for c in election.eligible()}
    counted = 0
    for weight, ranking in election.prepared():
        counted += weight
        for rank in ranking:
            if isinstance(rank, int):
                totals[rank] += weight
            else:
                for c in rank:
                    totals[c] += weight
    tiers = order_tiers(totals, election.tie_positions())
    elected = fill_seats(tiers, seats)
    return Result(
        method="approval",
        seats=seats,
        candidates=list(election.candidates),
        ballots=counted,
        elected=elected,
        ranking=tiers,
        rounds=[Round(1, "count", votes=dict(totals), elected=list(elected))],
        title=election.title,
    )
