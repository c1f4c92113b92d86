"""The monthly balance check in the USSD menu's "My account", behind the PIN.

"3 Confirm my balances" appears when the member was drawn and has not answered. The screen
names the check's code (the amounts were in the SMS to their own phone, and are shown again
only once the PIN is right); the member answers right or wrong and confirms with the PIN.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from minga.channels.inbound import Reply
from minga.decisions.ussd import PinPrompt, Screen, end

from . import circularisation, money, statements
from .actions import TreasuryError
from .models_circularisation import BalanceCheck
from .models_members import Channel

KEY = "3"


def first_open(person) -> BalanceCheck | None:
    return circularisation.open_checks(person).order_by("pk").first()


def menu_line(person) -> list[str]:
    """The "My account" line, when there is a check to answer."""
    return [f"{KEY} " + _("Confirm my balances")] if first_open(person) else []


@dataclass
class CheckScreen(Screen):
    def check(self) -> BalanceCheck | None:
        return first_open(self.ctx.person)

    def lines(self) -> tuple[list[str], set[int]]:
        check = self.check()
        if check is None:
            return [_("No balance check waits for your answer.")], set()
        return [
            _("Monthly check %(code)s: are the balances in our SMS right?") % {"code": check.code},
            "1 " + _("Yes, they are right"),
            "2 " + _("No, they are wrong"),
        ], set()

    def step(self, token: str, last: bool) -> Screen | Reply:
        check = self.check()
        if check is None or token not in ("1", "2"):
            return self.wrong()
        return CheckPin(self.ctx, check=check, confirm=token == "1")


@dataclass
class CheckPin(PinPrompt):
    # Always given; None is only the dataclass default (the ignores below rely on it).
    check: BalanceCheck | None = None
    confirm: bool = True

    def lines(self) -> tuple[list[str], set[int]]:
        answer = _("Right") if self.confirm else _("Wrong")
        return [
            f"{self.check.code}: {answer}",  # type: ignore[union-attr]
            _("Enter your PIN (0 cancels)"),
        ], set()

    def act(self) -> Reply:
        check = self.check
        assert check is not None  # noqa: S101 (set by CheckScreen)
        try:
            circularisation.answer_check(
                check=check,
                actor=self.ctx.person,
                confirm=self.confirm,
                channel=Channel.USSD,
                now=self.ctx.now,
            )
        except (TreasuryError, PermissionDenied) as error:
            message = error.messages[0] if isinstance(error, TreasuryError) else str(error)
            return end(message, _("Nothing was changed."))
        currency = statements.currency_of(check.circularisation.coop_id)
        figures = _("Shares %(shares)s, savings %(savings)s") % {
            "shares": money.format_amount(check.shares, currency, code=True),
            "savings": money.format_amount(check.savings, currency, code=True),
        }
        if self.confirm:
            return end(_("Thank you: your balances are confirmed."), figures)
        return end(_("Your answer is recorded; the supervisory committee will look into it."))
