"""The credentials section of a person's home page (see `minga.core.home`): the trainings they
follow, with their next session, and their latest credentials, read through this app's
models only. A fixed number of queries, whatever the counts."""

from __future__ import annotations

import datetime

from django.db.models import Min, Q

from minga.core.home import LIMIT

from .models import Credential, Enrolment, Training

ORDER = 40  # its place on the home page (see minga.core.home)

CREDENTIALS = 10  # the latest; "My credentials" lists them all
# The partials live with the home page (core), and their words in its catalogue.
TEMPLATES = {"section": "core/home_credentials.html", "coop_section": "core/coop_credentials.html"}


def section(person, now: datetime.datetime) -> dict | None:
    trainings = list(
        Enrolment.objects.filter(
            person=person,
            outcome=Enrolment.Outcome.PENDING,
            training__status=Training.Status.OPEN,
        )
        .select_related("training__coop")
        .annotate(
            next_session=Min(
                "training__sessions__starts_at", filter=Q(training__sessions__ends_at__gt=now)
            )
        )
        .order_by("training__title", "pk")[:LIMIT]
    )
    credentials = list(
        Credential.objects.filter(recipient=person)
        .select_related("achievement", "coop")
        .prefetch_related("achievement__translations")  # names in the reader's language
        .order_by("-issued_at", "-pk")[: CREDENTIALS + 1]
    )
    if not (trainings or credentials):
        return None
    return {
        "trainings": trainings,
        "credentials": credentials[:CREDENTIALS],
        "more_credentials": len(credentials) > CREDENTIALS,
    }


def coop_section(coop, user, now: datetime.datetime) -> dict | None:
    """The way to a cooperative's reputation and trainings: its public profile, where the
    score is computed from verified credentials (too costly for every visit of this page)."""
    from minga.identity.dids import coop_did

    return {
        "coop": coop,
        "trainings": coop.trainings.filter(status=Training.Status.OPEN).count(),
        "did": coop_did(coop),
    }
