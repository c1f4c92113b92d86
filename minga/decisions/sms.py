"""Votes and proxy confirmations by SMS: "YES 42", "NO 42", "ABSTAIN 42", "PROXY 123456".

`42` is the poll's short code (its number), printed in the notice SMS. SMS votes work on
consent proposals (YES agree, NO disagree, ABSTAIN abstain, BLOCK with a reason) and on single-
choice polls whose two options are yes and no.

Security trade-off: an SMS vote needs no PIN. The sender's number comes from the mobile network
through the provider (like the number of a USSD session), but a text message stays in the
phone's sent folder and in the provider's logs, so a PIN typed there would be exposed to
anyone who picks up the phone, and with it the USSD PIN. Instead an SMS vote is accepted only
from the number on the elector's account, for a poll they vote in; the answer confirms what was
recorded with the receipt, and says that a later vote (by USSD with the PIN, or on the web)
replaces it, the last vote counting. The callback itself must carry the shared token or come
from the provider's addresses (`minga.channels.inbound.callback_allowed`), so nobody can post an
SMS in a member's name. Cooperatives that need more than possession of the phone use USSD,
which asks for the PIN. In a secret poll the stored ballot is as secret as any other, but the
message itself passed through the mobile network and the provider; members who mind vote by
USSD or on the web.

Nothing kept names the choice: the confirmation says that the vote is recorded, with its
receipt, never what it was, and it goes out as a vote receipt, whose text is dropped once the
provider has it (`minga.channels.sms`); the inbound message keeps no text once it carried a vote
(`minga.channels.inbound`). Only a verified number is a member's identity here
(`minga.accounts.queries.person_by_verified_phone`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import translation
from django.utils.translation import gettext as _

from minga.accounts import actions as account_actions
from minga.accounts.models import User
from minga.accounts.queries import person_by_verified_phone, person_with_unverified_phone
from minga.channels.handlers import Answer
from minga.channels.models import OutboundMessage

from . import delegation, secrecy, smsparse
from .actions import BallotError, cast_ballot
from .delegation import DelegationError
from .models import Channel, Poll
from .queries import elector_for

YES_WORDS = {"yes", "si", "sí", "oui", "sim"}
NO_WORDS = {"no", "non", "não", "nao"}
CONSENT = {"yes": "agree", "no": "disagree", "abstain": "abstain", "block": "block"}

# Commands other apps answer (the treasury's BAL, DISPUTE...), by their first word in capitals;
# registered from their AppConfig.ready so decisions imports none of them. A handler gets the
# sender, found by their verified number as for votes, and the text as sent.
Handler = Callable[[User, str], "Answer | str | None"]
COMMANDS: dict[str, Handler] = {}


def register_command(words: tuple[str, ...], handler: Handler) -> None:
    for word in words:
        COMMANDS[word.upper()] = handler


def _registered(text: str) -> Handler | None:
    words = smsparse.first_word(text)
    return COMMANDS.get(words) if words else None


def help_text() -> str:
    return _(
        "Minga: to vote, send YES, NO or ABSTAIN and the vote's code, e.g. YES 42. To confirm "
        "a proxy, send PROXY and your code."
    )


def _confirm_phone(person: User, text: str) -> str | None:
    """A number not confirmed yet: a reply of the code confirms it; anything else sends one."""
    code = text.strip()
    if code.isdigit() and len(code) == account_actions.PHONE_CODE_DIGITS:
        result = account_actions.confirm_phone(user=person, code=code)
        if result is account_actions.CodeCheck.VERIFIED:
            return _("Minga: your number is confirmed. You can vote by SMS now.")
        return _("Minga: this code is wrong or has expired. Send any message for a new one.")
    if not account_actions.send_phone_code(user=person, address="sms"):
        return None  # too many codes asked: no further SMS to this number for a while
    return _("Minga: this number is not confirmed yet. Reply with the code we have just sent you.")


def respond(*, phone: str, text: str) -> Answer | str | None:
    """The answer to one inbound SMS (sent back by SMS), after acting on it."""
    person = person_by_verified_phone(phone)
    command = smsparse.parse(text)
    if isinstance(command, smsparse.Check):
        # Anyone can check a certificate: an employer's phone need not be registered.
        with translation.override(person.preferred_language if person else settings.LANGUAGE_CODE):
            return check_certificate(command.code)
    if person is None:
        unconfirmed = person_with_unverified_phone(phone)
        if unconfirmed is not None:
            with translation.override(unconfirmed.preferred_language):
                return _confirm_phone(unconfirmed, text)
        with translation.override(settings.LANGUAGE_CODE):
            return _("Minga: this number is not registered. Ask your cooperative to add it.")
    with translation.override(person.preferred_language):
        registered = _registered(text)
        if registered is not None:
            return registered(person, text)
        command = smsparse.parse(text)
        if command is None:
            return help_text()
        if isinstance(command, smsparse.Unlock):
            return _unlock(person, command.code)
        if isinstance(command, smsparse.ProxyConfirmation):
            try:
                proxy = delegation.confirm_proxy_by_code(
                    person=person, code=command.code, channel=Channel.SMS
                )
            except DelegationError as error:
                return _("Minga: %(error)s Nothing was changed.") % {"error": error.messages[0]}
            return _(
                "Minga: proxy confirmed. %(holder)s can vote for you in '%(poll)s'. If you vote "
                "yourself, your vote counts instead."
            ) % {"holder": proxy.holder.name[:40], "poll": proxy.poll.title[:60]}
        return _vote(person, command)


def check_certificate(code: str) -> str:
    """The answer to CHECK <code>: the certificate's status, holder, achievement and issuer."""
    from minga.credentials.checking import short_answer

    return short_answer(code)


def _yes_no(poll: Poll) -> tuple[int, int] | None:
    """The positions of the yes and the no option of a two-option single-choice poll."""
    if poll.kind != Poll.Kind.SINGLE:
        return None
    labels = [option.label.strip().casefold() for option in poll.options.order_by("position")]
    if len(labels) != 2:
        return None
    yes = [i for i, label in enumerate(labels) if label in YES_WORDS]
    no = [i for i, label in enumerate(labels) if label in NO_WORDS]
    return (yes[0], no[0]) if len(yes) == 1 and len(no) == 1 else None


def answerable(poll: Poll) -> bool:
    """Whether members can answer `poll` by SMS."""
    return poll.kind == Poll.Kind.CONSENT or _yes_no(poll) is not None


def _choice(poll: Poll, vote: smsparse.Vote) -> dict | None:
    if poll.kind == Poll.Kind.CONSENT:
        return {"consent": CONSENT[vote.position], "reason": vote.reason}
    positions = _yes_no(poll)
    if positions is not None and vote.position in ("yes", "no"):
        return {"choice": positions[0] if vote.position == "yes" else positions[1]}
    return None


def _unlock(person: User, code: str) -> str | None:
    """UNLOCK sends a code to the member's phone (by its own SMS); UNLOCK <code> uses it."""
    try:
        if not code:
            delegation.send_pin_unlock_code(person=person)
            return None
        delegation.unlock_voting_pin(person=person, code=code)
    except DelegationError as error:
        return _("Minga: %(error)s") % {"error": error.messages[0]}
    return _("Minga: your voting PIN is unlocked. Dial the USSD menu to vote.")


def _vote(person: User, vote: smsparse.Vote) -> Answer:
    """Cast the vote; the answer carries the receipt (a secret) or says why not (a notice)."""
    text, code = _vote_text(person, vote)
    kind = OutboundMessage.Kind.VOTE_RECEIPT if code else OutboundMessage.Kind.NOTICE
    return Answer(text, kind, carried_vote=True)


def _vote_text(person: User, vote: smsparse.Vote) -> tuple[str, str]:
    poll = Poll.objects.filter(pk=vote.poll).first()
    try:
        elector = elector_for(person, poll, own_only=True) if poll else None
    except PermissionDenied:
        elector = None
    if poll is None or elector is None:
        return _("Minga: you have no vote in a poll with the code %(code)s.") % {
            "code": vote.poll
        }, ""
    if not poll.is_accepting_votes():
        return _("Minga: '%(poll)s' is not accepting votes.") % {"poll": poll.title[:60]}, ""
    choice = _choice(poll, vote)
    if choice is None:
        return _("Minga: '%(poll)s' cannot be answered by SMS. Use the USSD menu.") % {
            "poll": poll.title[:60]
        }, ""
    if delegation.voted_on_paper(elector):
        return _("Minga: you voted on paper at a meeting; that vote counts."), ""
    try:
        code = cast_ballot(
            poll=poll, elector=elector, choice=choice, channel=Channel.SMS, actor=person
        )
    except BallotError as error:
        return _("Minga: %(error)s Nothing was recorded.") % {"error": error.messages[0]}, ""
    return _(
        "Minga: your vote on '%(poll)s' is recorded. Receipt %(code)s. Not you? Vote again by "
        "USSD: the last vote counts."
    ) % {"poll": poll.title[:60], "code": secrecy.format_receipt(code)}, code
