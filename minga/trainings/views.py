"""Training pages: fetch through `permissions`, validate, call one action."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from minga.coops.models import Cooperative

from . import actions
from .forms import (
    AssessmentForm,
    AttendanceForm,
    ParticipantForm,
    SessionForm,
    TrainingForm,
)
from .models import TRAINING_FIELDS, Training
from .permissions import (
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
        "trainings/training_list.html",
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
        fields = {name: form.cleaned_data[name] for name in TRAINING_FIELDS}
        try:
            training = actions.create_training(
                coop=form.cleaned_data["coop"],
                actor=request.user,
                trainers=form.cleaned_data["other_trainers"],
                **fields,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The training is announced. Now schedule its sessions."))
            return redirect("trainings:session-create", training.pk)
    return render(request, "trainings/training_form.html", {"form": form})


def training_detail(request, pk):
    training = get_training(request.user, pk)
    now = timezone.now()
    enrolled = training.enrolments.count()
    return render(
        request,
        "trainings/training_detail.html",
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
        actions.enrol(training=training, actor=request.user)
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
            actions.schedule_session(training=training, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The session is scheduled."))
            return redirect(training)
    return render(
        request, "trainings/training_session_form.html", _context(request, training, form=form)
    )


@login_required
def participants(request, pk):
    training = get_training(request.user, pk, need="teach")
    form = ParticipantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_participant(training=training, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The participant is added."))
            return redirect("trainings:participants", training.pk)
    total = training.sessions.count()
    return render(
        request,
        "trainings/training_participants.html",
        _context(
            request,
            training,
            form=form,
            rows=actions.progress(training),
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
            chosen = actions.record_attendance(
                session=session, actor=request.user, present=form.cleaned_data["present"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Attendance saved: %(count)s present.") % {"count": len(chosen)},
            )
            return redirect("trainings:participants", training.pk)
    return render(
        request,
        "trainings/training_attendance.html",
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
            actions.record_assessment(training=training, actor=request.user, scores=form.scores())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The assessment results are saved."))
            return redirect("trainings:participants", training.pk)
    return render(
        request, "trainings/training_assessment.html", _context(request, training, form=form)
    )


@login_required
def complete(request, pk):
    training = get_training(request.user, pk, need="teach")
    if request.method == "POST":
        try:
            issued = actions.complete_training(training=training, actor=request.user)
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
        "trainings/training_complete.html",
        _context(
            request,
            training,
            rows=actions.progress(training),
            total=total,
            needed=training.sessions_needed(total),
        ),
    )
