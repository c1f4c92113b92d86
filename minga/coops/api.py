from typing import cast

from django.shortcuts import get_object_or_404
from django_countries import countries
from django_countries.fields import Country
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from minga.accounts.vocab import Language
from minga.core.api import Pages, documented

from . import queries
from .models import Cooperative, Sector

router = Router(tags=["cooperatives"])


class CoopOut(Schema):
    slug: str
    name: str
    country: str
    country_name: str
    region: str
    sector: Sector
    legal_form: str
    founded_year: int | None
    member_count: int | None
    website: str
    languages: list[str]
    description: str
    did: str

    @staticmethod
    def resolve_country(obj: Cooperative) -> str:
        return str(obj.country)

    @staticmethod
    def resolve_country_name(obj: Cooperative) -> str:
        # django-stubs types a CountryField as the CharField it extends; it holds a Country.
        return cast(Country, obj.country).name

    @staticmethod
    def resolve_did(obj: Cooperative, context) -> str:
        request = context["request"]
        host = request.get_host().replace(":", "%3A")
        return f"did:web:{host}:coops:{obj.slug}"


class Filters(Schema):
    q: str = Field("", max_length=100, description="Words in the name, region or description")
    country: str = Field("", max_length=2, description="ISO 3166-1 alpha-2 code")
    region: str = Field("", max_length=100)
    sector: Sector | None = None
    language: Language | None = Field(None, description="ISO 639-1 code")


class CountryOut(Schema):
    code: str
    name: str
    cooperatives: int


@router.get("/", response=list[CoopOut], summary="List cooperatives", openapi_extra=documented(422))
@paginate(Pages)
def list_coops(request, filters: Query[Filters]):
    return queries.directory(
        q=filters.q,
        country=filters.country.upper(),
        region=filters.region,
        sector=filters.sector or "",
        language=filters.language or "",
    ).only()


@router.get("/countries", response=list[CountryOut], summary="Cooperatives per country")
def list_countries(request):
    return [
        {"code": code, "name": countries.name(code), "cooperatives": n}
        for code, n in queries.country_counts().items()
    ]


@router.get(
    "/{slug}",
    response=CoopOut,
    summary="One cooperative",
    openapi_extra=documented(404, s404="No cooperative has this slug"),
)
def get_coop(request, slug: str):
    return get_object_or_404(Cooperative, slug=slug)
