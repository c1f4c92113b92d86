"""Pages of a cooperative's administrators for its keys, its did:webvh log and its witnesses.

Each view fetches the cooperative through ``permissions.get_coop_for_keys`` and calls one
action; every change is audited there.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minga.coops.models import Cooperative

from . import actions, didlogs
from .forms import CompromiseForm, WitnessesForm
from .models import DidLogEntry, Key
from .permissions import get_coop_for_keys


@login_required
def key_list(request, slug):
    coop = get_coop_for_keys(request.user, slug)
    log = didlogs.log_of(coop)
    witnesses = didlogs.witnesses_of(log) if log is not None else []
    return render(
        request,
        "identity/key_list.html",
        {
            "coop": coop,
            "keys": Key.objects.filter(coop=coop, is_next=False).order_by("-created_at"),
            "log": log,
            "entries": log.entries.order_by("-version_number")[:20] if log else [],
            "witnesses": witnesses,
            "threshold": _threshold(log),
            "to_approve": didlogs.pending_approvals(coop),
            "compromise_form": CompromiseForm(),
            "witnesses_form": WitnessesForm(coop=coop, initial={"threshold": _threshold(log)}),
        },
    )


def _threshold(log) -> int:
    if log is None:
        return 0
    lines = didlogs.entry_lines(log, published_only=False)
    params: dict = {}
    for line in lines:
        params.update(json.loads(line)["parameters"])
    return int((params.get("witness") or {}).get("threshold", 0))


def _done(request, coop: Cooperative, error: ValidationError | None, message: str):
    if error is not None:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, message)
    return redirect("identity:key-list", slug=coop.slug)


@login_required
@require_POST
def key_rotate(request, slug):
    coop = get_coop_for_keys(request.user, slug)
    try:
        actions.rotate_key(coop=coop, actor=request.user)
    except ValidationError as error:
        return _done(request, coop, error, "")
    return _done(request, coop, None, _("The key is rotated; the committed next key signs now."))


@login_required
@require_POST
def key_retire(request, slug):
    coop = get_coop_for_keys(request.user, slug)
    try:
        actions.retire_key(coop=coop, actor=request.user)
    except ValidationError as error:
        return _done(request, coop, error, "")
    return _done(request, coop, None, _("The key is retired; the committed next key signs now."))


@login_required
@require_POST
def key_compromise(request, slug, pk):
    coop = get_coop_for_keys(request.user, slug)
    key = get_object_or_404(Key, coop=coop, pk=pk, is_next=False)
    form = CompromiseForm(request.POST)
    if not form.is_valid():
        error = ValidationError([e for errors in form.errors.values() for e in errors])
        return _done(request, coop, error, "")
    try:
        actions.declare_key_compromised(
            coop=coop, key=key, since=form.cleaned_data["since"], actor=request.user
        )
    except ValidationError as error:
        return _done(request, coop, error, "")
    return _done(
        request,
        coop,
        None,
        _("The key is declared compromised. Re-issue the credentials it signed before."),
    )


@login_required
@require_POST
def witness_set(request, slug):
    coop = get_coop_for_keys(request.user, slug)
    form = WitnessesForm(request.POST, coop=coop)
    if not form.is_valid():
        error = ValidationError([e for errors in form.errors.values() for e in errors])
        return _done(request, coop, error, "")
    try:
        pairs = [actions.witness_for_coop(other) for other in form.cleaned_data["coops"]]
        actions.set_witnesses(
            coop=coop,
            witnesses=pairs + form.cleaned_data["others"],
            threshold=form.cleaned_data["threshold"],
            actor=request.user,
        )
    except ValidationError as error:
        return _done(request, coop, error, "")
    return _done(request, coop, None, _("The witness list is saved in the DID log."))


@login_required
@require_POST
def update_approve(request, slug, pk):
    """This cooperative, as a witness, approves another DID's update."""
    coop = get_coop_for_keys(request.user, slug)
    entry = get_object_or_404(DidLogEntry, pk=pk)
    try:
        actions.approve_update(entry=entry, witness=coop, actor=request.user)
    except ValidationError as error:
        return _done(request, coop, error, "")
    return _done(request, coop, None, _("Your approval is recorded."))
