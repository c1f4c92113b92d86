"""Numeric ids too large for any database column answer 404, on every URL and API operation.

Before, `POST /api/decisions/polls/9223372036854775808/ballots` ended in a 500: the number
reached the database driver. The walk below covers every `<int:...>` of the URLconf and
every integer path parameter of the JSON API, so a URL added later is covered too.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import IntConverter, get_converters
from django.urls.exceptions import Resolver404

from minga.core.ids import ID_MAX, BoundedIntConverter

LARGE = [2**63, 2**64]
SAMPLES = {
    "slug": "x",
    "str": "x",
    "path": "x",
    "uuidstr": "x",
    "uuid": "0" * 8 + "-0000" * 3 + "-" + "0" * 12,
}


def _routes(resolver=None, prefix=""):
    """Every route of the URLconf, as `(route, converters by name)`."""
    for entry in (resolver or get_resolver()).url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _routes(entry, route)
        elif isinstance(entry, URLPattern):
            yield route, entry.pattern.converters


def _int_routes():
    found = []
    for route, converters in _routes():
        if any(isinstance(c, IntConverter) for c in converters.values()):
            found.append(route)
    return found


def _fill(route: str, number: int) -> str:
    def value(match):
        kind = match.group(1) or "str"
        return str(number) if kind == "int" else SAMPLES.get(kind, "x")

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route).lstrip("^").rstrip("$")


def test_it_bounds_django_s_int_converter():
    # Fails loudly should Django change how `<int:...>` finds its converter.
    assert isinstance(get_converters()["int"], BoundedIntConverter)
    used = [c for _route, cs in _routes() for c in cs.values() if isinstance(c, IntConverter)]
    assert used and all(isinstance(c, BoundedIntConverter) for c in used)


def test_it_finds_urls_with_numeric_ids():
    routes = _int_routes()
    assert len(routes) > 20
    assert any("decisions/polls/<int:poll_id>/ballots" in route for route in routes)


@pytest.mark.parametrize("number", LARGE)
def test_it_matches_no_url_with_an_id_beyond_any_database_integer(number):
    for route in _int_routes():
        path = _fill(route, number)
        try:
            match = resolve(path)
        except Resolver404:
            continue
        # Another pattern may take the segment as text (a slug); it never gets such an int.
        assert all(not isinstance(v, int) or v <= ID_MAX for v in match.kwargs.values()), path


def test_it_still_matches_the_largest_id():
    match = resolve(f"/api/decisions/polls/{ID_MAX}/ballots")
    assert match.kwargs == {"poll_id": ID_MAX}


@pytest.mark.django_db
@pytest.mark.parametrize("number", LARGE)
def test_it_answers_404_on_every_url_with_a_numeric_id(owner_client, coop, number):
    owner_client.raise_request_exception = False
    for route in _int_routes():
        path = _fill(route, number)
        for method in (owner_client.get, owner_client.post):
            response = method(path)
            assert response.status_code == 404, (method.__name__, path, response.status_code)


@pytest.mark.django_db
@pytest.mark.parametrize("number", LARGE)
def test_it_answers_404_for_every_integer_path_parameter_of_the_api(member_client, coop, number):
    member_client.raise_request_exception = False
    paths = member_client.get("/api/openapi.json").json()["paths"]
    tried = 0
    for template, operations in paths.items():
        for method, operation in operations.items():
            params = operation.get("parameters", [])
            numeric = [
                p["name"]
                for p in params
                if p["in"] == "path" and p["schema"].get("type") == "integer"
            ]
            if not numeric:
                continue
            path = template
            for name in re.findall(r"{(\w+)}", template):
                path = path.replace(f"{{{name}}}", str(number) if name in numeric else "x")
            response = member_client.generic(
                method.upper(), path, '{"choice": {"choice": 0}}', content_type="application/json"
            )
            assert response.status_code == 404, (method, path, response.status_code)
            assert response["Content-Type"].startswith("application/json")
            tried += 1
    assert tried >= 4


@pytest.mark.django_db
@pytest.mark.parametrize("number", LARGE)
def test_it_answers_integer_query_parameters_of_the_api_without_a_server_error(client, number):
    client.raise_request_exception = False
    paths = client.get("/api/openapi.json").json()["paths"]
    for template, operations in paths.items():
        if "{" in template or "get" not in operations:
            continue
        for param in operations["get"].get("parameters", []):
            if param["in"] == "query" and param["schema"].get("type") == "integer":
                response = client.get(f"{template}?{param['name']}={number}")
                assert response.status_code in {404, 422}, (template, param["name"])
