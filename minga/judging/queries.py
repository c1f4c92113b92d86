"""Reads for judging pages, each in a fixed number of queries whatever the event's size."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)

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
    Criterion,
    JudgingSettings,
    Juror,
    Score,
    VoteReceipt,
    VoteTally,
)

ACTIVE = TeamMembership.Status.ACTIVE
VERSION_FIELDS = ["id", "proposal_id", "number", "title", "summary", "created_at"]


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


def jury_versions(event: Event, *, fields: list[str] | None = None) -> dict[int, ProposalVersion]:
    """proposal id -> the version the jury sees (the last saved before the deadline).

    The same rule as `Proposal.version_for_jury()`, for every proposal of the event in one
    query. Proposals without such a version were never submitted in time and are not judged.
    """
    last = (
        ProposalVersion.objects.filter(
            proposal=OuterRef("proposal_id"), created_at__lt=event.proposals_due_at
        )
        .order_by("-number")
        .values("pk")[:1]
    )
    versions = ProposalVersion.objects.filter(
        proposal__event=event, created_at__lt=event.proposals_due_at, pk=Subquery(last)
    ).only(*(fields or VERSION_FIELDS))
    return {version.proposal_id: version for version in versions}


def judged_proposals(event: Event) -> QuerySet[Proposal]:
    """Proposals with a version saved before the deadline, with their team and challenge."""
    return (
        Proposal.objects.filter(event=event, versions__created_at__lt=event.proposals_due_at)
        .distinct()
        .select_related("team", "team__challenge", "team__challenge__owner_coop")
        .order_by("pk")
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
    return [
        scoring.Mark(juror, proposal, criterion, value)
        for juror, proposal, criterion, value in rows
    ]


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


def coverage(event: Event, per_proposal: int) -> Coverage:
    proposals = list(
        judged_proposals(event).annotate(
            assigned=Count("jury_assignments", distinct=True),
        )
    )
    totals = Assignment.objects.filter(event=event).aggregate(
        all=Count("pk"), scored=Count("pk", filter=Q(scored_at__isnull=False))
    )
    return Coverage(
        proposals=len(proposals),
        assignments=totals["all"],
        scored=totals["scored"],
        under=[(p, p.assigned) for p in proposals if p.assigned < per_proposal],
    )


def my_assignments(juror: Juror) -> list[Assignment]:
    assignments = list(
        juror.assignments.select_related("proposal__team__challenge").order_by("proposal_id")
    )
    versions = jury_versions(juror.event)
    for assignment in assignments:
        assignment.jury_version = versions.get(assignment.proposal_id)
    return assignments


# --- results ---


@dataclass
class Row:
    standing: scoring.Standing
    proposal: Proposal
    version: ProposalVersion
    cells: list[float | None]  # raw mean per criterion, in rubric order
    prize: Prize | None = None
    approvals: int | None = None

    @property
    def team(self):
        return self.proposal.team

    @property
    def rank(self) -> int:
        return self.standing.rank


@dataclass
class Choice:
    proposal: Proposal
    version: ProposalVersion
    approvals: int
    rank: int


@dataclass
class Results:
    event: Event
    criteria: list[Criterion]
    rows: list[Row]
    unscored: list[tuple[Proposal, ProposalVersion]]
    members_choice: list[Choice] | None
    ballots: int
    weights_total: int

    @property
    def winners(self) -> list[Row]:
        return [row for row in self.rows if row.prize is not None] or self.rows[:1]


def results(event: Event) -> Results:
    """The jury's ranking and the members' choice, ready to show: a fixed number of queries."""
    criteria = list(event.criteria.all())
    versions = jury_versions(event)
    proposals = {p.pk: p for p in judged_proposals(event)}
    ranked = scoring.standings(
        marks(event),
        weights={c.pk: c.weight for c in criteria},
        submitted={pk: v.created_at for pk, v in versions.items()},
    )
    prizes = list(event.prizes.all())
    settings = settings_of(event)
    tallies = (
        dict(VoteTally.objects.filter(event=event).values_list("proposal_id", "approvals"))
        if settings.members_choice
        else {}
    )
    rows = []
    for standing in ranked:
        if standing.proposal not in proposals or standing.proposal not in versions:
            continue
        position = len(rows)
        rows.append(
            Row(
                standing=standing,
                proposal=proposals[standing.proposal],
                version=versions[standing.proposal],
                cells=[standing.criteria.get(c.pk) for c in criteria],
                prize=prizes[position] if position < len(prizes) else None,
                approvals=tallies.get(standing.proposal, 0) if settings.members_choice else None,
            )
        )
    ranked_ids = {row.proposal.pk for row in rows}
    unscored = [
        (proposal, versions[pk])
        for pk, proposal in proposals.items()
        if pk not in ranked_ids and pk in versions
    ]
    choice = None
    if settings.members_choice:
        counts = {pk: tallies.get(pk, 0) for pk in proposals if pk in versions}
        choice = [
            Choice(proposals[pk], versions[pk], approvals, rank)
            for pk, approvals, rank in scoring.approval_ranking(counts)
        ]
    return Results(
        event=event,
        criteria=criteria,
        rows=rows,
        unscored=unscored,
        members_choice=choice,
        ballots=VoteReceipt.objects.filter(event=event).count() if settings.members_choice else 0,
        weights_total=sum(c.weight for c in criteria),
    )


def with_members(rows: list[Row]) -> list[Row]:
    """Load the active members of the given rows' teams (the winners), in one query."""
    teams = [row.proposal.team for row in rows]
    if teams:
        prefetch_related_objects(
            teams,
            Prefetch(
                "memberships",
                queryset=TeamMembership.objects.filter(status=ACTIVE)
                .select_related("registration__person", "registration__coop")
                .order_by("created_at", "pk"),
                to_attr="active_members",
            ),
        )
    return rows
