"""Reconciliation pages: who sees and does what (treasurer, checker, supervisory committee,
member, outsider, nobody), the import's progress without JavaScript, bad input refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minga.treasury import reconciliation
from minga.treasury.models import ReconciliationException, StatementImport, StatementSource
from minga.treasury.tests.conftest import TODAY
from minga.treasury.tests.test_views_access import PERSONAS, as_persona, check, expected

pytestmark = pytest.mark.django_db

OFFICERS = {"treasurer", "checker", "supervisor"}
RESOLVERS = {"checker", "supervisor"}
CSV = (
    "Receipt No.,Completion Time,Details,Transaction Status,Paid In,Withdrawn,Balance\n"
    "RCP0000001,2026-03-16 10:00:00,Pay Bill,Completed,15.00,,0\n"
    "RCP0000002,2026-03-16 10:00:00,Pay Bill,Completed,abc,,0\n"
)


@pytest.fixture
def statement(books, treasurer):
    from django.core.files.base import ContentFile

    found = reconciliation.start_import(
        books=books, actor=treasurer, upload=ContentFile(CSV.encode(), name="s.csv"),
        format="mpesa",
    )  # fmt: skip
    reconciliation.run_import.call(found.pk)
    return found


@pytest.fixture
def exception(books):
    return ReconciliationException.objects.create(
        coop=books.coop, day=TODAY, kind="receipt-without-entry", key="receipt:RCP0000001",
        reference="RCP0000001", amount=1500,
    )  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "page", ["statement-imports", "statement-sources", "reconciliation-exceptions"]
)
def test_it_shows_the_reconciliation_to_officers_only(client, request, books, persona, page):
    response = as_persona(client, request, persona).get(
        reverse(f"treasury:{page}", args=[books.coop.slug])
    )
    check(response.status_code, expected(persona, OFFICERS))


@pytest.mark.parametrize("persona", PERSONAS)
def test_it_shows_an_import_to_officers_only(client, request, books, statement, persona):
    url = reverse("treasury:statement-import", args=[books.coop.slug, statement.pk])
    response = as_persona(client, request, persona).get(url)
    check(response.status_code, expected(persona, OFFICERS))


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_committee_and_the_board_resolve(client, request, books, exception, persona):
    url = reverse("treasury:reconciliation-resolve", args=[books.coop.slug, exception.pk])
    response = as_persona(client, request, persona).post(url, {"reason": "Booked late, checked."})
    want = expected(persona, RESOLVERS)
    if persona in RESOLVERS:
        assert response.status_code == 302
    else:
        check(response.status_code, 403 if persona == "treasurer" else want)
    exception.refresh_from_db()
    assert exception.is_open == (persona not in RESOLVERS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_treasurer_writes_rules(client, request, books, persona):
    url = reverse("treasury:statement-sources", args=[books.coop.slug])
    data = {"name": "Bank", "account_role": "bank", "receipt_column": "Ref",
            "date_column": "Date", "amount_column": "Amount", "skip": 0, "delimiter": ",",
            "decimal_mark": ".", "has_header": "on"}  # fmt: skip
    response = as_persona(client, request, persona).post(url, data)
    if persona == "treasurer":
        assert response.status_code == 302
    else:
        check(response.status_code, 403 if persona in OFFICERS else expected(persona, set()))
    assert StatementSource.objects.exists() == (persona == "treasurer")


def test_the_import_page_shows_progress_and_the_line_report(client, books, supervisor):
    client.force_login(supervisor)
    upload = SimpleUploadedFile("mpesa.csv", CSV.encode(), content_type="text/csv")
    response = client.post(
        reverse("treasury:statement-imports", args=[books.coop.slug]),
        {"statement": upload, "format": "mpesa"},
    )
    statement = StatementImport.objects.get()
    assert response.url == reverse(
        "treasury:statement-import", args=[books.coop.slug, statement.pk]
    )
    page = client.get(response.url).content.decode()
    assert '<progress id="progress" max="100" value="0">' in page
    assert 'http-equiv="refresh"' in page
    reconciliation.run_import.call(statement.pk)
    page = client.get(response.url + "?show=exceptions").content.decode()
    assert 'value="100"' in page and 'http-equiv="refresh"' not in page
    assert "Line 3: “abc” is not an amount in this currency" in page


@pytest.mark.parametrize("language", ["es", "fr", "pt-br"])
def test_bad_lines_are_explained_in_the_readers_language(books, statement, language):
    from django.utils import translation

    from minga.treasury.models import StatementLine
    from minga.treasury.reconciliation_views import line_reason

    line = StatementLine.objects.get(statement=statement, number=3)
    english = line_reason(line, books.currency)
    with translation.override(language):
        translated = line_reason(line, books.currency)
    assert "abc" in translated and translated != english


def test_a_resolution_needs_a_reason(client, books, exception, supervisor):
    client.force_login(supervisor)
    url = reverse("treasury:reconciliation-resolve", args=[books.coop.slug, exception.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 400
    exception.refresh_from_db()
    assert exception.is_open


def test_the_exceptions_list_describes_each_one(client, books, exception, treasurer):
    client.force_login(treasurer)
    page = client.get(reverse("treasury:reconciliation-exceptions", args=[books.coop.slug]))
    text = page.content.decode()
    assert "Receipt RCP0000001 for 15.00 is on the statement, not in the books." in text
    assert "Resolve</a>" not in text  # the treasurer explains, does not close
