"""The treasury's entries in the USSD menu, behind the member's PIN.

"88 My account": "My balance", "Last 5 movements" or "My payments", shown only once the PIN
is right (the same PIN as for votes, with its lock after wrong tries); "Pay" asks the member's
own phone to pay a contribution or shares (STK push / request-to-pay, `payments.request_payment`
as on the web): what for, the amount, then one screen with the details that the PIN confirms.
"77 Confirm payments": a drawn member sees the outflow's details (cooperative, amount, what
for) and confirms or refuses it with the PIN. The screens are `minga.decisions.ussd` screens:
stateless, rebuilt from the inputs at each step, and the PIN step acts only on the screen the
member saw.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from minga.channels.inbound import Reply
from minga.channels.models import Payment
from minga.decisions import ussd
from minga.decisions.ussd import MenuEntry, PinPrompt, Screen, end

from . import actions, approvals, circularisation_ussd, money, payments, statements
from .actions import TreasuryError
from .models_members import Channel, MemberConfirmation

if TYPE_CHECKING:
    import datetime

    from minga.accounts.models import User

    from .models import MemberAccount

ACCOUNT_KEY = "88"
CONFIRM_KEY = "77"
PAY_KEY = "4"
PAYMENTS_KEY = "5"


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
            f"{PAY_KEY} " + _("Pay"),
            f"{PAYMENTS_KEY} " + _pending_label(self.ctx.person),
        ], set()

    def step(self, token: str, last: bool) -> Screen | Reply:
        if token == circularisation_ussd.KEY:
            return circularisation_ussd.CheckScreen(self.ctx)
        if token == PAY_KEY:
            return pay_screen(self.ctx)
        if token not in ("1", "2", PAYMENTS_KEY):
            return self.wrong()
        return AccountPin(self.ctx, what=token)


@dataclass
class AccountPin(PinPrompt):
    what: str = "1"

    def lines(self) -> tuple[list[str], set[int]]:
        titles = {"1": _("My balance"), "2": _("Last 5 movements"), PAYMENTS_KEY: _("My payments")}
        return [titles.get(self.what, titles["2"]), _("Enter your PIN (0 cancels)")], set()

    def act(self) -> Reply:
        accounts = statements.accounts_of(self.ctx.person)
        if self.what == "1":
            return ussd.end(*_balance_lines(accounts))
        if self.what == PAYMENTS_KEY:
            return ussd.end(*_payment_lines(accounts))
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


# --- paying from the phone ----------------------------------------------------------------------

PURPOSES = {"1": "contribution", "2": "shares"}


def _purpose_label(purpose: str) -> str:
    return _("Contributions") if purpose == "contribution" else _("Shares")


def _payments_of(accounts: list[MemberAccount]):
    """The payments the member asked for or made into their accounts, newest first."""
    from django.db.models import Q

    if not accounts:
        return Payment.objects.none()
    mine = Q()
    for member in accounts:
        mine |= Q(account__owner=payments.owner_of(member.coop), reference=member.ref)
    return Payment.objects.filter(mine, direction=Payment.Direction.IN).order_by("-created_at")


def _pending_label(person: User) -> str:
    waiting = _payments_of(statements.accounts_of(person)).filter(status=Payment.Status.PENDING)
    count = waiting.count()
    if not count:
        return _("My payments")
    return _("My payments (%(count)s pending)") % {"count": count}


def _payment_lines(accounts: list[MemberAccount]) -> list[str]:
    lines = [_("My payments")]
    for payment in _payments_of(accounts)[:4]:
        amount = money.format_amount(payment.amount, payment.currency, code=True)
        lines.append(
            f"{payment.created_at:%d/%m} {amount} {_purpose_label(payment.purpose)[:12]}: "
            f"{payment.get_status_display()}"
        )
    if len(lines) == 1:
        lines.append(_("No payments yet."))
    return lines


def _paying_account(person: User) -> MemberAccount | Reply:
    """The member account the member pays into: the first of their cooperatives that takes
    mobile money; else the closing screen that says why not."""
    accounts = statements.accounts_of(person)
    for member in accounts:
        try:
            payments.payment_account(member.coop)
        except TreasuryError:
            continue
        return member
    return end(_("Your cooperative takes no mobile money yet."), _("Nothing was changed."))


def pay_screen(ctx: ussd.Context) -> Screen | Reply:
    member = _paying_account(ctx.person)
    if isinstance(member, Reply):
        return member
    return PayPurpose(ctx, member=member)


@dataclass
class PayPurpose(Screen):
    # Always given; None is only the dataclass default (the ignores below rely on it).
    member: MemberAccount | None = None

    def lines(self) -> tuple[list[str], set[int]]:
        coop = self.member.coop  # type: ignore[union-attr]
        return [
            _("Pay to %(coop)s") % {"coop": coop.name},
            "1 " + _("Contributions"),
            "2 " + _("Shares"),
        ], {0}

    def step(self, token: str, last: bool) -> Screen | Reply:
        if token not in PURPOSES:
            return self.wrong()
        return PayAmount(self.ctx, member=self.member, purpose=PURPOSES[token])


@dataclass
class PayAmount(Screen):
    # Always given; None is only the dataclass default (the ignores below rely on it).
    member: MemberAccount | None = None
    purpose: str = "contribution"

    def lines(self) -> tuple[list[str], set[int]]:
        books = self.member.coop.books  # type: ignore[union-attr]
        lines = [_purpose_label(self.purpose)]
        if self.purpose == "shares":
            lines.append(
                _("One share: %(par)s")
                % {"par": money.format_amount(books.share_par_value, books.currency, code=True)}
            )
        lines.append(_("Enter the amount in %(currency)s:") % {"currency": books.currency})
        return lines, set()

    def step(self, token: str, last: bool) -> Screen | Reply:
        books = self.member.coop.books  # type: ignore[union-attr]
        try:
            amount = actions.parse_amount(books, token)
        except TreasuryError as error:
            return self.wrong(str(error.messages[0]))
        if amount <= 0:
            return self.wrong(_("The amount is above zero."))
        return PayPin(self.ctx, member=self.member, purpose=self.purpose, amount=amount)


@dataclass
class PayPin(PinPrompt):
    """The details of the payment, confirmed by the PIN: the PIN acts only on this screen."""

    # Always given; None is only the dataclass default (the ignores below rely on it).
    member: MemberAccount | None = None
    purpose: str = "contribution"
    amount: int = 0

    def lines(self) -> tuple[list[str], set[int]]:
        member = self.member
        assert member is not None  # noqa: S101 (set by PayAmount)
        books = member.coop.books
        return [
            _("Pay %(amount)s to %(coop)s, %(purpose)s, member %(ref)s, from %(phone)s")
            % {
                "amount": money.format_amount(self.amount, books.currency, code=True),
                "coop": member.coop.name[:24],
                "purpose": _purpose_label(self.purpose),
                "ref": member.ref,
                "phone": self.ctx.person.phone,
            },
            _("Enter your PIN (0 cancels)"),
        ], {0}

    def act(self) -> Reply:
        try:
            payments.request_payment(
                member=self.member,  # type: ignore[arg-type]
                amount=self.amount,
                purpose=self.purpose,
                actor=self.ctx.person,
            )
        except (TreasuryError, PermissionDenied) as error:
            message = error.messages[0] if isinstance(error, TreasuryError) else str(error)
            return end(message, _("Nothing was changed."))
        return end(
            _("Confirm the payment on your phone when it asks you."),
            _("It shows as pending in My account until the provider confirms it."),
        )


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
    # Always given; None is only the dataclass default (the ignores below rely on it).
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
    # Always given; None is only the dataclass default (the ignores below rely on it).
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
