"""Scottish STV: the Scottish Local Government Elections Order 2007 (SSI 2007/42), rules 45-52.

* Quota (rule 46): floor(valid ballots / (seats + 1)) + 1.
* A candidate whose votes reach the quota is elected (rule 47); candidates elected at the same
  stage are listed by votes, highest first (equal votes: the later-listed candidate first, as
  Droop lists them).
* Surpluses are transferred one at a time, the largest first (rule 49); each ballot paper's new
  value is (surplus x its value when received) / the candidate's total, truncated to five
  decimal places (rule 48(3)); the elected candidate keeps exactly the quota, and what
  truncation drops is reported as `lost`.
* When no surplus is left to transfer, the candidate with the fewest votes is excluded and their
  papers move at the value they had (rule 50).
* Ties for the largest surplus or for exclusion look back to the most recent stage at which the
  tied candidates had unequal votes (rules 49(2), 51(2)); if they were always equal the Order
  says "by lot": here the tie-break order decides (the candidate first in that order is the
  one whose surplus goes first, or who is excluded). Droop does the same.
* When the continuing candidates are no more than the seats left, they are all elected and no
  further transfer is made (rule 52); they are listed in candidate order.

Values are integers in units of 0.00001 vote, so every step is exact. Equal rankings do not
exist in the Order: a rank naming two or more continuing candidates makes the paper
non-transferable at that point, or void when it is the first preference.

This reproduces Droop's `scotland` rule (reference counts of the 21 Glasgow 2007 wards and
Droop's tie cases are in the tests).
"""

from __future__ import annotations

from decimal import Decimal

from .irv import _next_live
from .model import Election, Ranking, Result, Round, Tally, break_tie

SCALE = 100_000  # five decimal places
Parcel = list[tuple[int, Ranking, int]]  # (ballots, ranking, position of current preference)

HOPEFUL, PENDING, ELECTED, EXCLUDED, WITHDRAWN = range(5)


def _decimal(value: int) -> Decimal:
    return Decimal(value).scaleb(-5)


def scottish(election: Election, seats: int) -> Result:
    n = len(election.candidates)
    state = [WITHDRAWN] * n
    for c in election.eligible():
        state[c] = HOPEFUL
    live = [s == HOPEFUL for s in state]
    # piles[c]: ballot value (scaled) -> the groups of papers held at that value
    piles: list[dict[int, Parcel]] = [{} for _ in range(n)]
    votes = [0] * n
    void = 0
    for count, ranking in election.prepared():
        c, pos = _next_live(ranking, 0, live)
        if c < 0:
            void += count
            continue
        piles[c].setdefault(SCALE, []).append((count, ranking, pos))
        votes[c] += count * SCALE
    valid = sum(votes) // SCALE
    quota = (valid // (seats + 1) + 1) * SCALE
    positions = election.tie_positions()
    exhausted = lost = 0
    elected: list[int] = []
    history: list[list[int]] = []
    rounds: list[Round] = []

    def record(action: str, subject: list[int], tie: str | None) -> Round:
        shown: dict[int, Tally] = {c: _decimal(votes[c]) for c in range(n) if state[c] != WITHDRAWN}
        r = Round(
            len(rounds) + 1,
            action,
            subject=subject,
            votes=shown,
            exhausted=_decimal(exhausted),
            lost=_decimal(lost),
            quota=_decimal(quota),
            tie=tie,
        )
        if action == "exclusion":
            r.excluded = list(subject)
        rounds.append(r)
        return r

    def seats_left() -> int:
        return seats - len(elected)

    def complete() -> bool:
        return seats_left() <= 0 or state.count(HOPEFUL) <= seats_left()

    def transfer(parcels: dict[int, Parcel], new_value: dict[int, int]) -> int:
        """Move papers to their next continuing preference; return the value moved."""
        nonlocal exhausted
        moved = 0
        for value, parcel in parcels.items():
            value = new_value.get(value, value)
            if not value:
                continue
            for count, ranking, pos in parcel:
                c, pos = _next_live(ranking, pos + 1, live)
                if c < 0:
                    exhausted += count * value
                else:
                    piles[c].setdefault(value, []).append((count, ranking, pos))
                    votes[c] += count * value
                moved += count * value
        return moved

    current = record("first preferences", [], None)
    if void:
        current.detail["void"] = void
    while True:
        reached = [c for c in range(n) if state[c] == HOPEFUL and votes[c] >= quota]
        for c in sorted(reached, key=lambda c: (votes[c], c), reverse=True):
            state[c] = PENDING
            live[c] = False
            elected.append(c)
            current.elected.append(c)
        if complete():
            break
        history.append(list(votes))
        pending = [c for c in range(n) if state[c] == PENDING]
        if pending:
            high = max(votes[c] for c in pending)
            tied = [c for c in pending if votes[c] == high]
            chosen, tie = break_tie(tied, history, lowest=False, tie_positions=positions)
            surplus = votes[chosen] - quota
            total = votes[chosen]
            parcels, piles[chosen] = piles[chosen], {}
            new_value = {value: value * surplus // total for value in parcels}
            moved = transfer(parcels, new_value)
            lost += surplus - moved
            votes[chosen] = quota
            state[chosen] = ELECTED
            current = record("surplus", [chosen], tie)
            continue
        hopeful = [c for c in range(n) if state[c] == HOPEFUL]
        low = min(votes[c] for c in hopeful)
        tied = [c for c in hopeful if votes[c] == low]
        chosen, tie = break_tie(tied, history, lowest=True, tie_positions=positions)
        state[chosen] = EXCLUDED
        live[chosen] = False
        parcels, piles[chosen] = piles[chosen], {}
        transfer(parcels, {})
        votes[chosen] = 0
        current = record("exclusion", [chosen], tie)
        if complete():
            break
    if seats_left() > 0:
        for c in range(n):
            if state[c] == HOPEFUL:
                state[c] = ELECTED
                elected.append(c)
                current.elected.append(c)
    return Result(
        method="stv-scottish",
        seats=seats,
        candidates=list(election.candidates),
        ballots=valid,
        elected=elected,
        ranking=None,
        rounds=rounds,
        title=election.title,
    )
