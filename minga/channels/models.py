from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboundMessage(models.Model):
    """Every SMS sent, whichever provider carried it: a record for support and audits."""

    class Status(models.TextChoices):
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    to = models.CharField(_("to"), max_length=20)
    text = models.TextField(_("text"))
    provider = models.CharField(_("provider"), max_length=32)
    provider_id = models.CharField(_("provider id"), max_length=100, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")

    def __str__(self) -> str:
        return f"{self.to}: {self.text[:40]}"


class InboundMessage(models.Model):
    """Every inbound callback (a USSD step, an SMS), stored as received before anything acts on it.

    `key` deduplicates: the provider's message id for an SMS; for USSD, where the provider retries
    a step with the same session and text, a keyed hash of `sessionId` and `text`. A retry finds
    the row and gets the stored `response` again instead of acting twice. Where the previous
    screen asked for a PIN, the PIN is masked in `payload` before the row is written.
    """

    class Kind(models.TextChoices):
        USSD = "ussd", _("USSD")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        HANDLED = "handled", _("handled")
        FAILED = "failed", _("failed")

    provider = models.CharField(_("provider"), max_length=32)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    key = models.CharField(_("deduplication key"), max_length=128)
    session_id = models.CharField(_("session"), max_length=100, blank=True, db_index=True)
    phone = models.CharField(_("phone number"), max_length=32, blank=True)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    response = models.TextField(_("response"), blank=True)
    # The response asked for a secret (a PIN): the next step's last input is masked when stored.
    asks_secret = models.BooleanField(default=False)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "kind", "key"], name="one_inbound_message_per_provider_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} from {self.phone}"


class Notice(models.Model):
    """A notice promised once: written before the message leaves, unique by its key.

    A second writer (a repeated or concurrent worker run) hits the unique key and skips, so a
    person never gets the same notice twice.
    """

    key = models.CharField(max_length=128, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return self.key
