"""Paper counts of in-person meetings: one teller enters, another confirms (see the package).

The count becomes `Ballot(is_paper=True)` rows, one per option (or per ranking) with the number
of ballots as weight, and the attendance register's electors get paper participations, so the
count merges with the online ballots and nobody counts twice: electors who voted online cannot
be on the register, and those on it cannot vote online afterwards.
"""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minga import audit

from .. import secrecy
from ..actions import RANKED_KINDS, BallotError, clean_choice
from ..models import Ballot, Channel, Elector, PaperCount, Participation, Poll
from .actions import DelegationError, _accepting, check_teller

if TYPE_CHECKING:
    from minga.accounts.models import User


def paper_choices(poll: Poll, counts: Any, option_count: int) -> list[tuple[dict, int]]:
    """The paper count as (choice, number of ballots) pairs, each choice checked like a ballot.

    `counts` is a list of numbers by option position for consent, single-choice and approval
    polls (each ballot approving one option), or a list of `[number, ranking]` for ranked polls.
    """
    if poll.kind == Poll.Kind.SCORE:
        raise DelegationError(_("Score polls cannot take a paper count; enter each ballot online."))
    pairs: list[tuple[dict, int]] = []
    if poll.kind in RANKED_KINDS:
        if not isinstance(counts, list):
            raise DelegationError(_("Enter the ballots as lines of a number and a ranking."))
        for entry in counts:
            if not (isinstance(entry, list | tuple) and len(entry) == 2):
                raise DelegationError(_("Enter the ballots as lines of a number and a ranking."))
            number, ranking = entry
            if not isinstance(number, int) or number < 0:
                raise DelegationError(_("A count is a whole number, 0 or more."))
            if number:
                pairs.append((clean_choice(poll, {"ranking": ranking}, option_count), number))
        return pairs
    if not isinstance(counts, list) or len(counts) != option_count:
        raise DelegationError(_("Enter one count for each option."))
    for position, number in enumerate(counts):
        if not isinstance(number, int) or isinstance(number, bool) or number < 0:
            raise DelegationError(_("A count is a whole number, 0 or more."))
        if not number:
            continue
        if poll.kind == Poll.Kind.CONSENT:
            code = ("agree", "abstain", "disagree", "block")[position]
            choice = {"consent": code, "reason": _("Counted on paper.") if code == "block" else ""}
        elif poll.kind == Poll.Kind.SINGLE:
            choice = {"choice": position}
        else:
            choice = {"approve": [position]}
        pairs.append((clean_choice(poll, choice, option_count), number))
    return pairs


def _option_count(poll: Poll) -> int:
    return 4 if poll.kind == Poll.Kind.CONSENT else poll.options.count()


def _check_register(poll: Poll, electors: list[Elector], pairs: list[tuple[dict, int]]) -> None:
    if not electors:
        raise DelegationError(_("Tick the electors who voted on paper (the attendance register)."))
    if any(elector.poll_id != poll.pk for elector in electors):
        raise DelegationError(_("Someone on the register does not vote in this poll."))
    already = Participation.objects.filter(elector__in=electors).select_related(
        "elector__person", "elector__member_coop"
    )
    if already:
        names = ", ".join(sorted(str(p.elector) for p in already)[:10])
        raise DelegationError(
            _("These electors already voted, so they cannot be on the paper register: %(names)s.")
            % {"names": names}
        )
    ballots = sum(number for _choice, number in pairs)
    if ballots > len(electors):
        raise DelegationError(
            _("The count has %(ballots)s ballots but only %(people)s people on the register.")
            % {"ballots": ballots, "people": len(electors)}
        )


@transaction.atomic
def enter_paper_count(
    *,
    poll: Poll,
    actor: User,
    meeting: str,
    counts: Any,
    electors: list[Elector],
    note: str = "",
    now: datetime.datetime | None = None,
) -> PaperCount:
    now = now or timezone.now()
    poll = Poll.objects.select_related("coop").get(pk=poll.pk)
    check_teller(actor, poll.coop)
    _accepting(poll, now)
    meeting = meeting.strip()
    if not meeting:
        raise DelegationError(_("Name the meeting where the paper ballots were cast."))
    try:
        pairs = paper_choices(poll, counts, _option_count(poll))
    except BallotError as error:
        raise DelegationError(error.messages[0]) from None
    _check_register(poll, electors, pairs)
    pending = PaperCount.objects.filter(
        poll=poll, status=PaperCount.Status.ENTERED, electors__in=electors
    )
    if pending.exists():
        raise DelegationError(
            _("Someone on this register is already in a count waiting for confirmation.")
        )
    paper = PaperCount.objects.create(
        poll=poll, meeting=meeting, counts=counts, entered_by=actor, entered_at=now, note=note
    )
    paper.electors.set(electors)
    audit.record(
        "paper_count.entered",
        f"poll:{poll.pk}",
        {"paper_count": paper.pk, "register": len(electors)},
        actor,
        # Counts while the poll is open are partial results: public once it closes.
        private={"meeting": meeting, "counts": counts},
        topic=f"poll:{poll.pk}",
    )
    return paper


@transaction.atomic
def confirm_paper_count(
    *, paper: PaperCount, actor: User, now: datetime.datetime | None = None
) -> PaperCount:
    """The second teller confirms: the register's electors get paper participations and the
    counts become paper ballots, merged with the online ones in the count."""
    now = now or timezone.now()
    paper = (
        PaperCount.objects.select_for_update(of=("self",))
        .select_related("poll", "poll__coop")
        .get(pk=paper.pk)
    )
    poll = paper.poll
    _check_teller_pair(paper, actor)
    _accepting(poll, now)
    electors = list(
        Elector.objects.select_for_update(of=("self",))
        .filter(pk__in=paper.electors.values("pk"))
        .order_by("pk")
    )
    try:
        pairs = paper_choices(poll, paper.counts, _option_count(poll))
    except BallotError as error:
        raise DelegationError(error.messages[0]) from None
    _check_register(poll, electors, pairs)
    Participation.objects.bulk_create(
        [
            Participation(poll=poll, elector=elector, channel=Channel.PAPER, recorded_by=actor)
            for elector in electors
        ]
    )
    ballots = []
    for choice, number in pairs:
        ballot_id = uuid.uuid4()
        commitment = secrecy.commitment(secrecy.new_receipt(), ballot_id, choice)
        ballots.append(
            Ballot(
                id=ballot_id,
                poll=poll,
                weight=number,
                choice=choice,
                commitment=commitment,
                is_paper=True,
            )
        )
    Ballot.objects.bulk_create(ballots)
    paper.status = PaperCount.Status.CONFIRMED
    paper.confirmed_by = actor
    paper.confirmed_at = now
    paper.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    audit.record(
        "paper_count.confirmed",
        f"poll:{poll.pk}",
        {
            "paper_count": paper.pk,
            "ballots": sum(number for _choice, number in pairs),
            "commitments": sorted(ballot.commitment for ballot in ballots),
        },
        actor,
    )
    return paper


def _check_teller_pair(paper: PaperCount, actor: User) -> None:
    check_teller(actor, paper.poll.coop)
    if paper.entered_by_id == actor.pk:
        raise DelegationError(_("A second teller, not the one who entered it, checks the count."))
    if paper.status != PaperCount.Status.ENTERED:
        raise DelegationError(_("This count was already confirmed or rejected."))


@transaction.atomic
def reject_paper_count(*, paper: PaperCount, actor: User, note: str) -> PaperCount:
    paper = (
        PaperCount.objects.select_for_update(of=("self",))
        .select_related("poll__coop")
        .get(pk=paper.pk)
    )
    _check_teller_pair(paper, actor)
    note = note.strip()
    if not note:
        raise DelegationError(_("Say what is wrong with the count, so it can be entered again."))
    paper.status = PaperCount.Status.REJECTED
    paper.confirmed_by = actor
    paper.confirmed_at = timezone.now()
    paper.note = f"{paper.note}\n{note}".strip()[:2000]
    paper.save(update_fields=["status", "confirmed_by", "confirmed_at", "note"])
    audit.record(
        "paper_count.rejected",
        f"poll:{paper.poll_id}",
        {"paper_count": paper.pk},
        actor,
        private={"reason": note},
        audience=paper.poll.coop,
        topic=f"poll:{paper.poll_id}",
    )
    return paper
