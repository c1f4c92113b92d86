import zoneinfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minga.accounts.vocab import Language
from minga.core.cache import public_page

from . import actions, permissions, queries
from .forms import (
    STEPS,
    CatalogueFilterForm,
    CommentForm,
    DocumentFormSet,
    NewNeedForm,
    ReviewForm,
    TranslationForm,
)
from .models import Need, NeedTranslation

PAGE_SIZE = 20


@public_page(queries.generation)
def catalogue(request):
    form = CatalogueFilterForm(
        request.GET or None,
        present_countries=queries.present_countries(),
        present_regions=queries.present_regions(),
    )
    filters = form.cleaned_data if form.is_valid() else {}
    needs = queries.catalogue(**{key: value for key, value in filters.items() if value})
    needs = needs.prefetch_related(
        Prefetch(
            "translations",
            queryset=NeedTranslation.objects.filter(language=get_language()),
            to_attr="local",
        )
    )
    page = Paginator(needs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "challenges/need_list.html",
        {"form": form, "page": page, "is_filtered": any(filters.values()) if filters else False},
    )


@public_page(queries.generation)
def detail(request, pk):
    need = get_object_or_404(Need.objects.select_related("coop", "owner"), pk=pk)
    if not permissions.can_view(request.user, need):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied
    texts, shown = _texts(need, _language(request.GET.get("lang")) or get_language())
    can_comment = permissions.can_comment(request.user, need)
    return render(
        request,
        "challenges/need_detail.html",
        {
            "need": need,
            "texts": texts,
            "shown": shown,
            "languages": [(need.language, need.get_language_display())]
            + [(t.language, t.get_language_display()) for t in need.translations.all()],
            "documents": need.documents.all(),
            "thread": queries.thread(need) if can_comment else None,
            "comment_form": CommentForm() if can_comment else None,
            "review_form": ReviewForm() if permissions.can_review(request.user, need) else None,
            "can_edit": permissions.can_edit(request.user, need),
            "can_translate": permissions.can_translate(request.user, need),
        },
    )


def _language(code: str | None) -> str:
    """`code` if it names a language needs may be written in, else empty."""
    return code if code in Language.values else ""


def _texts(need: Need, language: str) -> tuple[dict, NeedTranslation | None]:
    """The need's texts in `language` when a translation exists, else the original.

    A field the translator left empty shows the original text.
    """
    if language == need.language:
        return {name: getattr(need, name) for name in Need.TRANSLATED_FIELDS}, None
    shown = queries.translation(need, language)
    if shown is None:
        return {name: getattr(need, name) for name in Need.TRANSLATED_FIELDS}, None
    return {
        name: getattr(shown, name) or getattr(need, name) for name in Need.TRANSLATED_FIELDS
    }, shown


@login_required
def mine(request):
    needs = queries.for_person(request.user)
    queue = queries.review_queue() if permissions.is_organiser(request.user) else None
    return render(request, "challenges/need_mine.html", {"needs": needs, "queue": queue})


@login_required
def create(request):
    form = NewNeedForm(
        request.POST or None,
        person=request.user,
        initial={"language": request.user.preferred_language},
    )
    coops = form.coops
    form.initial["coop"] = coops.filter(slug=request.GET.get("coop", "")).first()
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "coop"}
        need = actions.create_need(
            coop=form.cleaned_data["coop"], actor=request.user, fields=fields
        )
        messages.success(request, _("Your draft is saved. Carry on when you like."))
        return redirect(_after_save(request, need, step=1))
    return render(
        request,
        "challenges/need_form.html",
        {
            "form": form,
            "steps": STEPS,
            "step": STEPS[0],
            "is_new": True,
            "has_coops": coops.exists(),
        },
    )


@login_required
def edit(request, pk, step):
    need = permissions.get_need(request.user, pk, right="view")
    if not permissions.is_coop_member(request.user, need):
        raise PermissionDenied
    if not 1 <= step <= len(STEPS):
        raise Http404
    if not need.is_editable:
        messages.info(request, _("This need is no longer a draft: it cannot be edited."))
        return redirect(need)
    current = STEPS[step - 1]
    form = current.form_class(request.POST or None, instance=need)
    documents = None
    if current.has_documents:
        documents = DocumentFormSet(request.POST or None, instance=need, prefix="documents")
    if request.method == "POST" and form.is_valid() and (documents is None or documents.is_valid()):
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            actions.save_need_draft(
                need=need,
                actor=request.user,
                changes=changes,
                documents=_document_rows(documents) if documents is not None else None,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your draft is saved."))
            return redirect(_after_save(request, need, step=step))
    return render(
        request,
        "challenges/need_form.html",
        {
            "form": form,
            "documents": documents,
            "need": need,
            "steps": STEPS,
            "step": current,
            "timezones": sorted(zoneinfo.available_timezones()) if documents else (),
        },
    )


def _document_rows(formset) -> list[dict]:
    rows = []
    for form in formset.forms:
        if form in formset.deleted_forms or not form.cleaned_data:
            continue
        row = {name: form.cleaned_data.get(name) for name in actions.DOCUMENT_FIELDS}
        row["id"] = form.instance.pk
        rows.append(row)
    return rows


def _after_save(request, need: Need, *, step: int) -> str:
    """ "Save and continue" goes to the next step (then to the check before submitting)."""
    if "continue" not in request.POST:
        return reverse("challenges:edit", args=[need.pk, step])
    if step < len(STEPS):
        return reverse("challenges:edit", args=[need.pk, step + 1])
    return reverse("challenges:submit", args=[need.pk])


@login_required
def submit(request, pk):
    need = permissions.get_need(request.user, pk, right="view")
    if not permissions.is_coop_member(request.user, need):
        raise PermissionDenied
    if not need.can_move_to(Need.Status.SUBMITTED):
        messages.error(request, _("This need has been submitted already."))
        return redirect(need)
    if request.method == "POST":
        try:
            actions.submit_need(need=need, actor=request.user)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                messages.error(request, _("Some answers are still missing: see the list below."))
            else:
                messages.error(request, " ".join(error.messages))
                return redirect(need)
        else:
            messages.success(request, _("Your need is submitted. The organisers will reply."))
            return redirect(need)
    missing = need.missing_for_submission()
    by_step = [
        (step, [message for name, message in missing.items() if name in step.fields])
        for step in STEPS
    ]
    return render(
        request,
        "challenges/need_submit.html",
        {
            "need": need,
            "missing": missing,
            "by_step": [(step, messages) for step, messages in by_step if messages],
            "can_submit": permissions.can_submit(request.user, need),
        },
    )


@login_required
@require_POST
def review(request, pk):
    need = permissions.get_need(request.user, pk, right="review")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:  # an ErrorList yields the messages
                messages.error(request, str(error))
        return redirect(need)
    decision, message = form.cleaned_data["decision"], form.cleaned_data["message"]
    try:
        if decision == Need.Status.ACCEPTED:
            actions.accept_need(need=need, actor=request.user, message=message)
        elif decision == Need.Status.DECLINED:
            actions.decline_need(need=need, actor=request.user, reason=message)
        else:
            actions.request_changes(need=need, actor=request.user, message=message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your decision is recorded and the cooperative is told."))
    return redirect(need)


@login_required
@require_POST
def comment(request, pk):
    need = permissions.get_need(request.user, pk, right="comment")
    form = CommentForm(request.POST)
    if form.is_valid():
        actions.add_comment(need=need, actor=request.user, body=form.cleaned_data["body"])
        messages.success(request, _("Your message is posted."))
    else:
        messages.error(request, _("Write a message first."))
    return redirect(f"{need.get_absolute_url()}#thread")


@login_required
def translate(request, pk):
    need = permissions.get_need(request.user, pk, right="translate")
    language = _language(request.POST.get("language") or request.GET.get("language"))
    existing = need.translations.filter(language=language).first()
    form = TranslationForm(
        request.POST or None, instance=existing or NeedTranslation(need=need), need=need
    )
    if language and not request.POST:
        form.initial["language"] = language
    if request.method == "POST" and form.is_valid():
        texts = {name: form.cleaned_data[name] for name in Need.TRANSLATED_FIELDS}
        try:
            actions.translate_need(
                need=need, actor=request.user, language=form.cleaned_data["language"], texts=texts
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: the translation is saved."))
            language = form.cleaned_data["language"]
            return redirect(f"{need.get_absolute_url()}?lang={language}")
    originals = [(form[name], getattr(need, name)) for name in Need.TRANSLATED_FIELDS]
    return render(
        request,
        "challenges/need_translate.html",
        {"need": need, "form": form, "originals": originals},
    )
