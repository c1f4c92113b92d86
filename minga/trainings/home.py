"""The trainings section of a person's home page (see `minga.core.home`): the trainings they
follow, with their next session; and on a cooperative's page, how many of its trainings are
open. One query each, whatever the counts."""

from __future__ import annotations

import datetime

from django.db.models import Min, Q

from minga.core.home import LIMIT

from .models import Enrolment, Training

ORDER = 35  # just before the credentials they lead to (see minga.core.home)


def section(person, now: datetime.datetime) -> dict | None:  # type: ignore[no-untyped-def]
    trainings = list(
        Enrolment.objects.filter(
            person=person,
            outcome=Enrolment.Outcome.PENDING,
            training__status=Training.Status.OPEN,
        )
        .select_related("training__coop")
        .only("pk", "training__title", "training__coop__name")
        .annotate(
            next_session=Min(
                "training__sessions__starts_at", filter=Q(training__sessions__ends_at__gt=now)
            )
        )
        .order_by("training__title", "pk")[:LIMIT]
    )
    return {"trainings": trainings} if trainings else None


def coop_section(coop, user, now: datetime.datetime) -> dict | None:  # type: ignore[no-untyped-def]
    count = Training.objects.filter(coop=coop, status=Training.Status.OPEN).count()
    return {"coop": coop, "open": count} if count else None
