"""Shared pieces of the JSON API: bounded pages and documented error answers."""

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination

ERROR_TEXTS = {
    404: "Nothing has this identifier",
    422: "A filter or page value is invalid",
}


class Pages(LimitOffsetPagination):
    """At most 100 items at a time, from an offset a database integer can hold."""

    class Input(Schema):
        limit: int = Field(20, ge=1, le=100)
        offset: int = Field(0, ge=0, le=1_000_000_000)


def documented(*statuses: int, **texts: str) -> dict:
    """Statuses ninja answers on its own (404 from Http404, 422 for bad input), for the docs.

    `texts` overrides a description by status, e.g. `documented(404, s404="No such event")`.
    """
    return {
        "responses": {
            str(status): {"description": texts.get(f"s{status}", ERROR_TEXTS[status])}
            for status in statuses
        }
    }
