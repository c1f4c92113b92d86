"""Public profiles of people and cooperatives: verified credentials, the score and its JSON,
and the sections the apps above add (`registry.register_profile_section`)."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from minga.accounts.models import User
from minga.coops.models import Cooperative
from minga.identity.dids import coop_did

from . import profiles, registry, reputation
from .credential import absolute


def _person(pk: int) -> User:
    return get_object_or_404(User, pk=pk, is_active=True)


def person_subject(person: User) -> str:
    return absolute(reverse("credentials:person", args=[person.pk]))


def _sections(page: str, subject: Any) -> list[dict[str, Any]]:
    return [
        {"template": section.template, "rows": section.rows(subject)}
        for section in registry.profile_sections(page)
    ]


def _shows(rows: Any) -> bool:
    return rows.exists() if isinstance(rows, QuerySet) else bool(rows)


def person_profile(request, pk):
    person = _person(pk)
    items, document = profiles.person_document(person, person_subject(person))
    sections = _sections("person", person)
    if not (items or any(_shows(section["rows"]) for section in sections)):
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
            "sections": sections,
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
            "sections": _sections("coop", coop),
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
