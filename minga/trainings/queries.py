"""Reads of trainings for the public profiles of people and cooperatives (see `apps.py`)."""

from __future__ import annotations

from django.db.models import QuerySet

from minga.accounts.models import User
from minga.coops.models import Cooperative

from .models import Enrolment, Training

COOP_TRAININGS = 50  # the latest on a cooperative's profile; the list of trainings has them all


def trainings_given(person: User) -> QuerySet[Training]:
    return Training.objects.filter(trainers=person).select_related("coop").order_by("-created_at")


def trainings_completed(person: User) -> QuerySet[Enrolment]:
    """Trainings the person completed: public, like the certificate that says so."""
    return (
        Enrolment.objects.filter(person=person, outcome=Enrolment.Outcome.COMPLETED)
        .select_related("training", "training__coop")
        .order_by("-training__closed_at")
    )


def coop_trainings(coop: Cooperative) -> QuerySet[Training]:
    return Training.objects.filter(coop=coop).order_by("-created_at")[:COOP_TRAININGS]


def find_training(pk: str, viewer: object) -> tuple[str, str] | None:
    """How the audit log's pages name a training (`training:<pk>`): its title, linking to it."""
    if not pk.isdigit():
        return None
    training = Training.objects.filter(pk=int(pk)).only("title").first()
    return (training.title, training.get_absolute_url()) if training else None
