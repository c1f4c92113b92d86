"""The log's tables: entries and the tree over them are public; commitment openings are not.

Rows here are written only by `minga.audit.log` (the sequencer and the checkpointer); nothing
else may save them, so the log and the database cannot disagree.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minga.core.fast.rowids import RowIdField


class LogHead(models.Model):
    """The sequencer: one row whose lock hands out entry indexes one at a time, without gaps.

    `size` is the number of entries ever appended; an entry row at or past it was not appended
    by the sequencer.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField(_("size"), default=0)

    class Meta:
        verbose_name = _("log head")
        verbose_name_plural = _("log heads")

    def __str__(self) -> str:
        return f"log head at {self.size}"


class Entry(models.Model):
    """One audited action: the exact canonical JSON bytes that were hashed into the tree.

    `kind`, `subject` and `created_at` repeat what `body` says, so lists can be filtered.
    """

    index = RowIdField(_("index"), primary_key=True)  # the row id on SQLite (core.fast.rowids)
    kind = models.CharField(_("kind"), max_length=64)
    subject = models.CharField(_("subject"), max_length=200, db_index=True)
    body = models.BinaryField(_("body"))
    leaf_hash = models.BinaryField(_("leaf hash"), max_length=32)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["index"]
        verbose_name = _("log entry")
        verbose_name_plural = _("log entries")

    def __str__(self) -> str:
        return f"#{self.index} {self.kind} {self.subject}"


class Tile(models.Model):
    """A full tile (256 hashes) of the tree, C2SP tlog-tiles style; immutable once written.

    Level 0 holds leaf hashes, level L the roots of full level L-1 tiles. `root` is this tile's
    own Merkle Tree Hash, i.e. its hash in the level above, stored so a partial upper tile needs
    no rehashing.
    """

    level = models.PositiveSmallIntegerField(_("level"))
    index = models.BigIntegerField(_("index"))
    hashes = models.BinaryField(_("hashes"))
    root = models.BinaryField(_("root"), max_length=32)

    class Meta:
        ordering = ["level", "index"]
        constraints = [
            models.UniqueConstraint(fields=["level", "index"], name="audit_tile_unique_position")
        ]
        verbose_name = _("tile")
        verbose_name_plural = _("tiles")

    def __str__(self) -> str:
        return f"tile {self.level}/{self.index}"


class Checkpoint(models.Model):
    """A signed tree head (C2SP tlog-checkpoint) and the witness cosignatures gathered for it."""

    size = models.BigIntegerField(_("size"), unique=True)
    root = models.BinaryField(_("root"), max_length=32)
    note = models.TextField(_("signed note"))
    cosignatures = models.TextField(_("cosignatures"), blank=True, default="")
    created_at = models.DateTimeField(_("created at"))
    # Set once MINGA_LOG_WITNESS_QUORUM witnesses have cosigned (at once when the quorum is 0):
    # only published checkpoints are served, and proofs and receipts are made against them.
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["-size"]
        get_latest_by = "size"
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")

    def __str__(self) -> str:
        return f"checkpoint at {self.size}"

    @property
    def signed_note(self) -> str:
        """The checkpoint with the log's signature followed by every witness cosignature."""
        return self.note + self.cosignatures


class Secret(models.Model):
    """The private opening of a commitment that appears in the public log.

    Kept apart from the entries so the public log leaks nothing. Who may see it: its owner;
    the active members of `coop`, when the matter belongs to that cooperative; everyone once
    `disclosed_at` is set (the matter named by `topic` became public, e.g. a poll's results were
    published). Erasing `value` (right to erasure) leaves the log intact and the commitment
    unopenable.
    """

    commitment = models.CharField(_("commitment"), max_length=80, unique=True)
    salt = models.BinaryField(_("salt"), max_length=32)
    value = models.TextField(_("value"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_secrets",
    )
    coop = models.ForeignKey(
        "coops.Cooperative",
        verbose_name=_("cooperative whose members may open it"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    topic = models.CharField(_("topic"), max_length=200, blank=True, default="", db_index=True)
    created_at = models.DateTimeField(_("created at"))
    disclosed_at = models.DateTimeField(_("disclosed at"), null=True, blank=True)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    class Meta:
        verbose_name = _("commitment opening")
        verbose_name_plural = _("commitment openings")

    def __str__(self) -> str:
        return self.commitment


class WitnessedLog(models.Model):
    """The latest checkpoint this instance cosigned, as a witness, for another log's origin."""

    origin = models.CharField(_("origin"), max_length=255, unique=True)
    size = models.BigIntegerField(_("size"))
    root = models.BinaryField(_("root"), max_length=32)
    note = models.TextField(_("signed note"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("witnessed log")
        verbose_name_plural = _("witnessed logs")

    def __str__(self) -> str:
        return f"{self.origin} at {self.size}"


class TrustedLogKey(models.Model):
    """The current key of a log this instance witnesses, reached through its key hand-overs."""

    origin = models.CharField(_("origin"), max_length=255, unique=True)
    vkey = models.CharField(_("verifier key"), max_length=500)
    handover = models.TextField(_("key hand-over"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("followed log key")
        verbose_name_plural = _("followed log keys")

    def __str__(self) -> str:
        return self.vkey


class WitnessRefusal(models.Model):
    """A checkpoint, properly signed by a log this instance witnesses, that it refused to cosign.

    Published (`/log/witness`) with its reason, so that a log showing a shorter or a different
    history than the one it showed before is visible to everyone, not only to its operator.
    Only checkpoints signed by the log's own key are kept: anyone can post junk.
    """

    origin = models.CharField(_("origin"), max_length=255)
    size = models.BigIntegerField(_("size"))
    note = models.TextField(_("signed note"))
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("witness refusal")
        verbose_name_plural = _("witness refusals")

    def __str__(self) -> str:
        return f"{self.origin} at {self.size}: {self.reason}"


class PeerState(models.Model):
    """The size of our log that a peer witness last cosigned: where its next proof starts."""

    url = models.URLField(_("URL"), unique=True)
    size = models.BigIntegerField(_("size"), default=0)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("peer witness")
        verbose_name_plural = _("peer witnesses")

    def __str__(self) -> str:
        return f"{self.url} at {self.size}"


class TilePublication(models.Model):
    """How far full tiles and entry bundles are published to object storage (audit.publish).

    One row: every full tile of the tree of `size` entries is in STORAGES["tiles"], so the next
    run starts past them.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    size = models.BigIntegerField(_("size"), default=0)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("tile publication")
        verbose_name_plural = _("tile publications")

    def __str__(self) -> str:
        return f"tiles published up to {self.size}"
