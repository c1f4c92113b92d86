"""How a jury's work becomes a ranking: assignment, normalisation and tie-breaks.

Pure functions on plain values (ids, numbers, sets), with no Django imports, so they can be
tested with generated inputs and benchmarked alone. Everything here is deterministic: the
same inputs, in any order, give the same output.

Assignment (`assign`)
    Each proposal gets `per_proposal` jurors (at least 3, as MLH and Devpost advise). A juror
    never gets a proposal they are in conflict with: a conflict is any shared affiliation
    between the juror and a member of the team, where a person's affiliations are their
    active cooperatives and the person themselves (so nobody judges their own team). The
    most constrained proposals (fewest jurors without a conflict) are served first, each
    taking the eligible jurors with the lightest load so far, lowest id first on equal load.
    With no conflicts, loads differ by at most one. A proposal with too few jurors without a
    conflict is reported, with how many it has, instead of being half-served silently.

Normalisation (`standings`)
    Jurors differ: one gives 4 and 5 to everything, another rarely goes above 3. Each juror's
    scores (all criteria pooled) are turned into z-scores: z = (score - juror's mean) / juror's
    standard deviation (population). A juror who gave the same score to everything says
    nothing about the order of proposals: their z-scores are 0. For each proposal and
    criterion, the z-scores of its jurors are averaged; the proposal's score is the weighted
    mean of those averages with the rubric's weights. The raw weighted mean, on the rubric's
    own scale, is kept beside it for reading and as the first tie-break.

Ties (`standings`)
    Scores are compared rounded to 9 decimals, so float noise never decides. Among proposals
    with the same score, the order is: higher raw weighted mean; then more criteria won (a
    criterion is won by whoever has the highest normalised mean on it among the tied
    proposals; equal highest means all of them win it); then the earlier submission (the
    version the jury saw); then the lower proposal id, which is the order proposals were
    first saved. Ranks are therefore 1, 2, 3... with no shared rank, and each standing says
    which rule separated it from the one above.

Members' choice (`approval_ranking`)
    Approval counts, highest first; equal counts share a rank (1, 2, 2, 4).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from minga.decisions import tally

PLACES = 9  # decimals kept when comparing scores

# Which rule put a standing below the one above it (None: a strictly lower score).
TIE_RAW = "raw"
TIE_CRITERIA = "criteria"
TIE_SUBMITTED = "submitted"
TIE_ORDER = "order"


# --- assignment ---


def in_conflict(juror: frozenset[Hashable], team: frozenset[Hashable]) -> bool:
    """Whether a juror with these affiliations may not judge a team with these."""
    return not juror.isdisjoint(team)


@dataclass
class Plan:
    """What `assign` decided: the new (juror, proposal) pairs, loads, and what fell short."""

    new: list[tuple[int, int]] = field(default_factory=list)
    kept: list[tuple[int, int]] = field(default_factory=list)
    dropped: list[tuple[int, int]] = field(default_factory=list)
    load: dict[int, int] = field(default_factory=dict)
    # proposal -> number of jurors without a conflict, for proposals left with too few.
    short: dict[int, int] = field(default_factory=dict)

    @property
    def pairs(self) -> list[tuple[int, int]]:
        return sorted(self.kept + self.new)


def assign(
    *,
    jurors: Mapping[int, frozenset[Hashable]],
    teams: Mapping[int, frozenset[Hashable]],
    per_proposal: int = 3,
    existing: Iterable[tuple[int, int]] = (),
    locked: Iterable[tuple[int, int]] = (),
) -> Plan:
    """Give each proposal `per_proposal` jurors without a conflict, balancing the load.

    `jurors` maps a juror id to their affiliations, `teams` a proposal id to its team's.
    `existing` pairs (juror, proposal) are kept unless they are now in conflict or point at
    someone or something gone; `locked` pairs (already scored) are kept whatever happens.
    """
    if per_proposal < 1:
        raise ValueError("per_proposal must be at least 1")
    locked = {pair for pair in locked if pair[0] in jurors and pair[1] in teams}
    plan = Plan()
    assigned: dict[int, set[int]] = {proposal: set() for proposal in teams}
    for juror, proposal in sorted(set(existing) | locked):
        if juror not in jurors or proposal not in teams:
            continue
        if (juror, proposal) not in locked and in_conflict(jurors[juror], teams[proposal]):
            plan.dropped.append((juror, proposal))
            continue
        assigned[proposal].add(juror)
        plan.kept.append((juror, proposal))
    load = Counter({juror: 0 for juror in jurors})
    for juror, _proposal in plan.kept:
        load[juror] += 1
    eligible = {
        proposal: [j for j in sorted(jurors) if not in_conflict(jurors[j], affiliations)]
        for proposal, affiliations in teams.items()
    }
    for proposal in sorted(teams, key=lambda p: (len(eligible[p]), p)):
        missing = per_proposal - len(assigned[proposal])
        if missing > 0:
            candidates = [j for j in eligible[proposal] if j not in assigned[proposal]]
            candidates.sort(key=lambda j: (load[j], j))
            for juror in candidates[:missing]:
                assigned[proposal].add(juror)
                load[juror] += 1
                plan.new.append((juror, proposal))
        if len(assigned[proposal]) < per_proposal:
            plan.short[proposal] = len(eligible[proposal])
    plan.new.sort()
    plan.load = dict(sorted(load.items()))
    return plan


# --- normalisation and ranking ---


class Mark(NamedTuple):
    """One juror's score of one proposal on one criterion (a tuple: cheap to build and hash)."""

    juror: int
    proposal: int
    criterion: int
    value: float


@dataclass
class Standing:
    proposal: int
    rank: int
    score: float  # weighted mean of normalised criterion means (0 = an average proposal)
    raw: float  # weighted mean of raw criterion means, on the rubric's scale
    criteria: dict[int, float]  # raw mean per criterion
    normalised: dict[int, float]  # normalised mean per criterion
    jurors: int
    criteria_won: int = 0
    tie_break: str | None = None


def z_scores(marks: Iterable[Mark]) -> dict[Mark, float]:
    """Each mark as a z-score within its juror's marks (0 for a juror with no spread)."""
    by_juror: dict[int, list[Mark]] = defaultdict(list)
    for mark in marks:
        by_juror[mark.juror].append(mark)
    result: dict[Mark, float] = {}
    for juror in sorted(by_juror):
        own = sorted(by_juror[juror], key=lambda m: (m.proposal, m.criterion))
        values = [m.value for m in own]
        mean = math.fsum(values) / len(values)
        spread = math.sqrt(math.fsum((v - mean) ** 2 for v in values) / len(values))
        for mark in own:
            result[mark] = 0.0 if spread < 1e-12 else (mark.value - mean) / spread
    return result


def _weighted(means: Mapping[int, float], weights: Mapping[int, float]) -> float:
    used = [c for c in sorted(means) if weights.get(c, 0) > 0]
    total = math.fsum(weights[c] for c in used)
    if not total:
        return 0.0
    return math.fsum(weights[c] * means[c] for c in used) / total


def _mean(values: list[float]) -> float:
    return math.fsum(values) / len(values)


def _key(value: float) -> float:
    return round(value, PLACES)


def standings(
    marks: Iterable[Mark],
    *,
    weights: Mapping[int, float],
    submitted: Mapping[int, object],
) -> list[Standing]:
    """Rank every proposal that has marks; see the module docstring for the rules.

    `weights` maps criterion id to weight (criteria not in it are ignored); `submitted` maps
    proposal id to something comparable (the instant of the version the jury saw).
    """
    marks = [m for m in marks if m.criterion in weights]
    z = z_scores(marks)
    raw_by: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    z_by: dict[int, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    jurors: dict[int, set[int]] = defaultdict(set)
    for mark in sorted(marks, key=lambda m: (m.proposal, m.criterion, m.juror)):
        raw_by[mark.proposal][mark.criterion].append(mark.value)
        z_by[mark.proposal][mark.criterion].append(z[mark])
        jurors[mark.proposal].add(mark.juror)
    rows = []
    for proposal in sorted(raw_by):
        criteria = {c: _mean(v) for c, v in sorted(raw_by[proposal].items())}
        normalised = {c: _mean(v) for c, v in sorted(z_by[proposal].items())}
        rows.append(
            Standing(
                proposal=proposal,
                rank=0,
                score=_weighted(normalised, weights),
                raw=_weighted(criteria, weights),
                criteria=criteria,
                normalised=normalised,
                jurors=len(jurors[proposal]),
            )
        )
    rows.sort(key=lambda s: (-_key(s.score), -_key(s.raw), s.proposal))
    ordered: list[Standing] = []
    start = 0
    while start < len(rows):
        end = start
        head = (_key(rows[start].score), _key(rows[start].raw))
        while end < len(rows) and (_key(rows[end].score), _key(rows[end].raw)) == head:
            end += 1
        group = rows[start:end]
        _count_criteria_won(group)
        group.sort(key=lambda s: (-s.criteria_won, _order(submitted, s.proposal), s.proposal))
        ordered.extend(group)
        start = end
    for position, standing in enumerate(ordered):
        standing.rank = position + 1
        if position:
            standing.tie_break = _separated_by(ordered[position - 1], standing, submitted)
    return ordered


def _order(submitted: Mapping[int, object], proposal: int) -> tuple:
    """Sort key for the submission instant: unknown instants come last."""
    value = submitted.get(proposal)
    return (value is None, value if value is not None else 0)


def _count_criteria_won(group: list[Standing]) -> None:
    if len(group) == 1:
        group[0].criteria_won = 0
        return
    criteria = sorted({c for s in group for c in s.normalised})
    for standing in group:
        standing.criteria_won = 0
    for criterion in criteria:
        values = [_key(s.normalised[criterion]) for s in group if criterion in s.normalised]
        best = max(values)
        for standing in group:
            if criterion in standing.normalised and _key(standing.normalised[criterion]) == best:
                standing.criteria_won += 1


def _separated_by(above: Standing, below: Standing, submitted: Mapping[int, object]) -> str | None:
    if _key(above.score) != _key(below.score):
        return None
    if _key(above.raw) != _key(below.raw):
        return TIE_RAW
    if above.criteria_won != below.criteria_won:
        return TIE_CRITERIA
    if _order(submitted, above.proposal) != _order(submitted, below.proposal):
        return TIE_SUBMITTED
    return TIE_ORDER


# --- members' choice ---


def approval_ranking(counts: Mapping[int, int]) -> list[tuple[int, int, int]]:
    """(proposal, approvals, rank), most approvals first; equal counts share a rank.

    Counted by the decisions tally engine's approval method, like every other vote on the
    platform: each proposal's approvals are one weighted ballot for it, proposals are listed by
    id, so ties are listed lowest id first (the engine's tie-break order).
    """
    if not counts:
        return []
    proposals = sorted(counts)
    election = tally.Election(
        candidates=[str(proposal) for proposal in proposals],
        seats=1,
        ballots=[
            tally.Ballot(counts[proposal], (index,))
            for index, proposal in enumerate(proposals)
            if counts[proposal] > 0
        ],
    )
    totals = dict.fromkeys(range(len(proposals)), 0)
    tiers = [list(range(len(proposals)))]  # nobody approved anything: all share rank 1
    if election.ballots:
        counted = tally.count("approval", election)
        totals.update({index: int(votes) for index, votes in counted.rounds[0].votes.items()})
        tiers = counted.ranking or []
    result: list[tuple[int, int, int]] = []
    for tier in tiers:
        rank = len(result) + 1
        for index in tier:
            result.append((proposals[index], totals[index], rank))
    return result


def winners(ranked: Sequence[Standing], prizes: int) -> list[Standing]:
    """The standings that win a prize: one per prize, in rank order (one when no prizes)."""
    return list(ranked[: max(prizes, 1)])
