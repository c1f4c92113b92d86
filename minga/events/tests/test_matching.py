"""The pure team-matching algorithm: properties over random people, and its speed."""

import random
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from minga.events import matching
from minga.events.matching import Person, plan_sizes, suggest_teams

LANGUAGES = ["en", "es", "fr", "pt", "sw", "hi"]
SKILLS = ["backend", "frontend", "ux", "data", "ussd-sms", "governance"]


@st.composite
def people(draw, max_size=40):
    count = draw(st.integers(min_value=0, max_value=max_size))
    return [
        Person(
            id=i,
            languages=frozenset(draw(st.sets(st.sampled_from(LANGUAGES), min_size=1, max_size=3))),
            skills=frozenset(draw(st.sets(st.sampled_from(SKILLS), max_size=3))),
            utc_offset_minutes=draw(st.integers(min_value=-12, max_value=14)) * 60,
            day_starts_at_hour=draw(st.integers(min_value=0, max_value=23)),
            hours_per_day=draw(st.integers(min_value=1, max_value=16)),
            coop=draw(st.sampled_from([None, "a", "b", "c"])),
            country=draw(st.sampled_from(["AR", "KE", "IN", "CA", "BR"])),
        )
        for i in range(count)
    ]


sizes = st.tuples(st.integers(1, 5), st.integers(0, 4)).map(lambda t: (t[0], t[0] + t[1]))


@given(people(), sizes)
@settings(max_examples=60, deadline=None)
def test_it_places_everyone_once_within_size_limits(group, bounds):
    low, high = bounds
    result = suggest_teams(group, min_size=low, max_size=high)
    placed = [pid for team in result.teams for pid in team.members]
    assert len(placed) == len(set(placed))
    assert sorted(placed + result.unmatched) == [p.id for p in group]
    assert all(low <= team.size <= high for team in result.teams)


@given(people(), sizes)
@settings(max_examples=60, deadline=None)
def test_it_leaves_people_out_only_when_no_split_exists(group, bounds):
    low, high = bounds
    n = len(group)
    splittable = n == 0 or any(k * low <= n <= k * high for k in range(1, n + 1))
    result = suggest_teams(group, min_size=low, max_size=high)
    assert (result.unmatched == []) == splittable


@given(people(), sizes)
@settings(max_examples=60, deadline=None)
def test_it_explains_each_team_truthfully(group, bounds):
    low, high = bounds
    by_id = {p.id: p for p in group}
    for team in suggest_teams(group, min_size=low, max_size=high).teams:
        members = [by_id[i] for i in team.members]
        assert team.language_count == sum(team.language in p.languages for p in members)
        assert team.language_count == max(
            sum(lang in p.languages for p in members) for lang in LANGUAGES
        )
        assert team.skills == frozenset().union(*(p.skills for p in members))
        assert team.overlap_hours == matching.overlap_hours(
            matching.availability_mask(p) for p in members
        )
        assert team.countries == len({p.country for p in members})


@given(people(), sizes)
@settings(max_examples=30, deadline=None)
def test_it_is_deterministic(group, bounds):
    low, high = bounds
    first = suggest_teams(group, min_size=low, max_size=high)
    again = suggest_teams(list(reversed(group)), min_size=low, max_size=high)
    assert first == again


@given(st.integers(0, 200), sizes)
def test_it_plans_even_sizes(n, bounds):
    low, high = bounds
    planned = plan_sizes(n, low, high)
    assert all(low <= size <= high for size in planned)
    assert sum(planned) <= n
    if planned:
        assert max(planned) - min(planned) <= 1


def test_it_groups_by_shared_language_first():
    spanish = [Person(id=i, languages=frozenset({"es"})) for i in range(4)]
    swahili = [Person(id=10 + i, languages=frozenset({"sw"})) for i in range(4)]
    result = suggest_teams(spanish + swahili, min_size=4, max_size=4)
    assert sorted(sorted(t.members) for t in result.teams) == [[0, 1, 2, 3], [10, 11, 12, 13]]
    assert all(t.language_count == 4 for t in result.teams)


def test_it_counts_working_hours_across_zones():
    # 9:00-13:00 in Buenos Aires (UTC-3) is 12:00-16:00 UTC; 14:00-18:00 in Nairobi (UTC+3)
    # is 11:00-15:00 UTC: three hours in common.
    buenos_aires = Person(id=1, languages=frozenset({"en"}), utc_offset_minutes=-180)
    nairobi = Person(
        id=2, languages=frozenset({"en"}), utc_offset_minutes=180, day_starts_at_hour=14
    )
    result = suggest_teams([buenos_aires, nairobi], min_size=2, max_size=2)
    assert result.teams[0].overlap_hours == 3


def test_it_wraps_working_hours_around_midnight_utc():
    kolkata = Person(
        id=1, languages=frozenset({"en"}), utc_offset_minutes=330, day_starts_at_hour=2
    )
    # 02:00 in Kolkata is 20:30 UTC the day before; eight hours run to 04:30 UTC.
    mask = matching.availability_mask(Person(**{**kolkata.__dict__, "hours_per_day": 8}))
    assert mask & 1  # the slot 00:00-00:30 UTC is worked
    assert matching.overlap_hours([mask]) == 8


def random_people(count: int, seed: int = 7) -> list[Person]:
    rng = random.Random(seed)
    weights = [10, 5, 4, 3, 2, 2]
    offsets = [-480, -300, -180, 0, 60, 120, 180, 330, 480]
    return [
        Person(
            id=i,
            languages=frozenset(rng.choices(LANGUAGES, weights, k=rng.randint(1, 3))),
            skills=frozenset(rng.sample(SKILLS, rng.randint(1, 3))),
            utc_offset_minutes=rng.choice(offsets),
            day_starts_at_hour=rng.randint(6, 12),
            hours_per_day=rng.randint(2, 8),
            coop=f"coop-{rng.randint(0, 150)}",
            country=rng.choice(["AR", "BR", "KE", "RW", "IN", "CA", "IT", "ES"]),
        )
        for i in range(count)
    ]


def test_it_matches_two_thousand_people_in_under_ten_seconds():
    group = random_people(2000)
    # CPU time, not wall time: other test processes sharing the machine must not count.
    started = time.process_time()
    result = suggest_teams(group, min_size=3, max_size=5)
    elapsed = time.process_time() - started
    assert elapsed < 10, f"matching 2,000 people took {elapsed:.1f} s of CPU"
    assert result.unmatched == []
    shared = sum(team.language_count == team.size for team in result.teams)
    assert shared / len(result.teams) > 0.95
