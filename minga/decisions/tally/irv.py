"""Instant-runoff voting (the alternative vote): one seat, exclusions one at a time.

Each ballot counts for its highest-ranked continuing candidate. A candidate with more than half
of the votes still in the count wins; otherwise the candidate with the fewest votes is excluded
and each of their ballots moves, whole, to its next continuing candidate, or is exhausted when
it names none. A tie for exclusion is decided by the votes at the most recent stage at which
the tied candidates differed, then by the tie-break order (see the package docstring).

Equal rankings: a rank naming several candidates, two or more of them continuing, gives no
single preference, so the ballot is exhausted there (or void, if that is its first preference);
when only one of them is still continuing the ballot counts for that one.

Ballots are grouped by ranking once; a group sits on its current candidate's pile, and an
exclusion only touches the excluded candidate's pile, so a count costs about as much as
reading the ballots once per exclusion of their holder.
"""

from __future__ import annotations

from .model import Election, Ranking, Result, Round, TallyError, break_tie

Entry = tuple[int, Ranking, int]  # weight, ranking, position of the current preference


def _next_live(ranking: Ranking, pos: int, live: list[bool]) -> tuple[int, int]:
    """(candidate, position) of the next continuing preference from pos, or (-1, -1)."""
    end = len(ranking)
    while pos < end:
        rank = ranking[pos]
        if isinstance(rank, int):
            if live[rank]:
                return rank, pos
        else:
            continuing = [c for c in rank if live[c]]
            if len(continuing) == 1:
                return continuing[0], pos
            if continuing:
                return -1, -1
        pos += 1
    return -1, -1


def irv(election: Election, seats: int = 1) -> Result:
    if seats != 1:
        raise TallyError(
            f"IRV fills one seat, not {seats}: count it with one seat, or use stv-scottish "
            "or stv-meek for several."
        )
    n = len(election.candidates)
    live = [False] * n
    for c in election.eligible():
        live[c] = True
    piles: list[list[Entry]] = [[] for _ in range(n)]
    votes = [0] * n
    void = 0
    for weight, ranking in election.prepared():
        c, pos = _next_live(ranking, 0, live)
        if c < 0:
            void += weight
        else:
            piles[c].append((weight, ranking, pos))
            votes[c] += weight
    total = sum(votes)
    positions = election.tie_positions()
    continuing = [c for c in range(n) if live[c]]
    standing = list(continuing)
    exhausted = 0
    history: list[list[int]] = []
    rounds: list[Round] = []
    subject: list[int] = []
    tie: str | None = None
    action = "first preferences"
    elected: list[int] = []
    while True:
        history.append(list(votes))
        record = Round(
            len(rounds) + 1,
            action,
            subject=subject,
            votes={c: votes[c] for c in standing},
            exhausted=exhausted,
            excluded=list(subject),
            tie=tie,
        )
        if void and not rounds:
            record.detail["void"] = void
        rounds.append(record)
        in_count = total - exhausted
        leader = max(continuing, key=lambda c: (votes[c], -positions[c]))
        if 2 * votes[leader] > in_count or len(continuing) == 1:
            elected = [leader]
            record.elected = [leader]
            break
        low = min(votes[c] for c in continuing)
        tied = [c for c in continuing if votes[c] == low]
        loser, tie = break_tie(tied, history, lowest=True, tie_positions=positions)
        live[loser] = False
        continuing.remove(loser)
        pile, piles[loser] = piles[loser], []
        votes[loser] = 0
        for weight, ranking, pos in pile:
            c, pos = _next_live(ranking, pos + 1, live)
            if c < 0:
                exhausted += weight
            else:
                piles[c].append((weight, ranking, pos))
                votes[c] += weight
        action, subject = "exclusion", [loser]
    return Result(
        method="irv",
        seats=1,
        candidates=list(election.candidates),
        ballots=total,
        elected=elected,
        ranking=None,
        rounds=rounds,
        title=election.title,
    )
