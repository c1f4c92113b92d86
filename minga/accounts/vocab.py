"""Fixed vocabularies for people's profiles (shared with coops and events)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    """Languages people speak and cooperatives work in (ISO 639-1)."""

    ENGLISH = "en", _("English")
    SPANISH = "es", _("Spanish")
    FRENCH = "fr", _("French")
    PORTUGUESE = "pt", _("Portuguese")
    KINYARWANDA = "rw", _("Kinyarwanda")
    SWAHILI = "sw", _("Swahili")
    HINDI = "hi", _("Hindi")
    ITALIAN = "it", _("Italian")
    CATALAN = "ca", _("Catalan")
    QUECHUA = "qu", _("Quechua")
    GUARANI = "gn", _("Guarani")
    ARABIC = "ar", _("Arabic")
    GERMAN = "de", _("German")
    KANNADA = "kn", _("Kannada")
    MARATHI = "mr", _("Marathi")
    TAMIL = "ta", _("Tamil")
    AMHARIC = "am", _("Amharic")
    LUGANDA = "lg", _("Luganda")


class Skill(models.TextChoices):
    BACKEND = "backend", _("Back-end development")
    FRONTEND = "frontend", _("Front-end development")
    MOBILE = "mobile", _("Mobile apps")
    USSD_SMS = "ussd-sms", _("USSD and SMS services")
    DATA = "data", _("Data and analytics")
    DEVOPS = "devops", _("Hosting and operations")
    SECURITY = "security", _("Security")
    UX = "ux", _("User experience and design")
    ACCOUNTING = "accounting", _("Accounting and bookkeeping")
    GOVERNANCE = "governance", _("Cooperative governance")
    TRAINING = "training", _("Training and teaching")
    TRANSLATION = "translation", _("Translation")
    PAYMENTS = "payments", _("Payments and mobile money")


class Role(models.TextChoices):
    """Roles a person can play in a team."""

    DEVELOPER = "developer", _("Developer")
    DESIGNER = "designer", _("Designer")
    TRANSLATOR = "translator", _("Translator")
    FACILITATOR = "facilitator", _("Facilitator")
    DOMAIN_EXPERT = "domain-expert", _("Domain expert")


def timezone_choices() -> list:
    """The one list of time zones every form offers (people, events, trainings): by country,
    then city, in the reader's language (see `minga.core.zones`)."""
    from minga.core import zones

    return zones.choices()
