"""Training and profile pages: fetch through `training_permissions`, validate, call one action."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from minga.accounts.models import User
from minga.coops.models import Cooperative
from minga.identity.dids import coop_did

from . import profiles, reputation, training_actions
from .credential import absolute
from .models_trainings import Training
from .training_forms import (
    AssessmentForm,
    AttendanceForm,
    ParticipantForm,
    SessionForm,
    TrainingForm,
)
from .training_permissions import (
    admin_coops,
    can_teach,
    enrolment_of,
    get_training,
    is_member,
)


def _fail(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


def _context(request, training: Training, **extra) -> dict:
    return {
        "training": training,
        "now": timezone.now(),
        "can_teach": can_teach(request.user, training),
        **extra,
    }


# --- trainings ---


def training_list(request):
    trainings = Training.objects.select_related("coop").order_by("status", "-created_at")
    coop = None
    if request.GET.get("coop"):
        coop = get_object_or_404(Cooperative, slug=request.GET["coop"])
        trainings = trainings.filter(coop=coop)
    return render(
        request,
        "credentials/training_list.html",
        {
            "trainings": trainings[:100],
            "coop": coop,
            "can_create": admin_coops(request.user).exists(),
        },
    )


@login_required
def training_create(request):
    coops = admin_coops(request.user)
    if not coops.exists():
        raise PermissionDenied
    form = TrainingForm(request.POST or None, coops=coops)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in training_actions.TRAINING_FIELDS}
        try:
            training = training_actions.create_training(
                coop=form.cleaned_data["coop"],
                actor=request.user,
                trainers=form.cleaned_data["other_trainers"],
                **fields,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The training is announced. Now schedule its sessions."))
            return redirect("credentials:training-session-create", training.pk)
    return render(request, "credentials/training_form.html", {"form": form})


def training_detail(request, pk):
    training = get_training(request.user, pk)
    now = timezone.now()
    enrolled = training.enrolments.count()
    return render(
        request,
        "credentials/training_detail.html",
        _context(
            request,
            training,
            sessions=training.sessions.all(),
            trainers=training.trainers.all(),
            enrolment=enrolment_of(request.user, training),
            enrolled=enrolled,
            is_full=training.capacity is not None and enrolled >= training.capacity,
            may_enrol=training.is_open_for_enrolment(now)
            and (not training.is_members_only or is_member(request.user, training.coop)),
            certified=training.enrolments.filter(outcome="completed").count(),
        ),
    )


@login_required
@require_POST
def training_enrol(request, pk):
    training = get_training(request.user, pk)
    try:
        training_actions.enrol(training=training, actor=request.user)
    except ValidationError as error:
        _fail(request, error)
    else:
        messages.success(request, _("You are enrolled."))
    return redirect(training)


@login_required
def session_create(request, pk):
    training = get_training(request.user, pk, need="teach")
    form = SessionForm(request.POST or None, training=training)
    if request.method == "POST" and form.is_valid():
        try:
            training_actions.schedule_session(
                training=training, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The session is scheduled."))
            return redirect(training)
    return render(
        request, "credentials/training_session_form.html", _context(request, training, form=form)
    )


@login_required
def participants(request, pk):
    training = get_training(request.user, pk, need="teach")
    form = ParticipantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            training_actions.add_participant(
                training=training, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The participant is added."))
            return redirect("credentials:training-participants", training.pk)
    total = training.sessions.count()
    return render(
        request,
        "credentials/training_participants.html",
        _context(
            request,
            training,
            form=form,
            rows=training_actions.progress(training),
            total=total,
            needed=training.sessions_needed(total),
            sessions=training.sessions.all(),
        ),
    )


@login_required
def attendance(request, pk, session_pk):
    training = get_training(request.user, pk, need="teach")
    session = get_object_or_404(training.sessions, pk=session_pk)
    enrolments = list(training.enrolments.all())
    present = [str(pk) for pk in session.attendances.values_list("enrolment_id", flat=True)]
    form = AttendanceForm(request.POST or None, enrolments=enrolments, initial={"present": present})
    if request.method == "POST" and form.is_valid():
        try:
            chosen = training_actions.record_attendance(
                session=session, actor=request.user, present=form.cleaned_data["present"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Attendance saved: %(count)s present.") % {"count": len(chosen)},
            )
            return redirect("credentials:training-participants", training.pk)
    return render(
        request,
        "credentials/training_attendance.html",
        _context(request, training, form=form, session=session),
    )


@login_required
def assessment(request, pk):
    training = get_training(request.user, pk, need="teach")
    if not training.has_assessment:
        raise Http404
    form = AssessmentForm(request.POST or None, enrolments=list(training.enrolments.all()))
    if request.method == "POST" and form.is_valid():
        try:
            training_actions.record_assessment(
                training=training, actor=request.user, scores=form.scores()
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The assessment results are saved."))
            return redirect("credentials:training-participants", training.pk)
    return render(
        request, "credentials/training_assessment.html", _context(request, training, form=form)
    )


@login_required
def complete(request, pk):
    training = get_training(request.user, pk, need="teach")
    if request.method == "POST":
        try:
            issued = training_actions.complete_training(training=training, actor=request.user)
        except ValidationError as error:
            _fail(request, error)
        else:
            messages.success(
                request,
                ngettext(
                    "The training is closed; %(count)s certificate was issued.",
                    "The training is closed; %(count)s certificates were issued.",
                    len(issued),
                )
                % {"count": len(issued)},
            )
            return redirect(training)
    total = training.sessions.count()
    return render(
        request,
        "credentials/training_complete.html",
        _context(
            request,
            training,
            rows=training_actions.progress(training),
            total=total,
            needed=training.sessions_needed(total),
        ),
    )


# --- public profiles ---


def _person(pk: int) -> User:
    return get_object_or_404(User, pk=pk, is_active=True)


def person_subject(person: User) -> str:
    return absolute(reverse("credentials:person", args=[person.pk]))


def person_profile(request, pk):
    person = _person(pk)
    items, document = profiles.person_document(person, person_subject(person))
    history = profiles.coopathon_history(person)
    given = profiles.trainings_given(person)
    taken = profiles.trainings_completed(person)
    if not (items or history or given.exists() or taken.exists()):
        # Nothing public yet: a page would only reveal that the account exists.
        raise Http404
    return render(
        request,
        "credentials/profile_person.html",
        {
            "person": person,
            "items": items,
            "document": document,
            "lines": _lines(items, document),
            "history": history,
            "given": given,
            "taken": taken,
            "formula": reputation.formula(),
            "json_url": reverse("credentials:person-reputation", args=[person.pk]),
        },
    )


def person_reputation(request, pk):
    person = _person(pk)
    _items, document = profiles.person_document(person, person_subject(person))
    return _json(document)


def coop_profile(request, slug):
    coop = get_object_or_404(Cooperative, slug=slug)
    earned, issued, document = profiles.coop_document(coop)
    return render(
        request,
        "credentials/profile_coop.html",
        {
            "coop": coop,
            "did": coop_did(coop),
            "earned": earned,
            "issued_count": len(issued),
            "document": document,
            "lines": _lines(earned, document),
            "trainings": coop.trainings.order_by("-created_at")[:50],
            "events": coop.organised_events.exclude(status="draft").order_by("-announcement_at")[
                :50
            ],
            "formula": reputation.formula(),
            "json_url": reverse("credentials:coop-reputation", args=[coop.slug]),
        },
    )


def coop_reputation(request, slug):
    coop = get_object_or_404(Cooperative, slug=slug)
    *_items, document = profiles.coop_document(coop)
    return _json(document)


def _lines(items: list[profiles.Verified], document: dict) -> list[tuple]:
    """Each verified credential beside the points the formula gave it."""
    points = {(line["relation"], line["credential"]): line for line in document["lines"]}
    return [(item, points.get((item.input.relation, item.input.credential))) for item in items]


def _json(document: dict) -> JsonResponse:
    response = JsonResponse(document, json_dumps_params={"indent": 2, "sort_keys": True})
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=60"
    return response
