"""The treasury's entries in the USSD menu, behind the member's PIN.

"88 My account": "My balance" or "Last 5 movements", shown only once the PIN is right (the
same PIN as for votes, with its lock after wrong tries). "77 Confirm payments": a drawn
member sees the outflow's details (cooperative, amount, what for) and confirms or refuses it
with the PIN. The screens are `minga.decisions.ussd` screens: stateless, rebuilt from the
inputs at each step, and the PIN step acts only on the screen the member saw.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from minga.channels.inbound import Reply
from minga.decisions import ussd
from minga.decisions.ussd import MenuEntry, PinPrompt, Screen, end

from . import approvals, circularisation_ussd, money, statements
from .actions import TreasuryError
from .models_members import Channel, MemberConfirmation

if TYPE_CHECKING:
    import datetime

    from minga.accounts.models import User

    from .models import MemberAccount

ACCOUNT_KEY = "88"
CONFIRM_KEY = "77"


def _account_label(person: User, now: datetime.datetime) -> str | None:
    return _("My account") if statements.accounts_of(person) else None


def _confirm_label(person: User, now: datetime.datetime) -> str | None:
    count = approvals.open_confirmations(person, now).count()
    if not count:
        return None
    return _("Confirm payments (%(count)s)") % {"count": count}


@dataclass
class AccountMenu(Screen):
    def lines(self) -> tuple[list[str], set[int]]:
        return [
            _("My account"),
            "1 " + _("My balance"),
            "2 " + _("Last 5 movements"),
            *circularisation_ussd.menu_line(self.ctx.person),
        ], set()

    def step(self, token: str, last: bool) -> Screen | Reply:
        if token == circularisation_ussd.KEY:
            return circularisation_ussd.CheckScreen(self.ctx)
        if token not in ("1", "2"):
            return self.wrong()
        return AccountPin(self.ctx, what=token)


@dataclass
class AccountPin(PinPrompt):
    what: str = "1"

    def lines(self) -> tuple[list[str], set[int]]:
        title = _("My balance") if self.what == "1" else _("Last 5 movements")
        return [title, _("Enter your PIN (0 cancels)")], set()

    def act(self) -> Reply:
        accounts = statements.accounts_of(self.ctx.person)
        if self.what == "1":
            return ussd.end(*_balance_lines(accounts))
        return ussd.end(*_movement_lines(accounts))


def _balance_lines(accounts: list[MemberAccount]) -> list[str]:
    lines = []
    for member in accounts[:2]:
        currency = statements.currency_of(member.coop_id)
        lines.append(f"{member.coop.name[:20]} {member.ref} ({currency})")
        lines.extend(
            f"{account.name[:18]}: {money.format_amount(balance, currency)}"
            for account, balance in statements.balances(member)
        )
    return lines


def _movement_lines(accounts: list[MemberAccount]) -> list[str]:
    member = accounts[0]
    currency = statements.currency_of(member.coop_id)
    lines = [f"{member.coop.name[:20]} {member.ref} ({currency})"]
    for movement in statements.movements(member, limit=5):
        sign = "+" if movement.amount > 0 else ""
        lines.append(
            f"{movement.entry.date:%d/%m} {movement.code} {sign}"
            f"{money.format_amount(movement.amount, currency)}"
        )
    if len(lines) == 1:
        lines.append(_("No movements yet."))
    return lines


@dataclass
class ConfirmList(Screen):
    def items(self) -> list[MemberConfirmation]:
        return list(approvals.open_confirmations(self.ctx.person, self.ctx.now)[:4])

    def lines(self) -> tuple[list[str], set[int]]:
        items = self.items()
        shown = [
            f"{i + 1} {item.request.coop.name[:16]} "
            f"{approvals.format_amount(item.request.coop_id, item.request.amount)}"
            for i, item in enumerate(items)
        ]
        return [_("Confirm payments"), *shown], set(range(1, len(shown) + 1))

    def step(self, token: str, last: bool) -> Screen | Reply:
        items = self.items()
        if not (token.isdigit() and 1 <= int(token) <= len(items)):
            return self.wrong()
        return ConfirmDetails(self.ctx, confirmation=items[int(token) - 1])


@dataclass
class ConfirmDetails(Screen):
    confirmation: MemberConfirmation | None = None

    def lines(self) -> tuple[list[str], set[int]]:
        request = self.confirmation.request  # type: ignore[union-attr]
        return [
            f"{request.coop.name[:24]}: {approvals.format_amount(request.coop_id, request.amount)}",
            request.narration,
            "1 " + _("Confirm"),
            "2 " + _("Refuse"),
        ], {1}

    def step(self, token: str, last: bool) -> Screen | Reply:
        if token not in ("1", "2"):
            return self.wrong()
        return ConfirmPin(self.ctx, confirmation=self.confirmation, confirm=token == "1")


@dataclass
class ConfirmPin(PinPrompt):
    confirmation: MemberConfirmation | None = None
    confirm: bool = True

    def lines(self) -> tuple[list[str], set[int]]:
        request = self.confirmation.request  # type: ignore[union-attr]
        verb = _("Confirm") if self.confirm else _("Refuse")
        return [
            f"{verb}: {approvals.format_amount(request.coop_id, request.amount)} "
            f"{request.narration}",
            _("Enter your PIN (0 cancels)"),
        ], {0}

    def act(self) -> Reply:
        try:
            approvals.answer_confirmation(
                confirmation=self.confirmation,  # type: ignore[arg-type]
                actor=self.ctx.person,
                confirm=self.confirm,
                channel=Channel.USSD,
                now=self.ctx.now,
            )
        except (TreasuryError, PermissionDenied) as error:
            message = error.messages[0] if isinstance(error, TreasuryError) else str(error)
            return end(message, _("Nothing was changed."))
        if self.confirm:
            return end(_("Thank you: your confirmation is recorded."))
        return end(_("Your refusal is recorded; the outflow will not be made."))


def register() -> None:
    ussd.register_entry(MenuEntry(ACCOUNT_KEY, _account_label, AccountMenu))
    ussd.register_entry(MenuEntry(CONFIRM_KEY, _confirm_label, ConfirmList))
