"""Every change to discussions, polls and ballots: atomic, audited, checked against the clock.

A poll goes draft -> open (the electorate is frozen) -> closed (counted, the salt wiped, the
closing recorded in the audit log) or cancelled. `cast_ballot` is the one way any vote gets in,
whatever the channel (web, API, USSD, SMS, proxy, agent), so its checks hold everywhere.
"""

from __future__ import annotations

import datetime
import functools
import json
import random
import secrets
import threading
import uuid
from typing import TYPE_CHECKING, Any

from cachetools import LRUCache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from minga import audit
from minga.coops.models import Affiliation, Cooperative, Membership
from minga.core.fast import sql as fast_sql
from minga.core.fast.cursor import hot_cursor
from minga.core.uploads import check_upload

from . import counting, eligibility, permissions, sealed, secrecy
from .models import (
    Ballot,
    Channel,
    Comment,
    Discussion,
    Elector,
    Option,
    Participation,
    PendingCommitment,
    Poll,
    SealedBallot,
)

if TYPE_CHECKING:
    from minga.accounts.models import User

CONSENT_CODES = ("agree", "abstain", "disagree", "block")
RANKED_KINDS = {
    Poll.Kind.IRV,
    Poll.Kind.STV_SCOTTISH,
    Poll.Kind.STV_MEEK,
    Poll.Kind.SCHULZE,
}
MAX_OPTIONS = 100
MAX_SCORE = 100


class BallotError(ValidationError):
    """A ballot that cannot be accepted; the message is for the voter, in their language."""


def _consent_labels() -> dict[str, str]:
    return {
        "agree": _("Agree"),
        "abstain": _("Abstain"),
        "disagree": _("Disagree"),
        "block": _("Block"),
    }


# --- discussions -------------------------------------------------------------------------------


@transaction.atomic
def start_discussion(*, coop: Cooperative, actor: User, title: str, body: str = "") -> Discussion:
    permissions.check_discussion_starter(actor, coop)
    title = title.strip()
    if not title:
        raise ValidationError(_("Give the discussion a title."))
    discussion = Discussion.objects.create(coop=coop, title=title, body=body.strip(), author=actor)
    audit.record(
        "discussion.started",
        f"discussion:{discussion.pk}",
        {"coop": coop.slug},
        actor,
        private={"title": discussion.title},
        audience=coop,
        topic=f"discussion:{discussion.pk}",
    )
    return discussion


@transaction.atomic
def add_comment(
    *,
    discussion: Discussion,
    actor: User,
    body: str,
    parent: Comment | None = None,
    attachment: UploadedFile | None = None,
) -> Comment:
    permissions.check_reader(actor, discussion.coop)
    body = body.strip()
    if not body:
        raise ValidationError(_("Write something before sending the comment."))
    if discussion.is_closed:
        raise ValidationError(_("This discussion is closed to new comments."))
    if parent is not None and parent.discussion_id != discussion.pk:
        raise ValidationError(_("You can only reply to a comment in the same discussion."))
    if attachment is not None:
        check_upload(attachment)
    comment = Comment(discussion=discussion, parent=parent, author=actor, body=body)
    if attachment is not None:
        comment.attachment.save(attachment.name or "attachment", attachment, save=False)
    comment.save()
    audit.record(
        "discussion.commented",
        f"discussion:{discussion.pk}",
        {"comment": comment.pk, "reply_to": parent.pk if parent else None},
        actor,
        audience=discussion.coop,
    )
    return comment


# --- polls -------------------------------------------------------------------------------------


def _check_rules(poll: Poll, labels: list[str]) -> None:
    if not poll.title.strip():
        raise ValidationError(_("Write the question the poll asks."))
    if poll.kind not in Poll.Kind.values:
        raise ValidationError(_("Choose a kind of vote."))
    if poll.kind != Poll.Kind.CONSENT and len(labels) < 2:
        raise ValidationError(_("A poll needs at least two options."))
    if len(labels) > MAX_OPTIONS:
        raise ValidationError(_("A poll can have at most %(max)s options.") % {"max": MAX_OPTIONS})
    if len(set(labels)) != len(labels):
        raise ValidationError(_("Two options have the same text."))
    if poll.kind in (Poll.Kind.STV_SCOTTISH, Poll.Kind.STV_MEEK):
        if not 1 <= poll.seats < len(labels):
            raise ValidationError(
                _("An election fills at least one seat and fewer seats than there are candidates.")
            )
    else:
        poll.seats = 1
    if poll.kind == Poll.Kind.SCORE and not 1 <= poll.score_max <= MAX_SCORE:
        raise ValidationError(
            _("The highest score must be between 1 and %(max)s.") % {"max": MAX_SCORE}
        )
    if poll.kind == Poll.Kind.CONSENT:
        poll.threshold = Poll.Threshold.CONSENT
    elif poll.threshold == Poll.Threshold.CONSENT:
        raise ValidationError(_("Only a consent proposal passes by consent."))
    if poll.quorum_kind == Poll.QuorumKind.PERCENT and not 1 <= poll.quorum_value <= 100:
        raise ValidationError(_("A quorum as a share of the electorate is between 1 and 100%."))
    if poll.quorum_kind == Poll.QuorumKind.NUMBER and poll.quorum_value < 1:
        raise ValidationError(_("A quorum as a number of voters must be at least 1."))
    if poll.quorum_kind == Poll.QuorumKind.NONE:
        poll.quorum_value = 0
    if (
        poll.electorate != Poll.Electorate.MEMBER
        and not poll.coop.affiliations.filter(is_active=True).exists()
    ):
        raise ValidationError(
            _("Only a federation with member cooperatives can give a vote to each of them.")
        )


@transaction.atomic
def create_poll(
    *,
    discussion: Discussion,
    actor: User,
    title: str,
    kind: str,
    closes_at: datetime.datetime,
    options: list[str] | None = None,
    details: str = "",
    seats: int = 1,
    score_max: int = 5,
    is_secret: bool = True,
    results_visibility: str = Poll.ResultsVisibility.AFTER_CLOSE,
    electorate: str = Poll.Electorate.MEMBER,
    quorum_kind: str = Poll.QuorumKind.NONE,
    quorum_value: int = 0,
    threshold: str = Poll.Threshold.PLURALITY,
    now: datetime.datetime | None = None,
) -> Poll:
    """A draft poll in `discussion`; consent proposals get the four fixed positions."""
    permissions.check_poll_starter(actor, discussion.coop)
    now = now or timezone.now()
    if closes_at <= now:
        raise ValidationError(_("The closing time must be in the future."))
    labels = [label.strip() for label in (options or []) if label.strip()]
    poll = Poll(
        coop=discussion.coop,
        discussion=discussion,
        title=title.strip(),
        details=details.strip(),
        kind=kind,
        seats=seats,
        score_max=score_max,
        is_secret=is_secret,
        results_visibility=results_visibility,
        electorate=electorate,
        quorum_kind=quorum_kind,
        quorum_value=quorum_value,
        threshold=threshold,
        closes_at=closes_at,
        created_by=actor,
    )
    if kind == Poll.Kind.CONSENT:
        labels = []
    _check_rules(poll, labels)
    poll.save()
    if kind == Poll.Kind.CONSENT:
        consent = _consent_labels()
        rows = [
            Option(poll=poll, position=i, label=str(consent[code]), code=code)
            for i, code in enumerate(CONSENT_CODES)
        ]
    else:
        rows = [Option(poll=poll, position=i, label=label) for i, label in enumerate(labels)]
    Option.objects.bulk_create(rows)
    audit.record(
        "poll.created",
        f"poll:{poll.pk}",
        _rules_data(poll),
        actor,
        private={"title": poll.title, "options": [option.label for option in rows]},
        audience=poll.coop,
        topic=f"poll:{poll.pk}",
    )
    return poll


def _rules_data(poll: Poll) -> dict[str, Any]:
    """A poll's rules as the public log shows them: its title and options are members-only
    until it closes, so they go in `private=` (see `audit.record`)."""
    return {
        "coop": poll.coop.slug,
        "kind": poll.kind,
        "seats": poll.seats,
        "secret": poll.is_secret,
        "electorate": poll.electorate,
        "quorum": [poll.quorum_kind, poll.quorum_value],
        "threshold": poll.threshold,
        "closes_at": poll.closes_at.isoformat(),
    }


def _snapshot(poll: Poll) -> list[Elector]:
    if poll.electorate == Poll.Electorate.MEMBER:
        people = (
            Membership.objects.filter(coop=poll.coop, status=Membership.Status.ACTIVE)
            .exclude(role=Membership.Role.ASSOCIATE)
            .order_by("person_id")
            .values_list("person_id", flat=True)
        )
        return [Elector(poll=poll, person_id=person) for person in people]
    affiliations = (
        Affiliation.objects.filter(federation=poll.coop, is_active=True)
        .select_related("member")
        .order_by("member_id")
    )
    weighted = poll.electorate == Poll.Electorate.WEIGHTED
    return [
        Elector(
            poll=poll,
            member_coop_id=affiliation.member_id,
            weight=max(affiliation.member.member_count or 1, 1) if weighted else 1,
        )
        for affiliation in affiliations
    ]


@transaction.atomic
def open_poll(*, poll: Poll, actor: User, now: datetime.datetime | None = None) -> Poll:
    """Freeze the electorate (active members, associates left out) and start accepting votes."""
    now = now or timezone.now()
    poll = Poll.objects.select_for_update().select_related("coop").get(pk=poll.pk)
    permissions.check_poll_starter(actor, poll.coop)
    if poll.status != Poll.Status.DRAFT:
        raise ValidationError(_("Only a draft poll can be opened."))
    if poll.closes_at <= now:
        raise ValidationError(_("The closing time has passed; set a later one first."))
    electors = _snapshot(poll)
    if not electors:
        raise ValidationError(_("Nobody could vote in this poll: the electorate is empty."))
    Elector.objects.bulk_create(electors, batch_size=2000)
    poll.electorate_size = len(electors)
    poll.electorate_weight = sum(elector.weight for elector in electors)
    poll.ballot_salt = secrecy.new_salt() if poll.is_secret else b""
    poll.status = Poll.Status.OPEN
    poll.opened_at = now
    poll.save(
        update_fields=[
            "electorate_size",
            "electorate_weight",
            "ballot_salt",
            "status",
            "opened_at",
        ]
    )
    audit.record(
        "poll.opened",
        f"poll:{poll.pk}",
        {
            **_rules_data(poll),
            "electorate_size": poll.electorate_size,
            "electorate_weight": poll.electorate_weight,
        },
        actor,
        private={"title": poll.title, "options": [o.label for o in poll.options.all()]},
        audience=poll.coop,
        topic=f"poll:{poll.pk}",
    )
    return poll


@transaction.atomic
def update_closing(
    *, poll: Poll, actor: User, closes_at: datetime.datetime, now: datetime.datetime | None = None
) -> Poll:
    """Move the closing time of a draft or open poll (never into the past)."""
    now = now or timezone.now()
    poll = Poll.objects.select_for_update(of=("self",)).select_related("coop").get(pk=poll.pk)
    permissions.check_manager(actor, poll.coop)
    if poll.status not in (Poll.Status.DRAFT, Poll.Status.OPEN):
        raise ValidationError(_("This poll is no longer open."))
    if closes_at <= now:
        raise ValidationError(_("The closing time must be in the future."))
    poll.closes_at = closes_at
    poll.save(update_fields=["closes_at"])
    audit.record("poll.rescheduled", f"poll:{poll.pk}", {"closes_at": closes_at.isoformat()}, actor)
    return poll


@transaction.atomic
def cancel_poll(*, poll: Poll, actor: User, reason: str = "") -> Poll:
    poll = Poll.objects.select_for_update(of=("self",)).select_related("coop").get(pk=poll.pk)
    permissions.check_manager(actor, poll.coop)
    if poll.status not in (Poll.Status.DRAFT, Poll.Status.OPEN):
        raise ValidationError(_("Only a draft or open poll can be cancelled."))
    poll.status = Poll.Status.CANCELLED
    poll.closed_at = timezone.now()
    poll.ballot_salt = b""
    with sealed.secure_deletion():
        # Nothing is counted: the sealed ballots and their waiting commitments go with the salt.
        SealedBallot.objects.filter(poll=poll).delete()
        PendingCommitment.objects.filter(poll=poll).delete()
        poll.save(update_fields=["status", "closed_at", "ballot_salt"])
    audit.record(
        "poll.cancelled",
        f"poll:{poll.pk}",
        {},
        actor,
        private={"reason": reason.strip()},
        audience=poll.coop,
        topic=f"poll:{poll.pk}",
    )
    if poll.is_secret:
        transaction.on_commit(sealed.make_wipe_durable, robust=True)
    return poll


# --- ballots -----------------------------------------------------------------------------------


def _positions(value: Any, count: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise BallotError(_("This ballot names an option that is not on the ballot."))
    try:
        position = int(value)
    except ValueError:
        raise BallotError(_("This ballot names an option that is not on the ballot.")) from None
    if not 0 <= position < count:
        raise BallotError(_("This ballot names an option that is not on the ballot."))
    return position


def clean_choice(poll: Poll, choice: Any, option_count: int, reason: str = "") -> dict[str, Any]:
    """The canonical form of `choice` for `poll` (see `Ballot.choice`), or a BallotError."""
    if not isinstance(choice, dict):
        raise BallotError(_("This ballot is empty."))
    kind = poll.kind
    if kind == Poll.Kind.CONSENT:
        position = choice.get("consent")
        if position not in CONSENT_CODES:
            raise BallotError(_("Choose agree, abstain, disagree or block."))
        text = str(choice.get("reason") or reason or "").strip()[:2000]
        if position == "block" and not text:
            raise BallotError(_("A block needs a reason: say what would have to change."))
        return {"consent": position, "reason": text}
    if kind == Poll.Kind.SINGLE:
        if choice.get("choice") in (None, ""):
            raise BallotError(_("Choose one option."))
        return {"choice": _positions(choice.get("choice"), option_count)}
    if kind == Poll.Kind.APPROVAL:
        approved = choice.get("approve")
        if not isinstance(approved, list | tuple) or not approved:
            raise BallotError(_("Approve at least one option."))
        cleaned = sorted({_positions(value, option_count) for value in approved})
        if len(cleaned) != len(approved):
            raise BallotError(_("An option was approved twice."))
        return {"approve": cleaned}
    if kind == Poll.Kind.SCORE:
        scores = choice.get("scores")
        if not isinstance(scores, dict) or not scores:
            raise BallotError(_("Give each option a score."))
        cleaned_scores: dict[str, int] = {}
        for key, value in scores.items():
            position = _positions(key, option_count)
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise BallotError(_("A score must be a whole number."))
            try:
                score = int(value)
            except ValueError:
                raise BallotError(_("A score must be a whole number.")) from None
            if not 0 <= score <= poll.score_max:
                raise BallotError(_("Scores go from 0 to %(max)s.") % {"max": poll.score_max})
            cleaned_scores[str(position)] = score
        return {"scores": {key: cleaned_scores[key] for key in sorted(cleaned_scores, key=int)}}
    # Ranked kinds: a list of ranks, each a list of positions; equal ranks only for Schulze.
    ranking = choice.get("ranking")
    if not isinstance(ranking, list | tuple) or not ranking:
        raise BallotError(_("Rank at least one option."))
    seen: set[int] = set()
    ranks: list[list[int]] = []
    for rank in ranking:
        members = rank if isinstance(rank, list | tuple) else [rank]
        if not members:
            raise BallotError(_("Rank at least one option."))
        if len(members) > 1 and kind != Poll.Kind.SCHULZE:
            raise BallotError(_("Give each option a different rank."))
        positions = sorted(_positions(value, option_count) for value in members)
        if seen.intersection(positions) or len(set(positions)) != len(positions):
            raise BallotError(_("An option was ranked twice."))
        seen.update(positions)
        ranks.append(positions)
    return {"ranking": ranks}


@functools.cache
def _ballot_sql(vendor: str) -> dict[str, str]:
    """The statements of the ballot hot path, in plain SQL: building them with the ORM on every
    ballot would cost more than running them (see bench/bench_ballots.py)."""
    q = fast_sql.quote
    poll, option = q(Poll._meta.db_table), q(Option._meta.db_table)
    ballot, participation = q(Ballot._meta.db_table), q(Participation._meta.db_table)
    elector = q(Elector._meta.db_table)
    sealed_, pending = q(SealedBallot._meta.db_table), q(PendingCommitment._meta.db_table)
    postgres = vendor == "postgresql"
    peek = (
        "SELECT p.status, p.closes_at, p.ballot_salt, p.kind, p.score_max, p.is_secret, "  # noqa: S608
        f"(SELECT COUNT(*) FROM {option} o WHERE o.poll_id = p.id) FROM {poll} p WHERE p.id = %s"
    )
    return {
        # Share-locked on PostgreSQL, so a closing (FOR UPDATE) waits for ballots in flight and
        # a ballot arriving during a closing sees it closed. SQLite writes are serial anyway.
        "peek": peek,
        "poll": peek + (" FOR SHARE OF p" if postgres else ""),
        "lock_elector": f"SELECT id FROM {elector} WHERE id = %s FOR UPDATE",  # noqa: S608
        # A secret ballot: sealed, filed under the voter's token (a changed vote overwrites
        # it), and its commitment left for the next shuffled batch into the log.
        "seal": (
            f"INSERT INTO {sealed_} (poll_id, token, sealed) VALUES (%s, %s, %s) "  # noqa: S608
            "ON CONFLICT (poll_id, token) DO UPDATE SET sealed = excluded.sealed"
        ),
        "pend": f"INSERT INTO {pending} (poll_id, id, commitment) VALUES (%s, %s, %s)",  # noqa: S608
        "drop_open": f"DELETE FROM {ballot} WHERE elector_id = %s",  # noqa: S608
        "insert": (
            f"INSERT INTO {ballot} (id, poll_id, elector_id, weight, choice, reason, "  # noqa: S608
            "commitment, is_paper) VALUES (%s, %s, %s, %s, "
            + ("%s::jsonb" if postgres else "%s")
            + ", %s, %s, %s)"
        ),
        "participate": (
            f"INSERT INTO {participation} (poll_id, elector_id, channel, recorded_by_id, "  # noqa: S608
            "witness, changes) VALUES (%s, %s, %s, %s, %s, 0) ON CONFLICT (elector_id) DO UPDATE "
            f"SET changes = {participation}.changes + 1, channel = excluded.channel, "
            "recorded_by_id = excluded.recorded_by_id, witness = excluded.witness "
            # A paper vote stands: the update is skipped, no row comes back, and cast_ballot
            # refuses. `changes` is 0 for a first vote: no earlier ballot to drop.
            f"WHERE {participation}.channel <> %s RETURNING changes"
        ),
    }


def _aware(value: Any) -> datetime.datetime:
    if not isinstance(value, datetime.datetime):
        value = datetime.datetime.fromisoformat(str(value))
    return value if timezone.is_aware(value) else timezone.make_aware(value, datetime.UTC)


class _PollChanged(Exception):
    """The poll's rules changed between preparing a ballot and taking the write lock."""


def cast_ballot(
    *,
    poll: Poll,
    elector: Elector,
    choice: dict,
    reason: str = "",
    channel: str,
    actor: User | None,
    recorded_by: User | None = None,
    witness: str = "",
    now: datetime.datetime | None = None,
) -> str:
    """Accept `elector`'s ballot in `poll` and return its receipt code (ten digits).

    The last ballot counts until the poll closes: a new one replaces the previous. The elector's
    row is locked first, so any number of simultaneous requests for one elector leave one
    participation and one ballot. A secret poll's ballot is sealed under the poll's key and
    filed under the voter's token (see `secrecy`), and its commitment waits for the next
    shuffled batch into the log (`flush_commitments`): no audit entry is written per ballot.

    Everything that needs no lock (checking the choice, the receipt, the commitment, the audit
    entry) is done before the write transaction begins: the database admits one writer at a
    time, so the time a ballot holds the lock bounds how many it accepts per second. Under the
    lock the poll's row is read: a poll closed meanwhile refuses the ballot, and one whose rules
    changed meanwhile has it prepared again.
    """
    now = now or timezone.now()
    if elector.poll_id != poll.pk:
        raise BallotError(_("This vote belongs to another poll."))
    if refused := eligibility.refusal(poll, elector, actor=actor, channel=channel):
        raise BallotError(refused)
    for _attempt in range(3):
        try:
            return _cast(poll, elector, choice, reason, channel, actor, recorded_by, witness, now)
        except _PollChanged:
            continue
    raise BallotError(_("This poll is not accepting votes."))


# A poll's rules (kind, highest score, secrecy, number of options) as last read, per process:
# a ballot is checked and prepared against them with no read, and the read under the lock
# (which is authoritative) sends it round again if they changed. The salt is never kept here.
# A poll found closed, gone or changed is forgotten at once; the least recently used go first
# when the cache is full. Budget `ballots-per-second`: the read this saves is one of a
# ballot's ten statements. The lock: cachetools' caches are not safe across threads.
_RULES: LRUCache[int, tuple] = LRUCache(maxsize=1024)
_RULES_LOCK = threading.Lock()


def _forget_rules(poll_id: int) -> None:
    with _RULES_LOCK:
        _RULES.pop(poll_id, None)


def _poll_state(cursor, statement: str, poll: Poll, now: datetime.datetime) -> tuple:
    """(salt, rules) of an open poll from its row; a BallotError once it accepts no votes."""
    cursor.execute(statement, [poll.pk])
    row = cursor.fetchone()
    if row is None:
        _forget_rules(poll.pk)
        raise BallotError(_("This poll does not exist."))
    status, closes_at, salt, kind, score_max, is_secret, option_count = row
    if status != Poll.Status.OPEN or now >= _aware(closes_at):
        _forget_rules(poll.pk)
        raise BallotError(_("This poll is not accepting votes."))
    rules = (kind, score_max, bool(is_secret), option_count)
    with _RULES_LOCK:
        _RULES[poll.pk] = rules
    return bytes(salt or b""), rules


def _cast(poll, elector, choice, reason, channel, actor, recorded_by, witness, now) -> str:
    db = connections[DEFAULT_DB_ALIAS]  # the wrapper, not the proxy (see core.fast.cursor)
    sql = _ballot_sql(db.vendor)
    # Prepared outside the write lock (see cast_ballot), against the rules last seen.
    with _RULES_LOCK:
        rules = _RULES.get(poll.pk)
    fresh = rules is None
    if rules is None:
        with hot_cursor(db) as cursor:
            rules = _poll_state(cursor, sql["peek"], poll, now)[1]
    kind, score_max, is_secret, option_count = rules
    poll.kind, poll.score_max = kind, score_max
    try:
        cleaned = clean_choice(poll, choice, option_count, reason)
    except BallotError:
        if fresh:
            raise
        # Refused under rules that may be stale: refuse only under the current ones.
        _forget_rules(poll.pk)
        raise _PollChanged from None
    code = secrecy.new_receipt()
    ballot_id = uuid.uuid4()
    commitment = secrecy.commitment(code, ballot_id, cleaned)
    if is_secret:
        entry = None
        row = [poll.pk, secrets.token_bytes(16), commitment]  # the pending commitment
    else:
        text = (reason or cleaned.get("reason", "")).strip()[:2000]
        data: dict[str, Any] = {"commitment": commitment, "choice": cleaned, "channel": channel}
        if elector.member_coop_id:
            data["member_coop"] = elector.member_coop_id
        entry = audit.prepare("ballot.cast", f"poll:{poll.pk}", data, actor)
        row = [
            fast_sql.db_value(Ballot, "id", ballot_id, db),
            poll.pk,
            elector.pk,
            elector.weight,
            json.dumps(cleaned),
            text,
            commitment,
            False,
        ]
    with transaction.atomic(), hot_cursor(db) as cursor:
        # Share-locked on PostgreSQL (see _ballot_sql); on SQLite this transaction already
        # holds the one write lock.
        salt, current = _poll_state(cursor, sql["poll"], poll, now)
        if current != rules:
            raise _PollChanged
        if db.vendor == "postgresql":
            cursor.execute(sql["lock_elector"], [elector.pk])
        # The participation first: it is the one write that can refuse (a paper vote), and it
        # must refuse before any ballot is dropped or added.
        cursor.execute(
            sql["participate"],
            [
                poll.pk,
                elector.pk,
                channel,
                recorded_by.pk if recorded_by else None,
                witness[:200],
                Channel.PAPER,
            ],
        )
        participation = cursor.fetchone()
        if participation is None:
            raise BallotError(
                _("You voted on paper at a meeting; that vote counts and cannot be changed.")
            )
        if is_secret:
            # Sealed here, under the lock: the salt is read under it and never kept.
            sealer = secrecy.Sealer(poll.pk, salt)
            token = sealer.token(elector.pk)
            box = sealer.seal(token, ballot_id, cleaned, elector.weight)
            cursor.execute(sql["seal"], [poll.pk, token, box])
            cursor.execute(sql["pend"], row)
        else:
            if participation[0] > 0:
                cursor.execute(sql["drop_open"], [elector.pk])
            cursor.execute(sql["insert"], row)
            audit.append(entry)
    return code


# --- closing -----------------------------------------------------------------------------------

# Commitments of secret ballots reach the log in batches of at least this many (or all at
# once when the poll closes), shuffled: see `flush_commitments` and `secrecy`.
MIN_BATCH = 10


def flush_commitments(*, poll: Poll | None = None, minimum: int = MIN_BATCH) -> int:
    """Move the pending commitments of secret ballots into the audit log, in shuffled batches.

    Each ballot's commitment waits in `PendingCommitment` (in random key order) until a batch
    of at least `minimum` has gathered for its poll; then the batch enters the log in an order
    drawn at random, every entry with the batch's time. The log thus shows how many ballots
    arrived between two batches, never which voter's request wrote which entry or when. Run
    by `minga decisions close-due` on each round, and by the closing (`minimum=0`). Returns how
    many commitments were logged.
    """
    polls = [poll.pk] if poll is not None else _polls_pending()
    return sum(_flush_poll(pk, minimum) for pk in polls)


def _polls_pending() -> list[int]:
    return list(
        PendingCommitment.objects.order_by("poll_id").values_list("poll_id", flat=True).distinct()
    )


@transaction.atomic
def _flush_poll(poll_id: int, minimum: int) -> int:
    pending = PendingCommitment.objects.select_for_update().filter(poll_id=poll_id)
    rows = list(pending.values_list("id", "commitment"))
    if not rows or len(rows) < minimum:
        return 0
    random.SystemRandom().shuffle(rows)
    with sealed.secure_deletion():
        PendingCommitment.objects.filter(poll_id=poll_id, id__in=[key for key, _ in rows]).delete()
    subject = f"poll:{poll_id}"
    for _key, commitment in rows:
        audit.record("ballot.cast", subject, {"commitment": commitment}, None)
    return len(rows)


@transaction.atomic
def _close(poll: Poll, actor: User | None, now: datetime.datetime) -> Poll:
    poll = Poll.objects.select_for_update().select_related("coop").get(pk=poll.pk)
    permissions.check_manager(actor, poll.coop)  # no actor: the worker, closing a poll due
    if poll.status != Poll.Status.OPEN:
        raise ValidationError(_("Only an open poll can be closed."))
    with sealed.secure_deletion():
        online = None
        if poll.is_secret:
            online = sealed.unseal_into_ballots(poll)
            _flush_poll(poll.pk, 0)
        poll.result = counting.count_poll(poll, online=online)
        poll.is_quorate = poll.result["quorum"]["reached"]
        poll.has_passed = poll.result["passed"]
        poll.status = Poll.Status.CLOSED
        poll.closed_at = now
        poll.ballot_salt = b""
        entry = audit.record(
            "poll.closed",
            f"poll:{poll.pk}",
            {
                "coop": poll.coop.slug,
                "title": poll.title,
                "kind": poll.kind,
                "electorate_size": poll.electorate_size,
                "voters": poll.result["quorum"]["voters"],
                "quorate": poll.is_quorate,
                "passed": poll.has_passed,
                "summary": counting.summary(poll.result),
                "ballots": Ballot.objects.filter(poll=poll).count(),
                "casts": audit.count_entries(kind="ballot.cast", subject=f"poll:{poll.pk}"),
            },
            actor,
            audience=poll.coop,
            disclose=f"poll:{poll.pk}",
        )
        poll.closing_log_index = entry.index
        poll.save(
            update_fields=[
                "result",
                "is_quorate",
                "has_passed",
                "status",
                "closed_at",
                "ballot_salt",
                "closing_log_index",
            ]
        )
    if poll.is_secret:
        transaction.on_commit(sealed.make_wipe_durable, robust=True)
    return poll


def close_poll(
    *, poll: Poll, actor: User | None = None, now: datetime.datetime | None = None
) -> Poll:
    """Count, store the result, wipe the secret-ballot salt and record the closing in the log.

    A secret poll's sealed ballots are opened and written as plain ballots in random order, the
    sealed rows deleted, the pending commitments logged (one last shuffled batch) and the salt
    wiped, all in one transaction with `secure_delete` on; once it has committed the wipe is
    made durable in the storage engine (`sealed.make_wipe_durable`). From then on nobody,
    master key or not, can tell which ballot was whose (see `secrecy`).
    """
    return _close(poll, actor, now or timezone.now())


def close_due_polls(*, now: datetime.datetime | None = None) -> list[Poll]:
    """Close every open poll whose closing time has passed; safe to run again at any time."""
    now = now or timezone.now()
    closed = []
    due = Poll.objects.filter(status=Poll.Status.OPEN, closes_at__lte=now).values_list(
        "pk", flat=True
    )
    for pk in list(due):
        try:
            closed.append(close_poll(poll=Poll(pk=pk), actor=None, now=now))
        except ValidationError:
            continue  # closed meanwhile by someone else
    return closed


@transaction.atomic
def record_outcome(*, poll: Poll, actor: User, outcome: str) -> Poll:
    """What the cooperative decided to do with the result, written after closing."""
    poll = Poll.objects.select_for_update(of=("self",)).select_related("coop").get(pk=poll.pk)
    permissions.check_manager(actor, poll.coop)
    outcome = outcome.strip()
    if not outcome:
        raise ValidationError(_("Write the outcome before saving it."))
    if poll.status != Poll.Status.CLOSED:
        raise ValidationError(_("An outcome is recorded once the poll has closed."))
    poll.outcome = outcome
    poll.outcome_at = timezone.now()
    poll.save(update_fields=["outcome", "outcome_at"])
    audit.record("poll.outcome", f"poll:{poll.pk}", {"outcome": outcome}, actor)
    return poll


def logged_commitments(poll: Poll) -> list[str]:
    """Every ballot commitment the audit log holds for `poll`, in the order they arrived
    (replaced ballots included: the log never forgets, the count uses the last ballot)."""
    return audit.logged_values(kind="ballot.cast", subject=f"poll:{poll.pk}", name="commitment")


def check_receipt(*, poll: Poll, code: str) -> bool | str:
    """Whether the ballot that receipt `code` opens is stored: True when its commitment,
    recomputed from a stored ballot and the code, is in the audit log; "pending" when it is a
    secret poll's ballot whose commitment waits for the next batch into the log (it will
    appear there, at the latest when the poll closes); False when no stored ballot has it.
    Says nothing of the choice."""
    cleaned = secrecy.clean_receipt(code)
    if cleaned is None:
        raise ValidationError(_("A receipt is ten digits, like 04719 88231."))
    pepper = secrecy.receipt_pepper()
    # Pending before logged: a batch entering the log in between is then seen in the log.
    pending = set(PendingCommitment.objects.filter(poll=poll).values_list("commitment", flat=True))
    logged = set(logged_commitments(poll))
    if poll.is_secret and poll.status == Poll.Status.OPEN:
        poll = Poll.objects.get(pk=poll.pk)  # the salt, read now
        for ballot_id, choice, _weight in sealed.open_sealed(poll):
            mine = secrecy.commitment(cleaned, ballot_id, choice, pepper=pepper)
            if mine in logged:
                return True
            if mine in pending:
                return "pending"
        ballots = Ballot.objects.filter(poll=poll, is_paper=False).values_list("id", "choice")
    else:
        ballots = Ballot.objects.filter(poll=poll).values_list("id", "choice")
    for ballot_id, choice in ballots.iterator(chunk_size=5000):
        if secrecy.commitment(cleaned, ballot_id, choice, pepper=pepper) in logged:
            return True
    return False


RECEIPT_SMS_PER_POLL = 3  # per person and poll, in RECEIPT_SMS_SECONDS
RECEIPT_SMS_SECONDS = 3600
RECEIPT_SMS = gettext_noop(
    "Minga: your receipt for '%(poll)s' is %(code)s. It checks that your ballot is counted, "
    "never how you voted: %(link)s"
)


@transaction.atomic
def send_receipt_sms(*, poll: Poll, code: str, actor: User) -> None:
    """Send receipt `code` of `poll` to `actor`'s own verified phone, in their language.

    The voter holds the code (their receipt page's link carries it) and asks for it to be sent:
    the message goes out as a vote receipt, whose text the record never keeps (channels), and
    no audit entry is written, since "this member asked for a receipt now" is all it could
    say and it would sit next to nothing else. A few per person and poll, for the cost of SMS.
    """
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    from minga.channels.models import OutboundMessage
    from minga.channels.sms import send_sms
    from minga.core.cache import count_hit

    permissions.check_elector(actor, poll)
    cleaned = secrecy.clean_receipt(code)
    if cleaned is None:
        raise ValidationError(_("A receipt is ten digits, like 04719 88231."))
    if not (actor.phone and actor.is_phone_verified):
        raise ValidationError(_("Verify your phone number first: receipts go only to it."))
    key = f"receipt-sms:{actor.pk}:{poll.pk}"
    if count_hit(key, RECEIPT_SMS_SECONDS) > RECEIPT_SMS_PER_POLL:
        raise ValidationError(_("This receipt was sent to your phone a few times already."))
    link = settings.MINGA_PUBLIC_URL + reverse("decisions:receipts", args=[poll.coop.slug, poll.pk])
    with translation.override(actor.preferred_language or None):
        text = _(RECEIPT_SMS) % {
            "poll": poll.title[:50],
            "code": secrecy.format_receipt(cleaned),
            "link": link,
        }
    send_sms(to=actor.phone, text=text, kind=OutboundMessage.Kind.VOTE_RECEIPT)
