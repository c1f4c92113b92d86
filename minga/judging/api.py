"""Public results over JSON: empty until the announcement instant, like the pages."""

import datetime

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema

from minga.events.models import Event

from . import queries

router = Router(tags=["results"])


class CriterionOut(Schema):
    id: int
    name: str
    weight: int


class StandingOut(Schema):
    rank: int
    team: str
    proposal: str
    challenge: str | None
    score: float
    raw_mean: float
    criteria: dict[str, float]
    jurors: int
    tie_break: str | None
    prize: str | None
    members_choice_approvals: int | None


class ChoiceOut(Schema):
    rank: int
    team: str
    proposal: str
    approvals: int


class ResultsOut(Schema):
    event: str
    announcement_at: datetime.datetime
    is_announced: bool
    criteria: list[CriterionOut]
    ranking: list[StandingOut]
    winners: list[StandingOut]
    members_choice: list[ChoiceOut] | None


def _standing(row: queries.Row, criteria) -> dict:
    return {
        "rank": row.rank,
        "team": row.entry.team,
        "proposal": row.entry.title,
        "challenge": row.entry.challenge or None,
        "score": round(row.standing.score, 6),
        "raw_mean": round(row.standing.raw, 6),
        "criteria": {
            str(c.pk): round(v, 6)
            for c, v in zip(criteria, row.cells, strict=True)
            if v is not None
        },
        "jurors": row.standing.jurors,
        "tie_break": row.standing.tie_break,
        "prize": row.prize.name if row.prize else None,
        "members_choice_approvals": row.approvals,
    }


@router.get(
    "/{slug}",
    response=ResultsOut,
    summary="An event's results (empty lists until the announcement)",
)
def get_results(request, slug: str):
    event = get_object_or_404(
        Event, slug=slug, status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED]
    )
    announced = event.are_results_announced(timezone.now())
    out = {
        "event": event.slug,
        "announcement_at": event.announcement_at,
        "is_announced": announced,
        "criteria": [],
        "ranking": [],
        "winners": [],
        "members_choice": None,
    }
    if not announced:
        return out
    found = queries.results(event)
    criteria = found.criteria
    out["criteria"] = [{"id": c.pk, "name": str(c.label), "weight": c.weight} for c in criteria]
    out["ranking"] = [_standing(row, criteria) for row in found.rows]
    out["winners"] = [_standing(row, criteria) for row in found.winners]
    if found.members_choice is not None:
        out["members_choice"] = [
            {
                "rank": c.rank,
                "team": c.entry.team,
                "proposal": c.entry.title,
                "approvals": c.approvals,
            }
            for c in found.members_choice
        ]
    return out
