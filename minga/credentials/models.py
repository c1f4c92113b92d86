"""Achievements a cooperative defines, the credentials it issues, and its status lists.

A `Credential` row keeps the signed Open Badges 3.0 document exactly as issued (its JSON
text and the SHA-256 of its RFC 8785 form, the value the audit log holds), so what is
served, printed and verified is always the same bytes. Revocation and suspension are
published through W3C Bitstring Status Lists: every credential owns one two-bit entry in
one of its cooperative's "message" lists (0 active, 1 suspended, 2 revoked; Open Badges 3.0
allows a single `credentialStatus`). Credentials issued before that own one index in a
revocation list and one in a suspension list, which are still kept up to date. The signed
list documents are rebuilt by the action that changes a status, in the same transaction.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from minga.core.languages import supported_language

# The W3C Bitstring Status List minimum: 16 KB of bits, so one set bit hides among many.
STATUS_LIST_SIZE = 131_072


class AchievementType(models.TextChoices):
    """The Open Badges 3.0 `achievementType` vocabulary (the values used in documents)."""

    ACHIEVEMENT = "Achievement", _("Achievement")
    APPRENTICESHIP = "ApprenticeshipCertificate", _("Apprenticeship certificate")
    ASSESSMENT = "Assessment", _("Assessment")
    ASSIGNMENT = "Assignment", _("Assignment")
    ASSOCIATE_DEGREE = "AssociateDegree", _("Associate degree")
    AWARD = "Award", _("Award")
    BADGE = "Badge", _("Badge")
    BACHELOR_DEGREE = "BachelorDegree", _("Bachelor degree")
    CERTIFICATE = "Certificate", _("Certificate")
    CERTIFICATE_OF_COMPLETION = "CertificateOfCompletion", _("Certificate of completion")
    CERTIFICATION = "Certification", _("Certification")
    COMMUNITY_SERVICE = "CommunityService", _("Community service")
    COMPETENCY = "Competency", _("Competency")
    COURSE = "Course", _("Course")
    CO_CURRICULAR = "CoCurricular", _("Co-curricular activity")
    DEGREE = "Degree", _("Degree")
    DIPLOMA = "Diploma", _("Diploma")
    FIELDWORK = "Fieldwork", _("Fieldwork")
    GENERAL_EDUCATION_DEVELOPMENT = "GeneralEducationDevelopment", _("General education")
    JOURNEYMAN_CERTIFICATE = "JourneymanCertificate", _("Journeyman certificate")
    LEARNING_PROGRAM = "LearningProgram", _("Learning programme")
    LICENSE = "License", _("Licence")
    MEMBERSHIP = "Membership", _("Membership")
    PROFESSIONAL_DOCTORATE = "ProfessionalDoctorate", _("Professional doctorate")
    QUALITY_ASSURANCE_CREDENTIAL = "QualityAssuranceCredential", _("Quality assurance credential")
    MASTER_CERTIFICATE = "MasterCertificate", _("Master certificate")
    MASTER_DEGREE = "MasterDegree", _("Master degree")
    MICRO_CREDENTIAL = "MicroCredential", _("Micro-credential")
    RESEARCH_DOCTORATE = "ResearchDoctorate", _("Research doctorate")
    SECONDARY_SCHOOL_DIPLOMA = "SecondarySchoolDiploma", _("Secondary school diploma")


class AlignmentTargetType(models.TextChoices):
    """The Open Badges 3.0 `targetType` vocabulary for aligned skills and frameworks."""

    COMPETENCY = "ceasn:Competency", _("Competency")
    CREDENTIAL = "ceterms:Credential", _("Credential")
    CF_ITEM = "CFItem", _("CASE framework item")
    CF_RUBRIC = "CFRubric", _("CASE rubric")
    CF_RUBRIC_CRITERION = "CFRubricCriterion", _("CASE rubric criterion")
    CF_RUBRIC_LEVEL = "CFRubricCriterionLevel", _("CASE rubric level")
    CTDL = "CTDL", _("Credential Transparency Description Language")


def achievement_image_path(achievement: "Achievement", filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower()
    return f"credentials/achievements/{achievement.uuid}.{extension}"


class Achievement(models.Model):
    """What a cooperative recognises: a course completed, a competency, an award, a role.

    `name`, `description` and `criteria` are written in `language`; other languages are
    `AchievementTranslation` rows. A credential carries the achievement in the language
    chosen when it was issued (its `inLanguage`).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    coop = models.ForeignKey(
        "coops.Cooperative",
        on_delete=models.PROTECT,
        related_name="achievements",
        verbose_name=_("cooperative"),
    )
    achievement_type = models.CharField(
        _("type"), max_length=40, choices=AchievementType.choices, default=AchievementType.BADGE
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), max_length=3000)
    criteria = models.TextField(
        _("criteria"),
        max_length=3000,
        help_text=_("What a person must do to earn it, in plain words."),
    )
    image = models.FileField(
        _("image"), upload_to=achievement_image_path, max_length=200, blank=True
    )
    # Events and trainings define their own achievements; `key` lets them find it again.
    key = models.CharField(max_length=120, blank=True, editable=False)
    is_active = models.BooleanField(_("can be issued"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["coop", "name", "pk"]
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "key"],
                condition=~Q(key=""),
                name="credentials_one_achievement_per_key",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def in_language(self, language: str) -> "AchievementText":
        """Name, description and criteria in `language`, else in the achievement's own."""
        code = supported_language(language) or language.lower()
        if code != self.language:
            for translation in self.translations.all():
                if translation.language == code:
                    return AchievementText(
                        code, translation.name, translation.description, translation.criteria
                    )
        return AchievementText(self.language, self.name, self.description, self.criteria)

    def languages(self) -> list[str]:
        return [self.language, *(t.language for t in self.translations.all())]

    @property
    def shown_name(self) -> str:
        """The name in the reader's language when the achievement has it (prefetch
        `translations` for lists), else in its own: "Winner of…" reads as the page does."""
        return self.in_language(translation.get_language() or self.language).name


class AchievementText:
    """An achievement's words in one language."""

    def __init__(self, language: str, name: str, description: str, criteria: str) -> None:
        self.language = language
        self.name = name
        self.description = description
        self.criteria = criteria


class AchievementTranslation(models.Model):
    achievement = models.ForeignKey(
        Achievement, on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), max_length=3000)
    criteria = models.TextField(_("criteria"), max_length=3000)

    class Meta:
        ordering = ["achievement", "language"]
        verbose_name = _("achievement translation")
        verbose_name_plural = _("achievement translations")
        constraints = [
            models.UniqueConstraint(
                fields=["achievement", "language"], name="credentials_one_translation_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.language})"


class Alignment(models.Model):
    """A skill or framework item an achievement is aligned to (OB3 `Alignment`)."""

    achievement = models.ForeignKey(
        Achievement, on_delete=models.CASCADE, related_name="alignments"
    )
    target_name = models.CharField(_("skill"), max_length=200)
    target_url = models.URLField(_("link to the skill's definition"), max_length=500)
    target_description = models.CharField(_("description"), max_length=500, blank=True)
    target_framework = models.CharField(_("framework"), max_length=200, blank=True)
    target_code = models.CharField(_("code in the framework"), max_length=100, blank=True)
    target_type = models.CharField(
        _("kind"), max_length=30, choices=AlignmentTargetType.choices, blank=True
    )
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["achievement", "position", "pk"]
        verbose_name = _("aligned skill")
        verbose_name_plural = _("aligned skills")

    def __str__(self) -> str:
        return self.target_name


class StatusPurpose(models.TextChoices):
    REVOCATION = "revocation", _("Revocation")
    SUSPENSION = "suspension", _("Suspension")
    # Two bits per credential: 0 active, 1 suspended, 2 revoked (see `credential.STATUS_MESSAGES`).
    MESSAGE = "message", _("Status (active, suspended or revoked)")


class StatusList(models.Model):
    """One of a cooperative's Bitstring Status Lists, and its signed credential.

    Indexes are handed out in order from `next_index`, under a row lock, so two issuances
    at once never share one; a full list makes way for the next `number`. `document` is
    the signed `BitstringStatusListCredential`, rebuilt whenever a bit changes.
    """

    coop = models.ForeignKey(
        "coops.Cooperative",
        on_delete=models.PROTECT,
        related_name="status_lists",
        verbose_name=_("cooperative"),
    )
    purpose = models.CharField(_("purpose"), max_length=12, choices=StatusPurpose.choices)
    number = models.PositiveIntegerField(_("list number"), default=1)
    size = models.PositiveIntegerField(_("entries"), default=STATUS_LIST_SIZE)
    next_index = models.PositiveIntegerField(_("next free entry"), default=0)
    # Bits per entry: 1 for revocation and suspension lists, 2 for "message" lists.
    status_size = models.PositiveSmallIntegerField(_("bits per entry"), default=1)
    document = models.TextField(_("signed list"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["coop", "purpose", "number"]
        verbose_name = _("status list")
        verbose_name_plural = _("status lists")
        constraints = [
            models.UniqueConstraint(
                fields=["coop", "purpose", "number"], name="credentials_one_list_per_number"
            ),
            models.CheckConstraint(
                condition=Q(size__gte=STATUS_LIST_SIZE), name="credentials_list_large_enough"
            ),
            models.CheckConstraint(
                condition=Q(next_index__lte=models.F("size")),
                name="credentials_list_index_within_size",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.coop} {self.purpose} #{self.number}"

    @property
    def is_full(self) -> bool:
        return self.next_index >= self.size


class Credential(models.Model):
    """An issued Open Badges 3.0 credential, kept exactly as signed."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")

    class IdentityType(models.TextChoices):
        DID = "did", _("DID")
        IDENTIFIER = "identifier", _("Identifier known to the issuer")
        # Credentials issued by earlier versions carried a salted hash of the contact; they are
        # re-issued (`actions.reissue_contact_hashes`) and these types remain only on the
        # revoked originals.
        EMAIL = "emailAddress", _("E-mail address (hashed)")
        PHONE = "phoneNumber", _("Phone number (hashed)")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    achievement = models.ForeignKey(
        Achievement, on_delete=models.PROTECT, related_name="credentials"
    )
    # `coop`, `revocation_list` and `suspension_list` have no index of their own: each leads
    # one that serves its lookups ((coop, status), the two unique list entries), and every
    # issuance wrote them all.
    coop = models.ForeignKey(
        "coops.Cooperative",
        on_delete=models.PROTECT,
        related_name="issued_credentials",
        verbose_name=_("issuer"),
        db_index=False,
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="credentials",
        verbose_name=_("recipient"),
    )
    recipient_name = models.CharField(_("recipient's name"), max_length=150, blank=True)
    identity_type = models.CharField(
        _("identified by"), max_length=12, choices=IdentityType.choices
    )
    # A DID, or the random "urn:uuid:..." the document carries as the subject's identifier
    # (on credentials issued by earlier versions: "sha256$<hex>" of the salted contact).
    recipient_identity = models.CharField(_("recipient identity"), max_length=300)
    identity_salt = models.CharField(max_length=64, blank=True)
    # HMAC-SHA256 of the e-mail address or phone number it was issued to, under a key derived
    # from the master key (never in the database, never published): lets a person who later
    # signs in with that verified address see that the credential is theirs.
    contact_hmac = models.CharField(max_length=64, blank=True, editable=False)
    language = models.CharField(_("language"), max_length=8, default="en")
    document = models.TextField(_("signed credential (JSON)"))
    sha256 = models.CharField(_("SHA-256 of the canonical JSON"), max_length=64)
    # The one status entry (a two-bit "message" list) of credentials issued since Open Badges
    # 3.0 conformance; earlier ones have a revocation and a suspension entry instead.
    status_list = models.ForeignKey(
        StatusList,
        on_delete=models.PROTECT,
        related_name="message_entries",
        db_index=False,
        null=True,
        blank=True,
    )
    status_index = models.PositiveIntegerField(null=True, blank=True)
    revocation_list = models.ForeignKey(
        StatusList,
        on_delete=models.PROTECT,
        related_name="revocation_entries",
        db_index=False,
        null=True,
        blank=True,
    )
    revocation_index = models.PositiveIntegerField(null=True, blank=True)
    suspension_list = models.ForeignKey(
        StatusList,
        on_delete=models.PROTECT,
        related_name="suspension_entries",
        db_index=False,
        null=True,
        blank=True,
    )
    suspension_index = models.PositiveIntegerField(null=True, blank=True)
    # The printed check code (`credential.qr_digest` of `sha256`), kept so that a code alone,
    # sent by SMS or typed into the USSD menu, finds its credential.
    check_code = models.CharField(_("check code"), max_length=16, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"), null=True, blank=True)
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    # What the credential was issued for (e.g. "award:12", "training:3:person:7"): issuing
    # twice for the same thing returns the first credential instead of a second one.
    source = models.CharField(max_length=120, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    # The credential issued in place of this one (see `actions.reissue_credential`).
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaces",
        verbose_name=_("replaced by"),
    )

    class Meta:
        ordering = ["-issued_at", "-pk"]
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")
        constraints = [
            models.UniqueConstraint(
                fields=["revocation_list", "revocation_index"],
                name="credentials_one_revocation_entry_each",
            ),
            models.UniqueConstraint(
                fields=["suspension_list", "suspension_index"],
                name="credentials_one_suspension_entry_each",
            ),
            models.UniqueConstraint(
                fields=["status_list", "status_index"], name="credentials_one_status_entry_each"
            ),
            models.CheckConstraint(
                condition=Q(status_list__isnull=False, status_index__isnull=False)
                | Q(
                    revocation_list__isnull=False,
                    revocation_index__isnull=False,
                    suspension_list__isnull=False,
                    suspension_index__isnull=False,
                ),
                name="credentials_has_status_entry",
            ),
            models.UniqueConstraint(
                fields=["source"], condition=~Q(source=""), name="credentials_one_per_source"
            ),
            models.CheckConstraint(
                condition=Q(status="active") | ~Q(status_reason=""),
                name="credentials_status_change_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["coop", "status"])]

    def __str__(self) -> str:
        return f"{self.achievement} → {self.recipient_name or self.recipient_identity[:20]}"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def status_lists(self) -> list[StatusList]:
        """The lists that publish this credential's status (one, or two for older ones)."""
        if self.status_list_id is not None:
            return [self.status_list]
        return [self.revocation_list, self.suspension_list]

    @property
    def carries_contact_hash(self) -> bool:
        """Does the signed document hold a salted hash of an e-mail address or phone number
        (the form earlier versions used, which anyone can reverse by trying every number)?"""
        return self.identity_type in (self.IdentityType.EMAIL, self.IdentityType.PHONE)

    @property
    def is_withheld(self) -> bool:
        """A revoked credential with a contact hash is no longer served: nobody needs its
        document any more (verifiers holding it read its revocation from the status list)."""
        return self.carries_contact_hash and self.status == self.Status.REVOKED
