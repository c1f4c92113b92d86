"""Members confirm their own balances: an auditor's circularisation, automated, each month.

Once a month (the `treasury.circularise` job), for each cooperative that keeps its books here,
the platform draws k ordinary members (the statutes' number, `MINGA_TREASURY_CIRCULARISATION_K`
when they say nothing) and asks each, by SMS, whether the shares and savings balances it holds
for them are right. The draw is `sampling`'s: the seed is the leaf hash of the log entry that
opens the month's check (unknown before it is written), bound to the month; the entry that
records the draw carries the seed, the digest of the eligible set and k, so anyone holding the
log can redo it (`redraw_check`). A month is drawn once: the books' row is locked and the
month is unique, so two workers at once draw once.

The member answers `YES <code>` or `NO <code> [what is wrong]` from their own verified number
(codes start with a letter, so they never read as a vote's number). A "no" opens a dispute on
the member's latest entry through `statements.open_dispute`, which the supervisory committee
must answer; the committee sees every answer.
"""

from __future__ import annotations

import datetime
import secrets
import zoneinfo
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from minga import audit
from minga.channels.inbound import Answer
from minga.channels.models import OutboundMessage
from minga.channels.sms import send_sms
from minga.coops.models import Membership

from . import money, sampling, statements
from .actions import TreasuryError
from .models import Books, Line, MemberAccount
from .models_circularisation import BalanceCheck, Circularisation
from .models_members import Channel

if TYPE_CHECKING:
    from minga.accounts.models import User
    from minga.coops.models import Cooperative

DEFAULT_K = 5
YES_WORDS = ("YES",)
NO_WORDS = ("NO",)


def sample_size() -> int:
    return int(getattr(settings, "MINGA_TREASURY_CIRCULARISATION_K", DEFAULT_K))


def month_of(books: Books, now: datetime.datetime) -> datetime.date:
    """The first day of the month `now` falls in, in the books' time zone."""
    return now.astimezone(zoneinfo.ZoneInfo(books.time_zone)).date().replace(day=1)


def month_number(month: datetime.date) -> int:
    """The number the seed is bound to: 202612 for December 2026."""
    return month.year * 100 + month.month


def eligible_refs(coop: Cooperative) -> list[str]:
    """Who may be drawn: the ordinary active members with an account."""
    return list(
        MemberAccount.objects.filter(
            coop=coop,
            membership__status=Membership.Status.ACTIVE,
            membership__role=Membership.Role.MEMBER,
        ).values_list("ref", flat=True)
    )


def _subject(coop: Cooperative, month: datetime.date) -> str:
    return f"treasury:{coop.slug}:circularisation:{month:%Y-%m}"


def _new_code(taken: set[str]) -> str:
    code = f"B{secrets.randbelow(9000) + 1000}"
    while code in taken:
        code = f"B{secrets.randbelow(9000) + 1000}"
    taken.add(code)
    return code


def _balance(member: MemberAccount, role: str) -> int:
    return next((b for account, b in statements.balances(member) if account.role == role), 0)


@transaction.atomic
def circularise(*, books: Books, now: datetime.datetime | None = None) -> Circularisation | None:
    """Draw this month's members for `books`' cooperative and ask them; None when the month
    was already drawn (by this worker or another)."""
    now = now or timezone.now()
    books = Books.objects.select_for_update().select_related("coop").get(pk=books.pk)
    coop = books.coop
    month = month_of(books, now)
    if Circularisation.objects.filter(coop=coop, month=month).exists():
        return None
    candidates = eligible_refs(coop)
    k = min(sample_size(), len(set(candidates)))
    opened = audit.record(
        "treasury.circularisation_opened",
        _subject(coop, month),
        {"coop": coop.slug, "month": f"{month:%Y-%m}"},
        None,
        audience=coop,
    )
    seed = sampling.seed_from(bytes(opened.leaf_hash), month_number(month))
    drawn = sampling.draw(seed, candidates, k)
    circularisation = Circularisation.objects.create(
        coop=coop,
        month=month,
        seed_entry=opened.index,
        seed=seed.hex(),
        k=k,
        candidates=len(set(candidates)),
        created_at=now,
    )
    members = {
        m.ref: m
        for m in MemberAccount.objects.filter(coop=coop, ref__in=drawn).select_related(
            "membership__person", "coop"
        )
    }
    taken = set(BalanceCheck.objects.filter(answer="").values_list("code", flat=True).distinct())
    checks = []
    for ref in drawn:
        member = members[ref]
        last = Line.objects.filter(member=member).order_by("-entry_id").first()
        checks.append(
            BalanceCheck.objects.create(
                circularisation=circularisation,
                member=member,
                code=_new_code(taken),
                shares=_balance(member, "member-shares"),
                savings=_balance(member, "member-savings"),
                last_entry_id=last.entry_id if last else None,
            )
        )
    audit.record(
        "treasury.circularisation_drawn",
        _subject(coop, month),
        {
            "coop": coop.slug,
            "month": f"{month:%Y-%m}",
            "seed_entry": opened.index,
            "seed": seed.hex(),
            "candidates": len(set(candidates)),
            "candidates_digest": sampling.candidates_digest(candidates),
            "k": k,
        },
        None,
        private={"drawn": drawn},
        audience=coop,
    )
    for check in checks:
        _ask(check, books.currency)
    return circularisation


def _ask(check: BalanceCheck, currency: str) -> None:
    """The SMS to the member's own verified number (never a witness's: the check is theirs)."""
    person = check.member.membership.person
    if not (person.phone and person.phone_verified_at):
        return
    with translation.override(person.preferred_language):
        text = _(
            "Minga %(coop)s %(ref)s: monthly check. Our books say your shares are %(shares)s "
            "and your savings %(savings)s. Right? Reply YES %(code)s, or NO %(code)s and what "
            "is wrong."
        ) % {
            "coop": check.member.coop.name[:24],
            "ref": check.member.ref,
            "shares": money.format_amount(check.shares, currency, code=True),
            "savings": money.format_amount(check.savings, currency, code=True),
            "code": check.code,
        }
    send_sms(to=person.phone, text=text, kind=OutboundMessage.Kind.NOTICE)


def run_due(now: datetime.datetime) -> str:
    """The monthly job: every cooperative with books not yet drawn this month."""
    drawn = 0
    for books in Books.objects.only("pk"):
        if circularise(books=books, now=now) is not None:
            drawn += 1
    return f"{drawn} drawn"


def redraw_check(circularisation: Circularisation) -> bool:
    """Whether the members recorded as drawn are the ones the seed in the log draws (the
    eligible set is today's: compare its digest with the log's when members came or went)."""
    logged = audit.entry(circularisation.seed_entry)
    if logged is None:
        return False
    seed = sampling.seed_from(bytes(logged.leaf_hash), month_number(circularisation.month))
    drawn = sorted(circularisation.checks.values_list("member__ref", flat=True))
    expected = sampling.draw(seed, eligible_refs(circularisation.coop), circularisation.k)
    return seed.hex() == circularisation.seed and sorted(expected) == drawn


def open_checks(person: User):
    """The checks a person was drawn for and has not answered."""
    return BalanceCheck.objects.filter(
        member__membership__person=person,
        member__membership__status=Membership.Status.ACTIVE,
        answer="",
    ).select_related("circularisation__coop", "member__membership", "last_entry__fiscal_year")


@transaction.atomic
def answer_check(
    *,
    check: BalanceCheck,
    actor: User,
    confirm: bool,
    channel: str,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> BalanceCheck:
    """The drawn member's answer; a "no" opens a dispute for the supervisory committee."""
    now = now or timezone.now()
    check = (
        BalanceCheck.objects.select_for_update(of=("self",))
        .select_related("member__membership", "circularisation__coop", "last_entry")
        .get(pk=check.pk)
    )
    if check.member.membership.person_id != actor.pk or not check.member.membership.is_active:
        raise PermissionDenied(_("Only the member drawn can answer."))
    if check.answer:
        raise TreasuryError(_("You have already answered."), code="answered")
    if channel not in Channel.values:
        raise TreasuryError(_("Unknown channel."), code="channel")
    reason = " ".join((reason or "").split())
    if len(reason) > 400:
        raise TreasuryError(_("The reason is at most 400 characters."), code="reason")
    coop = check.circularisation.coop
    if not confirm and check.last_entry is not None:
        why = _("Balances in the monthly check not confirmed: %(reason)s") % {
            "reason": reason or _("no reason given")
        }
        try:
            check.dispute = statements.open_dispute(
                entry=check.last_entry,
                member=check.member,
                actor=actor,
                reason=why,
                channel=channel,
                now=now,
            )
        except TreasuryError as error:
            if error.code != "duplicate":
                raise
            check.dispute = check.member.disputes.filter(
                entry=check.last_entry, status="open"
            ).first()
    check.answer = BalanceCheck.Answer.YES if confirm else BalanceCheck.Answer.NO
    check.channel = channel
    check.answered_at = now
    check.save(update_fields=["answer", "channel", "answered_at", "dispute"])
    audit.record(
        "treasury.balance_confirmed" if confirm else "treasury.balance_not_confirmed",
        _subject(coop, check.circularisation.month),
        {"coop": coop.slug, "month": f"{check.circularisation.month:%Y-%m}", "channel": channel},
        actor,
        private={"member": check.member.ref, "reason": reason},
        audience=coop,
    )
    return check


def results(coop: Cooperative):
    """Every check of the cooperative, newest month first, for the supervisory committee."""
    return (
        BalanceCheck.objects.filter(circularisation__coop=coop)
        .select_related("circularisation", "member", "dispute")
        .order_by("-circularisation__month", "pk")
    )


# --- SMS -----------------------------------------------------------------------------------------


def _sms(person: User, text: str, confirm: bool) -> Answer | str | None:
    words = " ".join(text.split()).split(" ")[1:]
    code = words[0].upper() if words else ""
    if not code.startswith("B"):
        return _vote(person, text)  # YES 42: a vote, as before
    check = open_checks(person).filter(code=code).first()
    if check is None:
        return Answer(_("Minga: no balance check waits for your answer with this code."))
    try:
        answer_check(
            check=check,
            actor=person,
            confirm=confirm,
            channel=Channel.SMS,
            reason=" ".join(words[1:]),
        )
    except (TreasuryError, PermissionDenied) as error:
        message = error.messages[0] if isinstance(error, TreasuryError) else str(error)
        return Answer(_("Minga: %(error)s Nothing was changed.") % {"error": message})
    if confirm:
        return Answer(_("Minga: thank you, your balances are confirmed."))
    return Answer(_("Minga: your answer is recorded. The supervisory committee will look into it."))


def _vote(person: User, text: str) -> Answer | str | None:
    from minga.decisions import sms, smsparse

    command = smsparse.parse(text)
    if isinstance(command, smsparse.Vote):
        return sms._vote(person, command)  # noqa: SLF001
    return sms.help_text()


def sms_yes(person: User, text: str) -> Answer | str | None:
    return _sms(person, text, True)


def sms_no(person: User, text: str) -> Answer | str | None:
    return _sms(person, text, False)


def register() -> None:
    from minga.core import schedule
    from minga.decisions import sms

    sms.register_command(YES_WORDS, sms_yes)
    sms.register_command(NO_WORDS, sms_no)
    schedule.register("treasury.circularise", run_due, every=3600)
