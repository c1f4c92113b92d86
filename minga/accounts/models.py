"""People: one account per person, signing in by e-mail address or phone number."""

import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from minga.core.fields import ChoiceListField

from .vocab import Language, Role, Skill


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email=None, password=None, **fields):
        if email:
            email = self.normalize_email(email).lower()
        if not email and not fields.get("phone"):
            raise ValueError("A person needs an e-mail address or a phone number.")
        user = self.model(email=email or None, **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email=None, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail address"), unique=True, null=True, blank=True)
    phone = models.CharField(
        _("phone number"),
        max_length=20,
        unique=True,
        null=True,
        blank=True,
        help_text=_("In international format, e.g. +250788123456."),
    )
    name = models.CharField(_("name"), max_length=150)
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    # Set once the person typed back a code sent by SMS to `phone`; cleared when it changes.
    # Only a verified number is a USSD and SMS identity (queries.person_by_verified_phone).
    phone_verified_at = models.DateTimeField(_("phone verified at"), null=True, blank=True)
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    languages = ChoiceListField(_("languages spoken"), choices=Language.choices)
    timezone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_timezone]
    )
    skills = ChoiceListField(_("skills"), choices=Skill.choices)
    tags = models.CharField(
        _("other skills"),
        max_length=300,
        blank=True,
        help_text=_("Free tags, separated by commas."),
    )
    roles = ChoiceListField(_("roles I can play"), choices=Role.choices)
    bio = models.TextField(_("about me"), blank=True, max_length=2000)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("staff"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone__isnull=False),
                name="user_has_email_or_phone",
            )
        ]

    def __str__(self) -> str:
        return self.name or self.email or self.phone or str(self.pk)

    @property
    def identifier(self) -> str:
        return self.email or self.phone or ""

    @property
    def is_email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_phone_verified(self) -> bool:
        return self.phone_verified_at is not None

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]


class PhoneCode(models.Model):
    """A code sent by SMS to prove that a person holds a phone number.

    Only a keyed hash of the code is kept (see actions.phone_code_hash): whoever reads the
    table cannot type the code back. A code serves once, for a few minutes and a few tries.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="phone_codes"
    )
    phone = models.CharField(max_length=20)
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.phone} ({self.created_at:%Y-%m-%d %H:%M})"
