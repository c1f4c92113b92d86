import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from minga.core.fast.rowids import RowIdAutoField


class OutboundMessage(models.Model):
    """Every SMS and e-mail, from the moment a change asks for it to the provider's last word.

    A row is written with status `queued` in the transaction of the change that causes it, with
    the task that delivers it (see `minga.channels.delivery`): a change rolled back sends
    nothing, a committed one is always sent or visibly failed. Only notices keep their text; a
    message of any other kind carries a secret: its text waits sealed (`sealed`) until it is
    handed to the provider, and the record keeps a neutral label such as "[vote receipt]".
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("e-mail")

    class Kind(models.TextChoices):
        NOTICE = "notice", _("notice")
        VOTE_RECEIPT = "vote-receipt", _("vote receipt")
        PASSWORD_RESET = "password-reset", _("password reset link")
        PROXY_CODE = "proxy-code", _("proxy code")
        VERIFICATION_CODE = "verification-code", _("verification code")
        VERIFICATION_LINK = "verification-link", _("verification link")
        PIN_UNLOCK = "pin-unlock", _("PIN unlock code")
        INVITATION_LINK = "invitation-link", _("invitation link")

    channel = models.CharField(
        _("channel"), max_length=8, choices=Channel.choices, default=Channel.SMS
    )
    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    text = models.TextField(_("text"))
    # The secret text of a message not yet handed over, sealed (see `delivery.seal`); emptied
    # once the provider has it or the message failed for good.
    sealed = models.TextField(blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.NOTICE)
    provider = models.CharField(_("provider"), max_length=32)
    provider_id = models.CharField(_("provider id"), max_length=100, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")
        indexes = [
            models.Index(
                fields=["status", "updated_at"],
                condition=models.Q(status__in=["queued", "sending", "failed"]),
                name="outbound_pending_or_failed",
            )
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.text[:40]}"

    @staticmethod
    def label_of(kind: str) -> str:
        """The neutral text kept for a secret message, e.g. "[vote receipt]" (not translated:
        it is a record, read by support whatever their language)."""
        return "[" + kind.replace("-", " ") + "]"


class InboundMessage(models.Model):
    """Every inbound callback (a USSD step, an SMS), stored before anything acts on it, minus
    what would tie a voter to a choice (see `minga.channels.inbound`).

    The text a member typed is never kept: not the USSD menu path (`2*3`), not the SMS ("NO 42"),
    not the screen or SMS answered. `key` deduplicates: the provider's message id for an SMS; for
    USSD, a keyed hash of the session and the number of inputs so far (the provider retries a
    step with the same session and text). `screen_digest` is a keyed hash of the screen a USSD
    step showed, kept only until the next step has checked it; `text_digest` a keyed hash of an
    SMS that carried no vote, for disputes.
    """

    class Kind(models.TextChoices):
        USSD = "ussd", _("USSD")
        SMS = "sms", _("SMS")

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        HANDLING = "handling", _("being handled")
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
    # The answer sent back by SMS when it is a notice; a neutral label when it carried a secret.
    # Empty for USSD: a screen may name a choice.
    response = models.TextField(_("response"), blank=True)
    # The answer asked for a secret (a PIN): the next step may act, and a retry of it is answered
    # neutrally.
    asks_secret = models.BooleanField(default=False)
    screen_digest = models.CharField(max_length=64, blank=True)
    text_digest = models.CharField(max_length=64, blank=True)
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
        indexes = [
            # Finds the few screen digests left by abandoned sessions, to forget them.
            models.Index(
                fields=["received_at"],
                condition=~models.Q(screen_digest=""),
                name="inbound_unforgotten_screens",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} from {self.phone}"


class DeliveryReport(models.Model):
    """A delivery report from the SMS provider, stored raw before it changes any message."""

    provider = models.CharField(_("provider"), max_length=32)
    report_id = models.CharField(_("report id"), max_length=100)
    payload = models.JSONField(_("payload"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery report")
        verbose_name_plural = _("delivery reports")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "report_id"], name="one_delivery_report_per_provider_id"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.report_id}"


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


class PaymentAccount(models.Model):
    """A mobile-money account payments arrive at: an M-PESA short code or an MTN MoMo API user.

    `owner` names who the money is for in the terms of the app that registered it
    (`coop:12`): channels knows no cooperative, it hands each payment to the handler
    registered for the owner's kind (see `minga.channels.payments`).
    """

    class Provider(models.TextChoices):
        MPESA = "mpesa", _("M-PESA")
        MOMO = "momo", _("MTN MoMo")

    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices)
    account = models.CharField(_("short code or API user"), max_length=64)
    owner = models.CharField(_("owner"), max_length=64, db_index=True)
    currency = models.CharField(_("currency"), max_length=3)
    is_active = models.BooleanField(_("active"), default=True)
    # A batch query of the account's paybill payments is queued (one task for many callbacks).
    is_query_queued = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mobile-money account")
        verbose_name_plural = _("mobile-money accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "account"], name="one_payment_account_per_provider"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.account}"


class Payment(models.Model):
    """One movement of money through a provider, from the first word about it to its end.

    A payment is `pending` until the provider's own status query says how it ended; then it
    is `posted` (the owner's handler booked it), in `suspense` (booked, but not to a member:
    an unknown reference, an amount that differs), or `failed` with the provider's reason. A
    callback only ever makes a payment `pending` and asks for the query: nothing is booked on a
    callback's word. `receipt` is the provider's id for the money (M-PESA's TransID or receipt
    number, MoMo's financialTransactionId), unique per provider, so the same money is booked
    once however many callbacks and workers see it.
    """

    class Direction(models.TextChoices):
        IN = "in", _("in")
        OUT = "out", _("out")

    class Method(models.TextChoices):
        C2B = "c2b", _("paybill payment")
        STK = "stk", _("payment request (STK push)")
        B2C = "b2c", _("M-PESA disbursement")
        REQUEST_TO_PAY = "rtp", _("payment request (MoMo)")
        TRANSFER = "transfer", _("MoMo disbursement")

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        POSTED = "posted", _("posted")
        SUSPENSE = "suspense", _("in suspense")
        FAILED = "failed", _("failed")

    # No AUTOINCREMENT on SQLite (core.fast.rowids): payments are never deleted, and outside
    # Minga they are named by `uid`, never by key. Budget payment-callbacks-per-second.
    id = RowIdAutoField(primary_key=True)
    uid = models.UUIDField(_("reference"), unique=True, default=uuid.uuid4, editable=False)
    provider = models.CharField(_("provider"), max_length=16)
    account = models.ForeignKey(
        PaymentAccount,
        on_delete=models.PROTECT,
        related_name="payments",
        verbose_name=_("account"),
        null=True,
        blank=True,
    )
    direction = models.CharField(_("direction"), max_length=3, choices=Direction.choices)
    method = models.CharField(_("method"), max_length=10, choices=Method.choices)
    reference = models.CharField(_("account reference"), max_length=40, blank=True)
    purpose = models.CharField(_("purpose"), max_length=64, blank=True)
    amount = models.BigIntegerField(_("amount (minor units)"))
    confirmed_amount = models.BigIntegerField(_("confirmed amount"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    provider_ref = models.CharField(_("provider's request id"), max_length=100, blank=True)
    receipt = models.CharField(_("provider's receipt"), max_length=100, blank=True)
    query_ref = models.CharField(max_length=100, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    booked_as = models.CharField(_("booked as"), max_length=100, blank=True)
    # When the request went to the provider (claimed once: a request is never sent twice).
    requested_at = models.DateTimeField(null=True, blank=True)
    queries = models.PositiveSmallIntegerField(default=0)
    next_query_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "receipt"],
                condition=~models.Q(receipt=""),
                name="one_payment_per_provider_receipt",
            ),
            models.UniqueConstraint(
                fields=["provider", "provider_ref"],
                condition=~models.Q(provider_ref=""),
                name="one_payment_per_provider_request",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="payment_amount_not_negative"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_query_at"],
                condition=models.Q(status="pending"),
                name="payments_pending_queries",
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.method} {self.uid}"

    @property
    def is_settled(self) -> bool:
        return self.status != self.Status.PENDING


class PaymentCallback(models.Model):
    """A provider's callback about money, stored raw before anything reads it.

    `key` is the provider's own id for what the callback is about (TransID, CheckoutRequestID,
    ConversationID, MoMo's reference and status): a repeated callback is stored once.
    """

    # No AUTOINCREMENT on SQLite (core.fast.rowids): callbacks are never deleted, nothing
    # outside names one by key. Budget payment-callbacks-per-second.
    id = RowIdAutoField(primary_key=True)

    provider = models.CharField(_("provider"), max_length=16)
    kind = models.CharField(_("kind"), max_length=24)
    key = models.CharField(_("deduplication key"), max_length=128)
    payload = models.JSONField(_("payload"))
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    payment = models.ForeignKey(
        Payment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="callbacks",
        verbose_name=_("payment"),
    )
    answer = models.JSONField(_("answer"), default=dict, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("payment callback")
        verbose_name_plural = _("payment callbacks")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "kind", "key"], name="one_payment_callback_per_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.kind} {self.key}"
