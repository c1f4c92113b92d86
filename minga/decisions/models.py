"""Decisions: discussions, polls and elections, electorates, ballots, proxies, agents, tellers.

How a secret ballot stays secret (the promises, to whom, are in `secrecy`): an `Elector` row
(who may vote, taken as a snapshot when the poll opens) gets a `Participation` row when they
vote, which stops double voting and carries no choice. While the poll is open the choice is a
`SealedBallot`: encrypted under a per-poll key (the master key, outside the database, and the
poll's `ballot_salt`), filed under the voter's token (an HMAC under that key) in a table whose
rows are ordered by that token, so a new vote overwrites the old one and neither the row's
place nor its bytes say anything without the key. Its commitment waits as a
`PendingCommitment` and reaches the audit log in a shuffled batch. Closing opens the sealed
ballots, writes them as plain `Ballot` rows in random order, deletes the sealed rows, wipes
the salt and makes the wipe durable in the storage engine (see `actions.close_poll`). Open
polls keep `Ballot.elector` so everyone sees who voted what.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from minga.coops.models import Cooperative
from minga.core.fast.rowids import RowIdAutoField


class Statutes(models.Model):
    """The voting rules a cooperative's statutes set, used as each new poll's defaults."""

    coop = models.OneToOneField(
        Cooperative,
        on_delete=models.CASCADE,
        related_name="statutes",
        verbose_name=_("cooperative"),
    )
    max_proxies_per_holder = models.PositiveSmallIntegerField(
        _("proxies one member may hold"),
        default=1,
        help_text=_("0 means the statutes allow no proxies."),
    )
    allow_agents = models.BooleanField(
        _("registered agents may record votes for members without a phone"), default=True
    )
    electorate = models.CharField(
        _("who votes"), max_length=12, default="member"
    )  # one of Poll.Electorate
    quorum_kind = models.CharField(_("quorum"), max_length=10, default="none")  # Poll.QuorumKind
    quorum_value = models.PositiveIntegerField(_("quorum value"), default=0)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("statutes")
        verbose_name_plural = _("statutes")

    def __str__(self) -> str:
        return f"statutes of {self.coop}"


class Discussion(models.Model):
    """A thread where members deliberate on a proposal or a question, before and during a vote."""

    coop = models.ForeignKey(
        Cooperative,
        on_delete=models.CASCADE,
        related_name="discussions",
        verbose_name=_("cooperative"),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("context"), max_length=20000, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    is_closed = models.BooleanField(_("closed"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("discussion")
        verbose_name_plural = _("discussions")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("decisions:discussion", args=[self.coop.slug, self.pk])


class Comment(models.Model):
    discussion = models.ForeignKey(Discussion, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"), max_length=10000)
    attachment = models.FileField(_("attachment"), upload_to="decisions/%Y/%m/", blank=True)
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    # Not a field: the replies, set by the discussion's page.
    thread: list["Comment"]

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class Poll(models.Model):
    class Kind(models.TextChoices):
        CONSENT = "consent", _("Consent proposal (agree, abstain, disagree, block)")
        SINGLE = "single", _("Single choice")
        APPROVAL = "approval", _("Approval (choose any number)")
        SCORE = "score", _("Score each option")
        IRV = "irv", _("Ranked choice (instant runoff)")
        STV_SCOTTISH = "stv-scottish", _("Single transferable vote, Scottish rules")
        STV_MEEK = "stv-meek", _("Single transferable vote, Meek")
        SCHULZE = "schulze", _("Condorcet ranking (Schulze)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class Electorate(models.TextChoices):
        MEMBER = "member", _("One member, one vote")
        COOP = "coop", _("One vote per member cooperative")
        WEIGHTED = "weighted", _("Member cooperatives, weighted by their members")

    class QuorumKind(models.TextChoices):
        NONE = "none", _("No quorum")
        PERCENT = "percent", _("A share of the electorate (%)")
        NUMBER = "number", _("A fixed number of voters")

    class Threshold(models.TextChoices):
        PLURALITY = "plurality", _("Most votes wins")
        MAJORITY = "majority", _("Simple majority (more than half)")
        TWO_THIRDS = "two-thirds", _("Two thirds")
        CONSENT = "consent", _("Consent (no block)")

    class ResultsVisibility(models.TextChoices):
        AFTER_CLOSE = "after-close", _("Hidden until the poll closes")
        AFTER_VOTE = "after-vote", _("Shown to those who have voted")

    coop = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, related_name="polls", verbose_name=_("cooperative")
    )
    discussion = models.ForeignKey(
        Discussion, on_delete=models.CASCADE, related_name="polls", verbose_name=_("discussion")
    )
    title = models.CharField(_("question"), max_length=200)
    details = models.TextField(_("details"), max_length=20000, blank=True)
    kind = models.CharField(_("kind of vote"), max_length=16, choices=Kind.choices)
    seats = models.PositiveSmallIntegerField(_("seats to fill"), default=1)
    score_max = models.PositiveSmallIntegerField(_("highest score"), default=5)
    is_secret = models.BooleanField(_("secret ballot"), default=True)
    results_visibility = models.CharField(
        _("results"),
        max_length=12,
        choices=ResultsVisibility.choices,
        default=ResultsVisibility.AFTER_CLOSE,
    )
    electorate = models.CharField(
        _("who votes"), max_length=12, choices=Electorate.choices, default=Electorate.MEMBER
    )
    quorum_kind = models.CharField(
        _("quorum"), max_length=10, choices=QuorumKind.choices, default=QuorumKind.NONE
    )
    quorum_value = models.PositiveIntegerField(_("quorum value"), default=0)
    threshold = models.CharField(
        _("to pass"), max_length=12, choices=Threshold.choices, default=Threshold.PLURALITY
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    closes_at = models.DateTimeField(_("closes at"))
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # Mixed with the master key into the key that seals a secret poll's ballots and files them
    # under their voters' tokens while the poll is open; wiped on closing (see above).
    ballot_salt = models.BinaryField(max_length=32, blank=True, default=b"")
    electorate_size = models.PositiveIntegerField(_("electorate"), default=0)
    electorate_weight = models.PositiveIntegerField(_("votes in the electorate"), default=0)
    result = models.JSONField(_("result"), null=True, blank=True)  # the tally, stored at closing
    is_quorate = models.BooleanField(_("quorum reached"), null=True, blank=True)
    has_passed = models.BooleanField(_("passed"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), max_length=10000, blank=True)
    outcome_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    # The audit-log entry of the closing, which the printed minutes cite.
    closing_log_index = models.PositiveBigIntegerField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("poll")
        verbose_name_plural = _("polls")
        indexes = [models.Index(fields=["status", "closes_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("decisions:poll", args=[self.coop.slug, self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    def is_accepting_votes(self, now=None) -> bool:
        return self.is_open and (now or timezone.now()) < self.closes_at


# A consent proposal's four fixed positions, named in the reader's language wherever they show
# (the option rows keep the words of whoever created the poll).
CONSENT_LABELS = {
    "agree": _("Agree"),
    "abstain": _("Abstain"),
    "disagree": _("Disagree"),
    "block": _("Block"),
}


class Option(models.Model):
    """A choice on the ballot: an answer, a candidate or a consent position."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveSmallIntegerField(_("position"))
    label = models.CharField(_("option"), max_length=200)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    # Consent proposals have fixed options: agree, abstain, disagree, block.
    code = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["poll", "position"]
        verbose_name = _("option")
        verbose_name_plural = _("options")
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="one_option_per_position")
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def shown_label(self) -> str:
        """The label in the reader's language for a consent position; as written otherwise."""
        return str(CONSENT_LABELS[self.code]) if self.code in CONSENT_LABELS else self.label


class Elector(models.Model):
    """One vote in a poll's electorate, as it stood when the poll opened."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="electors")
    # A person (one member, one vote) or, in a federation, a member cooperative whose
    # administrators cast its vote.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="electors",
    )
    member_coop = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    weight = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("elector")
        verbose_name_plural = _("electors")
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "person"],
                condition=Q(person__isnull=False),
                name="one_elector_per_person",
            ),
            models.UniqueConstraint(
                fields=["poll", "member_coop"],
                condition=Q(member_coop__isnull=False),
                name="one_elector_per_member_coop",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) ^ Q(member_coop__isnull=False),
                name="elector_is_person_or_coop",
            ),
        ]

    def __str__(self) -> str:
        return str(self.person or self.member_coop)


class Channel(models.TextChoices):
    WEB = "web", _("web")
    USSD = "ussd", _("USSD")
    SMS = "sms", _("SMS")
    PROXY = "proxy", _("by proxy")
    AGENT = "agent", _("recorded by an agent")
    PAPER = "paper", _("paper, counted by tellers")


class Participation(models.Model):
    """That an elector voted (and how it reached us), never what they chose.

    The unique constraint is what makes it one member, one vote, even for 200 requests at once.
    """

    id = RowIdAutoField(primary_key=True)  # no AUTOINCREMENT on SQLite (core.fast.rowids)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="participations")
    elector = models.OneToOneField(Elector, on_delete=models.CASCADE, related_name="participation")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    # Who pressed the button when it was not the elector: a proxy holder, an agent, a teller.
    # Not indexed: every vote would write the index, and it is read only when someone is deleted.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    witness = models.CharField(_("witness"), max_length=200, blank=True)
    changes = models.PositiveIntegerField(default=0)  # how many times the vote was changed

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")

    def __str__(self) -> str:
        return f"{self.elector} voted in {self.poll_id}"


class Ballot(models.Model):
    """What was chosen: for open polls from the first ballot, for secret polls from the closing
    on (written then in random order, with no elector and no timestamp; see above)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    elector = models.ForeignKey(  # open polls only: at most one ballot each, see below
        Elector, on_delete=models.CASCADE, null=True, blank=True, related_name="+", db_index=False
    )
    weight = models.PositiveIntegerField(default=1)
    # The choice, by option position: {"ranking": [[0], [2, 1]]}, {"approve": [0, 3]},
    # {"scores": {"0": 5, "1": 2}}, {"choice": 1} or {"consent": "block", "reason": "..."}.
    choice = models.JSONField()
    reason = models.TextField(_("reason"), max_length=2000, blank=True)  # open polls only
    # HMAC-SHA256 (key outside the database) over the receipt code, the ballot id and the
    # canonical choice, as in the audit log. Wiped from secret ballots at closing: the log's
    # entry times can be near a voter's sign-in time, so a log commitment must not lead to a
    # ballot without the voter's receipt.
    # Not indexed: nothing looks a ballot up by it (a receipt is checked against the log).
    commitment = models.CharField(max_length=64, null=True, blank=True)
    is_paper = models.BooleanField(default=False)

    # Not a field: the choice in words, set by the poll's page for open ballots.
    shown: str

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")
        # Every index is written by every ballot: the poll's and this one are all the hot path
        # needs. A secret ballot writes no elector, so the partial index skips it.
        constraints = [
            models.UniqueConstraint(
                fields=["elector"],
                condition=Q(elector__isnull=False),
                name="one_open_ballot_per_elector",
            ),
        ]

    def __str__(self) -> str:
        return f"ballot {self.pk}"


class SealedBallot(models.Model):
    """A secret poll's ballot while the poll is open: AES-GCM under the poll's key.

    Keyed by (poll, the voter's token), so a changed vote overwrites its row in place and the
    table (on SQLite a WITHOUT ROWID table, see migration 0006) keeps its rows in token order,
    which without the key is a random order. The sealed text holds the ballot's random id (its
    id from the closing on), the choice and the elector's weight; nothing else is stored.
    """

    pk = models.CompositePrimaryKey("poll", "token")
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="+", db_index=False)
    token = models.BinaryField(max_length=32)
    sealed = models.BinaryField()

    class Meta:
        verbose_name = _("sealed ballot")
        verbose_name_plural = _("sealed ballots")

    def __str__(self) -> str:
        return f"sealed ballot in {self.poll_id}"


class PendingCommitment(models.Model):
    """A secret ballot's commitment waiting for the next shuffled batch into the audit log.

    Keyed by (poll, a random id): rows sit in random order. `actions.flush_commitments` moves
    them to the log, shuffled, several at a time, so an entry's place and time in the log do
    not say when, or by whom, its ballot was cast.
    """

    pk = models.CompositePrimaryKey("poll", "id")
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="+", db_index=False)
    id = models.BinaryField(max_length=16)
    commitment = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("pending commitment")
        verbose_name_plural = _("pending commitments")

    def __str__(self) -> str:
        return f"pending commitment in {self.poll_id}"


class VotingPin(models.Model):
    """The PIN a member types on USSD to vote; hashed, locked after repeated failures."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="voting_pin"
    )
    pin_hash = models.CharField(max_length=128)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    # How many locks in a row: each lasts longer (see delegation.lock_for).
    lock_level = models.PositiveSmallIntegerField(default=0)
    # The code sent to the owner's phone that lifts a lock: hashed, short-lived, three tries.
    unlock_code_hash = models.CharField(max_length=128, blank=True)
    unlock_code_expires_at = models.DateTimeField(null=True, blank=True)
    unlock_code_failures = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("voting PIN")
        verbose_name_plural = _("voting PINs")

    def __str__(self) -> str:
        return f"PIN of {self.person}"


class Proxy(models.Model):
    """A member's mandate for another member to vote in their place in one poll."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the member's confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        REVOKED = "revoked", _("Revoked")
        USED = "used", _("Used")

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="proxies")
    elector = models.ForeignKey(Elector, on_delete=models.CASCADE, related_name="proxies")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="proxies_held"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    # Sent by SMS to the member; they confirm with it by SMS or USSD. Stored hashed.
    code_hash = models.CharField(max_length=128, blank=True)
    # Wrong codes the member sent while this proxy waited; every fifth locks for a while.
    code_failures = models.PositiveSmallIntegerField(default=0)
    code_locked_until = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("proxy")
        verbose_name_plural = _("proxies")
        constraints = [
            models.UniqueConstraint(
                fields=["elector"],
                condition=Q(status__in=["pending", "confirmed", "used"]),
                name="one_live_proxy_per_elector",
            )
        ]

    def __str__(self) -> str:
        return f"{self.holder} for {self.elector}"


class Agent(models.Model):
    """A person a cooperative registered to record votes for members without a phone."""

    coop = models.ForeignKey(Cooperative, on_delete=models.CASCADE, related_name="agents")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.DateTimeField(default=timezone.now)
    is_active = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")
        constraints = [
            models.UniqueConstraint(fields=["coop", "person"], name="one_agent_row_per_person")
        ]

    def __str__(self) -> str:
        return f"agent {self.person} @ {self.coop}"


class PaperCount(models.Model):
    """An in-person meeting's paper count: one teller enters it, another confirms it."""

    class Status(models.TextChoices):
        ENTERED = "entered", _("Entered, waiting for the second teller")
        CONFIRMED = "confirmed", _("Confirmed by two tellers")
        REJECTED = "rejected", _("Rejected by the second teller")

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="paper_counts")
    meeting = models.CharField(_("meeting"), max_length=200)
    # Counts by option position (or, for ranked polls, ballots as entered).
    counts = models.JSONField()
    # The electors who voted on paper (from the attendance register), so nobody counts twice.
    electors = models.ManyToManyField(Elector, related_name="+", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ENTERED
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("paper count")
        verbose_name_plural = _("paper counts")

    def __str__(self) -> str:
        return f"paper count {self.meeting}"
