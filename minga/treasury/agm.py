"""The AGM pack of a fiscal year as a PDF: the year's balance sheet, income statement, trial
balance and share register, with the chain head that ties them to the public log."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.template.loader import render_to_string

from . import reports
from .models import Books, FiscalYear, JournalEntry


def _refuse_fetching():
    """A fetcher that fetches nothing: the pack is self-contained, whatever it names."""
    from weasyprint.urls import URLFetcher

    class Nothing(URLFetcher):
        def fetch(self, url: str, headers: Any = None):
            raise ValueError(f"refused to fetch {url}")

    return Nothing()


def agm_pack_html(request, books: Books, year: FiscalYear) -> str:
    last = JournalEntry.objects.filter(fiscal_year=year).order_by("-number").first()
    tables = [
        reports.balance_sheet_table(books, year.end),
        reports.income_statement_table(books, year.start, year.end),
        reports.trial_balance_table(books, year.end)[0],
        reports.share_register_table(books, year.end),
    ]
    context = {"books": books, "year": year, "tables": tables, "last": last}
    return render_to_string("treasury/agm_pack.html", context, request=request)


def agm_pack_pdf(request, books: Books, year: FiscalYear) -> HttpResponse:
    from weasyprint import HTML

    html = agm_pack_html(request, books, year)
    pdf = HTML(string=html, url_fetcher=_refuse_fetching(), base_url="/").write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{books.coop.slug}-agm-{year.label.replace('/', '-')}.pdf"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
