"""Public JSON for accepted needs: the catalogue teams read before an event."""

import datetime
from typing import cast

from django.http import Http404
from django.shortcuts import get_object_or_404
from django_countries.fields import Country
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from minga.coops.models import Sector
from minga.core.api import Pages, documented

from . import queries
from .models import Need, NeedDocument, Theme
from .regions import WorldRegion

router = Router(tags=["needs"])


class CoopRef(Schema):
    slug: str
    name: str


class TranslationOut(Schema):
    language: str
    title: str
    affected: str
    scenario: str
    problem: str
    why_now: str
    how_might_we: str
    current_practice: str
    tried_before: str
    constraints: str
    scope: str
    examples: str
    success: str
    adopter: str


class DocumentOut(Schema):
    title: str
    description: str
    licence: str
    sensitivity: str
    url: str = Field(description="Only for public documents; empty otherwise")

    @staticmethod
    def resolve_url(obj: NeedDocument) -> str:
        return obj.url if obj.is_shareable else ""


class PersonOut(Schema):
    name: str
    timezone: str
    hours: str


class NeedSummaryOut(Schema):
    id: int
    title: str
    how_might_we: str
    theme: str
    coop: CoopRef
    country: str
    country_name: str
    region: str
    world_region: WorldRegion
    sector: Sector
    language: str
    translations: list[str] = Field(description="Languages this need is translated into")
    accepted_at: datetime.datetime | None

    @staticmethod
    def resolve_country(obj: Need) -> str:
        return str(obj.country)

    @staticmethod
    def resolve_country_name(obj: Need) -> str:
        # django-stubs types a CountryField as the CharField it extends; it holds a Country.
        return cast(Country, obj.country).name

    @staticmethod
    def resolve_translations(obj: Need) -> list[str]:
        return [row.language for row in obj.translations.all()]

    @staticmethod
    def resolve_accepted_at(obj: Need) -> datetime.datetime | None:
        return obj.decided_at


class NeedOut(NeedSummaryOut):
    affected: str
    devices: list[str]
    connectivity: str
    literacy: str
    scenario: str
    problem: str
    why_now: str
    current_practice: str
    tried_before: str
    constraint_kinds: list[str]
    constraints: str
    budget: str
    scope: str
    examples: str
    answer_kinds: list[str]
    success: str
    documents: list[DocumentOut]
    owner: PersonOut | None
    expert: PersonOut | None
    members_can_test: bool
    adopter: str
    follow_on: str
    licences: list[str] = Field(description="SPDX identifiers the cooperative accepts")
    translated: list[TranslationOut] = Field(description="The need's texts in other languages")

    @staticmethod
    def resolve_documents(obj: Need):
        return obj.documents.all()

    @staticmethod
    def resolve_owner(obj: Need):
        if obj.owner is None:
            return None
        return {"name": obj.owner.name, "timezone": obj.owner_timezone, "hours": obj.owner_hours}

    @staticmethod
    def resolve_expert(obj: Need):
        if not obj.expert_name:
            return None
        return {"name": obj.expert_name, "timezone": obj.expert_timezone, "hours": obj.expert_hours}

    @staticmethod
    def resolve_translated(obj: Need):
        return obj.translations.all()


# Text a database accepts: PostgreSQL refuses NUL characters in strings.
TEXT = r"^[^\x00]*$"
BIGINT_MAX = 2**63 - 1


class Filters(Schema):
    q: str = Field(
        "", max_length=100, pattern=TEXT, description="Words in the title, problem or question"
    )
    theme: Theme | None = None
    world_region: WorldRegion | None = None
    country: str = Field("", max_length=2, pattern=TEXT, description="ISO 3166-1 alpha-2 code")
    region: str = Field(
        "", max_length=100, pattern=TEXT, description="The cooperative's province or region"
    )
    sector: Sector | None = None


def _documented(*statuses: int) -> dict:
    return documented(*statuses, s404="No accepted need has this id")


@router.get(
    "/",
    response=list[NeedSummaryOut],
    summary="List accepted needs",
    openapi_extra=_documented(422),
)
@paginate(Pages)
def list_needs(request, filters: Query[Filters]):
    return queries.catalogue(
        q=filters.q,
        theme=filters.theme or "",
        world_region=filters.world_region or "",
        country=filters.country.upper(),
        region=filters.region,
        sector=filters.sector or "",
    ).prefetch_related("translations")


@router.get(
    "/{need_id}",
    response=NeedOut,
    summary="One accepted need, with its translations",
    openapi_extra=_documented(404, 422),
)
def get_need(request, need_id: int):
    if not 0 < need_id <= BIGINT_MAX:
        raise Http404
    return get_object_or_404(
        Need.objects.accepted()
        .select_related("coop", "owner")
        .prefetch_related("documents", "translations"),
        pk=need_id,
    )
