"""The JSON API against its own OpenAPI document: generated requests, no server errors.

Schemathesis reads /api/openapi.json from the application in-process and lets Hypothesis
generate requests for every operation; each answer must not be a server error, must have
the documented content type and, when documented, match the response schema.

Inputs the fuzzer once found ending in a 500 (64-bit overflows of page values, NUL
characters on PostgreSQL, undocumented statuses) keep a test of their own below.
"""

import pytest
import schemathesis
from django.conf import settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from minga.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)

IS_POSTGRES = "postgresql" in settings.DATABASES["default"]["ENGINE"]
BIGINT_MAX = 2**63 - 1
CHECKS = [not_a_server_error, content_type_conformance, response_schema_conformance]


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
@hypothesis_settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
def test_it_answers_generated_requests_without_server_errors(case, coop):
    # GZipMiddleware compresses JSON; the in-process WSGI client would not undo it.
    case.call_and_validate(headers={"Accept-Encoding": "identity"}, checks=CHECKS)


def _get(client, url):
    client.raise_request_exception = False
    return client.get(url)


@pytest.mark.django_db
@pytest.mark.parametrize("param", ["limit", "offset"])
def test_it_rejects_a_page_beyond_64_bits_without_a_server_error(client, coop, param):
    response = _get(client, f"/api/coops/?{param}={BIGINT_MAX + 1}")
    assert response.status_code < 500


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/coops/?q=a%00b",
        "/api/coops/?region=%00",
        "/api/coops/?country=%00",
        "/api/coops/a%00b",
    ],
)
def test_it_answers_a_nul_character_without_a_server_error(client, coop, url):
    response = _get(client, url)
    assert response.status_code < 500


@pytest.mark.django_db
def test_it_documents_every_status_it_answers(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "404" in paths["/api/coops/{slug}"]["get"]["responses"]
    assert "422" in paths["/api/coops/"]["get"]["responses"]
