"""Needs: what a member cooperative asks of the movement's technologists, and how it is heard.

A need follows the challenge checklist (who is affected, the problem, what exists, what a remote
team can do in the time box, resources and people, what happens after). It starts as a draft a
cooperative fills in over several visits, is submitted, followed up by organisers in a thread,
and is accepted into the public catalogue or declined with a reason. An event's challenge is an
accepted need: the events app points at `Need` and offers only `Need.objects.accepted()`.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from minga.accounts.models import validate_timezone
from minga.accounts.vocab import Language
from minga.coops.models import Cooperative, Membership, Sector
from minga.core.fields import ChoiceListField

from .regions import WorldRegion


class Theme(models.TextChoices):
    ACCESS = "access", _("Access to technology")
    KNOW_HOW = "know-how", _("Technological know-how and training")
    DECISIONS = "decisions", _("Virtual decision-making and networking")
    FINTECH = "fintech", _("Fintech and payments")
    PLATFORM_COOPS = "platform-coops", _("Platform co-ops")


class Device(models.TextChoices):
    BASIC_PHONE = "basic-phone", _("Basic phones (calls, SMS, USSD)")
    SMARTPHONE = "smartphone", _("Smartphones")
    SHARED = "shared", _("Shared or borrowed phones")
    COMPUTER = "computer", _("Computers or tablets")
    NONE = "none", _("No device of their own")


class Connectivity(models.TextChoices):
    NONE = "none", _("No connection where they live or work")
    SMS = "sms", _("Voice, SMS and USSD only")
    INTERMITTENT = "intermittent", _("Slow or intermittent mobile data (2G, 3G)")
    MOBILE = "mobile", _("Reliable mobile data (3G, 4G)")
    BROADBAND = "broadband", _("Broadband or Wi-Fi")


class Literacy(models.TextChoices):
    LOW = "low", _("Many cannot read or write")
    BASIC = "basic", _("Most read short messages")
    APPS = "apps", _("Most are at ease with phone apps")
    COMPUTERS = "computers", _("Most use computers at work")


class Constraint(models.TextChoices):
    BUDGET = "budget", _("Budget")
    HARDWARE = "hardware", _("Hardware")
    POWER = "power", _("Electric power")
    CONNECTIVITY = "connectivity", _("Connectivity")
    REGULATION = "regulation", _("Regulation (savings and credit, cooperative law)")
    DATA_PROTECTION = "data-protection", _("Data protection")
    LANGUAGE = "language", _("Languages and literacy")


class AnswerKind(models.TextChoices):
    PROPOSAL = "proposal", _("A written proposal")
    DESIGN = "design", _("A design or mock-up")
    PROTOTYPE = "prototype", _("A working prototype")
    ANALYSIS = "analysis", _("An analysis of data or options")
    PROCESS = "process", _("A change of process or training plan")


class Licence(models.TextChoices):
    """Licences a cooperative accepts for what teams produce (SPDX identifiers)."""

    AGPL = "AGPL-3.0-or-later", _("GNU AGPL 3.0 or later")
    GPL = "GPL-3.0-or-later", _("GNU GPL 3.0 or later")
    MPL = "MPL-2.0", _("Mozilla Public License 2.0")
    APACHE = "Apache-2.0", _("Apache License 2.0")
    MIT = "MIT", _("MIT License")
    CC_BY_SA = "CC-BY-SA-4.0", _("Creative Commons BY-SA 4.0 (documents, designs)")
    CC_BY = "CC-BY-4.0", _("Creative Commons BY 4.0 (documents, designs)")
    CC0 = "CC0-1.0", _("CC0 1.0 (public domain)")


class DocumentLicence(models.TextChoices):
    CC0 = "CC0-1.0", _("CC0 1.0 (public domain)")
    CC_BY = "CC-BY-4.0", _("Creative Commons BY 4.0")
    CC_BY_SA = "CC-BY-SA-4.0", _("Creative Commons BY-SA 4.0")
    ODBL = "ODbL-1.0", _("Open Database License 1.0")
    EVENT_ONLY = "event-only", _("All rights reserved: for use during the event only")


class Sensitivity(models.TextChoices):
    PUBLIC = "public", _("Public: anyone may read it")
    TEAMS = "teams", _("Shared with event teams only, on request")
    PERSONAL = "personal", _("Holds personal data: described, never shared")


# What submission asks for, and how it says so; everything else is optional.
REQUIRED_FOR_SUBMISSION = {
    "theme": _("Choose the theme closest to this need."),
    "affected": _("Say who is affected."),
    "devices": _("Tick the devices the people affected have."),
    "connectivity": _("Say what connection most of them have."),
    "literacy": _("Say how at ease they are with reading and with phones."),
    "scenario": _("Tell one concrete scenario."),
    "problem": _("Describe the problem in plain words."),
    "how_might_we": _("Ask one “How might we…?” question."),
    "current_practice": _("Say how it is handled today."),
    "constraints": _("Describe the constraints (budget, power, connectivity, regulation)."),
    "scope": _("Say which part a remote team can tackle in the time available."),
    "success": _("Say what success would look like."),
    "owner": _("Name the owner of this need."),
    "owner_timezone": _("Give the owner's time zone."),
    "owner_hours": _("Give the owner's hours during the event."),
    "expert_name": _("Name an expert teams can ask."),
    "expert_timezone": _("Give the expert's time zone."),
    "expert_hours": _("Give the expert's hours during the event."),
    "adopter": _("Say who would adopt and maintain the result."),
    "licences": _("Tick at least one licence you accept."),
}


class NeedQuerySet(models.QuerySet):
    def accepted(self) -> "NeedQuerySet":
        """Needs in the public catalogue: the ones an event may take as its challenges."""
        return self.filter(status=Need.Status.ACCEPTED)


class Need(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        CHANGES_REQUESTED = "changes-requested", _("Changes requested")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    # Every legal move; anything else is refused and changes nothing (see actions.py).
    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.CHANGES_REQUESTED, Status.ACCEPTED, Status.DECLINED},
        Status.CHANGES_REQUESTED: {Status.SUBMITTED},
        Status.ACCEPTED: set(),
        Status.DECLINED: set(),
    }
    EDITABLE = {Status.DRAFT, Status.CHANGES_REQUESTED}

    coop = models.ForeignKey(
        Cooperative, on_delete=models.CASCADE, related_name="needs", verbose_name=_("cooperative")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("drafted by"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # Taken from the cooperative when the draft starts and again at each submission.
    country = CountryField(_("country"))
    world_region = models.CharField(_("world region"), max_length=20, choices=WorldRegion.choices)
    region = models.CharField(_("region"), max_length=100, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)

    # 1. Who and why
    title = models.CharField(_("short title"), max_length=120)
    theme = models.CharField(_("theme"), max_length=20, choices=Theme.choices, blank=True)
    language = models.CharField(
        _("language this need is written in"), max_length=8, choices=Language.choices
    )
    affected = models.TextField(
        _("who is affected"),
        blank=True,
        max_length=3000,
        help_text=_("Their roles in the cooperative, how many they are, where they live."),
    )
    devices = ChoiceListField(_("devices they have"), choices=Device.choices)
    connectivity = models.CharField(
        _("connection most of them have"), max_length=20, choices=Connectivity.choices, blank=True
    )
    literacy = models.CharField(
        _("reading and digital skills"), max_length=20, choices=Literacy.choices, blank=True
    )
    scenario = models.TextField(
        _("one concrete scenario"),
        blank=True,
        max_length=3000,
        help_text=_("A day in the life of one person who meets this problem."),
    )
    problem = models.TextField(
        _("the problem, in plain words"),
        blank=True,
        max_length=5000,
        help_text=_("Describe the problem, not a solution: teams will propose those."),
    )
    why_now = models.TextField(
        _("why now, and what happens if nothing changes"), blank=True, max_length=3000
    )
    how_might_we = models.CharField(
        _("“How might we…?” question"),
        max_length=300,
        blank=True,
        help_text=_(
            "One question that invites solutions, e.g. “How might we let members with basic "
            "phones check their deliveries?”"
        ),
    )

    # 2. What exists, and the time box
    current_practice = models.TextField(
        _("how it is handled today"),
        blank=True,
        max_length=5000,
        help_text=_("Paper, spreadsheets, WhatsApp, mobile money, existing software…"),
    )
    tried_before = models.TextField(
        _("what was tried before, and why it did not work"), blank=True, max_length=3000
    )
    constraint_kinds = ChoiceListField(_("constraints that apply"), choices=Constraint.choices)
    constraints = models.TextField(
        _("the constraints in detail"),
        blank=True,
        max_length=3000,
        help_text=_("Power cuts, data costs, a regulator's rules, the hardware you have…"),
    )
    budget = models.CharField(
        _("budget available"),
        max_length=200,
        blank=True,
        help_text=_("For running costs or devices, e.g. “about 50 USD a month”, or “none”."),
    )
    scope = models.TextField(
        _("the part a remote team can tackle in the time available"), blank=True, max_length=3000
    )
    examples = models.TextField(
        _("example inputs and outputs"),
        blank=True,
        max_length=3000,
        help_text=_("e.g. a sample SMS a member would send, and the answer they should get."),
    )
    answer_kinds = ChoiceListField(_("kinds of answer you welcome"), choices=AnswerKind.choices)
    success = models.TextField(
        _("what success looks like for the cooperative"), blank=True, max_length=3000
    )

    # 3. Resources and people (documents are NeedDocument rows)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_needs",
        verbose_name=_("owner of this need"),
        help_text=_("A member of the cooperative who answers teams' questions."),
    )
    owner_timezone = models.CharField(
        _("owner's time zone"), max_length=64, blank=True, validators=[validate_timezone]
    )
    owner_hours = models.CharField(
        _("owner's hours during the event"),
        max_length=200,
        blank=True,
        help_text=_("In the owner's time zone, e.g. “weekdays 08:00–11:00”."),
    )
    expert_name = models.CharField(
        _("expert's name and role"),
        max_length=200,
        blank=True,
        help_text=_("Someone who knows the work well: an agronomist, the bookkeeper…"),
    )
    expert_timezone = models.CharField(
        _("expert's time zone"), max_length=64, blank=True, validators=[validate_timezone]
    )
    expert_hours = models.CharField(
        _("expert's hours during the event"), max_length=200, blank=True
    )
    members_can_test = models.BooleanField(_("members can test a prototype"), default=False)

    # 4. After the event
    adopter = models.TextField(
        _("who would adopt and maintain it"),
        blank=True,
        max_length=3000,
        help_text=_("The cooperative itself, its union, an IT cooperative…"),
    )
    follow_on = models.TextField(
        _("budget or follow-on work after the event"), blank=True, max_length=2000
    )
    licences = ChoiceListField(_("licences you accept for the results"), choices=Licence.choices)

    # Follow-up
    review_note = models.TextField(
        _("organisers' latest message"),
        blank=True,
        max_length=3000,
        help_text=_("What to change, or why the need was declined."),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    objects = NeedQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-updated_at", "-pk"]
        verbose_name = _("need")
        verbose_name_plural = _("needs")
        indexes = [
            models.Index(fields=["status", "country"]),
            models.Index(fields=["status", "theme"]),
            models.Index(fields=["status", "world_region"]),
        ]

    # Texts a translator translates, in the order the page shows them.
    TRANSLATED_FIELDS = (
        "title",
        "affected",
        "scenario",
        "problem",
        "why_now",
        "how_might_we",
        "current_practice",
        "tried_before",
        "constraints",
        "scope",
        "examples",
        "success",
        "adopter",
    )

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("challenges:detail", args=[self.pk])

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.ACCEPTED

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.Status(self.status)]

    def missing_for_submission(self) -> dict[str, str]:
        """What must still be filled in before the need can be submitted: {field: message}.

        A draft may be saved with any of these empty (members fill it in over several visits
        on slow links); submission asks for all of them at once.
        """
        missing = {
            name: str(message)
            for name, message in REQUIRED_FOR_SUBMISSION.items()
            if not getattr(self, name if name != "owner" else "owner_id")
        }
        if (
            self.owner_id
            and not self.coop.memberships.filter(
                person_id=self.owner_id, status=Membership.Status.ACTIVE
            ).exists()
        ):
            missing["owner"] = str(_("The owner must be an active member of the cooperative."))
        question = self.how_might_we.strip()
        if question and not question.endswith("?"):
            missing["how_might_we"] = str(_("Write the “How might we…?” as a question."))
        problems = [d.title for d in self.documents.all() if not (d.licence and d.sensitivity)]
        if problems:
            missing["documents"] = str(
                _("Give the licence and the sensitivity of: %(titles)s.")
                % {"titles": ", ".join(problems)}
            )
        return missing


class NeedDocument(models.Model):
    """Data or a document the cooperative can describe or share, with its licence."""

    need = models.ForeignKey(
        Need, on_delete=models.CASCADE, related_name="documents", verbose_name=_("need")
    )
    title = models.CharField(_("name of the data or document"), max_length=200)
    url = models.URLField(_("link"), blank=True, help_text=_("Only for what may be shared."))
    description = models.CharField(_("what it holds"), max_length=500, blank=True)
    licence = models.CharField(
        _("licence"), max_length=20, choices=DocumentLicence.choices, blank=True
    )
    sensitivity = models.CharField(
        _("sensitivity"), max_length=20, choices=Sensitivity.choices, blank=True
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("data or document")
        verbose_name_plural = _("data and documents")

    def __str__(self) -> str:
        return self.title

    @property
    def is_shareable(self) -> bool:
        return self.sensitivity == Sensitivity.PUBLIC and bool(self.url)


class Comment(models.Model):
    """One message in a need's follow-up thread; a status change carries the new status."""

    need = models.ForeignKey(
        Need, on_delete=models.CASCADE, related_name="comments", verbose_name=_("need")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("message"), max_length=5000, blank=True)
    status = models.CharField(
        _("new status"), max_length=20, choices=Need.Status.choices, blank=True
    )
    created_at = models.DateTimeField(_("written at"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"{self.need}: {self.body[:40]}"


class NeedTranslation(models.Model):
    """A need's texts in another language, by a translator or a member of the cooperative."""

    need = models.ForeignKey(
        Need, on_delete=models.CASCADE, related_name="translations", verbose_name=_("need")
    )
    language = models.CharField(_("language"), max_length=8, choices=Language.choices)
    translator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("translated by"),
    )
    title = models.CharField(_("short title"), max_length=120)
    affected = models.TextField(_("who is affected"), blank=True, max_length=3000)
    scenario = models.TextField(_("one concrete scenario"), blank=True, max_length=3000)
    problem = models.TextField(_("the problem, in plain words"), blank=True, max_length=5000)
    why_now = models.TextField(
        _("why now, and what happens if nothing changes"), blank=True, max_length=3000
    )
    how_might_we = models.CharField(_("“How might we…?” question"), max_length=300, blank=True)
    current_practice = models.TextField(_("how it is handled today"), blank=True, max_length=5000)
    tried_before = models.TextField(
        _("what was tried before, and why it did not work"), blank=True, max_length=3000
    )
    constraints = models.TextField(_("the constraints in detail"), blank=True, max_length=3000)
    scope = models.TextField(
        _("the part a remote team can tackle in the time available"), blank=True, max_length=3000
    )
    examples = models.TextField(_("example inputs and outputs"), blank=True, max_length=3000)
    success = models.TextField(
        _("what success looks like for the cooperative"), blank=True, max_length=3000
    )
    adopter = models.TextField(_("who would adopt and maintain it"), blank=True, max_length=3000)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        ordering = ["language"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["need", "language"], name="one_translation_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.need} [{self.language}]"
