"""The treasury's SMS commands, answered only to a member's own verified number.

- `BAL`: the member's balances (shares, savings, contributions) in each cooperative. Never a
  PIN by SMS: it would stay in the phone's sent messages. The number itself, verified and
  sent by the network through the provider's authenticated callback, is the identity, as for
  votes by SMS (`minga.decisions.sms`); nothing is answered to any other number.
- `DISPUTE <entry> <reason>`: opens a dispute on an entry of the member's account.
- `CONFIRM <code>` / `REFUSE <code>`: a drawn member's answer to an outflow (the code was in
  the SMS that asked them).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from minga.channels.inbound import Answer

from . import approvals, money, statements
from .actions import TreasuryError
from .models_members import Channel

if TYPE_CHECKING:
    from minga.accounts.models import User

BALANCE_WORDS = ("BAL", "BALANCE", "SALDO", "SOLDE")
DISPUTE_WORDS = ("DISPUTE", "RECLAMO", "CONTESTER", "CONTESTAR")
CONFIRM_WORDS = ("CONFIRM", "CONFIRMAR", "CONFIRMER")
REFUSE_WORDS = ("REFUSE", "RECHAZAR", "REFUSER", "RECUSAR")


def balance_text(person: User) -> str:
    accounts = statements.accounts_of(person)
    if not accounts:
        return _("Minga: you have no member account in a cooperative's books.")
    parts = []
    for member in accounts[:3]:
        currency = statements.currency_of(member.coop_id)
        figures = ", ".join(
            f"{account.name[:20]} {money.format_amount(balance, currency)}"
            for account, balance in statements.balances(member)
        )
        parts.append(f"{member.coop.name[:24]} {member.ref}: {figures} {currency}")
    return _("Minga balances: %(parts)s") % {"parts": "; ".join(parts)}


def balance(person: User, text: str) -> Answer:
    return Answer(balance_text(person))


def _rest(text: str) -> list[str]:
    return " ".join(text.split()).split(" ")[1:]


def dispute(person: User, text: str) -> Answer:
    words = _rest(text)
    if len(words) < 2:
        return Answer(
            _("Minga: send DISPUTE, the entry number and why, e.g. DISPUTE 2026-17 not my deposit.")
        )
    code, reason = words[0], " ".join(words[1:])
    for member in statements.accounts_of(person):
        try:
            entry = statements.find_entry(member.coop, code)
        except TreasuryError:
            continue
        try:
            statements.open_dispute(
                entry=entry, member=member, actor=person, reason=reason, channel=Channel.SMS
            )
        except TreasuryError as error:
            if error.code == "not_yours":
                continue
            return Answer(_("Minga: %(error)s Nothing was changed.") % {"error": error.messages[0]})
        return Answer(
            _(
                "Minga: your dispute on %(entry)s is recorded. The supervisory committee will "
                "answer."
            )
            % {"entry": entry.code}
        )
    return Answer(
        _("Minga: no entry %(code)s on your accounts. Nothing was changed.") % {"code": code}
    )


def _answer(person: User, text: str, confirm: bool) -> Answer:
    words = _rest(text)
    code = words[0] if len(words) == 1 else ""
    confirmation = (
        approvals.open_confirmations(person, approvals.timezone.now()).filter(code=code).first()
        if code.isdigit()
        else None
    )
    if confirmation is None:
        return Answer(_("Minga: no request waits for your answer with this code."))
    try:
        approvals.answer_confirmation(
            confirmation=confirmation, actor=person, confirm=confirm, channel=Channel.SMS
        )
    except (TreasuryError, PermissionDenied) as error:
        message = error.messages[0] if isinstance(error, TreasuryError) else str(error)
        return Answer(_("Minga: %(error)s Nothing was changed.") % {"error": message})
    if confirm:
        return Answer(_("Minga: thank you, your confirmation is recorded."))
    return Answer(_("Minga: your refusal is recorded; the outflow will not be made."))


def confirm(person: User, text: str) -> Answer:
    return _answer(person, text, True)


def refuse(person: User, text: str) -> Answer:
    return _answer(person, text, False)


def register() -> None:
    from minga.decisions import sms

    sms.register_command(BALANCE_WORDS, balance)
    sms.register_command(DISPUTE_WORDS, dispute)
    sms.register_command(CONFIRM_WORDS, confirm)
    sms.register_command(REFUSE_WORDS, refuse)
