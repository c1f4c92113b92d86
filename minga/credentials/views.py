"""Achievements, issuing, a credential's page, its JSON, printable form and PDF, status lists."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from minga import audit

from . import actions, paper, queries
from .credential import credential_url
from .forms import AchievementForm, IssueForm, StatusForm
from .models import Credential, StatusPurpose
from .permissions import can_issue, get_achievement, get_credential, get_issuer, is_holder

PER_PAGE = 50
JSON_LD = "application/ld+json"
JSON_TYPES = (JSON_LD, "application/vc+ld+json", "application/vc", "application/json")


@login_required
def mine(request):
    credentials = (
        Credential.objects.filter(recipient=request.user)
        .select_related("achievement", "coop")
        .prefetch_related("achievement__translations")
    )
    page = Paginator(credentials, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "credentials/credential_list.html", {"credentials": page})


@login_required
def achievement_list(request, slug):
    coop = get_issuer(request.user, slug)
    achievements = coop.achievements.prefetch_related("translations")
    issued = Paginator(
        coop.issued_credentials.select_related("achievement").prefetch_related(
            "achievement__translations"
        ),
        PER_PAGE,
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "credentials/achievement_list.html",
        {"coop": coop, "achievements": achievements, "issued": issued},
    )


def _achievement_form(request, coop, achievement=None):
    initial = AchievementForm.initial_for(achievement) if achievement else None
    form = AchievementForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {
            "name": data["name"],
            "description": data["description"],
            "criteria": data["criteria"],
            "achievement_type": data["achievement_type"],
            "language": data["language"],
            "translations": form.translations(),
            "alignments": form.alignments(),
            "image": data.get("image"),
        }
        try:
            if achievement is None:
                achievement = actions.define_achievement(coop=coop, actor=request.user, **fields)
            else:
                achievement = actions.update_achievement(
                    achievement=achievement,
                    actor=request.user,
                    is_active=data["is_active"],
                    **fields,
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("credentials:achievement", uuid=achievement.uuid)
    return render(
        request,
        "credentials/achievement_form.html",
        {"coop": coop, "form": form, "achievement": achievement},
    )


@login_required
def achievement_create(request, slug):
    return _achievement_form(request, get_issuer(request.user, slug))


@login_required
def achievement_edit(request, uuid):
    achievement = get_achievement(request.user, uuid, manage=True)
    return _achievement_form(request, achievement.coop, achievement)


def achievement_detail(request, uuid):
    achievement = get_achievement(request.user, uuid)
    return render(
        request,
        "credentials/achievement_detail.html",
        {
            "achievement": achievement,
            "text": achievement.in_language(get_language()),
            "alignments": achievement.alignments.all(),
            "can_issue": can_issue(request.user, achievement.coop),
        },
    )


@require_GET
@cache_control(public=True, max_age=86400)
def achievement_image(request, uuid):
    achievement = get_achievement(request.user, uuid)
    if not achievement.image.name:  # what a FieldFile's truth means
        raise Http404
    extension = achievement.image.name.rsplit(".", 1)[-1].lower()
    content_type = "image/png" if extension == "png" else "image/jpeg"
    with achievement.image.open("rb") as handle:
        return HttpResponse(handle.read(), content_type=content_type)


@login_required
def achievement_issue(request, uuid):
    achievement = get_achievement(request.user, uuid, manage=True)
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            credential = actions.issue_credential(
                achievement=achievement,
                recipient_email=data["email"] or None,
                recipient_phone=data["phone"] or None,
                recipient_name=data["name"],
                valid_until=data["valid_until"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Credential issued and signed."))
            return redirect(credential_path(credential))
    return render(
        request, "credentials/achievement_issue.html", {"achievement": achievement, "form": form}
    )


def identity_page(did: object) -> str:
    """The page of the cooperative a DID of this instance names (`did:web:<host>:coops:<slug>`),
    for people, who are better served by it than by its `did.json`; "" for any other DID."""
    from minga.coops.models import Cooperative
    from minga.identity import dids

    path = dids.local_path(did) if isinstance(did, str) and did.startswith("did:web:") else None
    if not path or len(path) != 2 or path[0] != "coops":
        return ""
    coop = Cooperative.objects.filter(slug=path[1]).only("slug").first()
    return coop.get_absolute_url() if coop else ""


def credential_path(credential: Credential) -> str:
    from django.urls import reverse

    return reverse("credentials:detail", args=[credential.uuid])


def wants_json(request) -> bool:
    """A program asking for JSON (`?format=json`, or a JSON type and no HTML in its Accept
    header) rather than a person's browser."""
    if request.GET.get("format") == "json":
        return True
    accept = request.headers.get("Accept", "")
    return any(kind in accept for kind in JSON_TYPES) and "text/html" not in accept


def credential_detail(request, uuid):
    """The credential's own URL (its `id`): a page for people, the document for programs."""
    credential = get_credential(request.user, uuid)
    if wants_json(request):
        response = _document_response(credential)
        patch_vary_headers(response, ["Accept"])  # one URL, a page or the document
        return response
    context = paper.context(request, credential)
    context["is_holder"] = is_holder(request.user, credential)
    context["issuer_page"] = identity_page(context["issuer"].get("id"))
    context["issuance"] = next(
        audit.entries(kind="credential.issue", subject_prefix=f"credential:{credential.uuid}"),
        None,
    )
    response = render(request, "credentials/credential_detail.html", context)
    patch_vary_headers(response, ["Accept"])
    return response


def _withheld_response(credential: Credential) -> HttpResponse:
    """410 Gone for a document no longer served (see `Credential.is_withheld`), naming its
    replacement when there is one."""
    body = {"id": credential_url(credential.uuid), "status": credential.status}
    if credential.replaced_by is not None:  # no query without an id
        body["replacedBy"] = credential_url(credential.replaced_by.uuid)
    response = JsonResponse(body, status=410)
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _document_response(credential: Credential, *, download: bool = False) -> HttpResponse:
    if credential.is_withheld:
        return _withheld_response(credential)
    response = HttpResponse(credential.document, content_type=f"{JSON_LD}; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    if download:
        response["Content-Disposition"] = (
            f'attachment; filename="credential-{credential.uuid}.json"'
        )
    return response


@require_GET
def credential_json(request, uuid):
    return _document_response(get_credential(request.user, uuid), download=True)


@require_GET
def credential_print(request, uuid):
    credential = get_credential(request.user, uuid)
    return render(request, "credentials/credential_print.html", paper.context(request, credential))


@require_GET
def credential_pdf(request, uuid):
    credential = get_credential(request.user, uuid)
    response = HttpResponse(paper.pdf(request, credential), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{credential.uuid}.pdf"'
    return response


CHANGES = {
    "revoke": actions.revoke_credential,
    "suspend": actions.suspend_credential,
    "reinstate": actions.reinstate_credential,
}


@login_required
def credential_status(request, uuid, change):
    credential = get_credential(request.user, uuid, manage=True)
    if change not in CHANGES:
        raise Http404
    form = StatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            CHANGES[change](
                credential=credential, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Done: the status list was signed again."))
            return redirect(credential_path(credential))
    return render(
        request,
        "credentials/credential_status.html",
        {"credential": credential, "change": change, "form": form},
    )


@require_GET
@cache_control(public=True, max_age=300)
def status_list(request, slug, purpose, number):
    """A cooperative's signed `BitstringStatusListCredential`, cacheable for five minutes."""
    if purpose not in StatusPurpose.values:
        raise Http404
    document = queries.signed_status_list(slug, purpose, number)
    if document is None:
        raise Http404
    response = HttpResponse(document, content_type=f"{JSON_LD}; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response
