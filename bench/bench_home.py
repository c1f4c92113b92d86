"""Server time and queries of a member's home page, with much waiting for them.

Sets up a throwaway instance (SQLite under a temporary MINGA_VAR_DIR, migrations, DEBUG off:
bench/settings_bench.py) and, through the real actions, gives one member of a cooperative
100 open polls to vote in (voted in half of them, secret and open ballots alike), 20 teams
(each in a coop-a-thon of its own, its deadline ahead) and 50 credentials issued to them.

The page is requested through Django's full request handling in this process (all the
middleware, no network): the figure is the median CPU time of 15 requests after 3 warm-ups
(the wall clock is printed beside it, and a bare signed-in page, /about/, as a baseline). The same
page is first requested with 1 poll, 1 team and 1 credential: the queries of one request must
not grow from there (no query per row anywhere on the page).

Budgets (bench/README.md): `home-signed-in-server-time` (median ms < 50, the budget of
issue 19) and `home-signed-in-query-growth` (queries gained from the small world to the
large one, <= 0). Exits 1 when a budget fails, 2 when the measurement could not be made.
"""

from __future__ import annotations

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_pages import BenchError, budget_line, run_in_child  # noqa: E402

TIME_BUDGET_MS = 50
POLLS, TEAMS, CREDENTIALS = 100, 20, 50
WARMUP, RUNS = 3, 15
DAY = datetime.timedelta(days=1)


class World:
    def __init__(self) -> None:
        from minga.accounts.models import User
        from minga.coops import actions as coops
        from minga.credentials import actions as credentials
        from minga.decisions import actions as decisions

        self.chair = User.objects.create_user(
            email="chair@bench.example", password="x" * 20, name="Chair"
        )
        self.member = User.objects.create_user(
            email="member@bench.example", password="x" * 20, name="Member"
        )
        self.organiser = User.objects.create_user(
            email="organiser@bench.example", password="x" * 20, name="Organiser"
        )
        self.coop = coops.create_cooperative(
            actor=self.chair,
            name="Bench Coffee",
            legal_form="primary",
            country="RW",
            sector="agriculture",
        )
        invitation = coops.create_invitation(
            coop=self.coop, actor=self.chair, role="member", base_url="http://127.0.0.1"
        )
        coops.accept_invitation(token=invitation.token, person=self.member)
        self.federation = coops.create_cooperative(
            actor=self.organiser,
            name="Bench Federation",
            legal_form="federation",
            country="BE",
            sector="federation",
            is_organiser=True,
        )
        self.discussion = decisions.start_discussion(
            coop=self.coop, actor=self.chair, title="Many questions", body="Vote on them."
        )
        self.achievement = credentials.define_achievement(
            coop=self.coop,
            actor=self.chair,
            name="Bookkeeping basics",
            description="Keeps a cooperative's books by double entry.",
            criteria="Attend four sessions.",
            achievement_type="CertificateOfCompletion",
        )
        self.polls = self.teams = self.credentials = 0

    def grow(self, polls: int, teams: int, credentials: int) -> None:
        from django.utils import timezone

        from minga.credentials import actions as issuing
        from minga.decisions import actions as decisions
        from minga.events import actions as events

        while self.polls < polls:
            poll = decisions.create_poll(
                discussion=self.discussion,
                actor=self.chair,
                title=f"Question {self.polls}",
                kind="single",
                options=["Yes", "No"],
                is_secret=self.polls % 2 == 0,
                closes_at=timezone.now() + 10 * DAY,
            )
            poll = decisions.open_poll(poll=poll, actor=self.chair)
            if self.polls % 2:
                decisions.cast_ballot(
                    poll=poll,
                    elector=poll.electors.get(person=self.member),
                    choice={"choice": 0},
                    channel="web",
                    actor=self.member,
                )
            self.polls += 1
        while self.teams < teams:
            now = timezone.now()
            event = events.create_event(
                actor=self.organiser,
                organiser=self.federation,
                title=f"Coop-a-thon {self.teams}",
                summary="Teams propose solutions.",
                format="virtual",
                timezone="Africa/Kigali",
                languages=["en"],
                team_min_size=2,
                team_max_size=4,
                who_may_register="both",
                channels="A room per team.",
                licence="CC-BY-SA-4.0",
                ownership="team",
                presentation_formats=["written"],
                registration_opens_at=now - DAY,
                registration_closes_at=now + 5 * DAY,
                intake_opens_at=now - 2 * DAY,
                intake_closes_at=now + DAY,
                challenges_released_at=now + 5 * DAY,
                proposals_due_at=now + 7 * DAY + self.teams * datetime.timedelta(hours=1),
                judging_ends_at=now + 8 * DAY,
                announcement_at=now + 9 * DAY,
            )
            event = events.publish_event(event=event, actor=self.organiser)
            registration = events.register_person(event=event, person=self.member, answers={})
            events.create_team(
                registration=registration, actor=self.member, name=f"Team {self.teams}"
            )
            self.teams += 1
        while self.credentials < credentials:
            issuing.issue_credential(
                achievement=self.achievement, recipient=self.member, actor=self.chair
            )
            self.credentials += 1


def measure(member, *, timed: bool, path: str = "/") -> tuple[int, float, float, float]:
    """(queries, median CPU ms, response KB, median wall-clock ms) of the member's home page
    (or `path`).

    The budget is read on the CPU time the request takes in this process (database included:
    SQLite runs in it): on a shared machine the wall clock also counts the time other
    processes hold the cores, which says nothing of the page."""
    from django.db import connection
    from django.test import Client

    class Counter:
        def __init__(self) -> None:
            self.count = 0

        def __call__(self, execute, sql, params, many, context):
            self.count += 1
            return execute(sql, params, many, context)

    client = Client()
    client.force_login(member)
    for _ in range(WARMUP):
        response = client.get(path)
        if response.status_code != 200 or (path == "/" and b"Welcome" not in response.content):
            raise BenchError(f"the home page answered {response.status_code}")
    queries = Counter()
    with connection.execute_wrapper(queries):
        response = client.get(path)
    cpu, wall = [], []
    for _ in range(RUNS if timed else 0):
        started, started_cpu = time.perf_counter(), time.process_time()
        client.get(path)
        cpu.append((time.process_time() - started_cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
    median = statistics.median
    return (
        queries.count,
        median(cpu) if cpu else 0.0,
        len(response.content) / 1000,
        median(wall) if wall else 0.0,
    )


def child() -> int:
    import django

    django.setup()
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", "--noinput", verbosity=0)
    world = World()
    world.grow(1, 1, 1)
    small = measure(world.member, timed=False)
    world.grow(POLLS, TEAMS, CREDENTIALS)
    print(
        f"One member: {POLLS} open polls (voted in half), {TEAMS} teams, {CREDENTIALS} "
        f"credentials (built in {time.monotonic() - started:.0f} s)."
    )
    large = measure(world.member, timed=True)
    # For the reader: a signed-in page with nothing on it, in the same minute (this machine's
    # speed drifts), so the figure can be read against it.
    about = measure(world.member, timed=True, path="/about/")
    print(
        f"{'page':24} {'queries':>8} {'small':>6} {'CPU ms':>8} {'wall ms':>8} {'KB':>7}"
        f"   (medians of {RUNS}; load average {os.getloadavg()[0]:.1f})"
    )
    print(
        f"{'home, signed in':24} {large[0]:8d} {small[0]:6d} {large[1]:8.1f} {large[3]:8.1f} "
        f"{large[2]:7.1f}"
    )
    print(
        f"{'about (baseline)':24} {about[0]:8d} {'':6} {about[1]:8.1f} {about[3]:8.1f} "
        f"{about[2]:7.1f}"
    )
    growth = large[0] - small[0]
    lines = [
        budget_line(
            "home-signed-in-server-time",
            f"{large[1]:.1f}",
            "ms",
            "<",
            str(TIME_BUDGET_MS),
            large[1] < TIME_BUDGET_MS,
        ),
        budget_line("home-signed-in-query-growth", str(growth), "queries", "<=", "0", growth <= 0),
    ]
    for line in lines:
        print(line)
    return 0 if all(line.endswith(" PASS") for line in lines) else 1


if __name__ == "__main__":
    sys.exit(run_in_child(__file__, child, timeout=1200))
