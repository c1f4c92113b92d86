"""Meek STV, as Droop's `meek` rule counts it (Hill, Wichmann and Woodall, Algorithm 123, 1987).

Every continuing candidate has a keep factor (1 for hopeful candidates, 0 once excluded). Each
ballot gives each candidate it ranks, in order, the keep factor's share of the weight it still
carries, and passes the rest on. The quota is (votes held by candidates) / (seats + 1), so it
falls as ballots exhaust. Between exclusions the count iterates: elected candidates' keep
factors are set to keep x quota / votes until the total surplus is below omega (10^-9), stops
falling, or a candidate is elected. A candidate whose votes exceed the quota is elected.

Exclusions: when iteration ends without an election, every candidate in the largest group of
"certain losers" (whose votes together with the surplus are below the next candidate's, and
who would leave enough candidates for the seats) is excluded at once; otherwise the candidate
with the fewest votes is excluded, candidates within the surplus of the lowest counting as
tied, and a tie is decided by the tie-break order (the first in that order is excluded).
Candidates elected in the same iteration are listed in candidate order.

Arithmetic: "guarded" fixed point as in Droop, integers in units of 10^-27 with 18 places of
precision and 9 guard digits; two values closer than half a unit of the 18th place compare
equal. Products and quotients round down. This gives Droop's guarded results exactly (the
tests compare them), which agree with Droop's exact rational counts on its reference files.

Equal rankings: a ballot's weight at a rank naming several continuing candidates is split
equally between them, and each passes its remainder on to the next rank.

Round votes are shown to 9 decimal places; `exhausted` is the weight left on ballots that rank
no further continuing candidate and `lost` what rounding and display leave held by nobody.
"""

from __future__ import annotations

import functools
from decimal import Decimal

from .model import Election, Ranking, Result, Round, Tally

ONE = 10**27
GEPS = 10**9 // 2  # half a unit of the 18th decimal place: closer values compare equal
OMEGA = 10**18  # 10^-9
SHOWN = 10**18  # display 9 places


def _cmp(a: int, b: int) -> int:
    d = a - b
    if -GEPS < d < GEPS:
        return 0
    return 1 if d > 0 else -1


def _shown(value: int) -> Decimal:
    return Decimal((value + SHOWN // 2) // SHOWN).scaleb(-9)


class _Count:
    def __init__(self, election: Election, seats: int) -> None:
        self.n = len(election.candidates)
        self.groups: list[tuple[int, Ranking]] = election.prepared()
        self.seats = seats
        self.positions = election.tie_positions()
        self.hopeful = set(election.eligible())
        self.elected: list[int] = []
        self.kf = [0] * self.n
        for c in self.hopeful:
            self.kf[c] = ONE
        self.votes = [0] * self.n
        self.nballots = sum(count for count, _ in self.groups)
        self.exhausted = 0
        self.quota = self.nballots * ONE // (seats + 1)
        self.surplus = 0

    # --- distribution -----------------------------------------------------------------

    def distribute(self) -> None:
        kf = self.kf
        votes = [0] * self.n
        exhausted = 0
        for count, ranking in self.groups:
            weight = ONE
            for i, rank in enumerate(ranking):
                if isinstance(rank, int):
                    k = kf[rank]
                    if k:
                        votes[rank] += weight * k // ONE * count
                        weight = weight * (ONE - k) // ONE
                        if weight < GEPS:
                            break
                else:
                    exhausted += self._split(ranking, i, weight, count, votes)
                    break
            else:
                exhausted += weight * count
        self.votes = votes
        self.exhausted = exhausted

    def _split(self, ranking: Ranking, i: int, weight: int, count: int, votes: list[int]) -> int:
        """Distribute from an equal rank onwards; return the weight that goes nowhere."""
        kf = self.kf
        while i < len(ranking):
            rank = ranking[i]
            members = [rank] if isinstance(rank, int) else sorted(rank)
            live = [c for c in members if kf[c]]
            if live:
                share = weight // len(live)
                left = 0
                for c in live:
                    votes[c] += share * kf[c] // ONE * count
                    rest = share * (ONE - kf[c]) // ONE
                    if rest >= GEPS:
                        left += self._split(ranking, i + 1, rest, count, votes)
                return left
            i += 1
        return weight * count

    # --- the count --------------------------------------------------------------------

    def seats_left(self) -> int:
        return self.seats - len(self.elected)

    def complete(self) -> bool:
        return len(self.hopeful) <= self.seats_left() or self.seats_left() <= 0

    def by_vote(self) -> list[int]:
        votes = self.votes

        def compare(a: int, b: int) -> int:
            return _cmp(votes[a], votes[b]) or (a - b)

        return sorted(sorted(self.hopeful), key=functools.cmp_to_key(compare))

    def batch(self) -> list[int]:
        """Droop's 'safe' batch: the most low candidates that surely lose."""
        votes, surplus = self.votes, self.surplus
        groups: list[list[int]] = []
        group: list[int] = []
        base = 0
        for c in self.by_vote():
            if _cmp(base + surplus, votes[c]) >= 0:
                group.append(c)
            else:
                if group:
                    groups.append(group)
                group, base = [c], votes[c]
        if group:
            groups.append(group)
        most = len(self.hopeful) - self.seats_left()
        total, chosen, size = 0, None, 0
        for g in range(len(groups) - 1):
            size += len(groups[g])
            if size > most:
                break
            total += sum(votes[c] for c in groups[g])
            if _cmp(total + surplus, votes[groups[g + 1][0]]) < 0:
                chosen = g
        if chosen is None:
            return []
        return [c for g in groups[: chosen + 1] for c in g]

    def iterate(self) -> tuple[str, list[int]]:
        last = self.nballots * ONE
        while True:
            self.distribute()
            total = sum(self.votes[c] for c in (*self.hopeful, *self.elected))
            self.quota = total // (self.seats + 1)
            newly = [c for c in sorted(self.hopeful) if _cmp(self.votes[c], self.quota) > 0]
            for c in newly:
                self.hopeful.discard(c)
                self.elected.append(c)
            self.surplus = sum(self.votes[c] - self.quota for c in self.elected)
            if newly:
                return "elected", newly
            if _cmp(self.surplus, OMEGA) <= 0:
                return "omega", []
            if _cmp(self.surplus, last) >= 0:
                return "stable", []
            batch = self.batch()
            if batch:
                return "batch", batch
            last = self.surplus
            for c in self.elected:
                self.kf[c] = self.kf[c] * self.quota // ONE * ONE // self.votes[c]

    def exclude(self, c: int) -> None:
        self.hopeful.discard(c)
        self.kf[c] = 0
        self.votes[c] = 0


def meek(election: Election, seats: int) -> Result:
    m = _Count(election, seats)
    rounds: list[Round] = []
    total = m.nballots

    def record(action: str, subject: list[int], elected: list[int], excluded: list[int]) -> None:
        shown: dict[int, Tally] = {
            c: _shown(m.votes[c]) for c in range(m.n) if c not in election.withdrawn
        }
        exhausted = _shown(m.exhausted)
        rounds.append(
            Round(
                len(rounds) + 1,
                action,
                subject=subject,
                votes=shown,
                exhausted=exhausted,
                lost=Decimal(total) - sum(shown.values(), Decimal(0)) - exhausted,
                quota=_shown(m.quota),
                elected=elected,
                excluded=excluded,
            )
        )

    m.distribute()
    record("first preferences", [], [], [])
    while not m.complete():
        status, who = m.iterate()
        if status == "elected":
            record("election", who, who, [])
            continue
        if status == "batch":
            for c in who:
                m.exclude(c)
            m.distribute()
            record("exclusion", who, [], who)
            continue
        low = min(m.votes[c] for c in m.hopeful)
        tied = [c for c in sorted(m.hopeful) if _cmp(low + m.surplus, m.votes[c]) >= 0]
        loser = min(tied, key=m.positions.__getitem__)
        m.exclude(loser)
        m.distribute()
        record("exclusion", [loser], [], [loser])
        if len(tied) > 1:
            rounds[-1].tie = "decided by the tie-break order"
    remaining = sorted(m.hopeful)
    elected_now, excluded_now = [], []
    for c in remaining:
        if len(m.elected) < seats:
            m.hopeful.discard(c)
            m.elected.append(c)
            elected_now.append(c)
        else:
            m.exclude(c)
            excluded_now.append(c)
    if remaining:
        m.distribute()
        record("remaining", remaining, elected_now, excluded_now)
    return Result(
        method="stv-meek",
        seats=seats,
        candidates=list(election.candidates),
        ballots=total,
        elected=list(m.elected),
        ranking=None,
        rounds=rounds,
        title=election.title,
    )
