"""The Schulze method (M. Schulze, "A new monotonic, clone-independent, reversal symmetric, and
Condorcet-consistent single-winner election method", Social Choice and Welfare 36, 2011).

d[X][Y] is the number of voters who rank X above Y; a ballot ranks the candidates it leaves out
equal to each other and below every candidate it ranks. The link X -> Y is as strong as:

* `schulze` (winning votes, the strength in Schulze's paper and in the Debian constitution,
  A.6): d[X][Y] when d[X][Y] > d[Y][X], else no link;
* `schulze-margin` (margins): d[X][Y] - d[Y][X] when positive, else no link.

p[X][Y] is the strength of the strongest path from X to Y (the widest path, computed as in
the paper with a Floyd-Warshall pass). X ranks above Y when p[X][Y] > p[Y][X]; this relation is
transitive. The ranking is built tier by tier: each tier holds the candidates no remaining
candidate ranks above. Candidates in one tier are tied; a tie is broken by the tie-break order
(the first in that order goes first) where seats must be filled. With more than one seat the
first candidates of the ranking are elected (a ranking, not Schulze STV).
"""

from __future__ import annotations

from .model import Election, Ranking, Result, Round, fill_seats


def pairwise(groups: list[tuple[int, Ranking]], candidates: list[int]) -> list[list[int]]:
    """d as a matrix over `candidates` (indices into that list), from grouped ballots."""
    index = {c: i for i, c in enumerate(candidates)}
    m = len(candidates)
    d = [[0] * m for _ in range(m)]
    for weight, ranking in groups:
        level = [len(ranking)] * m  # unranked: below every rank
        for position, rank in enumerate(ranking):
            if isinstance(rank, int):
                level[index[rank]] = position
            else:
                for c in rank:
                    level[index[c]] = position
        for i in range(m):
            li = level[i]
            row = d[i]
            for j in range(m):
                if li < level[j]:
                    row[j] += weight
    return d


def strongest_paths(d: list[list[int]], margin: bool) -> list[list[int]]:
    m = len(d)
    p = [[0] * m for _ in range(m)]
    for i in range(m):
        for j in range(m):
            if i != j and d[i][j] > d[j][i]:
                p[i][j] = d[i][j] - d[j][i] if margin else d[i][j]
    for i in range(m):
        for j in range(m):
            if i == j:
                continue
            pji = p[j][i]
            if not pji:
                continue
            row = p[j]
            for k in range(m):
                if k != i and k != j:
                    via = min(pji, p[i][k])
                    if via > row[k]:
                        row[k] = via
    return p


def schulze(election: Election, seats: int, *, margin: bool = False) -> Result:
    candidates = election.eligible()
    positions = election.tie_positions()
    groups = election.prepared()
    d = pairwise(groups, candidates)
    p = strongest_paths(d, margin)
    remaining = list(range(len(candidates)))
    tiers: list[list[int]] = []
    while remaining:
        tier = [a for a in remaining if not any(p[b][a] > p[a][b] for b in remaining)]
        tiers.append(sorted((candidates[i] for i in tier), key=positions.__getitem__))
        remaining = [a for a in remaining if a not in tier]
    elected = fill_seats(tiers, seats)
    names = [election.candidates[c] for c in candidates]
    detail = {
        "pairwise": {
            names[i]: {names[j]: d[i][j] for j in range(len(names)) if j != i}
            for i in range(len(names))
        },
        "strongest_paths": {
            names[i]: {names[j]: p[i][j] for j in range(len(names)) if j != i}
            for i in range(len(names))
        },
    }
    ballots = sum(weight for weight, _ in groups)
    return Result(
        method="schulze-margin" if margin else "schulze",
        seats=seats,
        candidates=list(election.candidates),
        ballots=ballots,
        elected=elected,
        ranking=tiers,
        rounds=[Round(1, "pairwise", elected=list(elected), detail=detail)],
        title=election.title,
    )
