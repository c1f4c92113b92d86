"""Signing keys of the platform and of each cooperative."""

from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class EndReason(models.TextChoices):
    ROTATED = "rotated", _("rotated")
    RETIRED = "retired", _("retired")
    COMPROMISED = "compromised", _("compromised")


class Key(models.Model):
    """An Ed25519 key pair; the private half is stored only encrypted (see ``keys.py``).

    ``coop`` is empty for the platform's own key (the one that signs log checkpoints).
    Rotation never deletes a row: the public key stays published in the DID
    document so that everything it signed keeps verifying, while its private half
    is wiped so it can never sign again.
    """

    coop = models.ForeignKey(
        "coops.Cooperative",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="keys",
        verbose_name=_("cooperative"),
    )
    public_key_multibase = models.CharField(_("public key (Multikey)"), max_length=64, unique=True)
    encrypted_private_key = models.BinaryField(_("encrypted private key"), default=b"")
    master_key_id = models.CharField(
        _("master key fingerprint"),
        max_length=16,
        blank=True,
        help_text=_("Which master key encrypted the private key."),
    )
    is_active = models.BooleanField(_("signs new statements"), default=True)
    # The pre-rotation commitment: generated ahead, its hash published in the did:webvh log
    # (``nextKeyHashes``), its public key revealed only when it takes over.
    is_next = models.BooleanField(_("committed next key"), default=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    rotated_at = models.DateTimeField(_("rotated at"), null=True, blank=True)
    # The key history, anchored in the audit log (see ``history.py``): a signature counts only
    # if the issuance entered the log after ``activated_index`` and before ``ended_index``, and
    # before ``compromised_index`` when the key was declared compromised from an instant.
    activated_index = models.BigIntegerField(_("authorised from log entry"), null=True, blank=True)
    ended_index = models.BigIntegerField(_("ended at log entry"), null=True, blank=True)
    end_reason = models.CharField(
        _("why it ended"), max_length=12, choices=EndReason.choices, blank=True, default=""
    )
    compromised_from = models.DateTimeField(_("compromised from"), null=True, blank=True)
    compromised_index = models.BigIntegerField(
        _("compromised from log entry"), null=True, blank=True
    )

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        constraints = [
            models.UniqueConstraint(
                fields=["coop"],
                condition=Q(is_active=True),
                name="identity_one_active_key_per_coop",
            ),
            # A NULL coop never collides with another NULL in a unique index, so
            # the platform's single active key needs a constraint of its own.
            models.UniqueConstraint(
                fields=["is_active"],
                condition=Q(is_active=True, coop__isnull=True),
                name="identity_one_active_platform_key",
            ),
            models.UniqueConstraint(
                fields=["coop"], condition=Q(is_next=True), name="identity_one_next_key_per_coop"
            ),
            models.UniqueConstraint(
                fields=["is_next"],
                condition=Q(is_next=True, coop__isnull=True),
                name="identity_one_next_platform_key",
            ),
            models.CheckConstraint(
                condition=Q(is_active=True, is_next=False, rotated_at__isnull=True)
                | Q(is_active=False, is_next=False, rotated_at__isnull=False)
                | Q(is_active=False, is_next=True, rotated_at__isnull=True),
                name="identity_key_states",
            ),
        ]

    def __str__(self) -> str:
        owner = self.coop.slug if self.coop_id else "platform"
        return f"{owner} {self.public_key_multibase[:16]}…"


class DidLog(models.Model):
    """The did:webvh log of the platform (``coop`` empty) or of one cooperative.

    Minga's own rows are the source of truth: ``did.jsonl`` is these entries, in order, as
    far as the witnesses have approved them (``published_version``).
    """

    coop = models.OneToOneField(
        "coops.Cooperative",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="did_log",
        verbose_name=_("cooperative"),
    )
    scid = models.CharField(_("SCID"), max_length=64, unique=True)
    did = models.CharField(_("DID"), max_length=300, unique=True)
    published_version = models.PositiveIntegerField(_("published up to version"), default=0)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("did:webvh log")
        verbose_name_plural = _("did:webvh logs")
        constraints = [
            # A NULL coop never collides in a unique index: one platform log all the same.
            models.UniqueConstraint(
                Coalesce("coop", Value(0)), name="identity_one_did_log_per_owner"
            ),
        ]

    def __str__(self) -> str:
        return self.did


class DidLogEntry(models.Model):
    """One line of ``did.jsonl``, exactly as signed, with the audit entry that recorded it."""

    log = models.ForeignKey(DidLog, on_delete=models.PROTECT, related_name="entries")
    version_number = models.PositiveIntegerField(_("version"))
    version_id = models.CharField(_("version id"), max_length=100, unique=True)
    line = models.TextField(_("log entry (JSON)"))
    audit_index = models.BigIntegerField(_("audit log entry"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["log", "version_number"]
        verbose_name = _("did:webvh log entry")
        verbose_name_plural = _("did:webvh log entries")
        constraints = [
            models.UniqueConstraint(
                fields=["log", "version_number"], name="identity_one_entry_per_version"
            ),
        ]

    def __str__(self) -> str:
        return self.version_id


class Witness(models.Model):
    """Someone who must approve this DID's updates: another cooperative or another instance.

    did:webvh names witnesses by ``did:key``; ``did`` says who holds that key (a
    cooperative's or instance's did:web or did:webvh), for people reading the list.
    """

    log = models.ForeignKey(DidLog, on_delete=models.PROTECT, related_name="witnesses")
    did = models.CharField(_("DID"), max_length=300)
    key_did = models.CharField(_("witness key (did:key)"), max_length=120)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("witness")
        verbose_name_plural = _("witnesses")
        constraints = [
            models.UniqueConstraint(fields=["log", "key_did"], name="identity_witness_once"),
        ]

    def __str__(self) -> str:
        return f"{self.did} ({self.key_did})"


class WitnessProof(models.Model):
    """A witness's Data Integrity proof over ``{"versionId": ...}`` of one entry."""

    entry = models.ForeignKey(DidLogEntry, on_delete=models.PROTECT, related_name="witness_proofs")
    key_did = models.CharField(_("witness key (did:key)"), max_length=120)
    proof = models.JSONField(_("proof"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["entry", "pk"]
        verbose_name = _("witness proof")
        verbose_name_plural = _("witness proofs")
        constraints = [
            models.UniqueConstraint(fields=["entry", "key_did"], name="identity_one_proof_each"),
        ]

    def __str__(self) -> str:
        return f"{self.entry} {self.key_did}"
