"""Every change an agent or the treasurer makes here: atomic, audited, refused with a clear
message when it cannot be. Money moves only through the treasury's own actions:

- float allocated or settled back: a request of the treasurer's (`approvals.request_approval`,
  a manual entry between the cash account and the agent's float account), posted by the
  platform once the checkers (and members drawn, by the statutes) approved it;
- a member's deposit at an agent: `actions.receive_from_member` into the agent's float account;
- a member's withdrawal at an agent: `actions.post_entry` of kind "agent-withdrawal", posted by
  the platform only once the member confirmed it with the code sent to their phone (or their
  witness's) or their PIN; the treasury posts those directly (`MEMBER_CONFIRMED_KINDS`).

An agent never pays out more than the cash the books say they hold, less what is already
promised (pending withdrawals and settlements): every check and change of that runs under the
agent's row lock, so two transactions at once cannot both spend the same cash.
"""

from __future__ import annotations

import datetime
import hmac
import secrets
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from minga import audit
from minga.channels.inbound import keyed_hash
from minga.channels.models import OutboundMessage
from minga.channels.sms import send_sms
from minga.coops.models import Cooperative
from minga.decisions import delegation
from minga.decisions.delegation import PinCheck
from minga.treasury import actions as books
from minga.treasury import approvals, money, permissions, statements
from minga.treasury.models import Account, Books, DailyBalance, MemberAccount, RootType
from minga.treasury.models_members import ApprovalRequest, Operation

from .models import Agent, AgentTransaction, CashCount, FloatMovement

if TYPE_CHECKING:
    from minga.accounts.models import User

PENDING_FOR = datetime.timedelta(minutes=30)
MAX_ATTEMPTS = 5
FLOAT_CODE = "1090"  # float accounts are 1090.1, 1090.2... next to the cash account (1000)
Kind = AgentTransaction.Kind
Status = AgentTransaction.Status


class AgentError(books.TreasuryError):
    """Something the agents' rules refuse; the message is for the person, in their language."""


# --- reading ------------------------------------------------------------------------------------


def float_balance(agent: Agent) -> int:
    """The cash the books say the agent holds: their float account's balance (minor units)."""
    total = DailyBalance.objects.filter(account_id=agent.account_id).aggregate(s=Sum("movement"))
    return total["s"] or 0


def promised(agent: Agent, now: datetime.datetime, *, excluding: int | None = None) -> int:
    """Cash already promised: open withdrawals and settlements waiting for approval."""
    pending = AgentTransaction.objects.filter(
        agent=agent, kind=Kind.WITHDRAWAL, status=Status.PENDING, expires_at__gt=now
    )
    if excluding is not None:
        pending = pending.exclude(pk=excluding)
    withdrawals = pending.aggregate(s=Sum("amount"))["s"] or 0
    settlements = (
        FloatMovement.objects.filter(
            agent=agent,
            kind=FloatMovement.Kind.SETTLEMENT,
            request__status__in=[*ApprovalRequest.PENDING, ApprovalRequest.Status.PAYING],
        ).aggregate(s=Sum("amount"))["s"]
        or 0
    )
    return withdrawals + settlements


def available(agent: Agent, now: datetime.datetime | None = None) -> int:
    """What the agent can still pay out or settle back now."""
    return float_balance(agent) - promised(agent, now or timezone.now())


def agent_of(user, coop: Cooperative) -> Agent | None:
    """The person's active agency for `coop`, if any."""
    if user is None or not user.is_authenticated:
        return None
    return Agent.objects.filter(coop=coop, user=user, active=True).first()


def agencies_of(user) -> list[Agent]:
    return list(Agent.objects.filter(user=user, active=True).select_related("coop").order_by("pk"))


def currency(coop_id: int) -> str:
    return statements.currency_of(coop_id)


def amount_text(coop_id: int, amount: int) -> str:
    return money.format_amount(amount, currency(coop_id), code=True)


def _locked(agent: Agent) -> Agent:
    return (
        Agent.objects.select_for_update(of=("self",))
        .select_related("coop", "user", "account")
        .get(pk=agent.pk)
    )


def _positive(amount) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise AgentError(_("The amount is above zero."), code="amount")
    return amount


def _subject(agent: Agent) -> str:
    return f"agents:{agent.coop.slug}:{agent.pk}"


# --- the treasurer: agents and their float ------------------------------------------------------


def _keep(actor: User, coop: Cooperative) -> None:
    if not permissions.can_keep_books(actor, coop):
        raise PermissionDenied(_("Only the treasurer manages the cooperative's agents."))


def _next_float_code(coop: Cooperative) -> str:
    taken = set(
        Account.objects.filter(coop=coop, code__startswith=FLOAT_CODE + ".").values_list(
            "code", flat=True
        )
    )
    n = 1
    while f"{FLOAT_CODE}.{n}" in taken:
        n += 1
    return f"{FLOAT_CODE}.{n}"


@transaction.atomic
def register_agent(*, coop: Cooperative, actor: User, user: User, phone: str) -> Agent:
    """Make `user` an agent of `coop`, with a float account of their own in the books."""
    _keep(actor, coop)
    book = Books.objects.filter(coop=coop).first()
    if book is None:
        raise AgentError(_("This cooperative keeps no books here yet."))
    phone = "".join((phone or "").split())
    if not (phone.startswith("+") and phone[1:].isdigit() and 8 <= len(phone) <= 16):
        raise AgentError(
            _("Enter the agent's phone in international form, such as +254712345678."),
            code="phone",
        )
    if Agent.objects.filter(coop=coop, user=user).exists():
        raise AgentError(_("This person is already an agent of the cooperative."), code="exists")
    name = " ".join(user.name.split())[:80]
    account = books.add_account(
        books=book,
        actor=actor,
        code=_next_float_code(coop),
        root=RootType.ASSET,
        name_en=f"Agent float: {name}",
        name_es=f"Fondo de agente: {name}",
        name_fr=f"Encaisse d'agent : {name}",
        name_pt=f"Fundo de agente: {name}",
    )
    agent = Agent.objects.create(coop=coop, user=user, phone=phone, account=account)
    audit.record(
        "agents.registered",
        f"agents:{coop.slug}:{agent.pk}",
        {"coop": coop.slug, "agent": agent.pk, "account": account.code},
        actor,
        private={"person": audit.person(user), "phone": phone},
        owner=user,
        audience=coop,
    )
    return agent


@transaction.atomic
def set_active(*, agent: Agent, actor: User, active: bool) -> Agent:
    """Suspend an agent (only once their float is settled back and nothing waits) or resume."""
    agent = _locked(agent)
    _keep(actor, agent.coop)
    if not active and (float_balance(agent) or promised(agent, timezone.now())):
        raise AgentError(
            _("Settle the agent's float and close their pending transactions first."),
            code="float_left",
        )
    agent.active = bool(active)
    agent.save(update_fields=["active"])
    audit.record(
        "agents.resumed" if active else "agents.suspended",
        _subject(agent),
        {"coop": agent.coop.slug, "agent": agent.pk},
        actor,
        audience=agent.coop,
    )
    return agent


@transaction.atomic
def request_float(*, agent: Agent, actor: User, kind: str, amount: int) -> FloatMovement:
    """The treasurer asks to allocate cash to the agent, or to take back what the agent
    settles: a manual entry between the cash account and the agent's float account, posted
    once approved (cash leaving the cash box is an outflow: maker, checkers, members)."""
    agent = _locked(agent)
    _keep(actor, agent.coop)
    amount = _positive(amount)
    if kind not in FloatMovement.Kind.values:
        raise AgentError(_("Choose an allocation or a settlement."), code="kind")
    if not agent.active:
        raise AgentError(_("This agent is suspended."), code="inactive")
    cash = books.account_for(agent.coop, "cash")
    if kind == FloatMovement.Kind.ALLOCATION:
        lines = [books.debit(agent.account, amount), books.credit(cash, amount)]
        narration = _("Float allocated to agent %(code)s") % {"code": agent.account.code}
    else:
        left = available(agent)
        if amount > left:
            raise AgentError(
                _("The agent holds only %(amount)s that is not promised already."),
                code="float",
                params={"amount": amount_text(agent.coop_id, max(left, 0))},
            )
        lines = [books.debit(cash, amount), books.credit(agent.account, amount)]
        narration = _("Float settled back by agent %(code)s") % {"code": agent.account.code}
    request = approvals.request_approval(
        coop=agent.coop,
        actor=actor,
        operation=Operation.MANUAL,
        amount=amount,
        narration=narration,
        lines=lines,
    )
    movement = FloatMovement.objects.create(
        agent=agent, kind=kind, amount=amount, request=request, maker=actor
    )
    audit.record(
        f"agents.float_{kind}_requested",
        _subject(agent),
        {
            "coop": agent.coop.slug,
            "agent": agent.pk,
            "amount": amount,
            "request": request.pk,
        },
        actor,
        audience=agent.coop,
    )
    return movement


# --- the agent: members' cash -------------------------------------------------------------------


def _code_hash(txn: AgentTransaction, code: str) -> str:
    return keyed_hash("agents.receipt-code", str(txn.pk), code)


def _check_agent(agent: Agent, actor: User) -> None:
    if actor is None or agent.user_id != actor.pk:
        raise PermissionDenied(_("Only the agent can do this."))
    if not agent.active:
        raise AgentError(_("This agent is suspended."), code="inactive")


def _pending_withdrawals(member: MemberAccount, now: datetime.datetime, excluding=None) -> int:
    return (
        AgentTransaction.objects.filter(
            member=member, kind=Kind.WITHDRAWAL, status=Status.PENDING, expires_at__gt=now
        )
        .exclude(pk=excluding)
        .aggregate(s=Sum("amount"))["s"]
        or 0
    )


def _check_withdrawal(
    agent: Agent, member: MemberAccount, amount: int, now: datetime.datetime, excluding=None
) -> None:
    left = float_balance(agent) - promised(agent, now, excluding=excluding)
    if amount > left:
        raise AgentError(
            _("The agent's float is too small: %(amount)s left to pay out."),
            code="float",
            params={"amount": amount_text(agent.coop_id, max(left, 0))},
        )
    savings = -books.member_balance(member, "member-savings")
    if amount > savings - _pending_withdrawals(member, now, excluding):
        raise AgentError(_("The member's savings are less than this amount."), code="balance")


@transaction.atomic
def start_transaction(
    *,
    agent: Agent,
    actor: User,
    kind: str,
    member_ref: str,
    amount: int,
    now: datetime.datetime | None = None,
) -> AgentTransaction:
    """An agent records a member's deposit or withdrawal; it waits for the member's code or
    PIN. The member (or their witness) gets the code by SMS, through the queue."""
    now = now or timezone.now()
    agent = _locked(agent)
    _check_agent(agent, actor)
    if kind not in Kind.values:
        raise AgentError(_("Choose a deposit or a withdrawal."), code="kind")
    amount = _positive(amount)
    member = books.find_member(agent.coop, member_ref)
    if kind == Kind.WITHDRAWAL:
        _check_withdrawal(agent, member, amount, now)
    phone = statements.receipt_phone(member)
    if not phone:
        raise AgentError(
            _(
                "This member has no verified phone and no witness phone for receipts: they "
                "name a witness first."
            ),
            code="no_phone",
        )
    txn = AgentTransaction.objects.create(
        coop=agent.coop,
        agent=agent,
        member=member,
        kind=kind,
        amount=amount,
        created_at=now,
        expires_at=now + PENDING_FOR,
    )
    code = f"{secrets.randbelow(900_000) + 100_000}"
    txn.code_hash = _code_hash(txn, code)
    txn.save(update_fields=["code_hash"])
    person = member.membership.person
    with translation.override(person.preferred_language):
        what = (
            _("a deposit of %(amount)s into your savings")
            if kind == Kind.DEPOSIT
            else _("a withdrawal of %(amount)s from your savings")
        ) % {"amount": amount_text(agent.coop_id, amount)}
        text = _(
            "Minga %(coop)s: agent %(agent)s records %(what)s (%(ref)s). If this is right, "
            "give the agent the code %(code)s. If not, do not give it."
        ) % {
            "coop": agent.coop.name[:30],
            "agent": agent.user.name[:30],
            "what": what,
            "ref": member.ref,
            "code": code,
        }
    send_sms(to=phone, text=text, kind=OutboundMessage.Kind.VERIFICATION_CODE)
    audit.record(
        f"agents.{kind}_started",
        _subject(agent),
        {"coop": agent.coop.slug, "agent": agent.pk, "transaction": txn.pk, "amount": amount},
        actor,
        private={"member": member.ref},
        audience=agent.coop,
    )
    return txn


def confirm_transaction(
    *,
    txn: AgentTransaction,
    actor: User,
    code: str = "",
    pin: str = "",
    now: datetime.datetime | None = None,
) -> AgentTransaction:
    """The member's code (or PIN, typed on the agent's phone) confirms the transaction: it is
    posted in the books, and the member gets the treasury's receipt by SMS. A wrong code is
    counted (the transaction is cancelled after 5) and refused; nothing is posted."""
    now = now or timezone.now()
    refused: AgentError | None = None
    with transaction.atomic():
        agent = _locked(txn.agent)
        txn = (
            AgentTransaction.objects.select_for_update(of=("self",))
            .select_related("member__membership__person")
            .get(pk=txn.pk)
        )
        _check_agent(agent, actor)
        if txn.agent_id != agent.pk:
            raise PermissionDenied(_("Only the agent can do this."))
        if txn.status != Status.PENDING:
            raise AgentError(_("This transaction is no longer waiting."), code="not_pending")
        if txn.expires_at <= now:
            raise AgentError(_("This transaction waited too long: start it again."), code="expired")
        if pin:
            outcome, _left, _until = delegation.check_voting_pin(
                person=txn.member.membership.person, pin=pin, now=now
            )
            right, used = outcome == PinCheck.OK, "pin"
            if outcome == PinCheck.LOCKED:
                refused = AgentError(
                    _("The member's PIN is locked after wrong tries: use the SMS code."),
                    code="locked",
                )
            elif outcome == PinCheck.MISSING:
                refused = AgentError(_("The member has no PIN: use the SMS code."), code="no_pin")
        else:
            digest = _code_hash(txn, "".join((code or "").split()))
            right, used = hmac.compare_digest(digest, txn.code_hash), "code"
        if not right:
            txn.attempts += 1
            fields = ["attempts"]
            if txn.attempts >= MAX_ATTEMPTS:
                txn.status, txn.decided_at = Status.CANCELLED, now
                fields += ["status", "decided_at"]
            txn.save(update_fields=fields)
            audit.record(
                "agents.confirmation_failed",
                _subject(agent),
                {
                    "coop": agent.coop.slug,
                    "transaction": txn.pk,
                    "attempts": txn.attempts,
                    "with": used,
                },
                actor,
                audience=agent.coop,
            )
            if refused is None:
                refused = (
                    AgentError(
                        _("Too many wrong codes: the transaction is cancelled."), code="cancelled"
                    )
                    if txn.status == Status.CANCELLED
                    else AgentError(_("This code or PIN is wrong."), code="wrong")
                )
        else:
            _post(agent, txn, now, used, actor)
    if refused is not None:
        raise refused
    return txn


def _post(
    agent: Agent, txn: AgentTransaction, now: datetime.datetime, used: str, actor: User
) -> None:
    member = txn.member
    if txn.kind == Kind.WITHDRAWAL:
        _check_withdrawal(agent, member, txn.amount, now, excluding=txn.pk)
        entry = books.post_entry(
            coop=agent.coop,
            actor=None,
            lines=[
                books.debit("member-savings", txn.amount, member),
                books.credit(agent.account, txn.amount),
            ],
            narration=_("Savings withdrawal by %(ref)s at agent %(code)s")
            % {"ref": member.ref, "code": agent.account.code},
            kind="agent-withdrawal",
            reference=txn.reference,
        )
    else:
        entry = books.receive_from_member(
            member=member,
            amount=txn.amount,
            purpose="savings",
            actor=None,
            paid_into=agent.account,
            reference=txn.reference,
        )
    txn.status, txn.decided_at, txn.confirmed_with, txn.entry = (
        Status.CONFIRMED,
        now,
        used,
        entry,
    )
    txn.save(update_fields=["status", "decided_at", "confirmed_with", "entry"])
    audit.record(
        f"agents.{txn.kind}_confirmed",
        _subject(agent),
        {
            "coop": agent.coop.slug,
            "transaction": txn.pk,
            "entry": entry.code,
            "hash": entry.hash_hex,
            "with": used,
        },
        actor,
        audience=agent.coop,
    )


@transaction.atomic
def cancel_transaction(*, txn: AgentTransaction, actor: User) -> AgentTransaction:
    """The agent (or the treasurer) drops a transaction still waiting for the member."""
    agent = _locked(txn.agent)
    txn = AgentTransaction.objects.select_for_update().get(pk=txn.pk)
    if agent.user_id != actor.pk and not permissions.can_keep_books(actor, agent.coop):
        raise PermissionDenied(_("Only the agent or the treasurer can cancel it."))
    if txn.status != Status.PENDING:
        raise AgentError(_("This transaction is no longer waiting."), code="not_pending")
    txn.status, txn.decided_at = Status.CANCELLED, timezone.now()
    txn.save(update_fields=["status", "decided_at"])
    audit.record(
        "agents.transaction_cancelled",
        _subject(agent),
        {"coop": agent.coop.slug, "transaction": txn.pk},
        actor,
        audience=agent.coop,
    )
    return txn


@transaction.atomic
def declare_count(
    *, agent: Agent, actor: User, counted: int, now: datetime.datetime | None = None
) -> CashCount:
    """The agent's count of the cash in hand today, against the float the books expect."""
    now = now or timezone.now()
    agent = _locked(agent)
    _check_agent(agent, actor)
    if isinstance(counted, bool) or not isinstance(counted, int) or counted < 0:
        raise AgentError(_("The cash counted is zero or more."), code="amount")
    day = books.zone_date(Books.objects.get(coop=agent.coop), now)
    if CashCount.objects.filter(agent=agent, date=day).exists():
        raise AgentError(_("Today's cash count is already recorded."), code="counted")
    try:
        with transaction.atomic():
            count = CashCount.objects.create(
                agent=agent,
                date=day,
                counted=counted,
                expected=float_balance(agent),
                actor=actor,
                created_at=now,
            )
    except IntegrityError:
        raise AgentError(_("Today's cash count is already recorded."), code="counted") from None
    audit.record(
        "agents.cash_counted",
        _subject(agent),
        {
            "coop": agent.coop.slug,
            "agent": agent.pk,
            "date": day.isoformat(),
            "counted": counted,
            "expected": count.expected,
        },
        actor,
        audience=agent.coop,
    )
    return count


def expire_due(now: datetime.datetime | None = None) -> int:
    """Cancel the transactions no member confirmed in time (a scheduled job); how many."""
    now = now or timezone.now()
    count = 0
    due = AgentTransaction.objects.filter(status=Status.PENDING, expires_at__lte=now)
    for pk in list(due.values_list("pk", flat=True)[:500]):
        with transaction.atomic():
            txn = (
                AgentTransaction.objects.select_for_update(of=("self",))
                .select_related("agent__coop")
                .get(pk=pk)
            )
            if txn.status != Status.PENDING or txn.expires_at > now:
                continue
            txn.status, txn.decided_at = Status.CANCELLED, now
            txn.save(update_fields=["status", "decided_at"])
            audit.record(
                "agents.transaction_expired",
                _subject(txn.agent),
                {"coop": txn.agent.coop.slug, "transaction": txn.pk},
                None,
                audience=txn.agent.coop,
            )
            count += 1
    return count
