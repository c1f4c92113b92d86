"""Statutes, voting PINs, proxies and agents: every change atomic and audited, like
`decisions.actions`, and every vote through `decisions.actions.cast_ballot` (the rules are in
the sub-package's docstring, `minga.decisions.delegation`)."""

from __future__ import annotations

import datetime
import re
import secrets
import zoneinfo
from typing import TYPE_CHECKING, Any

from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from minga import audit
from minga.channels.models import OutboundMessage
from minga.coops.models import Cooperative, Membership

from .. import permissions, secrecy
from ..actions import cast_ballot
from ..models import (
    Agent,
    Channel,
    Elector,
    Participation,
    Poll,
    Proxy,
    Statutes,
    VotingPin,
)
from ..queries import own_elector

if TYPE_CHECKING:
    from minga.accounts.models import User

PIN_ATTEMPTS = 5
PIN_LOCK = datetime.timedelta(minutes=15)
MAX_LOCK = datetime.timedelta(days=1)
PIN_PATTERN = re.compile(r"^[0-9]{5,8}$")  # a new PIN
PIN_ACCEPTED = re.compile(r"^[0-9]{4,8}$")  # a PIN typed: four digits were allowed until 2026-12
SHORT_PIN = 5  # a PIN shorter than this works, and its owner is asked to change it
UNLOCK_CODE_DIGITS = 6
UNLOCK_CODE_LIFE = datetime.timedelta(minutes=15)
UNLOCK_CODE_TRIES = 3
PROXY_CODE_DIGITS = 6
PROXY_CODE_ATTEMPTS = 5
LIVE_PROXY = (Proxy.Status.PENDING, Proxy.Status.CONFIRMED, Proxy.Status.USED)
PHONE_PATTERN = re.compile(r"^\+[0-9]{7,15}$")

# SMS texts, translated when sent, in the recipient's language.
SMS_PROXY_CONFIRM = gettext_noop(
    "Minga: you give your vote in '%(poll)s' to %(holder)s. To confirm, reply PROXY %(code)s "
    "or use the USSD menu. Not you? Ignore this message."
)
SMS_PROXY_HOLDER = gettext_noop(
    "Minga: %(member)s gave you their vote in '%(poll)s'. Vote for them on the poll's page."
)
SMS_PIN_UNLOCK = gettext_noop(
    "Minga: your code to unlock your voting PIN is %(code)s. It works for 15 minutes: reply "
    "UNLOCK %(code)s. Not you? Ignore this message."
)
SMS_AGENT_VOTE = gettext_noop(
    "Minga: agent %(agent)s recorded the vote of %(member)s in '%(poll)s' (witness: "
    "%(witness)s). Code %(code)s. They can change it until the poll closes."
)


SmsKind = OutboundMessage.Kind


class DelegationError(ValidationError):
    """A request that cannot be done; the message is for the person who asked."""


# --- statutes ----------------------------------------------------------------------------------


def statutes_of(coop: Cooperative) -> Statutes:
    """The cooperative's statutes, or the defaults (unsaved) when none were set."""
    found = Statutes.objects.filter(coop=coop).first()
    return found or Statutes(coop=coop)


@transaction.atomic
def update_statutes(
    *,
    coop: Cooperative,
    actor: User,
    max_proxies_per_holder: int,
    allow_agents: bool,
    electorate: str,
    quorum_kind: str,
    quorum_value: int,
) -> Statutes:
    check_rule_setter(actor, coop)
    if not 0 <= max_proxies_per_holder <= 100:
        raise DelegationError(_("A member may hold between 0 and 100 proxies."))
    if electorate not in Poll.Electorate.values:
        raise DelegationError(_("Choose who votes."))
    if quorum_kind not in Poll.QuorumKind.values:
        raise DelegationError(_("Choose a kind of quorum."))
    if quorum_kind == Poll.QuorumKind.PERCENT and not 1 <= quorum_value <= 100:
        raise DelegationError(_("A quorum as a share of the electorate is between 1 and 100%."))
    if quorum_kind == Poll.QuorumKind.NUMBER and quorum_value < 1:
        raise DelegationError(_("A quorum as a number of voters must be at least 1."))
    if quorum_kind == Poll.QuorumKind.NONE:
        quorum_value = 0
    statutes, _created = Statutes.objects.select_for_update().get_or_create(coop=coop)
    statutes.max_proxies_per_holder = max_proxies_per_holder
    statutes.allow_agents = allow_agents
    statutes.electorate = electorate
    statutes.quorum_kind = quorum_kind
    statutes.quorum_value = quorum_value
    statutes.updated_at = timezone.now()
    statutes.save()
    audit.record(
        "statutes.updated",
        f"coop:{coop.slug}",
        {
            "max_proxies_per_holder": max_proxies_per_holder,
            "allow_agents": allow_agents,
            "electorate": electorate,
            "quorum": [quorum_kind, quorum_value],
        },
        actor,
    )
    return statutes


# --- voting PIN --------------------------------------------------------------------------------


def lock_for(level: int) -> datetime.timedelta:
    """How long the `level`-th lock in a row lasts (0 the first): doubling, up to a day."""
    return min(PIN_LOCK * 2 ** min(level, 16), MAX_LOCK)


def _digits(count: int) -> str:
    return "".join(secrets.choice("0123456789") for _ in range(count))


def _short_time(value: datetime.datetime, person: User) -> str:
    local = timezone.localtime(value, zoneinfo.ZoneInfo(person.timezone or "UTC"))
    return f"{local:%d/%m %H:%M} {local.tzname()}"


def check_pin_format(pin: str) -> None:
    if not PIN_PATTERN.match(pin or ""):
        raise DelegationError(_("A voting PIN is 5 to 8 digits."))
    if len(set(pin)) == 1 or pin in "0123456789" or pin in "9876543210":
        raise DelegationError(_("This PIN is too easy to guess: avoid repeated or running digits."))


@transaction.atomic
def set_voting_pin(*, person: User, pin: str, actor: User) -> VotingPin:
    """Set or change the PIN `person` types on USSD to vote; clears any lock."""
    if actor.pk != person.pk:
        raise DelegationError(_("Only the member sets their own voting PIN."))
    check_pin_format(pin)
    record, created = VotingPin.objects.select_for_update().get_or_create(
        person=person, defaults={"pin_hash": make_password(pin)}
    )
    if not created:
        record.pin_hash = make_password(pin)
        record.failed_attempts = 0
        record.locked_until = None
        record.lock_level = 0
        record.unlock_code_hash = ""
        record.unlock_code_expires_at = None
        record.updated_at = timezone.now()
        record.save()
    audit.record("voting_pin.set", "voting-pin", {"changed": not created}, actor)
    return record


class PinCheck:
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    MISSING = "missing"


@transaction.atomic
def check_voting_pin(
    *, person: User, pin: str, now: datetime.datetime | None = None
) -> tuple[str, int, datetime.datetime | None]:
    """(`PinCheck` outcome, tries left, locked until). A wrong PIN is counted and kept."""
    now = now or timezone.now()
    record = VotingPin.objects.select_for_update().filter(person=person).first()
    if record is None:
        return PinCheck.MISSING, 0, None
    if record.locked_until and record.locked_until > now:
        return PinCheck.LOCKED, 0, record.locked_until
    if record.locked_until:  # the lock has run out: a fresh set of tries (the level stays)
        record.failed_attempts = 0
        record.locked_until = None
    fields = ["failed_attempts", "locked_until", "lock_level"]
    if PIN_ACCEPTED.match(pin or "") and check_password(pin, record.pin_hash):
        record.failed_attempts = 0
        record.lock_level = 0
        record.save(update_fields=fields)
        return PinCheck.OK, PIN_ATTEMPTS, None
    record.failed_attempts += 1
    if record.failed_attempts >= PIN_ATTEMPTS:
        record.locked_until = now + lock_for(record.lock_level)
        record.lock_level += 1
        record.save(update_fields=fields)
        return PinCheck.LOCKED, 0, record.locked_until
    record.save(update_fields=fields)
    return PinCheck.WRONG, PIN_ATTEMPTS - record.failed_attempts, None


@transaction.atomic
def send_pin_unlock_code(*, person: User, now: datetime.datetime | None = None) -> None:
    """Send a code that lifts the lock of `person`'s PIN, by SMS to their own phone.

    One code at a time: another is sent only once the last one has expired or been used up.
    """
    now = now or timezone.now()
    record = VotingPin.objects.select_for_update().filter(person=person).first()
    if record is None or not person.phone:
        raise DelegationError(_("You have no voting PIN to unlock."))
    if not (record.locked_until and record.locked_until > now):
        raise DelegationError(_("Your voting PIN is not locked."))
    # An unlock code is stored with its expiry (the ignores rely on it).
    if record.unlock_code_hash and record.unlock_code_expires_at > now:  # type: ignore[operator]
        raise DelegationError(
            _("An unlock code was sent already; it works until %(time)s.")
            % {"time": _short_time(record.unlock_code_expires_at, person)}  # type: ignore[arg-type]
        )
    code = _digits(UNLOCK_CODE_DIGITS)
    record.unlock_code_hash = make_password(code)
    record.unlock_code_expires_at = now + UNLOCK_CODE_LIFE
    record.unlock_code_failures = 0
    record.save(
        update_fields=["unlock_code_hash", "unlock_code_expires_at", "unlock_code_failures"]
    )
    audit.record("voting_pin.unlock_code_sent", "voting-pin", {}, person)
    _sms_in_language(person, person.phone, SMS_PIN_UNLOCK, {"code": code}, kind=SmsKind.PIN_UNLOCK)


def unlock_voting_pin(*, person: User, code: str, now: datetime.datetime | None = None) -> None:
    """Lift the lock of `person`'s PIN with the code sent to their phone (three tries)."""
    refusal = _try_unlock(person, (code or "").strip(), now or timezone.now())
    if refusal:
        raise DelegationError(refusal)


@transaction.atomic
def _try_unlock(person: User, code: str, now: datetime.datetime) -> str:
    """ "" when unlocked, else why not; a wrong code is counted (and kept: no exception here)."""
    record = VotingPin.objects.select_for_update().filter(person=person).first()
    waiting = record is not None and record.unlock_code_hash and record.unlock_code_expires_at
    # `waiting` says the record and its expiry are there, which mypy cannot follow.
    if not waiting or record.unlock_code_expires_at <= now:  # type: ignore[union-attr,operator]
        return _("No unlock code is waiting. Send UNLOCK to get one.")
    assert record is not None  # noqa: S101 (checked just above)
    if code.isascii() and code.isdigit() and check_password(code, record.unlock_code_hash):
        record.failed_attempts = 0
        record.locked_until = None
        record.unlock_code_hash = ""
        record.unlock_code_expires_at = None
        record.unlock_code_failures = 0
        record.save()
        audit.record("voting_pin.unlocked", "voting-pin", {}, person)
        return ""
    record.unlock_code_failures += 1
    if record.unlock_code_failures >= UNLOCK_CODE_TRIES:
        record.unlock_code_hash = ""
        record.unlock_code_expires_at = None
    record.save(
        update_fields=["unlock_code_hash", "unlock_code_expires_at", "unlock_code_failures"]
    )
    return _("This unlock code is wrong.")


# --- helpers -----------------------------------------------------------------------------------


def _accepting(poll: Poll, now: datetime.datetime) -> None:
    if not poll.is_accepting_votes(now):
        raise DelegationError(_("This poll is not accepting votes."))


def voted_on_paper(elector: Elector) -> bool:
    return Participation.objects.filter(elector=elector, channel=Channel.PAPER).exists()


def check_rule_setter(actor: User, coop: Cooperative) -> None:
    if not permissions.can_set_rules(actor, coop):
        raise DelegationError(_("Only the cooperative's administrators set its voting rules."))


def check_teller(actor: User, coop: Cooperative) -> None:
    if not permissions.is_teller(actor, coop):
        raise DelegationError(_("Only a teller (administrator, secretary or board member) counts."))


def _sms_in_language(
    person: User | None, phone: str, message: str, values: dict, *, kind: str
) -> None:
    """Queue one SMS of `kind` in the caller's transaction, written in `person`'s language."""
    from minga.channels.sms import send_sms

    language = person.preferred_language if person else None

    with translation.override(language):
        send_sms(to=phone, text=_(message) % values, kind=kind)


# --- proxies -----------------------------------------------------------------------------------


def _live_held(poll: Poll, holder: User, exclude: int | None = None) -> int:
    proxies = Proxy.objects.filter(poll=poll, holder=holder, status__in=LIVE_PROXY)
    if exclude is not None:
        proxies = proxies.exclude(pk=exclude)
    return proxies.count()


@transaction.atomic
def appoint_proxy(
    *, poll: Poll, actor: User, holder: User, now: datetime.datetime | None = None
) -> tuple[Proxy, str]:
    """`actor` gives their vote in `poll` to `holder`; returns the proxy and its code.

    The code goes to the member by SMS (they confirm with it, or on USSD); a member without a
    phone is confirmed at once, having signed in to appoint.
    """
    now = now or timezone.now()
    poll = Poll.objects.select_related("coop").get(pk=poll.pk)
    _accepting(poll, now)
    limit = statutes_of(poll.coop).max_proxies_per_holder
    if limit == 0:
        raise DelegationError(_("The statutes of this cooperative allow no proxies."))
    elector = own_elector(actor, poll)
    if elector is None:
        raise DelegationError(_("You have no vote in this poll to give."))
    if holder.pk == actor.pk:
        raise DelegationError(_("Choose someone else as your proxy."))
    holder_elector = own_elector(holder, poll)
    if holder_elector is None:
        raise DelegationError(_("Your proxy must be someone who votes in this poll."))
    # Serialises every appointment to this holder, so the cap holds under concurrency.
    Elector.objects.select_for_update().filter(pk=holder_elector.pk).first()
    if Participation.objects.filter(elector=elector).exclude(channel=Channel.PROXY).exists():
        raise DelegationError(_("You have already voted in this poll."))
    if Proxy.objects.filter(elector=elector, status__in=LIVE_PROXY).exists():
        raise DelegationError(_("You already have a proxy in this poll; revoke it first."))
    if Proxy.objects.filter(elector=holder_elector, status__in=LIVE_PROXY).exists():
        raise DelegationError(_("This person has given their own vote to a proxy."))
    if Proxy.objects.filter(poll=poll, holder=actor, status__in=LIVE_PROXY).exists():
        raise DelegationError(_("You hold proxies in this poll, so you cannot give yours away."))
    if _live_held(poll, holder) >= limit:
        raise DelegationError(
            _("This person already holds the most proxies the statutes allow (%(limit)s).")
            % {"limit": limit}
        )
    code = _digits(PROXY_CODE_DIGITS)
    has_phone = bool(actor.phone)
    try:
        with transaction.atomic():
            proxy = Proxy.objects.create(
                poll=poll,
                elector=elector,
                holder=holder,
                status=Proxy.Status.PENDING if has_phone else Proxy.Status.CONFIRMED,
                code_hash=make_password(code),
                created_by=actor,
                created_at=now,
                confirmed_at=None if has_phone else now,
            )
    except IntegrityError:  # the same member, appointing twice at once
        raise DelegationError(
            _("You already have a proxy in this poll; revoke it first.")
        ) from None
    audit.record(
        "proxy.appointed",
        f"poll:{poll.pk}",
        {"proxy": proxy.pk, "status": proxy.status},
        actor,
        private={"holder": f"person:{holder.pk}"},
    )
    if has_phone:
        _sms_in_language(
            actor,
            actor.phone or "",
            SMS_PROXY_CONFIRM,
            {"poll": poll.title[:60], "holder": holder.name[:40], "code": code},
            kind=SmsKind.PROXY_CODE,
        )
    else:
        _notify_holder(proxy)
    return proxy, code


def _elector_name(elector: Elector) -> str:
    """Whose vote it is: the member, or in a federation the member cooperative."""
    if elector.person is not None:
        return elector.person.name
    return elector.member_coop.name if elector.member_coop is not None else ""


def _notify_holder(proxy: Proxy) -> None:
    holder = proxy.holder
    if holder.phone:
        _sms_in_language(
            holder,
            holder.phone,
            SMS_PROXY_HOLDER,
            {"member": _elector_name(proxy.elector)[:40], "poll": proxy.poll.title[:60]},
            kind=SmsKind.NOTICE,
        )


@transaction.atomic
def confirm_proxy(
    *, proxy: Proxy, actor: User, now: datetime.datetime | None = None, channel: str = "web"
) -> Proxy:
    now = now or timezone.now()
    proxy = (
        Proxy.objects.select_for_update(of=("self",))
        .select_related("poll", "poll__coop", "elector__person", "holder")
        .get(pk=proxy.pk)
    )
    if proxy.elector.person_id != actor.pk:
        raise DelegationError(_("Only the member who gives their vote confirms the proxy."))
    if proxy.status != Proxy.Status.PENDING:
        raise DelegationError(_("This proxy is not waiting for a confirmation."))
    _accepting(proxy.poll, now)
    holder_elector = own_elector(proxy.holder, proxy.poll)
    if holder_elector is not None:
        Elector.objects.select_for_update().filter(pk=holder_elector.pk).first()
    limit = statutes_of(proxy.poll.coop).max_proxies_per_holder
    if _live_held(proxy.poll, proxy.holder, exclude=proxy.pk) >= limit:
        raise DelegationError(
            _("This person already holds the most proxies the statutes allow (%(limit)s).")
            % {"limit": limit}
        )
    proxy.status = Proxy.Status.CONFIRMED
    proxy.confirmed_at = now
    proxy.save(update_fields=["status", "confirmed_at"])
    audit.record(
        "proxy.confirmed", f"poll:{proxy.poll_id}", {"proxy": proxy.pk, "by": channel}, actor
    )
    _notify_holder(proxy)
    return proxy


def confirm_proxy_by_code(
    *, person: User, code: str, now: datetime.datetime | None = None, channel: str = "sms"
) -> Proxy:
    """Confirm the pending proxy of `person` whose code is `code` (the SMS confirmation).

    Wrong codes are counted on each of the member's pending proxies: every fifth locks code
    confirmations for a while, doubling each time (`lock_for`).
    """
    now = now or timezone.now()
    code = (code or "").strip()
    if not (len(code) == PROXY_CODE_DIGITS and code.isascii() and code.isdigit()):
        raise DelegationError(
            _("A proxy code is %(digits)s digits.") % {"digits": PROXY_CODE_DIGITS}
        )
    found = _match_proxy_code(person, code, now)
    if isinstance(found, str):
        raise DelegationError(found)
    return confirm_proxy(proxy=found, actor=person, now=now, channel=channel)


@transaction.atomic
def _match_proxy_code(person: User, code: str, now: datetime.datetime) -> Proxy | str:
    """The pending proxy with this code, else why not (a miss is counted and kept)."""
    pending = list(
        Proxy.objects.select_for_update()
        .filter(
            elector__person=person,
            status=Proxy.Status.PENDING,
            poll__status=Poll.Status.OPEN,
            poll__closes_at__gt=now,
        )
        .order_by("pk")
    )
    locks = [
        p.code_locked_until for p in pending if p.code_locked_until and p.code_locked_until > now
    ]
    if locks:
        return _("Too many wrong codes. Try again after %(time)s.") % {
            "time": _short_time(max(locks), person)
        }
    for proxy in pending:
        if check_password(code, proxy.code_hash):
            return proxy
    for proxy in pending:
        proxy.code_failures += 1
        if proxy.code_failures % PROXY_CODE_ATTEMPTS == 0:
            level = proxy.code_failures // PROXY_CODE_ATTEMPTS - 1
            proxy.code_locked_until = now + lock_for(level)
        proxy.save(update_fields=["code_failures", "code_locked_until"])
    return _("No proxy waiting for your confirmation has this code.")


def pending_proxies_of(person: User, now: datetime.datetime | None = None) -> list[Proxy]:
    now = now or timezone.now()
    return list(
        Proxy.objects.filter(
            elector__person=person,
            status=Proxy.Status.PENDING,
            poll__status=Poll.Status.OPEN,
            poll__closes_at__gt=now,
        )
        .select_related("poll", "holder")
        .order_by("poll__closes_at", "pk")
    )


@transaction.atomic
def revoke_proxy(*, proxy: Proxy, actor: User, now: datetime.datetime | None = None) -> Proxy:
    """Take the vote back, until the poll closes (see the module docstring for a used proxy)."""
    now = now or timezone.now()
    proxy = (
        Proxy.objects.select_for_update(of=("self",))
        .select_related("poll", "elector")
        .get(pk=proxy.pk)
    )
    if proxy.elector.person_id != actor.pk:
        raise DelegationError(_("Only the member who gave their vote can revoke the proxy."))
    if proxy.status not in LIVE_PROXY:
        raise DelegationError(_("This proxy is already revoked."))
    _accepting(proxy.poll, now)
    was_used = proxy.status == Proxy.Status.USED
    proxy.status = Proxy.Status.REVOKED
    proxy.revoked_at = now
    proxy.save(update_fields=["status", "revoked_at"])
    audit.record(
        "proxy.revoked", f"poll:{proxy.poll_id}", {"proxy": proxy.pk, "after_use": was_used}, actor
    )
    return proxy


@transaction.atomic
def vote_as_proxy(
    *,
    proxy: Proxy,
    holder: User,
    choice: dict[str, Any],
    reason: str = "",
    now: datetime.datetime | None = None,
) -> str:
    """The holder votes for the member; returns the receipt (which the holder passes on)."""
    now = now or timezone.now()
    proxy = (
        Proxy.objects.select_for_update(of=("self",))
        .select_related("poll", "elector", "elector__person")
        .get(pk=proxy.pk)
    )
    if proxy.holder_id != holder.pk:
        raise DelegationError(_("Only the proxy's holder votes with it."))
    if proxy.status == Proxy.Status.PENDING:
        raise DelegationError(_("The member has not confirmed this proxy yet."))
    if proxy.status not in (Proxy.Status.CONFIRMED, Proxy.Status.USED):
        raise DelegationError(_("This proxy was revoked."))
    _accepting(proxy.poll, now)
    own = Participation.objects.filter(elector=proxy.elector).exclude(channel=Channel.PROXY)
    if own.exists():
        raise DelegationError(_("The member has voted themselves; their own vote counts."))
    code = cast_ballot(
        poll=proxy.poll,
        elector=proxy.elector,
        choice=choice,
        reason=reason,
        channel=Channel.PROXY,
        actor=holder,
        recorded_by=holder,
        now=now,
    )
    if proxy.status != Proxy.Status.USED:
        proxy.status = Proxy.Status.USED
        proxy.save(update_fields=["status"])
    return code


def proxies_held(holder: User, poll: Poll) -> list[Proxy]:
    return list(
        Proxy.objects.filter(
            poll=poll, holder=holder, status__in=(Proxy.Status.CONFIRMED, Proxy.Status.USED)
        ).select_related("elector__person")
    )


# --- agents ------------------------------------------------------------------------------------


@transaction.atomic
def register_agent(*, coop: Cooperative, person: User, actor: User) -> Agent:
    check_rule_setter(actor, coop)
    if not Membership.objects.filter(
        coop=coop, person=person, status=Membership.Status.ACTIVE
    ).exists():
        raise DelegationError(_("An agent must be an active member of the cooperative."))
    agent, created = Agent.objects.select_for_update().get_or_create(
        coop=coop, person=person, defaults={"registered_by": actor}
    )
    if not created:
        if agent.is_active:
            raise DelegationError(_("This person is already an agent."))
        agent.is_active = True
        agent.registered_by = actor
        agent.registered_at = timezone.now()
        agent.save()
    audit.record(
        "agent.registered",
        f"coop:{coop.slug}",
        {"agent": agent.pk},
        actor,
        private={"person": f"person:{person.pk}"},
    )
    return agent


@transaction.atomic
def deregister_agent(*, agent: Agent, actor: User) -> Agent:
    agent = Agent.objects.select_for_update(of=("self",)).select_related("coop").get(pk=agent.pk)
    check_rule_setter(actor, agent.coop)
    if not agent.is_active:
        raise DelegationError(_("This agent is already removed."))
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    audit.record("agent.removed", f"coop:{agent.coop.slug}", {"agent": agent.pk}, actor)
    return agent


def phoneless_electors(poll: Poll):
    """The electors an agent may vote for: people without a phone number on their account."""
    return (
        Elector.objects.filter(poll=poll, person__isnull=False)
        .filter(person__phone__isnull=True)
        .select_related("person")
        .order_by("person__name", "pk")
    )


@transaction.atomic
def record_agent_vote(
    *,
    poll: Poll,
    elector: Elector,
    actor: User,
    choice: dict[str, Any],
    witness: str,
    reason: str = "",
    relative_phone: str = "",
    now: datetime.datetime | None = None,
) -> str:
    """An agent records the vote of a member without a phone; returns the confirmation code."""
    now = now or timezone.now()
    poll = Poll.objects.select_related("coop").get(pk=poll.pk)
    if permissions.active_agent(actor, poll.coop) is None:
        raise DelegationError(_("Only a registered agent of this cooperative records votes."))
    if not statutes_of(poll.coop).allow_agents:
        raise DelegationError(_("The statutes of this cooperative do not allow agents."))
    _accepting(poll, now)
    elector = Elector.objects.select_related("person").get(pk=elector.pk)
    if elector.poll_id != poll.pk or elector.person is None:
        raise DelegationError(_("This member does not vote in this poll."))
    if elector.person.phone:
        raise DelegationError(_("This member has a phone and votes themselves."))
    if elector.person_id == actor.pk:
        raise DelegationError(_("An agent does not record their own vote."))
    witness = " ".join((witness or "").split())
    if len(witness) < 2:
        raise DelegationError(_("Name the witness present at the vote."))
    if witness.casefold() in {actor.name.casefold(), elector.person.name.casefold()}:
        raise DelegationError(_("The witness must be someone other than the agent and the member."))
    relative_phone = (relative_phone or "").replace(" ", "")
    if relative_phone and not PHONE_PATTERN.match(relative_phone):
        raise DelegationError(
            _("Enter the relative's number in international format, e.g. +250788123456.")
        )
    if voted_on_paper(elector):
        raise DelegationError(_("This member voted on paper at a meeting."))
    code = cast_ballot(
        poll=poll,
        elector=elector,
        choice=choice,
        reason=reason,
        channel=Channel.AGENT,
        actor=actor,
        recorded_by=actor,
        witness=witness,
        now=now,
    )
    private = {"member": f"person:{elector.person_id}", "witness": witness}
    if relative_phone:
        private["relative_phone"] = relative_phone
    audit.record("agent.vote_recorded", f"poll:{poll.pk}", {}, actor, private=private)
    if relative_phone:
        _sms_in_language(
            elector.person,
            relative_phone,
            SMS_AGENT_VOTE,
            {
                "agent": actor.name[:30],
                "member": elector.person.name[:30],
                "poll": poll.title[:50],
                "witness": witness[:30],
                "code": secrecy.format_receipt(code),
            },
            kind=SmsKind.VOTE_RECEIPT,
        )
    return code
