"""Maker, checker, members: no outflow and no manual entry without several people agreeing.

The treasurer (maker) prepares a request; the board's checkers approve or refuse it (the maker
never checks, a checker never makes, two identical requests never wait at once); the statutes'
`ApprovalRule` for the operation and amount says how many checkers, and from which amount k
ordinary members, drawn by the platform from the log, must also confirm (web, USSD or SMS)
before a deadline, else the request lapses. A colluding committee cannot choose them: the draw
is seeded by the leaf hash of the last checker's approval entry (see `sampling`), and its
inputs and result are recorded in the log. Only when everyone agreed is the entry posted, by
the platform, citing the request. The pending queue is open to everyone who reads the books,
the supervisory committee included.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from minga import audit
from minga.channels.models import OutboundMessage
from minga.channels.sms import send_sms
from minga.coops.models import Cooperative, Membership
from minga.core.jcs import canonical_json

from . import actions as books
from . import money, permissions, posting, sampling
from .models import Account, Books, MemberAccount
from .models_members import (
    ApprovalCheck,
    ApprovalRequest,
    ApprovalRule,
    Channel,
    MemberConfirmation,
    Operation,
)

if TYPE_CHECKING:
    from minga.accounts.models import User

TreasuryError = books.TreasuryError
Status = ApprovalRequest.Status
OUTFLOWS = {Operation.SAVINGS_WITHDRAWAL, Operation.SHARE_REDEMPTION, Operation.PAYMENT}


def rule_for(coop: Cooperative, operation: str, amount: int) -> ApprovalRule:
    """The statutes' rule for `operation` at `amount` (the highest step not above it); one
    checker and no members when the statutes say nothing."""
    found = (
        ApprovalRule.objects.filter(coop=coop, operation=operation, min_amount__lte=amount)
        .order_by("-min_amount")
        .first()
    )
    return found or ApprovalRule(coop=coop, operation=operation, checkers=1, members=0, hours=72)


@transaction.atomic
def set_rule(
    *,
    coop: Cooperative,
    actor: User,
    operation: str,
    min_amount: int,
    checkers: int = 1,
    members: int = 0,
    hours: int = 72,
) -> ApprovalRule:
    """Write the statutes' rule for `operation` from `min_amount` up (the board decides)."""
    if not permissions.can_check(actor, coop):
        raise PermissionDenied(_("Only the board sets the approval rules."))
    if operation not in Operation.values:
        raise TreasuryError(_("Choose an operation from the list."), code="operation")
    for value, low, high in ((min_amount, 0, None), (checkers, 1, 5), (members, 0, 15)):
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise TreasuryError(_("These numbers cannot be negative."), code="rule")
        if high is not None and value > high:
            raise TreasuryError(_("These numbers are too large."), code="rule")
    if isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= 720:
        raise TreasuryError(_("Members have between 1 and 720 hours to confirm."), code="hours")
    rule, _created = ApprovalRule.objects.update_or_create(
        coop=coop,
        operation=operation,
        min_amount=min_amount,
        defaults={"checkers": checkers, "members": members, "hours": hours},
    )
    audit.record(
        "treasury.approval_rule_set",
        f"coop:{coop.slug}",
        {
            "coop": coop.slug,
            "operation": operation,
            "min_amount": min_amount,
            "checkers": checkers,
            "members": members,
            "hours": hours,
        },
        actor,
        audience=coop,
    )
    return rule


# Outflows to one member that mobile money pays out (`payments.pay_out`), booked once the
# provider confirms the transfer.
PAID_OUT = (Operation.SAVINGS_WITHDRAWAL, Operation.SHARE_REDEMPTION)


def _positive(amount) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise TreasuryError(_("The amount is above zero."), code="amount")
    return amount


def _planned_lines(
    coop: Cooperative,
    operation: str,
    amount: int,
    member: MemberAccount | None,
    account: str,
    paid_from: str,
    lines: list[books.LineSpec] | None,
) -> list[list]:
    """What the request will post, as [[account code, member ref, signed amount], ...]."""
    if operation == Operation.SAVINGS_WITHDRAWAL:
        if member is None:
            raise TreasuryError(_("Choose the member."), code="member")
        if -books.member_balance(member, "member-savings") < amount:
            raise TreasuryError(
                _("The member's savings are less than this amount."), code="balance"
            )
        specs = [books.debit("member-savings", amount, member), books.credit(paid_from, amount)]
    elif operation == Operation.PAYMENT:
        specs = [books.debit(account, amount), books.credit(paid_from, amount)]
    elif operation == Operation.MANUAL:
        specs = list(lines or [])
        if sum(spec.amount for spec in specs if spec.amount > 0) != amount:
            raise TreasuryError(_("The amount is the total of the debits."), code="amount")
    else:
        raise TreasuryError(_("Choose an operation from the list."), code="operation")
    keys = {
        spec.account.pk if isinstance(spec.account, Account) else spec.account for spec in specs
    }
    # The ledger's own line rules, as post_entry will apply them.
    checked = books._check_lines(posting.accounts(coop.pk, keys), coop, specs)  # noqa: SLF001
    return [
        [account.code, member.ref if member else "", amount] for account, amount, member in checked
    ]


@transaction.atomic
def request_approval(
    *,
    coop: Cooperative,
    actor: User,
    operation: str,
    amount: int,
    narration: str,
    member: MemberAccount | None = None,
    account: str = "",
    paid_from: str = "cash",
    lines: list[books.LineSpec] | None = None,
    shares: int = 0,
    date: datetime.date | None = None,
    reference: str = "",
    now: datetime.datetime | None = None,
) -> ApprovalRequest:
    """The maker's request: an outflow or a manual entry, waiting for its checkers. `date` and
    `reference` are the entry's, checked now as `post_entry` will check them (an open period,
    a reference not yet in the books) and posted with it."""
    now = now or timezone.now()
    if not permissions.can_keep_books(actor, coop):
        raise PermissionDenied(_("Only the treasurer prepares outflows and manual entries."))
    narration = " ".join((narration or "").split())
    if not narration or len(narration) > 300:
        raise TreasuryError(_("Describe the request in at most 300 characters."), code="narration")
    reference = _entry_reference(coop, reference)
    if date is not None:
        _entry_date(coop, date)
    if operation == Operation.SHARE_REDEMPTION:
        if member is None:
            raise TreasuryError(_("Choose the member."), code="member")
        shares = books._positive_shares(shares)  # noqa: SLF001
        par = Books.objects.get(coop=coop).share_par_value
        if shares > books.shares_held(member):
            raise TreasuryError(_("The member holds fewer shares than this."), code="shares")
        amount = shares * par
        planned = [
            [books.account_for(coop, "member-shares").code, member.ref, amount],
            [books.account_for(coop, paid_from).code, "", -amount],
        ]
    else:
        amount = _positive(amount)
        planned = _planned_lines(coop, operation, amount, member, account, paid_from, lines)
    if operation in PAID_OUT and books.account_for(coop, paid_from).role == "mobile-money":
        from .payments import payment_account  # paid by pay_out once approved: refuse now

        payment_account(coop)
    payload = {"lines": planned, "paid_from": paid_from, "shares": shares}
    fingerprint = hashlib.sha256(
        canonical_json(
            {
                "operation": operation,
                "amount": amount,
                "narration": narration,
                "date": date.isoformat() if date else "",
                "reference": reference,
                **payload,
            }
        )
    ).hexdigest()
    duplicate = ApprovalRequest.objects.filter(
        coop=coop, fingerprint=fingerprint, status__in=ApprovalRequest.PENDING
    )
    if duplicate.exists():
        raise TreasuryError(
            _("The same request is already waiting for approval."), code="duplicate"
        )
    rule = rule_for(coop, operation, amount)
    try:
        with transaction.atomic():
            request = ApprovalRequest.objects.create(
                coop=coop,
                operation=operation,
                amount=amount,
                narration=narration,
                member=member,
                date=date,
                reference=reference,
                payload=payload,
                fingerprint=fingerprint,
                maker=actor,
                checkers_needed=rule.checkers,
                members_needed=rule.members,
                hours=rule.hours,
                created_at=now,
            )
    except IntegrityError:
        raise TreasuryError(
            _("The same request is already waiting for approval."), code="duplicate"
        ) from None
    audit.record(
        "treasury.approval_requested",
        f"treasury:{coop.slug}:request:{request.pk}",
        {
            "coop": coop.slug,
            "request": request.pk,
            "operation": operation,
            "amount": amount,
            "checkers": rule.checkers,
            "members": rule.members,
            "date": date.isoformat() if date else "",
        },
        actor,
        private={
            "narration": narration,
            "member": member.ref if member else "",
            "reference": reference,
        },
        audience=coop,
    )
    return request


def _entry_reference(coop: Cooperative, reference: str) -> str:
    reference = (reference or "").strip()
    if len(reference) > 64:
        raise TreasuryError(_("The reference is at most 64 characters."), code="reference")
    if reference and posting.has_reference(coop.pk, reference):
        raise TreasuryError(
            _("An entry with the reference %(reference)s is already in the books."),
            code="duplicate_reference",
            params={"reference": reference},
        )
    return reference


def _entry_date(coop: Cooperative, date: datetime.date) -> None:
    """Refuse a date no open period of the books covers, as `post_entry` would."""
    year = posting.year_for(coop.pk, date)
    if year is None:
        raise TreasuryError(
            _("No fiscal year of these books covers %(date)s."),
            code="no_year",
            params={"date": date.isoformat()},
        )
    if year[3]:
        raise books._closed(date)  # noqa: SLF001


def _locked(request: ApprovalRequest) -> ApprovalRequest:
    return (
        ApprovalRequest.objects.select_for_update(of=("self",))
        .select_related("coop", "member__membership")
        .get(pk=request.pk)
    )


def _subject(request: ApprovalRequest) -> str:
    return f"treasury:{request.coop.slug}:request:{request.pk}"


@transaction.atomic
def check_request(
    *,
    request: ApprovalRequest,
    actor: User,
    approve: bool,
    note: str = "",
    now: datetime.datetime | None = None,
) -> ApprovalRequest:
    """A checker's approval or refusal; the last approval draws the members or posts."""
    now = now or timezone.now()
    request = _locked(request)
    coop = request.coop
    if not permissions.can_check(actor, coop):
        raise PermissionDenied(_("Only the board's checkers approve requests."))
    if request.maker_id == actor.pk:
        raise TreasuryError(_("Whoever made a request cannot check it."), code="maker_checks")
    if request.status != Status.CHECKING:
        raise TreasuryError(_("This request is not waiting for checkers."), code="not_pending")
    if ApprovalCheck.objects.filter(request=request, checker=actor).exists():
        raise TreasuryError(_("You have already checked this request."), code="checked")
    note = " ".join((note or "").split())[:300]
    ApprovalCheck.objects.create(
        request=request, checker=actor, approved=approve, note=note, created_at=now
    )
    logged = audit.record(
        "treasury.approval_checked",
        _subject(request),
        {"coop": coop.slug, "request": request.pk, "approved": bool(approve)},
        actor,
        private={"note": note},
        audience=coop,
    )
    if not approve:
        return _decide(request, Status.REFUSED, now)
    approvals = ApprovalCheck.objects.filter(request=request, approved=True).count()
    if approvals < request.checkers_needed:
        return request
    if request.members_needed:
        return _draw(request, logged, now)
    return _execute(request, now)


def eligible_refs(request: ApprovalRequest) -> list[str]:
    """Who may be drawn: ordinary active members with an account, neither the request's maker,
    its checkers, nor the member it pays."""
    excluded = {request.maker_id, *request.checks.values_list("checker_id", flat=True)}
    if request.member is not None:
        excluded.add(request.member.membership.person_id)
    return list(
        MemberAccount.objects.filter(
            coop=request.coop,
            membership__status=Membership.Status.ACTIVE,
            membership__role=Membership.Role.MEMBER,
        )
        .exclude(membership__person_id__in=excluded)
        .values_list("ref", flat=True)
    )


def _new_code() -> str:
    return f"{secrets.randbelow(9000) + 1000}"


def _draw(request: ApprovalRequest, logged, now: datetime.datetime) -> ApprovalRequest:
    candidates = eligible_refs(request)
    if len(candidates) < request.members_needed:
        raise TreasuryError(
            _("The cooperative has too few ordinary members to draw %(k)s of them."),
            code="too_few_members",
            params={"k": request.members_needed},
        )
    seed = sampling.seed_from(bytes(logged.leaf_hash), request.pk)
    drawn = sampling.draw(seed, candidates, request.members_needed)
    request.status = Status.CONFIRMING
    request.deadline = now + datetime.timedelta(hours=request.hours)
    request.seed_entry = logged.index
    request.seed = seed.hex()
    request.save(update_fields=["status", "deadline", "seed_entry", "seed"])
    taken = set(
        MemberConfirmation.objects.filter(request__status=Status.CONFIRMING).values_list(
            "code", flat=True
        )
    )
    members = {m.ref: m for m in MemberAccount.objects.filter(coop=request.coop, ref__in=drawn)}
    confirmations = []
    for ref in drawn:
        code = _new_code()
        while code in taken:
            code = _new_code()
        taken.add(code)
        confirmations.append(
            MemberConfirmation.objects.create(request=request, member=members[ref], code=code)
        )
    audit.record(
        "treasury.members_drawn",
        _subject(request),
        {
            "coop": request.coop.slug,
            "request": request.pk,
            "seed_entry": logged.index,
            "seed": seed.hex(),
            "candidates": len(set(candidates)),
            "candidates_digest": sampling.candidates_digest(candidates),
            "k": request.members_needed,
            "deadline": request.deadline.isoformat(),
        },
        None,
        private={"drawn": drawn},
        audience=request.coop,
    )
    for confirmation in confirmations:
        _ask(confirmation, request)
    return request


def phone_of(member: MemberAccount) -> str:
    """Where a member's messages go: their verified phone, else their witness's."""
    person = member.membership.person
    if person.phone and person.phone_verified_at:
        return person.phone
    witness = getattr(member, "witness", None)
    return witness.phone if witness else ""


def format_amount(coop_id: int, amount: int) -> str:
    currency = Books.objects.get(coop_id=coop_id).currency
    return money.format_amount(amount, currency, code=True)


def _ask(confirmation: MemberConfirmation, request: ApprovalRequest) -> None:
    member = confirmation.member
    phone = phone_of(member)
    if not phone:
        return
    with translation.override(member.membership.person.preferred_language):
        text = _(
            "Minga %(coop)s: you were drawn to confirm an outflow of %(amount)s: %(what)s. "
            "Reply CONFIRM %(code)s or REFUSE %(code)s, or use the USSD menu, before %(deadline)s."
        ) % {
            "coop": request.coop.name[:30],
            "amount": format_amount(request.coop_id, request.amount),
            "what": request.narration[:60],
            "code": confirmation.code,
            "deadline": f"{request.deadline:%d/%m %H:%M} UTC",
        }
    send_sms(to=phone, text=text, kind=OutboundMessage.Kind.NOTICE)


@transaction.atomic
def answer_confirmation(
    *,
    confirmation: MemberConfirmation,
    actor: User,
    confirm: bool,
    channel: str,
    now: datetime.datetime | None = None,
) -> ApprovalRequest:
    """A drawn member's answer; a no refuses the request, the last yes posts it."""
    now = now or timezone.now()
    confirmation = MemberConfirmation.objects.select_related("member__membership").get(
        pk=confirmation.pk
    )
    request = _locked(confirmation.request)
    if confirmation.member.membership.person_id != actor.pk:
        raise PermissionDenied(_("Only the member drawn can answer."))
    if request.status != Status.CONFIRMING:
        raise TreasuryError(_("This request is no longer waiting for members."), code="closed")
    if request.deadline is not None and now >= request.deadline:
        raise TreasuryError(_("The time to confirm this request has passed."), code="late")
    if confirmation.answer:
        raise TreasuryError(_("You have already answered."), code="answered")
    if channel not in Channel.values:
        raise TreasuryError(_("Unknown channel."), code="channel")
    confirmation.answer = "yes" if confirm else "no"
    confirmation.channel = channel
    confirmation.answered_at = now
    confirmation.save(update_fields=["answer", "channel", "answered_at"])
    audit.record(
        "treasury.member_confirmed",
        _subject(request),
        {
            "coop": request.coop.slug,
            "request": request.pk,
            "confirmed": bool(confirm),
            "channel": channel,
        },
        actor,
        private={"member": confirmation.member.ref},
        audience=request.coop,
    )
    if not confirm:
        return _decide(request, Status.REFUSED, now)
    if request.confirmations.exclude(answer="yes").exists():
        return request
    return _execute(request, now)


def _decide(request: ApprovalRequest, status: str, now: datetime.datetime) -> ApprovalRequest:
    request.status = status
    request.decided_at = now
    request.save(update_fields=["status", "decided_at"])
    if status != Status.POSTED:
        audit.record(
            f"treasury.approval_{status}",
            _subject(request),
            {"coop": request.coop.slug, "request": request.pk},
            None,
            audience=request.coop,
        )
    return request


def _execute(request: ApprovalRequest, now: datetime.datetime) -> ApprovalRequest:
    """Post what everyone agreed to, as the platform, citing the request."""
    coop = request.coop
    if (
        request.operation in PAID_OUT
        and books.account_for(coop, request.payload["paid_from"]).role == "mobile-money"
    ):
        from .payments import pay_out  # booked when the provider confirms the transfer

        payment = pay_out(
            member=request.member, amount=request.amount, actor=None, approval=request
        )
        request.status = Status.PAYING
        request.decided_at = now
        request.save(update_fields=["status", "decided_at"])
        audit.record(
            "treasury.approval_paying",
            _subject(request),
            {"coop": coop.slug, "request": request.pk, "payment": str(payment.uid)},
            None,
            audience=coop,
        )
        return request
    if request.operation == Operation.SHARE_REDEMPTION:
        entry = books.redeem_shares(
            member=request.member,
            shares=request.payload["shares"],
            actor=None,
            paid_from=request.payload["paid_from"],
            date=request.date,
            reference=request.reference,
            approval=request,
        )
    else:
        members = {
            m.ref: m
            for m in MemberAccount.objects.filter(
                coop=coop, ref__in=[ref for _c, ref, _a in request.payload["lines"] if ref]
            )
        }
        entry = books.post_entry(
            coop=coop,
            actor=None,
            lines=[
                books.LineSpec(code, amount, members.get(ref))
                for code, ref, amount in request.payload["lines"]
            ],
            narration=request.narration,
            kind=request.operation,
            date=request.date,
            reference=request.reference,
            approval=request,
        )
    return posted(request, entry, now)


def posted(request: ApprovalRequest, entry, now: datetime.datetime) -> ApprovalRequest:
    """Mark `request` posted as `entry` (also when a mobile-money payout is confirmed)."""
    coop = request.coop
    request.entry = entry
    request.save(update_fields=["entry"])
    _decide(request, Status.POSTED, now)
    audit.record(
        "treasury.approval_posted",
        _subject(request),
        {"coop": coop.slug, "request": request.pk, "entry": entry.code, "hash": entry.hash_hex},
        None,
        audience=coop,
    )
    return request


@transaction.atomic
def cancel_request(*, request: ApprovalRequest, actor: User) -> ApprovalRequest:
    request = _locked(request)
    if request.maker_id != actor.pk:
        raise PermissionDenied(_("Only the request's maker can withdraw it."))
    if not request.is_pending:
        raise TreasuryError(_("This request is no longer pending."), code="not_pending")
    return _decide(request, Status.CANCELLED, timezone.now())


def lapse_due(now: datetime.datetime | None = None) -> int:
    """Lapse every request whose members did not all confirm in time; how many."""
    now = now or timezone.now()
    due = ApprovalRequest.objects.filter(status=Status.CONFIRMING, deadline__lte=now)
    count = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            request = _locked(ApprovalRequest(pk=pk))
            if request.status == Status.CONFIRMING and request.deadline <= now:
                _decide(request, Status.LAPSED, now)
                count += 1
    return count


def pending_queue(coop: Cooperative):
    return (
        ApprovalRequest.objects.filter(coop=coop, status__in=ApprovalRequest.PENDING)
        .select_related("maker", "member")
        .prefetch_related("checks", "confirmations")
        .order_by("created_at", "pk")
    )


def open_confirmations(person: User, now: datetime.datetime):
    """The confirmations a person was drawn for and has not answered, still in time."""
    return (
        MemberConfirmation.objects.filter(
            member__membership__person=person,
            answer="",
            request__status=Status.CONFIRMING,
            request__deadline__gt=now,
        )
        .select_related("request__coop", "member")
        .order_by("request__deadline")
    )


def redraw_check(request: ApprovalRequest) -> bool:
    """Whether the members recorded as drawn are the ones the seed in the log draws."""
    logged = audit.entry(request.seed_entry)
    if logged is None:
        return False
    seed = sampling.seed_from(logged.leaf_hash, request.pk)
    drawn = sorted(request.confirmations.values_list("member__ref", flat=True))
    return (
        seed.hex() == request.seed
        and sorted(sampling.draw(seed, eligible_refs(request), request.members_needed)) == drawn
    )
