"""Who may vote, asked by `actions.cast_ballot` itself, so every channel applies one rule.

A ballot counts only for an elector of the poll's frozen electorate (the snapshot taken when
it opened) who still has the right to vote now: for a person, an active membership of the
poll's cooperative in a role that votes (associates do not); for a member cooperative in a
federation poll, an affiliation still active. Suspended, departed and associate members are
refused whichever way the ballot arrives (web, API, USSD, SMS, proxy, agent). And the ballot
must be put in by someone who may cast it (`permissions.may_cast`): the voter, or whoever votes
for them by a channel that allows it.

The check is one statement joining four primary-key or unique-index lookups: every ballot pays
for it (bench/bench_ballots.py, 1,000 ballots/s).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from minga.coops.models import Affiliation, Membership
from minga.core.fast import sql
from minga.core.fast.cursor import hot_cursor

from .models import Elector, Poll
from .permissions import may_cast

if TYPE_CHECKING:
    from minga.accounts.models import User


@functools.cache
def _sql() -> str:
    # Budget `ballots-per-second`: every ballot asks this (see the module's docstring).
    table = sql.table
    return (
        "SELECT e.poll_id, e.person_id, e.member_coop_id, p.coop_id, m.status, m.role, "  # noqa: S608
        "a.is_active "
        f"FROM {table(Elector)} e JOIN {table(Poll)} p ON p.id = e.poll_id "
        f"LEFT JOIN {table(Membership)} m ON m.coop_id = p.coop_id AND m.person_id = e.person_id "
        f"LEFT JOIN {table(Affiliation)} a "
        "ON a.federation_id = p.coop_id AND a.member_id = e.member_coop_id "
        "WHERE e.id = %s"
    )


def refusal(poll: Poll, elector: Elector, *, actor: User | None, channel: str) -> str:
    """Why `elector` may not vote in `poll` now, or `actor` may not cast their ballot by
    `channel`, in the voter's language; "" when they may. No actor: the system (a demo load)."""
    with hot_cursor() as cursor:
        cursor.execute(_sql(), [elector.pk])
        row = cursor.fetchone()
    if row is None or row[0] != poll.pk:
        return _("You are not in this poll's electorate.")
    _poll_id, person_id, member_coop_id, coop_id, status, role, affiliated = row
    if actor is not None and not may_cast(
        actor,
        coop_id=coop_id,
        elector_id=elector.pk,
        person_id=person_id,
        member_coop_id=member_coop_id,
        channel=channel,
    ):
        return _("This vote is not yours to cast.")
    if person_id is None:
        if not affiliated:
            return _("This cooperative is no longer a member of the federation, so it cannot vote.")
        return ""
    if status is None or status == Membership.Status.LEFT:
        return _("You are no longer a member of this cooperative, so you cannot vote.")
    if status != Membership.Status.ACTIVE:
        return _("Your membership is suspended, so you cannot vote.")
    if role == Membership.Role.ASSOCIATE:
        return _("Associate members take part in discussions but do not vote.")
    return ""
