from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_countries import countries

from minga.core.cache import public_page
from minga.core.home import coop_sections

from . import actions, importer, queries
from .forms import CooperativeForm, DirectoryFilterForm, ImportForm, InvitationForm, MembershipForm
from .models import Invitation, Membership, MembershipChange
from .permissions import (
    active_membership,
    can_edit,
    can_grant_role,
    can_manage_members,
    get_coop,
)
from .worldmap import render_map

PAGE_SIZE = 24


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@public_page(queries.generation)
def directory(request):
    counts = queries.country_counts()
    form = DirectoryFilterForm(request.GET or None, present_countries=sorted(counts))
    filters = form.cleaned_data if form.is_valid() else {}
    coops = queries.directory(**{key: value for key, value in filters.items() if value})
    page = Paginator(coops, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "coops/directory.html",
        {
            "form": form,
            "page": page,
            "is_filtered": any(filters.values()) if filters else False,
            "country_count": len(counts),
        },
    )


@public_page(queries.generation)
def overview(request):
    counts = queries.country_counts()
    names = {code: countries.name(code) for code in counts}
    svg = render_map(
        counts,
        labels=names,
        title=_("Cooperatives by country"),
        href=lambda code: reverse("coops:directory") + f"?country={code}",
    )
    table = sorted(((names[code], code, n) for code, n in counts.items()), key=lambda r: -r[2])
    return render(request, "coops/overview.html", {"svg": svg, "table": table})


def detail(request, slug):
    coop = get_object_or_404(queries.Cooperative, slug=slug)
    membership = active_membership(request.user, coop)
    board = (
        coop.memberships.filter(status=Membership.Status.ACTIVE)
        .exclude(role=Membership.Role.MEMBER)
        .select_related("person")
    )
    return render(
        request,
        "coops/detail.html",
        {
            "coop": coop,
            "membership": membership,
            "board": board,
            "can_edit": can_edit(request.user, coop),
            "can_manage": can_manage_members(request.user, coop),
            "active_members": coop.memberships.filter(status=Membership.Status.ACTIVE).count(),
            "sections": coop_sections(coop, request.user, timezone.now()),
        },
    )


@login_required
def create(request):
    form = CooperativeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        coop = actions.create_cooperative(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Your cooperative is registered. You are its administrator."))
        return redirect(coop)
    return render(request, "coops/coop_form.html", {"form": form, "is_new": True})


@login_required
def edit(request, slug):
    coop = get_coop(request.user, slug, need="edit")
    form = CooperativeForm(request.POST or None, instance=coop)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        actions.update_cooperative(coop=coop, actor=request.user, changes=changes)
        messages.success(request, _("The cooperative's details are saved."))
        return redirect(coop)
    return render(request, "coops/coop_form.html", {"form": form, "coop": coop})


@login_required
def members(request, slug):
    coop = get_coop(request.user, slug, need="member")
    return render(
        request,
        "coops/members.html",
        {
            "coop": coop,
            "memberships": queries.members(coop),
            "can_manage": can_manage_members(request.user, coop),
        },
    )


@login_required
def membership_edit(request, slug, pk):
    coop = get_coop(request.user, slug, need="manage")
    membership = get_object_or_404(Membership.objects.select_related("person"), coop=coop, pk=pk)
    if not can_grant_role(request.user, coop, membership.role):
        raise PermissionDenied
    form = MembershipForm(
        request.POST or None, initial={"role": membership.role, "status": membership.status}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.change_membership(
                membership=membership,
                actor=request.user,
                role=data["role"],
                status=data["status"],
                reason=data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The membership is updated."))
            return redirect("coops:members", slug=coop.slug)
    history = membership.changes.select_related("actor")
    return render(
        request,
        "coops/membership_form.html",
        {
            "coop": coop,
            "membership": membership,
            "form": form,
            "history": history,
        },
    )


@login_required
def history(request, slug):
    coop = get_coop(request.user, slug, need="member")
    changes = MembershipChange.objects.filter(membership__coop=coop).select_related(
        "membership__person", "actor"
    )
    page = Paginator(changes, 50).get_page(request.GET.get("page"))
    return render(request, "coops/history.html", {"coop": coop, "page": page})


@login_required
@require_POST
def leave(request, slug):
    coop = get_coop(request.user, slug, need="member")
    membership = active_membership(request.user, coop)
    if membership is None:
        raise PermissionDenied
    try:
        actions.leave_cooperative(membership=membership, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("You left %(coop)s.") % {"coop": coop.name})
    return redirect(coop)


@login_required
def invitations(request, slug):
    coop = get_coop(request.user, slug, need="manage")
    form = InvitationForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = actions.create_invitation(
                coop=coop,
                actor=request.user,
                email=data["email"] or "",
                role=data["role"],
                max_uses=data["max_uses"],
                days=data["days"],
                base_url=_base_url(request),
            )
        except ValidationError as error:
            form.add_error("role", error)
        else:
            if created.email:
                messages.success(
                    request,
                    _("The invitation is on its way to %(email)s.") % {"email": created.email},
                )
            form = InvitationForm()
    now = timezone.now()
    pending = [i for i in coop.invitations.all() if i.is_usable(now)]
    return render(
        request,
        "coops/invitations.html",
        {
            "coop": coop,
            "form": form,
            "pending": pending,
            "created": created,
            "base_url": _base_url(request),
        },
    )


@login_required
@require_POST
def invitation_revoke(request, slug, pk):
    coop = get_coop(request.user, slug, need="manage")
    invitation = get_object_or_404(Invitation, coop=coop, pk=pk)
    actions.revoke_invitation(invitation=invitation, actor=request.user)
    messages.success(request, _("The invitation is withdrawn."))
    return redirect("coops:invitations", slug=coop.slug)


@login_required
def join(request, token):
    invitation = Invitation.objects.select_related("coop").filter(token=token).first()
    is_usable = invitation is not None and invitation.is_usable(timezone.now())
    if request.method == "POST" and is_usable:
        assert invitation is not None
        try:
            actions.accept_invitation(token=token, person=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Welcome to %(coop)s!") % {"coop": invitation.coop.name})
            return redirect(invitation.coop)
    status = 200 if is_usable else 410
    return render(
        request,
        "coops/join.html",
        {"invitation": invitation, "is_usable": is_usable},
        status=status,
    )


@login_required
def import_members(request, slug):
    coop = get_coop(request.user, slug, need="manage")
    form = ImportForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = importer.parse(form.cleaned_data["file"].read())
            counts = actions.import_members(
                coop=coop, actor=request.user, rows=rows, base_url=_base_url(request)
            )
        except importer.ImportFileError as error:
            form.add_error("file", str(error))
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(
                request,
                _(
                    "Import done: %(created)s new people added, %(invited)s people already on "
                    "Minga invited to join, %(already)s already members."
                )
                % counts,
            )
            return redirect("coops:members", slug=coop.slug)
    return render(request, "coops/import.html", {"coop": coop, "form": form, "problems": problems})
