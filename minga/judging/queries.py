"""Reads for judging pages, each in a fixed number of queries whatever the event's size, and
the coop-a-thons a person's public profile lists (registered with credentials, see `apps.py`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import (
    Count,
    Q,
    QuerySet,
)
from django.utils import timezone

from minga.accounts.models import User
from minga.coops.models import Membership
from minga.events.models import (
    Event,
    Prize,
    Proposal,
    ProposalVersion,
    TeamMembership,
)

from . import scoring
from .models import (
    DEFAULT_RUBRIC,
    Assignment,
    Award,
    Criterion,
    JudgingSettings,
    Juror,
    Score,
    VoteReceipt,
    VoteTally,
)

ACTIVE = TeamMembership.Status.ACTIVE
VERSION_FIELDS = ["id", "proposal_id", "number", "title", "summary", "created_at"]
UNDER_LISTED = 50  # proposals short of jurors named on the jury page


def settings_of(event: Event) -> JudgingSettings:
    """The event's judging settings, or unsaved defaults when the organisers set none."""
    found = JudgingSettings.objects.filter(event=event).first()
    return found or JudgingSettings(event=event)


def rubric(event: Event) -> list[Criterion]:
    """The event's criteria, or the default rubric (unsaved) when none were saved yet."""
    saved = list(event.criteria.all())
    if saved:
        return saved
    return [
        Criterion(event=event, key=key, weight=weight, position=n + 1)
        for n, (key, weight, _description) in enumerate(DEFAULT_RUBRIC)
    ]


def jury_version_ids(event: Event, *, ids=None) -> dict[int, int]:
    """proposal id -> id of the version the jury sees (the last saved before the deadline).

    The same rule as `Proposal.version_for_jury()`, for every proposal of the event (or those
    in `ids`) in one query of small rows. Proposals without such a version were never
    submitted in time and are not judged.
    """
    rows = ProposalVersion.objects.filter(
        proposal__event=event, created_at__lt=event.proposals_due_at
    )
    if ids is not None:
        rows = rows.filter(proposal_id__in=list(ids))
    last: dict[int, tuple[int, int]] = {}
    for proposal, number, pk in rows.values_list("proposal_id", "number", "pk"):
        if proposal not in last or number > last[proposal][0]:
            last[proposal] = (number, pk)
    return {proposal: pk for proposal, (_number, pk) in last.items()}


def jury_versions(
    event: Event, *, fields: list[str] | None = None, ids=None
) -> dict[int, ProposalVersion]:
    """proposal id -> the version the jury sees, with `fields` loaded (see `jury_version_ids`)."""
    chosen = jury_version_ids(event, ids=ids)
    versions = ProposalVersion.objects.filter(pk__in=list(chosen.values())).only(
        *(fields or VERSION_FIELDS)
    )
    return {version.proposal_id: version for version in versions}


def judged_proposals(event: Event, ids=None) -> QuerySet[Proposal]:
    """Proposals with a version saved before the deadline, with their team and challenge."""
    if ids is None:
        ids = list(jury_version_ids(event))
    return (
        Proposal.objects.filter(pk__in=list(ids))
        .select_related("team", "team__challenge", "team__challenge__owner_coop")
        .only(
            "id",
            "event_id",
            "team__id",
            "team__event_id",
            "team__name",
            "team__challenge__id",
            "team__challenge__title",
            "team__challenge__owner_coop__id",
            "team__challenge__owner_coop__name",
            "team__challenge__owner_coop__slug",
        )
        .order_by("pk")
    )


def ballot_entries(event: Event) -> list[tuple[int, str, str]]:
    """(proposal id, title the jury sees, team name) of every judged proposal, by team name.

    Plain values, not models: a ballot lists every proposal of the event.
    """
    versions = jury_version_ids(event)
    titles = dict(
        ProposalVersion.objects.filter(pk__in=list(versions.values())).values_list(
            "proposal_id", "title"
        )
    )
    teams = Proposal.objects.filter(pk__in=list(versions)).values_list("pk", "team__name")
    return sorted(
        ((pk, titles[pk], team) for pk, team in teams), key=lambda entry: (entry[2], entry[0])
    )


def affiliations(person_ids) -> dict[int, frozenset[str]]:
    """person id -> the person and their active cooperatives: what a conflict is made of."""
    result: dict[int, set[str]] = {pk: {f"person:{pk}"} for pk in person_ids}
    rows = Membership.objects.filter(
        person_id__in=list(result), status=Membership.Status.ACTIVE
    ).values_list("person_id", "coop_id")
    for person, coop in rows:
        result[person].add(f"coop:{coop}")
    return {pk: frozenset(values) for pk, values in result.items()}


def team_affiliations(event: Event, proposal_ids) -> dict[int, frozenset[str]]:
    """proposal id -> the affiliations of its team's active members."""
    rows = list(
        TeamMembership.objects.filter(
            team__event=event, team__proposal__in=list(proposal_ids), status=ACTIVE
        ).values_list("team__proposal", "registration__person_id")
    )
    people = affiliations({person for _proposal, person in rows})
    result: dict[int, set[str]] = {pk: set() for pk in proposal_ids}
    for proposal, person in rows:
        result[proposal] |= people[person]
    return {pk: frozenset(values) for pk, values in result.items()}


def marks(event: Event) -> list[scoring.Mark]:
    rows = Score.objects.filter(assignment__event=event).values_list(
        "assignment__juror_id", "assignment__proposal_id", "criterion_id", "value"
    )
    return list(map(scoring.Mark._make, rows))


# --- the jury's pages ---


def jurors(event: Event) -> QuerySet[Juror]:
    return (
        Juror.objects.filter(event=event)
        .select_related("person")
        .annotate(
            assigned=Count("assignments", distinct=True),
            scored=Count(
                "assignments", filter=Q(assignments__scored_at__isnull=False), distinct=True
            ),
        )
        .order_by("person__name", "pk")
    )


@dataclass
class Coverage:
    """How far the jury got: per proposal, jurors assigned and jurors done."""

    proposals: int = 0
    assignments: int = 0
    scored: int = 0
    under: list[tuple[Proposal, int]] = field(default_factory=list)  # fewer than wanted
    under_count: int = 0


def coverage(event: Event, per_proposal: int) -> Coverage:
    proposals = jury_version_ids(event)
    assigned = dict(
        Assignment.objects.filter(event=event)
        .values("proposal")
        .annotate(n=Count("pk"))
        .values_list("proposal", "n")
    )
    totals = Assignment.objects.filter(event=event).aggregate(
        all=Count("pk"), scored=Count("pk", filter=Q(scored_at__isnull=False))
    )
    short = sorted(pk for pk in proposals if assigned.get(pk, 0) < per_proposal)
    listed = judged_proposals(event, ids=short[:UNDER_LISTED])
    return Coverage(
        proposals=len(proposals),
        assignments=totals["all"],
        scored=totals["scored"],
        under=[(p, assigned.get(p.pk, 0)) for p in listed],
        under_count=len(short),
    )


def my_assignments(juror: Juror) -> list[Assignment]:
    assignments = list(
        juror.assignments.select_related("proposal__team__challenge").order_by("proposal_id")
    )
    versions = jury_versions(
        juror.event,
        fields=["id", "proposal_id", "title"],
        ids=[a.proposal_id for a in assignments],
    )
    for assignment in assignments:
        assignment.jury_version = versions.get(assignment.proposal_id)
    return assignments


# --- results ---

RANKING_CACHE_SECONDS = 24 * 3600


@dataclass
class Ranking:
    """The jury's ranking and the members' choice as plain values: what the cache keeps."""

    standings: list[scoring.Standing]
    unscored: list[int]  # proposals submitted in time that nobody scored
    approvals: dict[int, int] | None  # None: no members' choice
    ballots: int


def ranking(event: Event) -> Ranking:
    """Compute the ranking; once judging is over nothing can change it, so it is cached.

    After `judging_ends_at` no score, rubric, juror or ballot can change (the actions refuse),
    and the key holds the event's phases and `updated_at`, so an organiser who moves the
    phases gets a fresh computation.
    """
    closed = timezone.now() >= event.judging_ends_at
    key = (
        f"judging:ranking:{event.pk}:{event.updated_at.isoformat()}:"
        f"{event.proposals_due_at.isoformat()}:{event.judging_ends_at.isoformat()}"
    )
    if closed:
        hit = cache.get(key)
        if hit is not None:
            return hit
    weights = dict(event.criteria.values_list("pk", "weight"))
    submitted: dict[int, tuple[int, datetime.datetime]] = {}
    rows = ProposalVersion.objects.filter(
        proposal__event=event, created_at__lt=event.proposals_due_at
    ).values_list("proposal_id", "number", "created_at")
    for proposal, number, created_at in rows:
        if proposal not in submitted or number > submitted[proposal][0]:
            submitted[proposal] = (number, created_at)
    ranked = [
        s
        for s in scoring.standings(
            marks(event),
            weights=weights,
            submitted={pk: at for pk, (_n, at) in submitted.items()},
        )
        if s.proposal in submitted
    ]
    done = {s.proposal for s in ranked}
    approvals = None
    ballots = 0
    if settings_of(event).members_choice:
        tallies = dict(
            VoteTally.objects.filter(event=event).values_list("proposal_id", "approvals")
        )
        approvals = {pk: tallies.get(pk, 0) for pk in sorted(submitted)}
        ballots = VoteReceipt.objects.filter(event=event).count()
    result = Ranking(
        standings=ranked,
        unscored=sorted(pk for pk in submitted if pk not in done),
        approvals=approvals,
        ballots=ballots,
    )
    if closed:
        cache.set(key, result, RANKING_CACHE_SECONDS)
    return result


@dataclass
class Entry:
    """What a results page shows of a judged proposal: plain values, cheap for 2,000 rows."""

    proposal_id: int
    team_id: int
    team: str
    title: str
    summary: str
    challenge: str
    cooperative: str
    members: list[tuple[str, str]] = field(default_factory=list)  # (name, cooperative)


def entries(event: Event, ids) -> dict[int, Entry]:
    """proposal id -> its Entry, for the proposals in `ids`, in two queries."""
    chosen = jury_version_ids(event, ids=ids)
    texts = {
        proposal: (title, summary)
        for proposal, title, summary in ProposalVersion.objects.filter(
            pk__in=list(chosen.values())
        ).values_list("proposal_id", "title", "summary")
    }
    rows = Proposal.objects.filter(pk__in=list(chosen)).values_list(
        "pk",
        "team_id",
        "team__name",
        "team__announced_name",
        "team__challenge__title",
        "team__challenge__owner_coop__name",
    )
    return {
        pk: Entry(
            proposal_id=pk,
            team_id=team_id,
            team=announced or team,  # a team renamed after the announcement: as announced
            title=texts[pk][0],
            summary=texts[pk][1],
            challenge=challenge or "",
            cooperative=cooperative or "",
        )
        for pk, team_id, team, announced, challenge, cooperative in rows
    }


@dataclass
class Row:
    standing: scoring.Standing
    entry: Entry
    cells: list[float | None]  # raw mean per criterion, in rubric order
    prize: Prize | None = None
    approvals: int | None = None

    @property
    def rank(self) -> int:
        return self.standing.rank


@dataclass
class Choice:
    entry: Entry
    approvals: int
    rank: int


@dataclass
class Results:
    event: Event
    criteria: list[Criterion]
    rows: list[Row]  # the rows asked for: a page, or all
    winners: list[Row]
    unscored: list[Entry]
    members_choice: list[Choice] | None
    ballots: int
    weights_total: int
    page: Page | None = None
    ranked: int = 0  # how many proposals were ranked in all


def results(
    event: Event,
    *,
    page: int | str | None = None,
    per_page: int | None = None,
    choices: int | None = None,
    rows: bool = True,
) -> Results:
    """The ranking ready to show: all rows, one page of `per_page` rows, or (`rows=False`)
    only the winners; the members' choice in full, its first `choices`, or none (0).

    Only what is shown is loaded from the database, in a fixed number of queries.
    """
    criteria = list(event.criteria.all())
    found = ranking(event)
    prizes = list(event.prizes.all())
    prize_of = {s.proposal: prizes[n] for n, s in enumerate(found.standings[: len(prizes)])}
    winners = found.standings[: max(len(prizes), 1)]
    paginated = None
    shown = found.standings if rows else []
    if rows and per_page:
        paginated = Paginator(found.standings, per_page).get_page(page)
        shown = list(paginated.object_list)
    choice = None
    if found.approvals is not None and choices != 0:
        choice = scoring.approval_ranking(found.approvals)[:choices]
    unscored_ids = [] if not rows else found.unscored
    if per_page:
        unscored_ids = unscored_ids[:UNDER_LISTED]
    wanted = (
        {s.proposal for s in shown}
        | {s.proposal for s in winners}
        | {pk for pk, _count, _rank in choice or []}
        | set(unscored_ids)
    )
    found_entries = entries(event, wanted) if wanted else {}

    def make_row(standing: scoring.Standing) -> Row:
        return Row(
            standing=standing,
            entry=found_entries[standing.proposal],
            cells=[standing.criteria.get(c.pk) for c in criteria],
            prize=prize_of.get(standing.proposal),
            approvals=None
            if found.approvals is None
            else found.approvals.get(standing.proposal, 0),
        )

    return Results(
        event=event,
        criteria=criteria,
        rows=[make_row(s) for s in shown],
        winners=[make_row(s) for s in winners],
        unscored=[found_entries[pk] for pk in unscored_ids],
        members_choice=None
        if choice is None
        else [Choice(found_entries[pk], n, rank) for pk, n, rank in choice],
        ballots=found.ballots,
        weights_total=sum(c.weight for c in criteria),
        page=paginated,
        ranked=len(found.standings),
    )


def with_members(rows: list[Row]) -> list[Row]:
    """Add the active members of the rows' teams (the winners), in one query."""
    by_team = {row.entry.team_id: row.entry for row in rows}
    found = (
        TeamMembership.objects.filter(team_id__in=list(by_team), status=ACTIVE)
        .order_by("created_at", "pk")
        .values_list("team_id", "registration__person__name", "registration__coop__name")
    )
    for entry in by_team.values():
        entry.members = []
    for team, name, coop in found:
        by_team[team].members.append((name, coop or ""))
    return rows


def coopathon_history(person: User) -> list[dict[str, Any]]:
    """Coop-a-thons where the person earned an award (taking part, winning, judging, a challenge).

    Registrations alone stay private; awards are announced publicly with the results.
    """
    awards = (
        Award.objects.filter(person=person)
        .exclude(event__status=Event.Status.DRAFT)
        .select_related("event", "event__organiser")
        .order_by("-event__announcement_at", "event_id", "kind", "rank")
    )
    history: dict[int, dict[str, Any]] = {}
    for award in awards:
        history.setdefault(award.event_id, {"event": award.event, "awards": []})["awards"].append(
            award
        )
    return list(history.values())
