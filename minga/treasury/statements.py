"""Members see their own books: statements, receipts for every posting, disputes, witnesses.

Every posting that touches a member's sub-ledger sends them an SMS receipt through the
background queue, in the transaction of the posting (a posting rolled back sends nothing): the
amount, the new balance, the entry's number and the first characters of the leaf hash of the
audit-log entry that carries the entry's hash. Members who keep their receipts hold pieces of
the public log: rewriting the books would contradict them. A member without a phone names a
witness (someone they trust) whose phone gets their receipts.

`DISPUTE <entry> <reason>` (by SMS from the member's own verified number, or the button on the
statement) opens a dispute that the supervisory committee must answer; both are in the log.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from minga import audit
from minga.accounts.phones import normalize_phone
from minga.channels import delivery
from minga.channels.models import OutboundMessage
from minga.channels.sms import send_sms
from minga.coops.models import Cooperative, Membership
from minga.core.fast import sql as fast_sql
from minga.core.fast.cursor import hot_cursor

from . import actions as books
from . import charts, money, permissions
from .models import Account, Books, FiscalYear, JournalEntry, Line, MemberAccount, MemberBalance
from .models_members import Channel, Dispute, WitnessPhone

if TYPE_CHECKING:
    from collections.abc import Sequence

    from minga.accounts.models import User

    from .posting import AccountRow

TreasuryError = books.TreasuryError
HASH_CHARS = 8
SUB_LEDGERS = charts.MEMBER_ROLES


@dataclass(frozen=True)
class Movement:
    entry: JournalEntry
    account: Account
    amount: int  # as the member sees it: positive when their balance grows

    @property
    def code(self) -> str:
        return self.entry.code


def member_sign(account) -> int:
    """Members' sub-ledgers are liabilities or equity: a credit (negative) is money they hold.
    (`account` is an Account, or the posting's lighter row: both have a root type.)"""
    return 1 if account.root in charts.DEBIT_NORMAL else -1


def balances(member: MemberAccount) -> list[tuple[Account, int]]:
    """The member's balance on each sub-ledger, as they see it (what the cooperative owes)."""
    rows = MemberBalance.objects.filter(member=member).select_related("account")
    found = {row.account.role: (row.account, row.balance) for row in rows}
    accounts = {
        a.role: a for a in Account.objects.filter(coop_id=member.coop_id, role__in=SUB_LEDGERS)
    }
    result = []
    for role in SUB_LEDGERS:
        account, balance = found.get(role, (accounts.get(role), 0))
        if account is not None:
            result.append((account, balance * member_sign(account)))
    return result


def movements(member: MemberAccount, limit: int | None = None) -> list[Movement]:
    """The member's lines, newest first."""
    lines = (
        Line.objects.filter(member=member)
        .select_related("entry__fiscal_year", "account")
        .order_by("-entry__date", "-entry_id", "-id")
    )
    if limit:
        lines = lines[:limit]
    return [
        Movement(line.entry, line.account, line.amount * member_sign(line.account))
        for line in lines
    ]


def accounts_of(person: User) -> list[MemberAccount]:
    """The person's member accounts in cooperatives that keep their books here."""
    return list(
        MemberAccount.objects.filter(
            membership__person=person, membership__status=Membership.Status.ACTIVE
        )
        .select_related("coop", "membership")
        .order_by("coop__name")
    )


def currency_of(coop_id: int) -> str:
    return Books.objects.only("currency").get(coop_id=coop_id).currency


# --- receipts ------------------------------------------------------------------------------------


def receipt_phone(member: MemberAccount) -> str:
    """The member's verified phone, else their witness's; "" when they have neither."""
    person = member.membership.person
    if person.phone and person.phone_verified_at:
        return person.phone
    witness = WitnessPhone.objects.filter(member=member).values_list("phone", flat=True).first()
    return witness or ""


# --- fast path: budget treasury-postings (bench/bench_treasury.py) ---------------------------
# "Audited postings (two lines, SMS receipt enqueued) >= 1,000/s on 2 cores": through the ORM
# a receipt cost more than the posting itself (building queries, not running them), so what a
# receipt needs is read in one plain statement on `core.fast`'s cursor (the models' own
# tables; its text is built once per shape), its wording translated once per language, and
# the message queued by the channels' bulk path. The receipts' tests cover it.


def _receipt_rows(member_ids: list[int], account_ids: list[int]) -> list[tuple]:
    """Per touched member and account: what a receipt says, in one query."""
    db = connections[DEFAULT_DB_ALIAS]
    with hot_cursor(db) as cursor:
        cursor.execute(
            _receipt_sql(db.vendor, len(member_ids), len(account_ids)),
            [*account_ids, *member_ids],
        )
        return cursor.fetchall()


@functools.lru_cache(maxsize=32)
def _receipt_sql(vendor: str, members: int, accounts: int) -> str:
    from minga.accounts.models import User

    def table(model) -> str:
        return fast_sql.table(model)

    return (
        "SELECT ma.id, ma.ref, p.phone, p.phone_verified_at, p.preferred_language, c.name, "  # noqa: S608 (table names, placeholders)
        "a.id, COALESCE(mb.balance, 0), a.name_en, a.name_es, a.name_fr, a.name_pt, w.phone "
        f"FROM {table(MemberAccount)} ma "
        f"JOIN {table(Membership)} m ON m.id = ma.membership_id "
        f"JOIN {table(User)} p ON p.id = m.person_id "
        f"JOIN {table(Cooperative)} c ON c.id = ma.coop_id "
        f"JOIN {table(Account)} a ON a.id IN ({', '.join(['%s'] * accounts)}) "
        f"LEFT JOIN {table(MemberBalance)} mb ON mb.member_id = ma.id AND mb.account_id = a.id "
        f"LEFT JOIN {table(WitnessPhone)} w ON w.member_id = ma.id "
        f"WHERE ma.id IN ({', '.join(['%s'] * members)})"
    )


@functools.lru_cache(maxsize=16)
def _receipt_wording(language: str) -> tuple[str, str]:
    """A receipt's two sentences in `language` (catalogues do not change while running)."""
    with translation.override(language):
        return (
            _("%(account)s %(amount)s, balance %(balance)s"),
            _(
                "Minga %(coop)s %(ref)s: entry %(entry)s. %(parts)s. Log %(hash)s, checkpoint "
                "%(checkpoint)s. Wrong? Reply DISPUTE %(entry)s and why."
            ),
        )


def checkpoint_short() -> str:
    """The latest published checkpoint as a receipt cites it: its size and the first characters
    of its root ("1234/9f86d081"); "-" before the first. A history rewritten after it would
    contradict the receipts members hold."""
    head = audit.published_head()
    return "-" if head is None else f"{head[0]}/{head[1].hex()[:HASH_CHARS]}"


def send_receipts(
    entry: JournalEntry,
    lines: Sequence[tuple[Account | AccountRow, int, MemberAccount | None]],
    leaf_hash: bytes,
    *,
    currency: str = "",
    code: str = "",
) -> int:
    """Queue an SMS receipt to every member whose account `entry` touches; how many.

    `currency` and `code` (the entry's citation) when the caller has them at hand: the
    postings' budget counts every query."""
    touched: dict[int, list[tuple[int, int, int]]] = {}
    for account, amount, member in lines:
        if member is not None:
            touched.setdefault(member.pk, []).append((account.id, amount, member_sign(account)))
    if not touched:
        return 0
    currency = currency or currency_of(entry.coop_id)
    code = code or entry.code
    account_ids = sorted({account_id for moves in touched.values() for account_id, *_r in moves})
    found: dict[int, dict] = {}
    for row in _receipt_rows(sorted(touched), account_ids):
        member_id, ref, phone, verified, language, coop, account_id, balance, *names = row
        witness = names.pop()
        person = found.setdefault(
            member_id,
            {
                "ref": ref,
                "phone": phone if phone and verified else witness or "",
                "language": language,
                "coop": coop,
                "accounts": {},
            },
        )
        person["accounts"][account_id] = (
            balance,
            dict(zip(("en", "es", "fr", "pt"), names, strict=True)),
        )
    checkpoint = checkpoint_short()
    messages = []
    for member_id, moves in touched.items():
        person = found.get(member_id)
        if person is None or not person["phone"]:
            continue
        language = person["language"] or "en"
        part, sentence = _receipt_wording(language)
        parts = []
        for account_id, amount, sign in moves:
            balance, names = person["accounts"][account_id]
            parts.append(
                part
                % {
                    "account": (names.get(language[:2]) or names["en"])[:24],
                    "amount": ("+" if amount * sign > 0 else "")
                    + money.format_amount(amount * sign, currency),
                    "balance": money.format_amount(balance * sign, currency, code=True),
                }
            )
        text = sentence % {
            "coop": person["coop"][:24],
            "ref": person["ref"],
            "entry": code,
            "parts": "; ".join(parts),
            "hash": leaf_hash.hex()[:HASH_CHARS],
            "checkpoint": checkpoint,
        }
        messages.append(
            delivery.notice_row(channel=OutboundMessage.Channel.SMS, to=person["phone"], text=text)
        )
    if messages:
        # The channels' bulk path: one insert for the messages, one for their delivery task.
        delivery.enqueue_many(messages)
    return len(messages)


# --- disputes ------------------------------------------------------------------------------------


def find_entry(coop: Cooperative, code: str) -> JournalEntry:
    """The entry cited as "2026-17" (fiscal year, number), or a translated error."""
    label, _sep, number = (code or "").strip().rpartition("-")
    entry = None
    if number.isdigit():
        for year in FiscalYear.objects.filter(coop=coop):
            if year.label == label:
                entry = JournalEntry.objects.filter(fiscal_year=year, number=int(number)).first()
    if entry is None:
        raise TreasuryError(
            _("There is no entry %(code)s in these books."), code="no_entry", params={"code": code}
        )
    return entry


@transaction.atomic
def open_dispute(
    *,
    entry: JournalEntry,
    member: MemberAccount,
    actor: User,
    reason: str,
    channel: str,
    now: datetime.datetime | None = None,
) -> Dispute:
    """The member's objection to an entry on their account, for the supervisory committee."""
    if member.membership.person_id != actor.pk or not member.membership.is_active:
        raise PermissionDenied(_("Only the member whose account it is can dispute an entry."))
    if not Line.objects.filter(entry=entry, member=member).exists():
        raise TreasuryError(
            _("The entry %(code)s does not touch your account."),
            code="not_yours",
            params={"code": entry.code},
        )
    reason = " ".join((reason or "").split())
    if len(reason) < 3:
        raise TreasuryError(_("Say in a few words what is wrong."), code="reason")
    if len(reason) > 500:
        raise TreasuryError(_("The reason is at most 500 characters."), code="reason")
    if channel not in Channel.values:
        raise TreasuryError(_("Unknown channel."), code="channel")
    try:
        with transaction.atomic():
            dispute = Dispute.objects.create(
                coop_id=entry.coop_id,
                entry=entry,
                member=member,
                reason=reason,
                channel=channel,
                opened_at=now or timezone.now(),
            )
    except IntegrityError:
        raise TreasuryError(
            _("You already have an open dispute on the entry %(code)s."),
            code="duplicate",
            params={"code": entry.code},
        ) from None
    coop = entry.coop
    audit.record(
        "treasury.dispute_opened",
        f"treasury:{coop.slug}:dispute:{dispute.pk}",
        {"coop": coop.slug, "dispute": dispute.pk, "entry": entry.code, "channel": channel},
        actor,
        private={"reason": reason, "member": member.ref},
        audience=coop,
    )
    _tell_supervisory(dispute)
    return dispute


def _tell_supervisory(dispute: Dispute) -> None:
    """Each member of the supervisory committee with a verified phone hears of the dispute."""
    committee = Membership.objects.filter(
        coop_id=dispute.coop_id,
        role=Membership.Role.SUPERVISORY,
        status=Membership.Status.ACTIVE,
        person__phone_verified_at__isnull=False,
    ).select_related("person", "coop")
    for membership in committee:
        with translation.override(membership.person.preferred_language):
            text = _(
                "Minga %(coop)s: member %(ref)s disputes entry %(entry)s: %(reason)s. The "
                "committee must answer on the disputes page."
            ) % {
                "coop": membership.coop.name[:24],
                "ref": dispute.member.ref,
                "entry": dispute.entry.code,
                "reason": dispute.reason[:200],
            }
        send_sms(to=membership.person.phone, text=text, kind=OutboundMessage.Kind.NOTICE)


@transaction.atomic
def answer_dispute(
    *, dispute: Dispute, actor: User, answer: str, now: datetime.datetime | None = None
) -> Dispute:
    """The supervisory committee's answer; the member gets it by SMS."""
    dispute = Dispute.objects.select_for_update(of=("self",)).get(pk=dispute.pk)
    coop = dispute.coop
    if permissions.treasury_role(actor, coop) != permissions.SUPERVISORY:
        raise PermissionDenied(_("Only the supervisory committee answers disputes."))
    if dispute.status != Dispute.Status.OPEN:
        raise TreasuryError(_("This dispute was already answered."), code="answered")
    answer = (answer or "").strip()
    if len(answer) < 3 or len(answer) > 2000:
        raise TreasuryError(_("Write an answer of 3 to 2,000 characters."), code="answer")
    dispute.status = Dispute.Status.ANSWERED
    dispute.answer = answer
    dispute.answered_by = actor
    dispute.answered_at = now or timezone.now()
    dispute.save(update_fields=["status", "answer", "answered_by", "answered_at"])
    entry = dispute.entry
    audit.record(
        "treasury.dispute_answered",
        f"treasury:{coop.slug}:dispute:{dispute.pk}",
        {"coop": coop.slug, "dispute": dispute.pk, "entry": entry.code},
        actor,
        private={"answer": answer},
        audience=coop,
    )
    member = dispute.member
    phone = receipt_phone(member)
    if phone:
        with translation.override(member.membership.person.preferred_language):
            text = _("Minga %(coop)s: answer to your dispute on %(entry)s: %(answer)s") % {
                "coop": coop.name[:24],
                "entry": entry.code,
                "answer": answer[:300],
            }
        send_sms(to=phone, text=text, kind=OutboundMessage.Kind.NOTICE)
    return dispute


@transaction.atomic
def name_witness(*, member: MemberAccount, actor: User, phone: str, name: str) -> WitnessPhone:
    """A member without a phone names a witness whose phone gets their receipts (the member, or
    the treasurer on their behalf)."""
    coop = member.coop
    own = member.membership.person_id == actor.pk
    if not own and not permissions.can_keep_books(actor, coop):
        raise PermissionDenied(_("Only the member or the treasurer names a witness."))
    try:
        phone = normalize_phone(phone)
    except ValidationError as error:
        raise TreasuryError(error.messages[0], code="phone") from None
    name = " ".join((name or "").split())
    if not 2 <= len(name) <= 100:
        raise TreasuryError(_("Write the witness's name."), code="name")
    witness, _created = WitnessPhone.objects.update_or_create(
        member=member, defaults={"phone": phone, "name": name}
    )
    audit.record(
        "treasury.witness_named",
        f"coop:{coop.slug}",
        {"coop": coop.slug},
        actor,
        private={"member": member.ref, "witness": f"{name} {phone}"},
        owner=member.membership.person,
        audience=coop,
    )
    return witness


def open_disputes(coop: Cooperative):
    return (
        Dispute.objects.filter(coop=coop)
        .select_related("entry__fiscal_year", "member")
        .order_by("status", "-opened_at")
    )
