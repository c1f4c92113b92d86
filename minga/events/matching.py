"""Team-matching suggestions for people registered without a team (pure: no Django).

A suggestion groups people into teams of an allowed size and says why, balancing, in this
order of weight:

1. a shared working language: a team that cannot talk cannot work;
2. overlapping working hours, computed from each person's UTC offset, usual start hour and
   hours per day on a 30-minute grid around the clock;
3. skills that complement each other;
4. diversity of cooperatives and countries, so teams are inter-cooperative and global.

The method is greedy and deterministic: the hardest person to place (the one whose best
language is rarest) seeds each team, which is then filled one person at a time with whoever
raises the team's score most, among a shortlist of people who share a language with the seed
and live nearest in time. Shortlisting keeps 2,000 people well under a second per hundred
teams; a final pass swaps members between teams while that helps both.

Team sizes are planned first: as few teams as possible, each between the smallest and the
largest size, sizes differing by one at most. Only when no such split exists (say 5 people for
teams of 3 to 4) are some people left unmatched.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

SLOT_MINUTES = 30
SLOTS_PER_DAY = 24 * 60 // SLOT_MINUTES
SHORTLIST = 120
# Weights of the score's parts; each part is between 0 and 1.
W_LANGUAGE = 4.0
W_OVERLAP = 3.0
W_SKILLS = 2.0
W_COOPS = 1.0
W_COUNTRIES = 1.0
ENOUGH_OVERLAP_HOURS = 4.0
ENOUGH_SKILLS = 6


@dataclass(frozen=True)
class Person:
    id: int
    languages: frozenset[str]
    skills: frozenset[str] = frozenset()
    utc_offset_minutes: int = 0
    day_starts_at_hour: int = 9
    hours_per_day: int = 4
    coop: str | None = None
    country: str | None = None


@dataclass(frozen=True)
class Suggestion:
    """One suggested team and the facts that explain it."""

    members: tuple[int, ...]
    language: str | None
    language_count: int
    skills: frozenset[str]
    overlap_hours: float
    coops: int
    countries: int
    score: float

    @property
    def size(self) -> int:
        return len(self.members)


@dataclass
class Result:
    teams: list[Suggestion]
    unmatched: list[int] = field(default_factory=list)

    def team_of(self, person_id: int) -> Suggestion | None:
        for team in self.teams:
            if person_id in team.members:
                return team
        return None


def availability_mask(person: Person) -> int:
    """The person's working hours as bits of a 48-slot UTC day (bit i: slot i is worked)."""
    start = (person.day_starts_at_hour * 60 - person.utc_offset_minutes) % (24 * 60)
    first = start // SLOT_MINUTES
    count = min(max(person.hours_per_day, 0) * 60 // SLOT_MINUTES, SLOTS_PER_DAY)
    mask = 0
    for i in range(count):
        mask |= 1 << ((first + i) % SLOTS_PER_DAY)
    return mask


def overlap_hours(masks: Iterable[int]) -> float:
    common = (1 << SLOTS_PER_DAY) - 1
    for mask in masks:
        common &= mask
    return common.bit_count() * SLOT_MINUTES / 60


def plan_sizes(n: int, min_size: int, max_size: int) -> list[int]:
    """Team sizes for `n` people: fewest teams, sizes within bounds, as even as possible."""
    if min_size < 1 or max_size < min_size:
        raise ValueError("team sizes must satisfy 1 <= min_size <= max_size")
    if n < min_size:
        return []
    teams = math.ceil(n / max_size)
    if teams * min_size > n:
        # No exact split: as many teams as can be filled, all of the largest size that fits.
        teams = n // min_size
        people = min(n, teams * max_size)
    else:
        people = n
    base, extra = divmod(people, teams)
    return [base + 1] * extra + [base] * (teams - extra)


class _Team:
    """A team being built, with running totals so a candidate is scored in O(languages)."""

    __slots__ = ("coops", "countries", "languages", "mask", "members", "skills")

    def __init__(self) -> None:
        self.members: list[int] = []
        self.languages: Counter[str] = Counter()
        self.skills: set[str] = set()
        self.mask = (1 << SLOTS_PER_DAY) - 1
        self.coops: Counter[str] = Counter()
        self.countries: Counter[str] = Counter()

    def add(self, index: int, person: Person, mask: int) -> None:
        self.members.append(index)
        self.languages.update(person.languages)
        self.skills |= person.skills
        self.mask &= mask
        self.coops[_coop_key(person)] += 1
        self.countries[person.country or f"?{person.id}"] += 1

    def score_with(self, person: Person, mask: int) -> float:
        size = len(self.members) + 1
        best = 0
        for language in self.languages.keys() | person.languages:
            best = max(best, self.languages[language] + (language in person.languages))
        skills = len(self.skills | person.skills)
        hours = (self.mask & mask).bit_count() * SLOT_MINUTES / 60
        coops = len(self.coops) + (_coop_key(person) not in self.coops)
        country = person.country or f"?{person.id}"
        countries = len(self.countries) + (country not in self.countries)
        return _score(size, best, skills, hours, coops, countries)


def _coop_key(person: Person) -> str:
    # Independent people count as their own "cooperative" for diversity.
    return person.coop or f"person:{person.id}"


def _score(size: int, best: int, skills: int, hours: float, coops: int, countries: int) -> float:
    spread = max(size - 1, 1)
    return (
        W_LANGUAGE * best / size
        + W_OVERLAP * min(hours, ENOUGH_OVERLAP_HOURS) / ENOUGH_OVERLAP_HOURS
        + W_SKILLS * min(skills, ENOUGH_SKILLS) / ENOUGH_SKILLS
        + W_COOPS * (coops - 1) / spread
        + W_COUNTRIES * (countries - 1) / spread
    )


def describe(people: Sequence[Person], masks: Sequence[int] | None = None) -> Suggestion:
    """The facts about one group of people, as a suggestion."""
    masks = masks if masks is not None else [availability_mask(p) for p in people]
    counts: Counter[str] = Counter()
    for person in people:
        counts.update(person.languages)
    # The most shared language; ties go to the alphabetically first code, for stable output.
    language, language_count = (None, 0)
    if counts:
        language, language_count = min(counts.items(), key=lambda item: (-item[1], item[0]))
    skills = frozenset().union(*(p.skills for p in people)) if people else frozenset()
    hours = overlap_hours(masks)
    coops = len({_coop_key(p) for p in people})
    countries = len({p.country or f"?{p.id}" for p in people})
    return Suggestion(
        members=tuple(p.id for p in people),
        language=language,
        language_count=language_count,
        skills=skills,
        overlap_hours=hours,
        coops=coops,
        countries=countries,
        score=_score(len(people), language_count, len(skills), hours, coops, countries)
        if people
        else 0.0,
    )


def _offset_distance(a: int, b: int) -> int:
    gap = abs(a - b) % (24 * 60)
    return min(gap, 24 * 60 - gap)


def suggest_teams(people: Sequence[Person], *, min_size: int, max_size: int) -> Result:
    """Group `people` into suggested teams; see the module's docstring for how."""
    ids = [p.id for p in people]
    if len(set(ids)) != len(ids):
        raise ValueError("every person needs a distinct id")
    people = sorted(people, key=lambda p: p.id)
    sizes = plan_sizes(len(people), min_size, max_size)
    masks = [availability_mask(p) for p in people]
    popularity: Counter[str] = Counter()
    by_language: dict[str, list[int]] = {}
    for index, person in enumerate(people):
        popularity.update(person.languages)
        for language in person.languages:
            by_language.setdefault(language, []).append(index)

    def hardness(index: int) -> tuple:
        languages = people[index].languages
        return (max((popularity[lang] for lang in languages), default=0), len(languages), index)

    order = sorted(range(len(people)), key=hardness)
    free = [True] * len(people)
    teams: list[list[int]] = []
    cursor = 0
    for size in sizes:
        while not free[order[cursor]]:
            cursor += 1
        seed = order[cursor]
        team = _Team()
        team.add(seed, people[seed], masks[seed])
        free[seed] = False
        shortlist = _shortlist(seed, people, free, by_language, size)
        for _slot in range(size - 1):
            best_index, best_score = -1, -math.inf
            for index in shortlist:
                if not free[index]:
                    continue
                score = team.score_with(people[index], masks[index])
                if score > best_score:
                    best_index, best_score = index, score
            if best_index < 0:  # the shortlist ran dry: take from everyone left
                shortlist = [i for i in order if free[i]]
                best_index = max(
                    shortlist, key=lambda i: (team.score_with(people[i], masks[i]), -i)
                )
            team.add(best_index, people[best_index], masks[best_index])
            free[best_index] = False
        teams.append(team.members)

    teams = _improve(teams, people, masks)
    suggestions = [
        describe([people[i] for i in members], [masks[i] for i in members]) for members in teams
    ]
    unmatched = [people[i].id for i in range(len(people)) if free[i]]
    return Result(teams=suggestions, unmatched=unmatched)


def _shortlist(
    seed: int,
    people: Sequence[Person],
    free: list[bool],
    by_language: dict[str, list[int]],
    size: int,
) -> list[int]:
    """Free people sharing a language with `seed`, nearest in time first, at most SHORTLIST."""
    candidates = {i for lang in people[seed].languages for i in by_language[lang] if free[i]}
    if len(candidates) < size - 1:
        candidates = {i for i in range(len(people)) if free[i]}
    offset = people[seed].utc_offset_minutes
    ranked = sorted(
        candidates, key=lambda i: (_offset_distance(people[i].utc_offset_minutes, offset), i)
    )
    return ranked[:SHORTLIST]


def _group_score(members: list[int], people: Sequence[Person], masks: Sequence[int]) -> float:
    """The same score as `describe(...).score`, computed without building a suggestion."""
    counts: dict[str, int] = {}
    skills: set[str] = set()
    common = (1 << SLOTS_PER_DAY) - 1
    coops, countries = set(), set()
    for i in members:
        person = people[i]
        for language in person.languages:
            counts[language] = counts.get(language, 0) + 1
        skills |= person.skills
        common &= masks[i]
        coops.add(_coop_key(person))
        countries.add(person.country or f"?{person.id}")
    best = max(counts.values(), default=0)
    hours = common.bit_count() * SLOT_MINUTES / 60
    return _score(len(members), best, len(skills), hours, len(coops), len(countries))


def _improve(
    teams: list[list[int]], people: Sequence[Person], masks: Sequence[int], rounds: int = 2
) -> list[list[int]]:
    """Swap one member between two teams whenever the two teams' total score rises.

    Only weak teams (members who do not all share a language, or under an hour together)
    are repaired, each against the PARTNERS teams nearest to it in time that speak its main
    language: the weak spots greedy filling leaves at the end, at a bounded cost.
    """
    summaries = [describe([people[i] for i in t], [masks[i] for i in t]) for t in teams]
    for _round in range(rounds):
        changed = False
        for a in range(len(teams)):
            if not _is_weak(summaries[a]):
                continue
            for b in _partners(a, teams, summaries, people):
                total = summaries[a].score + summaries[b].score
                swapped = _best_swap(
                    teams[a], teams[b], total, people, masks, summaries[a].language
                )
                if swapped is not None:
                    teams[a], teams[b] = swapped
                    for k in (a, b):
                        group = teams[k]
                        summaries[k] = describe(
                            [people[i] for i in group], [masks[i] for i in group]
                        )
                    changed = True
                    if not _is_weak(summaries[a]):
                        break
        if not changed:
            break
    return teams


PARTNERS = 40


def _is_weak(summary: Suggestion) -> bool:
    return summary.language_count < summary.size or summary.overlap_hours < 1


def _median_offset(team: list[int], people: Sequence[Person]) -> int:
    offsets = sorted(people[i].utc_offset_minutes for i in team)
    return offsets[len(offsets) // 2]


def _partners(
    a: int, teams: list[list[int]], summaries: list[Suggestion], people: Sequence[Person]
) -> list[int]:
    language = summaries[a].language
    here = _median_offset(teams[a], people)
    others = [
        b
        for b in range(len(teams))
        if b != a and any(language in people[i].languages for i in teams[b])
    ]
    others.sort(key=lambda b: (_offset_distance(_median_offset(teams[b], people), here), b))
    return others[:PARTNERS]


def _best_swap(
    team_a: list[int],
    team_b: list[int],
    total: float,
    people: Sequence[Person],
    masks: Sequence[int],
    language: str | None,
) -> tuple[list[int], list[int]] | None:
    """The best single swap between the teams, moving out of `team_a` only members who do
    not speak its main `language` (all of them when everyone does: then hours are at fault)."""
    odd = [x for x, i in enumerate(team_a) if language not in people[i].languages]
    best, best_total = None, total + 1e-9
    for x in odd or range(len(team_a)):
        for y in range(len(team_b)):
            new_a = [*team_a[:x], team_b[y], *team_a[x + 1 :]]
            new_b = [*team_b[:y], team_a[x], *team_b[y + 1 :]]
            new_total = _group_score(new_a, people, masks) + _group_score(new_b, people, masks)
            if new_total > best_total:
                best, best_total = (new_a, new_b), new_total
    return best
