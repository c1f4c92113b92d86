"""Server time and queries of the event and judging pages with 500 teams in one event.

Sets up a throwaway instance (SQLite under a temporary MINGA_VAR_DIR, migrations, static
files, DEBUG off: bench/settings_bench.py) and fills one event in bulk: 2,000 people
registered, 500 teams of four, each with a proposal saved in four versions (2,000 proposal
versions: a team has one proposal, kept as versions), 20 challenges from accepted needs,
60 jurors scoring each proposal three times on the default rubric (6,000 scores), a
members' choice with 200 ballots, and the awards recorded through the real action.

Every page is requested through Django's full request handling in this process (all the
middleware, no network): the figure is the median of 9 requests after 2 warm-ups, and the
queries of one request are counted. Pages of the judging phase (the ballot, a juror's score
sheet) are measured with the clock set inside that phase.

N+1 check: the same pages are first measured with 50 teams; a page whose query count grows
between 50 and 500 teams runs a query per row somewhere.

Budgets (bench/README.md): `event-pages-server-time` (slowest page, median ms < 100) and
`event-pages-query-growth` (most queries a page gains from 50 to 500 teams, <= 0). Exits 1
when a budget fails, 2 when the measurement could not be made.
"""

from __future__ import annotations

import datetime
import random
import statistics
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
sys.path.insert(0, str(ROOT))

from bench.bench_pages import BenchError, budget_line, run_in_child  # noqa: E402

TIME_BUDGET_MS = 100
SMALL, LARGE = 50, 500
TEAM_SIZE = 4
VERSIONS = 4
CHALLENGES = 20
JURORS = 60
VOTERS = 200
WARMUP, RUNS = 2, 9
SEED = 2019


# --- the child: builds the event and measures -------------------------------------------


class World:
    """What the pages need: the event, its people, and ids to build URLs with."""

    def __init__(self) -> None:
        self.teams: list = []
        self.people: list = []
        self.rng = random.Random(SEED)


def build_base(now: datetime.datetime) -> World:
    from minga.accounts.models import User
    from minga.challenges.models import Need
    from minga.coops.models import Cooperative, Membership
    from minga.events.models import Event, EventChallenge, Prize
    from minga.judging.models import JudgingSettings, Juror

    world = World()
    day = datetime.timedelta(days=1)
    world.release = now - 20 * day
    world.due = now - 10 * day
    world.judging = now - 8 * day  # a moment inside the judging phase
    organiser = User.objects.create(email="organiser@bench.example", name="Organiser", password="!")
    ica = Cooperative.objects.create(
        name="Bench Federation",
        slug="bench-federation",
        legal_form="federation",
        country="BE",
        sector="federation",
        is_organiser=True,
    )
    Membership.objects.create(coop=ica, person=organiser, role=Membership.Role.ADMIN)
    world.organiser = organiser
    owners = User.objects.bulk_create(
        User(email=f"owner{n}@bench.example", name=f"Challenge owner {n}", password="!")
        for n in range(CHALLENGES * 5)
    )
    member_coops = Cooperative.objects.bulk_create(
        Cooperative(
            name=f"Member cooperative {n}",
            slug=f"member-{n}",
            legal_form="primary",
            country=["KE", "RW", "BR", "IN", "AR"][n % 5],
            sector="agriculture",
        )
        for n in range(CHALLENGES * 5)
    )
    Membership.objects.bulk_create(
        Membership(coop=coop, person=person, role=Membership.Role.ADMIN)
        for coop, person in zip(member_coops, owners, strict=True)
    )
    needs = Need.objects.bulk_create(
        Need(
            coop=coop,
            created_by=person,
            owner=person,
            status=Need.Status.ACCEPTED,
            country=coop.country,
            world_region="africa",
            sector="agriculture",
            title=f"Need {n}: member records by SMS",
            theme="access",
            language="en",
            problem="Members cannot check their records.",
            how_might_we="How might we?",
            submitted_at=now - 40 * day,
            decided_at=now - 35 * day,
            decided_by=organiser,
        )
        for n, (coop, person) in enumerate(zip(member_coops, owners, strict=True))
    )
    event = Event.objects.create(
        organiser=ica,
        created_by=organiser,
        title="Bench coop-a-thon",
        slug="bench",
        summary="Five hundred teams.",
        series="bench",
        timezone="Europe/Paris",
        languages=["en", "fr"],
        status=Event.Status.PUBLISHED,
        published_at=now - 60 * day,
        registration_opens_at=now - 50 * day,
        registration_closes_at=world.release,
        intake_opens_at=now - 60 * day,
        intake_closes_at=now - 30 * day,
        challenges_released_at=world.release,
        proposals_due_at=world.due,
        judging_ends_at=now - 5 * day,
        announcement_at=now - 4 * day,
        team_min_size=1,
        team_max_size=TEAM_SIZE,
        presentation_formats=["written"],
    )
    world.event = event
    Prize.objects.bulk_create(
        Prize(event=event, position=n, name=name)
        for n, name in enumerate(["A .coop domain", "A flag", "Publicity"], start=1)
    )
    world.challenges = EventChallenge.objects.bulk_create(
        EventChallenge(
            event=event,
            need=need,
            title=need.title,
            theme="access",
            owner=need.owner,
            owner_coop=need.coop,
            position=n,
            added_by=organiser,
        )
        for n, need in enumerate(needs[:CHALLENGES], start=1)
    )
    JudgingSettings.objects.create(event=event, members_choice=True)
    world.it_coops = Cooperative.objects.bulk_create(
        Cooperative(
            name=f"IT cooperative {n}",
            slug=f"it-{n}",
            legal_form="worker",
            country="KE",
            sector="it",
        )
        for n in range(100)
    )
    juror_people = User.objects.bulk_create(
        User(email=f"juror{n}@bench.example", name=f"Juror {n}", password="!")
        for n in range(JURORS)
    )
    juror_coops = Cooperative.objects.bulk_create(
        Cooperative(
            name=f"Juror cooperative {n}",
            slug=f"juror-{n}",
            legal_form="primary",
            country="ES",
            sector="energy",
        )
        for n in range(JURORS)
    )
    Membership.objects.bulk_create(
        Membership(coop=coop, person=person)
        for coop, person in zip(juror_coops, juror_people, strict=True)
    )
    world.jurors = Juror.objects.bulk_create(
        Juror(event=event, person=person, added_by=organiser) for person in juror_people
    )
    # Voters: members of the challenge owners' cooperatives; the last one has not voted.
    world.voters = User.objects.bulk_create(
        User(email=f"voter{n}@bench.example", name=f"Voter {n}", password="!")
        for n in range(VOTERS + 1)
    )
    Membership.objects.bulk_create(
        Membership(coop=member_coops[n % CHALLENGES], person=person)
        for n, person in enumerate(world.voters)
    )
    return world


def add_teams(world: World, until: int) -> None:
    """Teams (with members, registrations and a proposal in four versions) up to `until`."""
    from minga.accounts.models import User
    from minga.coops.models import Membership
    from minga.events.models import (
        Proposal,
        ProposalVersion,
        Registration,
        Team,
        TeamMembership,
    )

    event, start = world.event, len(world.teams)
    count = until - start
    people = User.objects.bulk_create(
        User(
            email=f"p{start}-{n}@bench.example",
            name=f"Participant {start * 4 + n}",
            password="!",
            timezone="Africa/Nairobi",
            languages=["en", "sw"],
        )
        for n in range(count * TEAM_SIZE)
    )
    Membership.objects.bulk_create(
        Membership(coop=world.it_coops[(start * TEAM_SIZE + n) % len(world.it_coops)], person=p)
        for n, p in enumerate(people)
    )
    registrations = Registration.objects.bulk_create(
        Registration(
            event=event,
            person=p,
            kind=Registration.Kind.PERSON,
            timezone="Africa/Nairobi",
            languages=["en", "sw"],
            skills=["backend"],
            country="KE",
            created_at=event.registration_opens_at + datetime.timedelta(hours=1),
        )
        for p in people
    )
    teams = Team.objects.bulk_create(
        Team(
            event=event,
            name=f"Team {start + n:04d}",
            challenge=world.challenges[(start + n) % len(world.challenges)],
            created_by=people[n * TEAM_SIZE],
        )
        for n in range(count)
    )
    TeamMembership.objects.bulk_create(
        TeamMembership(
            team=teams[n // TEAM_SIZE], registration=r, status=TeamMembership.Status.ACTIVE
        )
        for n, r in enumerate(registrations)
    )
    proposals = Proposal.objects.bulk_create(
        Proposal(event=event, team=team, created_at=world.release) for team in teams
    )
    versions = []
    for n, proposal in enumerate(proposals):
        for number in range(1, VERSIONS + 1):
            versions.append(
                ProposalVersion(
                    proposal=proposal,
                    number=number,
                    title=f"Proposal {start + n}, version {number}",
                    summary="Each delivery is confirmed to the member by SMS. " * 5,
                    problem="Members cannot check their records. " * 40,
                    solution="A USSD menu and SMS receipts. " * 80,
                    cooperative_principles="Members control their records. " * 20,
                    feasibility="Runs on basic phones. " * 20,
                    licence="CC-BY-SA-4.0",
                    created_by=people[n * TEAM_SIZE],
                    created_at=world.release
                    + datetime.timedelta(hours=number, minutes=(start + n) % 60),
                )
            )
    ProposalVersion.objects.bulk_create(versions)
    world.teams.extend(teams)
    world.people.extend(people)


def judge(world: World) -> None:
    """Assign (the real algorithm), score, tally the members' choice, record the awards."""
    from minga.judging import actions, queries, scoring
    from minga.judging.models import (
        DEFAULT_RUBRIC,
        Assignment,
        Award,
        Criterion,
        Score,
        VoteReceipt,
        VoteTally,
    )

    event, rng = world.event, world.rng
    Assignment.objects.filter(event=event).delete()
    VoteTally.objects.filter(event=event).delete()
    VoteReceipt.objects.filter(event=event).delete()
    Award.objects.filter(event=event).delete()
    if not event.criteria.exists():
        Criterion.objects.bulk_create(
            Criterion(event=event, key=key, weight=weight, position=n)
            for n, (key, weight, _d) in enumerate(DEFAULT_RUBRIC, start=1)
        )
    criteria = list(event.criteria.all())
    versions = queries.jury_version_ids(event)
    jurors = {j.pk: j.person_id for j in world.jurors}
    people = queries.affiliations(set(jurors.values()))
    plan = scoring.assign(
        jurors={pk: people[person] for pk, person in jurors.items()},
        teams=queries.team_affiliations(event, list(versions)),
    )
    scored_at = world.due + datetime.timedelta(days=1)
    assignments = Assignment.objects.bulk_create(
        Assignment(
            event=event,
            juror_id=j,
            proposal_id=p,
            version_id=versions[p],
            comment="Clear and affordable.",
            scored_at=scored_at,
        )
        for j, p in plan.pairs
    )
    Score.objects.bulk_create(
        Score(assignment=a, criterion=c, value=rng.randint(1, 5))
        for a in assignments
        for c in criteria
    )
    VoteTally.objects.bulk_create(
        VoteTally(event=event, proposal_id=p, approvals=rng.randint(0, 40)) for p in versions
    )
    VoteReceipt.objects.bulk_create(
        VoteReceipt(event=event, voter=v) for v in world.voters[:VOTERS]
    )
    actions.record_awards(event=event, actor=world.organiser)


def pages(world: World) -> list[tuple[str, str, object, bool]]:
    """(name, path, signed-in person or None, measured during judging)."""
    from minga.judging.models import Assignment

    event, slug = world.event, world.event.slug
    team = world.teams[0]
    member = world.people[0]
    assignment = Assignment.objects.filter(event=event).select_related("juror__person").first()
    juror = assignment.juror.person
    return [
        ("events list", "/events/", None, False),
        ("event page", f"/events/{slug}/", None, False),
        ("event page, team member", f"/events/{slug}/", member, False),
        ("teams", f"/events/{slug}/teams/", None, False),
        ("team page, member", f"/events/{slug}/teams/{team.pk}/", member, False),
        ("proposal, member", f"/events/{slug}/teams/{team.pk}/proposal/", member, False),
        ("challenges", f"/events/{slug}/challenges/", None, False),
        ("questions and answers", f"/events/{slug}/faq/", None, False),
        ("calendar", f"/events/{slug}/calendar.ics", None, False),
        ("registrations, organiser", f"/events/{slug}/registrations/", world.organiser, False),
        ("team suggestions, organiser", f"/events/{slug}/matching/", world.organiser, False),
        ("needs catalogue", "/needs/", None, False),
        ("how we judge", f"/events/{slug}/how-we-judge/", None, False),
        ("jury, organiser", f"/events/{slug}/jury/", world.organiser, False),
        ("my proposals, juror", f"/events/{slug}/jury/mine/", juror, True),
        (
            "score sheet, juror",
            f"/events/{slug}/jury/proposals/{assignment.proposal_id}/",
            juror,
            True,
        ),
        ("members' ballot, voter", f"/events/{slug}/vote/", world.voters[-1], True),
        ("results", f"/events/{slug}/results/", None, False),
        ("results, organiser", f"/events/{slug}/results/", world.organiser, False),
        ("winners' gallery", f"/events/{slug}/winners/", None, False),
        ("results CSV", f"/events/{slug}/results.csv", None, False),
        ("awards, organiser", f"/events/{slug}/awards/", world.organiser, False),
        ("API: event", f"/api/events/{slug}", None, False),
        ("API: results", f"/api/results/{slug}", None, False),
    ]


def measure(world: World, *, timed: bool) -> dict[str, tuple[int, float, int]]:
    """name -> (queries, median ms, response KB) for every page."""
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    class Counter:
        """Counts every statement sent to the database (the debug log keeps only 9,000)."""

        def __init__(self) -> None:
            self.count = 0

        def __call__(self, execute, sql, params, many, context):
            self.count += 1
            return execute(sql, params, many, context)

    results = {}
    clients: dict[object, Client] = {}
    for name, path, who, during_judging in pages(world):
        if who not in clients:
            clients[who] = Client()
            if who is not None:
                clients[who].force_login(who)
        client = clients[who]
        clock = (
            mock.patch.object(timezone, "now", return_value=world.judging)
            if during_judging
            else mock.patch.object(timezone, "now", wraps=timezone.now)
        )
        with clock:
            for _ in range(WARMUP):
                response = client.get(path)
                if response.status_code != 200:
                    raise BenchError(f"{path} answered {response.status_code} for {name}")
            queries = Counter()
            with connection.execute_wrapper(queries):
                response = client.get(path)
            times = []
            for _ in range(RUNS if timed else 0):
                started = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - started) * 1000)
        size = len(response.content) / 1000
        results[name] = (queries.count, statistics.median(times) if times else 0.0, size)
    return results


def child() -> int:
    import django

    django.setup()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    with transaction.atomic():
        world = build_base(timezone.now())
        add_teams(world, SMALL)
        judge(world)
    small = measure(world, timed=False)
    with transaction.atomic():
        add_teams(world, LARGE)
        judge(world)
    # The data was bulk-loaded behind the actions' back, after judging closed: the ranking
    # cached at 50 teams is stale, as it never is when changes go through the actions.
    cache.clear()
    print(
        f"One event: {len(world.teams)} teams of {TEAM_SIZE}, {len(world.teams) * VERSIONS} "
        f"proposal versions, {JURORS} jurors, {VOTERS} ballots "
        f"(built in {time.monotonic() - started:.0f} s)."
    )
    large = measure(world, timed=True)
    print()
    print(f"{'page':32} {'queries':>8} {f'at {SMALL}':>7} {'median ms':>10} {'KB':>7}")
    for name, (count, ms, size) in large.items():
        flag = "  N+1?" if count > small[name][0] else ""
        print(f"{name:32} {count:8d} {small[name][0]:7d} {ms:10.1f} {size:7.1f}{flag}")
    slowest = max(large, key=lambda name: large[name][1])
    growth = {name: large[name][0] - small[name][0] for name in large}
    worst = max(growth, key=lambda name: growth[name])
    print()
    over = [
        f"{name} ({ms:.0f} ms)" for name, (_q, ms, _kb) in large.items() if ms >= TIME_BUDGET_MS
    ]
    print(f"Pages over {TIME_BUDGET_MS} ms: {', '.join(over) or 'none'}.")
    print(f"Slowest page: {slowest}. Most queries gained: {worst} ({growth[worst]:+d}).")
    lines = [
        budget_line(
            "event-pages-server-time",
            f"{large[slowest][1]:.1f}",
            "ms",
            "<",
            str(TIME_BUDGET_MS),
            large[slowest][1] < TIME_BUDGET_MS,
        ),
        budget_line(
            "event-pages-query-growth",
            str(growth[worst]),
            "queries",
            "<=",
            "0",
            growth[worst] <= 0,
        ),
    ]
    for line in lines:
        print(line)
    return 0 if all(line.endswith(" PASS") for line in lines) else 1


if __name__ == "__main__":
    sys.exit(run_in_child(__file__, child, timeout=1200))
