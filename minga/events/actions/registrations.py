"""Registration: people for themselves, cooperatives with a roster; answers; withdrawal."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minga import audit
from minga.accounts.models import User
from minga.coops.models import Cooperative, Membership
from minga.events import permissions
from minga.events.models import Event, Registration, TeamMembership
from minga.events.text import format_instant

from .common import REGISTRATION_FIELDS, log_subject, refuse_if_cancelled


def profile_defaults(person: User) -> dict:
    """A registration's answers, prefilled from the person's profile and cooperative."""
    membership = (
        Membership.objects.filter(person=person, status=Membership.Status.ACTIVE)
        .select_related("coop")
        .order_by("-coop__sector", "pk")
        .first()
    )
    return {
        "skills": list(person.skills),
        "roles": list(person.roles),
        "languages": list(person.languages),
        "timezone": person.timezone,
        "country": str(membership.coop.country) if membership else "",
    }


def check_registration_open(event: Event) -> None:
    """A ValidationError saying why `event` takes no registration now (cancelled, not yet
    open, closed), so a page can say so before anyone fills in the form."""
    refuse_if_cancelled(event)
    now = timezone.now()
    if not event.is_open_for_registration(now):
        if now < event.registration_opens_at:
            message = _("Registration opens at %(when)s.")
            when = event.registration_opens_at
        else:
            message = _("Registration closed at %(when)s.")
            when = event.registration_closes_at
        raise ValidationError(
            message % {"when": format_instant(when, event.timezone)}, code="registration_closed"
        )


def _register(
    *, event: Event, person: User, actor: User, kind: str, coop: Cooperative | None, answers: dict
) -> Registration:
    registration = Registration.objects.filter(event=event, person=person).first()
    fields = {**profile_defaults(person), **answers}
    if registration is None:
        registration = Registration(event=event, person=person)
    elif registration.is_active:
        raise ValidationError(
            _("%(name)s is already registered for this event.") % {"name": person.name},
            code="already_registered",
        )
    registration.kind, registration.coop, registration.registered_by = kind, coop, actor
    registration.status = Registration.Status.ACTIVE
    registration.created_at = timezone.now()
    for name in REGISTRATION_FIELDS:
        setattr(registration, name, fields.get(name, getattr(registration, name)))
    registration.full_clean(exclude=["event", "person"])
    registration.save()
    return registration


@transaction.atomic
def register_person(*, event: Event, person: User, answers: dict | None = None) -> Registration:
    """A person registers for themselves."""
    permissions.check_view(person, event)
    event = Event.objects.select_for_update().get(pk=event.pk)
    check_registration_open(event)
    if not event.accepts_people:
        raise ValidationError(
            _("This event takes registrations from organisations only."), code="people_not_allowed"
        )
    registration = _register(
        event=event,
        person=person,
        actor=person,
        kind=Registration.Kind.PERSON,
        coop=None,
        answers=answers or {},
    )
    audit.record(
        "event.registered",
        log_subject(event),
        {"kind": "person"},
        person,
        private={"person": audit.person(person)},
    )
    return registration


@transaction.atomic
def register_organisation(
    *, event: Event, coop: Cooperative, people: Iterable[User], actor: User
) -> list[Registration]:
    """A cooperative registers with its roster: each person must be an active member."""
    permissions.check_view(actor, event)
    permissions.check_register_for(actor, coop)
    event = Event.objects.select_for_update().get(pk=event.pk)
    check_registration_open(event)
    if not event.accepts_organisations:
        raise ValidationError(
            _("This event takes registrations from people only, each for themselves."),
            code="organisations_not_allowed",
        )
    people = list(people)
    if not people:
        raise ValidationError(_("Choose at least one person for the roster."), code="empty")
    members = set(
        Membership.objects.filter(
            coop=coop, status=Membership.Status.ACTIVE, person__in=people
        ).values_list("person_id", flat=True)
    )
    outsiders = [person.name for person in people if person.pk not in members]
    if outsiders:
        raise ValidationError(
            _("Not members of %(coop)s: %(names)s.")
            % {"coop": coop.name, "names": ", ".join(outsiders)},
            code="not_members",
        )
    registrations = [
        _register(
            event=event,
            person=person,
            actor=actor,
            kind=Registration.Kind.ORGANISATION,
            coop=coop,
            answers={},
        )
        for person in people
    ]
    audit.record(
        "event.registered",
        log_subject(event),
        {"coop": coop.slug, "kind": "organisation", "registered": len(people)},
        actor,
        private={"roster": sorted(audit.person(p) for p in people)},
        audience=coop,
    )
    return registrations


@transaction.atomic
def update_registration(*, registration: Registration, actor: User, changes: dict) -> Registration:
    permissions.check_own(actor, registration)
    refuse_if_cancelled(registration.event)
    for name, value in changes.items():
        if name in REGISTRATION_FIELDS:
            setattr(registration, name, value)
    registration.full_clean(exclude=["event", "person"])
    registration.save()
    audit.record(
        "event.registration_updated",
        log_subject(registration.event),
        {"fields": sorted(changes)},
        actor,
        private={"person": audit.person(registration.person_id)},
        owner=registration.person,
    )
    return registration


@transaction.atomic
def withdraw_registration(*, registration: Registration, actor: User) -> Registration:
    """Withdraw from the event; the person also leaves their team."""
    permissions.check_own(actor, registration)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if not registration.is_active:
        return registration
    registration.team_memberships.filter(
        status__in=[
            TeamMembership.Status.ACTIVE,
            TeamMembership.Status.INVITED,
            TeamMembership.Status.REQUESTED,
        ]
    ).update(status=TeamMembership.Status.LEFT, updated_at=timezone.now())
    registration.status = Registration.Status.WITHDRAWN
    registration.save(update_fields=["status"])
    audit.record(
        "event.withdrawn",
        log_subject(registration.event),
        {},
        actor,
        private={"person": audit.person(registration.person_id)},
        owner=registration.person,
    )
    return registration
