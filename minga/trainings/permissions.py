"""Who may do what with trainings: the one place training views and actions ask.

Trainings are public: anyone may read one and its sessions. A cooperative's active
administrators (and staff) create its trainings and manage them; the trainers named on a
training also schedule its sessions, add participants, take attendance, record the
assessment and close it. Enrolling needs an account, and membership for members-only
trainings.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from minga.coops.models import Cooperative, Membership

from .models import Enrolment, Training


def is_coop_admin(user, coop: Cooperative) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Membership.objects.filter(
        coop=coop, person=user, status=Membership.Status.ACTIVE, role=Membership.Role.ADMIN
    ).exists()


def is_member(user, coop: Cooperative) -> bool:
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(
        coop=coop, person=user, status=Membership.Status.ACTIVE
    ).exists()


def admin_coops(user) -> QuerySet[Cooperative]:
    """Cooperatives for which `user` may create trainings."""
    if not user.is_authenticated:
        return Cooperative.objects.none()
    if user.is_staff:
        return Cooperative.objects.all()
    return Cooperative.objects.filter(
        memberships__person=user,
        memberships__status=Membership.Status.ACTIVE,
        memberships__role=Membership.Role.ADMIN,
    )


def can_teach(user, training: Training) -> bool:
    """Trainers of the training, and administrators of its cooperative."""
    if not user.is_authenticated:
        return False
    return training.trainers.filter(pk=user.pk).exists() or is_coop_admin(user, training.coop)


def get_training(user, pk: int, *, need: str = "view") -> Training:
    """The training `pk` if `user` may `need` it: "view" (anyone) or "teach"."""
    training = get_object_or_404(Training.objects.select_related("coop", "achievement"), pk=pk)
    if need == "teach" and not can_teach(user, training):
        raise PermissionDenied
    return training


def enrolment_of(user, training: Training) -> Enrolment | None:
    if not user.is_authenticated:
        return None
    return training.enrolments.filter(person=user).first()
