"""Polls over JSON: a cooperative's polls, a poll's rules and results, and casting a ballot.

Closed polls are public, like their results; members also see the open ones. Casting a ballot
takes a signed-in member's session (with Django's CSRF token, as any session-authenticated
POST) and answers with the receipt code, exactly as the web ballot does.
"""

import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from ninja.security import django_auth
from pydantic import BaseModel

from minga.coops.models import Cooperative
from minga.core.api import Pages, documented
from minga.core.fast import rows

from . import actions, counting, queries
from .models import Poll
from .permissions import can_manage, can_read

router = Router(tags=["decisions"])


class OptionOut(Schema):
    position: int
    label: str
    description: str


class PollOut(Schema):
    id: int
    coop: str
    title: str
    details: str
    kind: str
    seats: int
    score_max: int
    status: str
    is_secret: bool
    results_visibility: str
    electorate: str
    electorate_size: int
    quorum_kind: str
    quorum_value: int
    threshold: str
    opened_at: datetime.datetime | None
    closes_at: datetime.datetime
    closed_at: datetime.datetime | None
    closing_log_index: int | None
    options: list[OptionOut]
    rules: list[str]

    @staticmethod
    def resolve_coop(obj: Poll) -> str:
        return obj.coop.slug

    @staticmethod
    def resolve_options(obj: Poll) -> list:
        return list(obj.options.all())

    @staticmethod
    def resolve_rules(obj: Poll) -> list[str]:
        return queries.rules_in_words(obj)


class ResultOut(Schema):
    poll: int
    status: str
    is_final: bool
    passed: bool | None
    result: dict[str, Any]


class BallotIn(BaseModel):
    # A plain model: a request body has no ORM object for Schema's attribute resolving to read.
    choice: dict[str, Any]
    reason: str = ""
    elector: int | None = None


class ReceiptOut(Schema):
    poll: int
    receipt: str


class ErrorOut(Schema):
    detail: str


def _visible_polls(user, coop: Cooperative):
    if can_manage(user, coop):
        return queries.polls_of(coop)
    if can_read(user, coop):
        return queries.polls_of(coop).exclude(status=Poll.Status.DRAFT)
    return queries.polls_of(coop, public_only=True)


def _poll_for(user, pk: int) -> Poll:
    poll = get_object_or_404(Poll.objects.select_related("coop"), pk=pk)
    if poll.status == Poll.Status.CLOSED:
        return poll
    if poll.status == Poll.Status.DRAFT and not can_manage(user, poll.coop):
        raise Http404
    if not can_read(user, poll.coop):
        raise Http404
    return poll


@router.get(
    "/coops/{slug}/polls",
    response=list[PollOut],
    summary="A cooperative's polls",
    description="Closed polls for everyone; open ones too for the cooperative's members.",
    openapi_extra=documented(404, 422, s404="No cooperative has this short name"),
)
@paginate(Pages)
def coop_polls(request, slug: str):
    coop = get_object_or_404(Cooperative, slug=slug)
    return _visible_polls(request.user, coop).prefetch_related("options")


@router.get(
    "/polls/{poll_id}",
    response=PollOut,
    summary="A poll, its options and its rules in words",
    openapi_extra=documented(404, 422, s404="No poll visible to you has this identifier"),
)
def poll_detail(request, poll_id: int):
    return _poll_for(request.user, poll_id)


@router.get(
    "/polls/{poll_id}/results",
    response=ResultOut,
    summary="A poll's results, once they may be shown",
    description=(
        "After closing for everyone; while open only to members who voted, and only if the "
        "poll shows results to voters. Otherwise 404: results never leak early."
    ),
    openapi_extra=documented(404, 422, s404="No visible results for this poll"),
)
def poll_results(request, poll_id: int):
    poll = _poll_for(request.user, poll_id)
    if not queries.results_visible(poll, request.user):
        raise Http404
    result = dict(counting.current_result(poll) or {})
    result.pop("chart", None)
    return {
        "poll": poll.pk,
        "status": poll.status,
        "is_final": poll.status == Poll.Status.CLOSED,
        "passed": poll.has_passed,
        "result": result,
    }


@router.post(
    "/polls/{poll_id}/ballots",
    auth=django_auth,
    response={201: ReceiptOut, 400: ErrorOut, 403: ErrorOut},
    summary="Cast (or replace) your ballot",
    description=(
        'The choice, by option position: {"choice": 1}, {"approve": [0, 3]}, '
        '{"scores": {"0": 5}}, {"ranking": [[0], [2], [1]]} or '
        '{"consent": "block", "reason": "..."}. The last ballot counts until the poll '
        "closes. `elector` picks the member cooperative you vote for, in a federation poll."
    ),
    openapi_extra=documented(404, 422, s404="No poll visible to you has this identifier"),
)
def cast(request, poll_id: int, ballot: BallotIn):
    # The hot path of a vote: who may cast here is one query, and cast_ballot reads (and locks)
    # the poll's live row itself, so nothing else is fetched before it.
    # A handle with only the key (no field defaults computed): cast_ballot reads the live row
    # under its lock (budget `ballots-per-second`, through `minga.core.fast.rows`).
    poll = rows.handle(Poll, poll_id)
    try:
        elector = queries.elector_for(request.user, poll, ballot.elector)
    except PermissionDenied as refused:
        _poll_for(request.user, poll_id)  # 404 when the poll is not visible at all
        return Status(403, {"detail": str(refused)})
    except ValidationError as error:
        return Status(400, {"detail": " ".join(error.messages)})
    try:
        code = actions.cast_ballot(
            poll=poll,
            elector=elector,
            choice=ballot.choice,
            reason=ballot.reason,
            channel="web",
            actor=request.user,
        )
    except ValidationError as error:
        return Status(400, {"detail": " ".join(error.messages)})
    # ReceiptOut, written directly: two known fields (digits only) need no serialiser.
    return HttpResponse(
        f'{{"poll":{poll_id},"receipt":"{code}"}}',
        status=201,
        content_type="application/json; charset=utf-8",
    )
