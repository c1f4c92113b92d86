"""Signing keys of the platform and of each cooperative."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    rotated_at = models.DateTimeField(_("rotated at"), null=True, blank=True)

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
            models.CheckConstraint(
                condition=Q(is_active=True, rotated_at__isnull=True)
                | Q(is_active=False, rotated_at__isnull=False),
                name="identity_rotated_keys_are_inactive",
            ),
        ]

    def __str__(self) -> str:
        owner = self.coop.slug if self.coop_id else "platform"
        return f"{owner} {self.public_key_multibase[:16]}…"
