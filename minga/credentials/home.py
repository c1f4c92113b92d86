"""The credentials section of a person's home page (see `minga.core.home`): their latest
credentials, read through this app's models only. A fixed number of queries, whatever the
count."""

from __future__ import annotations

import datetime

from .models import Credential

ORDER = 40  # its place on the home page (see minga.core.home)

CREDENTIALS = 10  # the latest; "My credentials" lists them all
# The partials live with the home page (core), and their words in its catalogue.
TEMPLATES = {"section": "core/home_credentials.html", "coop_section": "core/coop_credentials.html"}


def section(person, now: datetime.datetime) -> dict | None:  # type: ignore[no-untyped-def]
    credentials = list(
        Credential.objects.filter(recipient=person)
        .select_related("achievement", "coop")
        .prefetch_related("achievement__translations")  # names in the reader's language
        .order_by("-issued_at", "-pk")[: CREDENTIALS + 1]
    )
    if not credentials:
        return None
    return {
        "credentials": credentials[:CREDENTIALS],
        "more_credentials": len(credentials) > CREDENTIALS,
    }


def coop_section(coop, user, now: datetime.datetime) -> dict | None:  # type: ignore[no-untyped-def]
    """The way to a cooperative's reputation and trainings: its public profile, where the
    score is computed from verified credentials (too costly for every visit of this page).
    How many of its trainings are open is the trainings app's own section."""
    from minga.identity.dids import coop_did

    return {
        "coop": coop,
        "did": coop_did(coop),
    }
