"""The credentials section of a person's home page (see `minga.core.home`): their latest
credentials, read through this app's models only. A fixed number of queries, whatever the
count."""

from __future__ import annotations

import datetime

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import translation

from minga.core.languages import supported_language

from .models import AchievementTranslation, Credential

ORDER = 40  # its place on the home page (see minga.core.home)

CREDENTIALS = 10  # the latest; "My credentials" lists them all
# The partials live with the home page (core), and their words in its catalogue.
TEMPLATES = {"section": "core/home_credentials.html", "coop_section": "core/coop_credentials.html"}
SHOWN_CREDENTIAL_FIELDS = (
    "uuid",
    "status",
    "issued_at",
    "coop__name",
)


def section(person, now: datetime.datetime) -> dict | None:
    # The achievement's name in the reader's language, else its own (`Achievement.shown_name`),
    # read in the same query.
    language = supported_language(translation.get_language() or "")
    translated = AchievementTranslation.objects.filter(
        achievement=OuterRef("achievement"), language=language
    ).values("name")[:1]
    credentials = list(
        Credential.objects.filter(recipient=person)
        .select_related("coop")
        .only(*SHOWN_CREDENTIAL_FIELDS)  # not the signed document, kilobytes each
        .annotate(shown_name=Coalesce(Subquery(translated), F("achievement__name")))
        .order_by("-issued_at", "-pk")[: CREDENTIALS + 1]
    )
    if not credentials:
        return None
    return {
        "credentials": credentials[:CREDENTIALS],
        "more_credentials": len(credentials) > CREDENTIALS,
    }


def coop_section(coop, user, now: datetime.datetime) -> dict | None:
    """The way to a cooperative's reputation and trainings: its public profile, where the
    score is computed from verified credentials (too costly for every visit of this page).
    How many of its trainings are open is the trainings app's own section."""
    from minga.identity.dids import coop_did

    return {
        "coop": coop,
        "did": coop_did(coop),
    }
