"""Every change to trainings: atomic, audited, checked against the clock, notices on commit.

Certificates are issued by `complete_training`, when a trainer closes the training after
its last session: each participant who attended enough sessions (and reached the pass mark,
when there is an assessment) receives the training's achievement as a signed credential,
issued through credentials' `issue_credential` so it is recorded and revocable like any other.
"""

import datetime
from collections.abc import Iterable, Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from minga import audit
from minga.accounts.models import User
from minga.accounts.phones import normalize_phone
from minga.channels.sms import send_sms
from minga.coops.models import Cooperative
from minga.credentials.actions import define_achievement, issue_credential
from minga.credentials.credential import absolute, credential_url
from minga.credentials.models import Achievement, AchievementType, Credential

from .models import TRAINING_FIELDS, Attendance, Enrolment, Training, TrainingSession
from .permissions import can_teach, is_coop_admin, is_member


def _subject(training: Training) -> str:
    return f"training:{training.pk}"


def _refuse_unless_teacher(actor: User, training: Training) -> None:
    if not can_teach(actor, training):
        raise PermissionDenied(_("Only the trainers of this training may do this."))


def _refuse_if_closed(training: Training) -> None:
    if not training.is_open:
        raise ValidationError(
            _("This training is closed and its certificates issued; nothing can change now."),
            code="closed",
        )


def _lock(training: Training) -> Training:
    return (
        Training.objects.select_for_update()
        .select_related("coop", "achievement")
        .get(pk=training.pk)
    )


def criteria_text(training: Training) -> str:
    """What earns the certificate, in the training's language."""
    with translation.override(training.language):
        text = _("Attend at least %(percent)s%% of the sessions of the training.") % {
            "percent": training.min_attendance_percent
        }
        if training.has_assessment:
            text += " " + _("Reach at least %(mark)s out of 100 in its assessment.") % {
                "mark": training.pass_mark
            }
    return text


# --- trainings and sessions ---


@transaction.atomic
def create_training(
    *,
    coop: Cooperative,
    actor: User,
    trainers: Iterable[User] = (),
    achievement: Achievement | None = None,
    **fields,
) -> Training:
    """A cooperative announces a training; its certificate is a new achievement unless given."""
    if not is_coop_admin(actor, coop):
        raise PermissionDenied(_("Only administrators of the cooperative may create trainings."))
    unknown = set(fields) - set(TRAINING_FIELDS)
    if unknown:
        raise TypeError(f"unknown training fields: {sorted(unknown)}")
    if achievement is not None and achievement.coop_id != coop.pk:
        raise ValidationError(
            _("The certificate must be one of the cooperative's own achievements."),
            code="foreign_achievement",
        )
    training = Training(coop=coop, created_by=actor, **fields)
    if achievement is None:
        # Check the training's own fields before anything is written.
        training.full_clean(exclude=["achievement"])
        achievement = _define_certificate(training, actor=actor)
    training.achievement = achievement
    training.full_clean()
    training.save()
    training.trainers.set({actor, *trainers})
    audit.record(
        "training.created",
        _subject(training),
        {
            "coop": coop.slug,
            "title": training.title,
            "achievement": str(achievement.uuid),
            "min_attendance_percent": training.min_attendance_percent,
            "pass_mark": training.pass_mark,
        },
        actor,
    )
    return training


def _define_certificate(training: Training, *, actor: User) -> Achievement:
    return define_achievement(
        coop=training.coop,
        actor=actor,
        name=training.title,
        description=training.description,
        criteria=criteria_text(training),
        achievement_type=AchievementType.CERTIFICATE_OF_COMPLETION,
        language=training.language,
    )


@transaction.atomic
def schedule_session(
    *,
    training: Training,
    actor: User,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    place: str = "",
    online_url: str = "",
    note: str = "",
) -> TrainingSession:
    training = _lock(training)
    _refuse_unless_teacher(actor, training)
    _refuse_if_closed(training)
    if ends_at <= starts_at:
        raise ValidationError(_("A session must end after it starts."), code="ends_before_start")
    if not (place.strip() or online_url.strip()):
        raise ValidationError(
            _("Give the place of the session, a link to join it online, or both."),
            code="no_place",
        )
    session = TrainingSession(
        training=training,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place.strip(),
        online_url=online_url.strip(),
        note=note.strip(),
    )
    session.full_clean()
    session.save()
    audit.record(
        "training.session",
        _subject(training),
        {
            "session": session.pk,
            "starts_at": starts_at.isoformat(),
            "ends_at": ends_at.isoformat(),
            "in_person": bool(session.place),
            "online": bool(session.online_url),
        },
        actor,
    )
    return session


# --- participants ---


def _save_enrolment(enrolment: Enrolment) -> Enrolment:
    try:
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:
        raise ValidationError(
            _("This person is already enrolled in the training."), code="already_enrolled"
        ) from None
    return enrolment


@transaction.atomic
def enrol(*, training: Training, actor: User) -> Enrolment:
    """A person enrols themselves, before enrolment closes, while places are left."""
    training = _lock(training)
    if not training.is_open_for_enrolment(timezone.now()):
        raise ValidationError(_("Enrolment in this training is closed."), code="enrolment_closed")
    if training.is_members_only and not is_member(actor, training.coop):
        raise PermissionDenied(
            _("This training is for members of %(coop)s only.") % {"coop": training.coop.name}
        )
    if training.capacity is not None and training.enrolments.count() >= training.capacity:
        raise ValidationError(_("This training is full."), code="full")
    enrolment = _save_enrolment(
        Enrolment(training=training, person=actor, name=actor.name, enrolled_by=actor)
    )
    audit.record(
        "training.enrolled",
        _subject(training),
        {"enrolment": enrolment.pk},
        actor,
        private={"participant": f"person:{actor.pk}"},
    )
    return enrolment


@transaction.atomic
def add_participant(*, training: Training, actor: User, name: str, phone: str) -> Enrolment:
    """A trainer writes down a participant by name and phone number, with or without account.

    A person who already has an account with that number is enrolled as themselves.
    """
    training = _lock(training)
    _refuse_unless_teacher(actor, training)
    _refuse_if_closed(training)
    phone = normalize_phone(phone)
    name = name.strip()
    person = User.objects.filter(phone=phone).first()
    if person is not None:
        enrolment = Enrolment(
            training=training, person=person, name=person.name, phone=phone, enrolled_by=actor
        )
    elif not name:
        raise ValidationError(_("Write the participant's name."), code="no_name")
    else:
        enrolment = Enrolment(training=training, name=name, phone=phone, enrolled_by=actor)
    taken = training.enrolments.filter(phone=phone)
    if person is not None:
        taken = taken | training.enrolments.filter(person=person)
    if taken.exists():
        raise ValidationError(
            _("This person is already enrolled in the training."), code="already_enrolled"
        )
    enrolment.full_clean(exclude=["training", "person", "credential"])
    _save_enrolment(enrolment)
    audit.record(
        "training.enrolled",
        _subject(training),
        {"enrolment": enrolment.pk, "by_trainer": True},
        actor,
        private={"participant": f"person:{person.pk}" if person else phone},
    )
    return enrolment


# --- attendance and assessment ---


@transaction.atomic
def record_attendance(
    *, session: TrainingSession, actor: User, present: Iterable[int]
) -> list[Enrolment]:
    """Set who was at `session` (enrolment ids); those not listed are marked absent.

    Attendance is taken once the session has started, never in advance.
    """
    training = _lock(session.training)
    _refuse_unless_teacher(actor, training)
    _refuse_if_closed(training)
    if not session.has_started(timezone.now()):
        raise ValidationError(
            _("Attendance can be taken once the session has started."), code="not_started"
        )
    wanted = set(present)
    enrolments = {e.pk: e for e in training.enrolments.filter(pk__in=wanted)}
    if len(enrolments) != len(wanted):
        raise ValidationError(
            _("Some of the people marked present are not enrolled in this training."),
            code="unknown_participant",
        )
    already = set(session.attendances.values_list("enrolment_id", flat=True))
    session.attendances.exclude(enrolment_id__in=wanted).delete()
    Attendance.objects.bulk_create(
        Attendance(session=session, enrolment_id=pk, recorded_by=actor)
        for pk in sorted(wanted - already)
    )
    audit.record(
        "training.attendance",
        _subject(training),
        {"session": session.pk, "present": len(wanted)},
        actor,
    )
    return [enrolments[pk] for pk in sorted(wanted)]


@transaction.atomic
def record_assessment(*, training: Training, actor: User, scores: Mapping[int, int | None]) -> int:
    """Record assessment scores (out of 100) by enrolment id; None clears a score."""
    training = _lock(training)
    _refuse_unless_teacher(actor, training)
    _refuse_if_closed(training)
    if not training.has_assessment:
        raise ValidationError(_("This training has no assessment."), code="no_assessment")
    enrolments = {e.pk: e for e in training.enrolments.filter(pk__in=list(scores))}
    if len(enrolments) != len(scores):
        raise ValidationError(
            _("Some of these people are not enrolled in this training."),
            code="unknown_participant",
        )
    for value in scores.values():
        if value is not None and not 0 <= value <= 100:
            raise ValidationError(_("A score is a number from 0 to 100."), code="score_range")
    now = timezone.now()
    changed = 0
    for pk, value in scores.items():
        enrolment = enrolments[pk]
        if enrolment.score == value:
            continue
        enrolment.score = value
        enrolment.assessed_by = actor if value is not None else None
        enrolment.assessed_at = now if value is not None else None
        enrolment.save(update_fields=["score", "assessed_by", "assessed_at"])
        changed += 1
    if changed:
        audit.record("training.assessment", _subject(training), {"scores": changed}, actor)
    return changed


# --- completion ---


def progress(training: Training) -> list[tuple[Enrolment, int, bool]]:
    """Each participant with the sessions they attended and whether they complete the training."""
    total = training.sessions.count()
    needed = training.sessions_needed(total)
    rows = training.enrolments.select_related("person").annotate(
        attended=Count("attendances", distinct=True)
    )
    return [
        (e, e.attended, total > 0 and e.attended >= needed and _passed(training, e)) for e in rows
    ]


def _passed(training: Training, enrolment: Enrolment) -> bool:
    if not training.has_assessment:
        return True
    return (
        enrolment.score is not None
        and training.pass_mark is not None
        and enrolment.score >= training.pass_mark
    )


@transaction.atomic
def complete_training(*, training: Training, actor: User) -> list[Credential]:
    """Close the training after its last session and certify everyone who completed it."""
    training = _lock(training)
    _refuse_unless_teacher(actor, training)
    _refuse_if_closed(training)
    last_end = training.sessions.aggregate(last=Max("ends_at"))["last"]
    if last_end is None:
        raise ValidationError(_("Schedule at least one session first."), code="no_sessions")
    if timezone.now() < last_end:
        raise ValidationError(
            _("The training can be closed once its last session has ended."), code="not_over"
        )
    total = training.sessions.count()
    needed = training.sessions_needed(total)
    rows = progress(training)
    if training.has_assessment:
        missing = [e.name for e, attended, _ok in rows if attended >= needed and e.score is None]
        if missing:
            raise ValidationError(
                _("Record the assessment of these participants first: %(names)s.")
                % {"names": ", ".join(missing)},
                code="assessment_missing",
            )
    issued: list[Credential] = []
    for enrolment, attended, completed in rows:
        if completed:
            enrolment.credential = _certify(training, enrolment, attended, total, actor)
            enrolment.outcome = Enrolment.Outcome.COMPLETED
            issued.append(enrolment.credential)
        else:
            enrolment.outcome = Enrolment.Outcome.NOT_COMPLETED
        enrolment.save(update_fields=["outcome", "credential"])
    training.status = Training.Status.CLOSED
    training.closed_at = timezone.now()
    training.save(update_fields=["status", "closed_at"])
    audit.record(
        "training.completed",
        _subject(training),
        {"participants": len(rows), "certified": len(issued), "sessions": total},
        actor,
    )
    for enrolment, _attended, completed in rows:
        if completed and enrolment.person is None:
            _tell_certified(training, enrolment)
    return issued


def _certify(
    training: Training, enrolment: Enrolment, attended: int, total: int, actor: User
) -> Credential:
    person = enrolment.person
    language = person.preferred_language if person else training.language
    with translation.override(language):
        values = {"attended": attended, "total": total}
        results = [
            {"name": _("Sessions attended"), "value": f"{attended}/{total}", "type": "Result"}
        ]
        if training.has_assessment:
            results.append(
                {"name": _("Assessment score"), "value": str(enrolment.score), "type": "Percent"}
            )
        evidence = [
            {
                "id": absolute(training.get_absolute_url()),
                "name": training.title,
                "description": _("%(attended)s of %(total)s sessions attended.") % values,
            }
        ]
    recipient = {"recipient": person} if person else {"recipient_phone": enrolment.phone}
    return issue_credential(
        achievement=training.achievement,
        **recipient,
        recipient_name=enrolment.name,
        evidence=evidence,
        results=results,
        language=language,
        source=f"training:{training.pk}:enrolment:{enrolment.pk}",
        actor=actor,
    )


def _tell_certified(training: Training, enrolment: Enrolment) -> None:
    """Text a participant without an account the link to their certificate.

    People with an account hear from `issue_credential` itself.
    """
    if enrolment.person is not None or enrolment.credential is None:
        return
    with translation.override(training.language):
        values = {
            "coop": training.coop.name,
            "training": training.title,
            "link": credential_url(enrolment.credential.uuid),
        }
        text = _("Minga: %(coop)s certifies you completed %(training)s. %(link)s") % values
    send_sms(to=enrolment.phone, text=text, kind="notice")


# --- certificates credentials re-issue (see credentials.registry.Holding) ---


def certificate_phones(credential: Credential) -> list[str]:
    """The phone numbers written down for the participants a certificate went to."""
    return list(Enrolment.objects.filter(credential=credential).values_list("phone", flat=True))


def point_to_replacement(old: Credential, new: Credential) -> None:
    """An enrolment keeps its certificate when credentials re-issues it (same transaction)."""
    Enrolment.objects.filter(credential=old).update(credential=new)
