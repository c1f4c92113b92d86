"""The agent's USSD menu ("66 Agent"), offered to a person who is an active agent.

    66 -> (the cooperative, if an agent of several) -> 1 Deposit | 2 Withdrawal | 3 Confirm |
          4 My float | 5 Cash count
    1/2 -> member reference -> amount -> the agent's PIN -> pending; the member gets a code by SMS
    3 -> a pending transaction -> 1 the member's SMS code | 2 the member's PIN -> posted
    5 -> the cash in hand -> the agent's PIN -> recorded against the float the books expect

Screens are `minga.decisions.ussd` screens, rebuilt from the inputs at each step; only the last
input acts, and only on the screen the caller saw (`Screen.refuse_secret`, as for a PIN).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from minga.channels.inbound import Reply
from minga.decisions import ussd
from minga.decisions.ussd import MenuEntry, PinPrompt, Screen, end
from minga.treasury import actions as books
from minga.treasury.models import Books

from . import actions
from .models import Agent, AgentTransaction

if TYPE_CHECKING:
    import datetime

    from minga.accounts.models import User

KEY = "66"
Kind = AgentTransaction.Kind


def _label(person: User, now: datetime.datetime) -> str | None:
    return _("Agent") if Agent.objects.filter(user=person, active=True).exists() else None


def _failed(error: Exception) -> Reply:
    message = error.messages[0] if isinstance(error, ValidationError) else str(error)
    return end(message, _("Nothing was changed."))


def _kind_label(kind: str) -> str:
    return _("Deposit") if kind == Kind.DEPOSIT else _("Withdrawal")


@dataclass
class Agencies(Screen):
    def lines(self) -> tuple[list[str], set[int]]:
        shown = [
            f"{i + 1} {agent.coop.name}"
            for i, agent in enumerate(actions.agencies_of(self.ctx.person)[:4])
        ]
        return [_("Agent"), *shown], set(range(1, len(shown) + 1))

    def step(self, token: str, last: bool) -> Screen | Reply:
        agencies = actions.agencies_of(self.ctx.person)[:4]
        if not (token.isdigit() and 1 <= int(token) <= len(agencies)):
            return self.wrong()
        return AgentMenu(self.ctx, agent=agencies[int(token) - 1])


def _open(ctx) -> Screen:
    agencies = actions.agencies_of(ctx.person)
    if len(agencies) == 1:
        return AgentMenu(ctx, agent=agencies[0])
    return Agencies(ctx)


def _pending(agent: Agent, now: datetime.datetime) -> list[AgentTransaction]:
    return list(
        AgentTransaction.objects.filter(
            agent=agent, status=AgentTransaction.Status.PENDING, expires_at__gt=now
        )
        .select_related("member")
        .order_by("pk")[:4]
    )


@dataclass
class AgentMenu(Screen):
    # Always given; None is only the dataclass default (the ignores below rely on it).
    agent: Agent | None = None

    def lines(self) -> tuple[list[str], set[int]]:
        count = len(_pending(self.agent, self.ctx.now))  # type: ignore[arg-type]
        return [
            _("Agent: %(coop)s") % {"coop": self.agent.coop.name},  # type: ignore[union-attr]
            "1 " + _("Deposit"),
            "2 " + _("Withdrawal"),
            "3 " + _("Confirm (%(count)s waiting)") % {"count": count},
            "4 " + _("My float"),
            "5 " + _("Cash count"),
        ], {0}

    def step(self, token: str, last: bool) -> Screen | Reply:
        agent = self.agent
        assert agent is not None  # noqa: S101
        if token in ("1", "2"):
            return RefPrompt(
                self.ctx, agent=agent, kind=Kind.DEPOSIT if token == "1" else Kind.WITHDRAWAL
            )
        if token == "3":
            return PendingList(self.ctx, agent=agent)
        if token == "4":
            held = actions.float_balance(agent)
            left = actions.available(agent, self.ctx.now)
            return end(
                _("Agent: %(coop)s") % {"coop": agent.coop.name},
                _("Cash held: %(amount)s") % {"amount": actions.amount_text(agent.coop_id, held)},
                _("Can pay out: %(amount)s")
                % {"amount": actions.amount_text(agent.coop_id, max(left, 0))},
            )
        if token == "5":
            return CountPrompt(self.ctx, agent=agent)
        return self.wrong()


def _amount(agent: Agent, token: str) -> int:
    return books.parse_amount(Books.objects.get(coop_id=agent.coop_id), token)


@dataclass
class RefPrompt(Screen):
    # Always given; None is only the dataclass default (the ignores below rely on it).
    agent: Agent | None = None
    kind: str = Kind.DEPOSIT

    def lines(self) -> tuple[list[str], set[int]]:
        return [_kind_label(self.kind), _("Member reference:")], set()

    def step(self, token: str, last: bool) -> Screen | Reply:
        try:
            member = books.find_member(self.agent.coop, token)  # type: ignore[union-attr]
        except ValidationError as error:
            return self.wrong(error.messages[0])
        return AmountPrompt(self.ctx, agent=self.agent, kind=self.kind, ref=member.ref)


@dataclass
class AmountPrompt(Screen):
    # Always given; None is only the dataclass default (the ignores below rely on it).
    agent: Agent | None = None
    kind: str = Kind.DEPOSIT
    ref: str = ""

    def lines(self) -> tuple[list[str], set[int]]:
        currency = actions.currency(self.agent.coop_id)  # type: ignore[union-attr]
        return [
            f"{_kind_label(self.kind)} {self.ref}",
            _("Amount (%(currency)s):") % {"currency": currency},
        ], set()

    def step(self, token: str, last: bool) -> Screen | Reply:
        try:
            amount = _amount(self.agent, token)  # type: ignore[arg-type]
        except ValidationError as error:
            return self.wrong(error.messages[0])
        if amount <= 0:
            return self.wrong(_("The amount is above zero."))
        return StartPin(self.ctx, agent=self.agent, kind=self.kind, ref=self.ref, amount=amount)


@dataclass
class StartPin(PinPrompt):
    # Always given; None is only the dataclass default (the ignores below rely on it).
    agent: Agent | None = None
    kind: str = Kind.DEPOSIT
    ref: str = ""
    amount: int = 0

    def lines(self) -> tuple[list[str], set[int]]:
        amount = actions.amount_text(self.agent.coop_id, self.amount)  # type: ignore[union-attr]
        return [
            f"{_kind_label(self.kind)} {amount} {self.ref}",
            _("Enter your PIN (0 cancels)"),
        ], set()

    def act(self) -> Reply:
        try:
            actions.start_transaction(
                agent=self.agent,  # type: ignore[arg-type]
                actor=self.ctx.person,
                kind=self.kind,
                member_ref=self.ref,
                amount=self.amount,
                now=self.ctx.now,
            )
        except (ValidationError, PermissionDenied) as error:
            return _failed(error)
        return end(
            _("Waiting for the member: they got a code by SMS."),
            _("Choose 3 Confirm and enter their code or PIN."),
        )


def _line(txn: AgentTransaction) -> str:
    kind = _("Dep") if txn.kind == Kind.DEPOSIT else _("Wdr")
    return f"{kind} {txn.member.ref} {actions.amount_text(txn.coop_id, txn.amount)}"


@dataclass
class PendingList(Screen):
    # Always given; None is only the dataclass default (the ignores below rely on it).
    agent: Agent | None = None

    def lines(self) -> tuple[list[str], set[int]]:
        items = _pending(self.agent, self.ctx.now)  # type: ignore[arg-type]
        if not items:
            return [_("Nothing is waiting.")], set()
        shown = [f"{i + 1} {_line(txn)}" for i, txn in enumerate(items)]
        return [_("Confirm"), *shown], set()

    def step(self, token: str, last: bool) -> Screen | Reply:
        items = _pending(self.agent, self.ctx.now)  # type: ignore[arg-type]
        if not (token.isdigit() and 1 <= int(token) <= len(items)):
            return self.wrong()
        return ConfirmHow(self.ctx, txn=items[int(token) - 1])


@dataclass
class ConfirmHow(Screen):
    # Always given; None is only the dataclass default (the ignores below rely on it).
    txn: AgentTransaction | None = None

    def lines(self) -> tuple[list[str], set[int]]:
        return [
            _line(self.txn),  # type: ignore[arg-type]
            "1 " + _("The member's SMS code"),
            "2 " + _("The member's PIN"),
        ], set()

    def step(self, token: str, last: bool) -> Screen | Reply:
        if token not in ("1", "2"):
            return self.wrong()
        return SecretPrompt(self.ctx, txn=self.txn, by="code" if token == "1" else "pin")


@dataclass
class SecretPrompt(Screen):
    """The member's code, or the member's own PIN typed by them on the agent's phone."""

    # Always given; None is only the dataclass default (the ignores below rely on it).
    txn: AgentTransaction | None = None
    by: str = "code"
    asks_secret = True

    def lines(self) -> tuple[list[str], set[int]]:
        prompt = (
            _("Enter the code the member received (0 cancels)")
            if self.by == "code"
            else _("Member: enter your PIN (0 cancels)")
        )
        return [_line(self.txn), prompt], set()  # type: ignore[arg-type]

    def step(self, token: str, last: bool) -> Screen | Reply:
        refused = self.refuse_secret(token, last)
        if refused:
            return refused
        secret = {"code": token} if self.by == "code" else {"pin": token}
        try:
            txn = actions.confirm_transaction(
                txn=self.txn,  # type: ignore[arg-type]
                actor=self.ctx.person,
                now=self.ctx.now,
                **secret,
            )
        except (ValidationError, PermissionDenied) as error:
            message = error.messages[0] if isinstance(error, ValidationError) else str(error)
            return end(message, _("Nothing was posted."))
        return end(
            _("Confirmed: %(what)s, entry %(entry)s.")
            % {"what": _line(txn), "entry": txn.entry.code},  # type: ignore[union-attr]
            _("The member gets a receipt by SMS."),
        )


@dataclass
class CountPrompt(Screen):
    # Always given; None is only the dataclass default (the ignores below rely on it).
    agent: Agent | None = None

    def lines(self) -> tuple[list[str], set[int]]:
        currency = actions.currency(self.agent.coop_id)  # type: ignore[union-attr]
        return [
            _("Cash count"),
            _("Cash in hand now (%(currency)s):") % {"currency": currency},
        ], set()

    def step(self, token: str, last: bool) -> Screen | Reply:
        try:
            amount = _amount(self.agent, token)  # type: ignore[arg-type]
        except ValidationError as error:
            return self.wrong(error.messages[0])
        if amount < 0:
            return self.wrong(_("The cash counted is zero or more."))
        return CountPin(self.ctx, agent=self.agent, counted=amount)


@dataclass
class CountPin(PinPrompt):
    # Always given; None is only the dataclass default (the ignores below rely on it).
    agent: Agent | None = None
    counted: int = 0

    def lines(self) -> tuple[list[str], set[int]]:
        amount = actions.amount_text(self.agent.coop_id, self.counted)  # type: ignore[union-attr]
        return [
            _("Cash count: %(amount)s") % {"amount": amount},
            _("Enter your PIN (0 cancels)"),
        ], set()

    def act(self) -> Reply:
        try:
            count = actions.declare_count(
                agent=self.agent,  # type: ignore[arg-type]
                actor=self.ctx.person,
                counted=self.counted,
                now=self.ctx.now,
            )
        except (ValidationError, PermissionDenied) as error:
            return _failed(error)
        coop_id = self.agent.coop_id  # type: ignore[union-attr]
        return end(
            _("Cash count recorded."),
            _("Expected: %(amount)s") % {"amount": actions.amount_text(coop_id, count.expected)},
            _("Difference: %(amount)s")
            % {"amount": actions.amount_text(coop_id, count.difference)},
        )


def register() -> None:
    ussd.register_entry(MenuEntry(KEY, _label, _open))
