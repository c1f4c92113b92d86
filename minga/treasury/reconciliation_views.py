"""Reconciliation pages: statements imported with their progress and per-line report, the
rules that read other sources, and the exceptions list where the supervisory committee (or
the board) resolves each one with a reason. Every page works without JavaScript: the import's
page refreshes itself while the statement is read (a <meta> refresh and a link)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import money, permissions, reconciliation
from .models import ReconciliationException, StatementImport, StatementLine, StatementSource

PAGE = 100  # lines of a report per page

LINE_REASONS = {
    "matched": gettext_lazy("Matched"),
    reconciliation.RECEIPT_WITHOUT_ENTRY: gettext_lazy("Receipt without an entry in the books"),
    reconciliation.AMOUNT_DIFFERS: gettext_lazy("The books have another amount: %(value)s"),
    reconciliation.DUPLICATE: gettext_lazy("Receipt already on line %(value)s"),
    "failed": gettext_lazy("Failed transaction: no money moved"),
    "charge": gettext_lazy("Provider's charge"),
    "columns": gettext_lazy("Line %(number)s has %(value)s columns, fewer than the header"),
    "receipt": gettext_lazy("Line %(number)s has no transaction id"),
    "date": gettext_lazy("Line %(number)s: “%(value)s” is not a date in the expected format"),
    "amount": gettext_lazy("Line %(number)s: “%(value)s” is not an amount in this currency"),
}

KINDS = {
    reconciliation.RECEIPT_WITHOUT_ENTRY: gettext_lazy("Receipt without an entry"),
    reconciliation.AMOUNT_DIFFERS: gettext_lazy("Amounts differ"),
    reconciliation.DUPLICATE: gettext_lazy("Duplicate"),
    reconciliation.ENTRY_NOT_ON_STATEMENT: gettext_lazy("Entry not on the statement"),
    reconciliation.ENTRY_WITHOUT_REFERENCE: gettext_lazy("Entry without a provider reference"),
    reconciliation.NEAR_THRESHOLD: gettext_lazy("Just under an approval threshold"),
    reconciliation.AGENT_SHORTFALL: gettext_lazy("Agent's shortfall"),
}

IMPORT_ERRORS = {
    "columns": gettext_lazy(
        "The statement has no transaction id, date or amount column: check its format or "
        "the source's rules."
    ),
    "csv": gettext_lazy("This file is not a CSV file Minga can read."),
    "internal": gettext_lazy("The statement could not be read. Try again, or tell the platform."),
}


def line_reason(line: StatementLine, currency: str) -> str:
    key = line.reason or "matched"
    text = LINE_REASONS.get(key)
    if text is None:
        return key
    value = line.value
    if key == reconciliation.AMOUNT_DIFFERS:
        value = money.format_amount(int(value or 0), currency)
    return str(text) % {"number": line.number, "value": value}


DESCRIPTIONS = {
    reconciliation.RECEIPT_WITHOUT_ENTRY: gettext_lazy(
        "Receipt %(reference)s for %(amount)s is on the statement, not in the books."
    ),
    reconciliation.AMOUNT_DIFFERS: gettext_lazy(
        "Receipt %(reference)s: the statement says %(amount)s, the books %(books)s."
    ),
    reconciliation.DUPLICATE: gettext_lazy(
        "Receipt %(reference)s is on lines %(first)s and %(line)s of a statement."
    ),
    reconciliation.ENTRY_NOT_ON_STATEMENT: gettext_lazy(
        "Entry %(entry)s (%(reference)s, %(amount)s) is on no statement line."
    ),
    reconciliation.ENTRY_WITHOUT_REFERENCE: gettext_lazy(
        "Entry %(entry)s moved %(amount)s of mobile money without a provider reference."
    ),
    reconciliation.NEAR_THRESHOLD: gettext_lazy(
        "Entry %(entry)s paid out %(amount)s, just under the approval threshold of %(threshold)s."
    ),
    reconciliation.AGENT_SHORTFALL: gettext_lazy(
        "Agent %(agent)s: %(expected)s expected, %(counted)s counted."
    ),
}


def describe(exception: ReconciliationException, currency: str) -> str:
    """What the exception is about, in the reader's language."""
    detail = exception.detail or {}

    def amount(value) -> str:
        return money.format_amount(int(value or 0), currency)

    text = DESCRIPTIONS.get(exception.kind)
    if text is None:  # a registered source's own kind
        return "; ".join(f"{key}: {value}" for key, value in sorted(detail.items()))
    return str(text) % {
        "reference": exception.reference,
        "amount": amount(exception.amount),
        "entry": exception.entry_id or "",
        "books": amount(detail.get("books")),
        "first": detail.get("first", ""),
        "line": detail.get("line", ""),
        "threshold": amount(detail.get("threshold")),
        "agent": detail.get("agent", exception.reference),
        "expected": amount(detail.get("expected")),
        "counted": amount(detail.get("counted")),
    }


class ImportForm(forms.Form):
    statement = forms.FileField(label=gettext_lazy("Statement (CSV)"))
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=[])

    def __init__(self, *args, sources=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            ("mpesa", StatementImport.Format.MPESA.label),
            ("momo", StatementImport.Format.MOMO.label),
        ]
        choices += [(f"source:{s.pk}", s.name) for s in sources]
        field = self.fields["format"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


@login_required
def statement_imports(request, slug):
    """The statements imported, and a form to import one (read in the background)."""
    books = permissions.get_books(request.user, slug, need="read")
    sources = list(StatementSource.objects.filter(coop=books.coop))
    form = ImportForm(request.POST or None, request.FILES or None, sources=sources)
    if request.method == "POST" and form.is_valid():
        kind, _sep, pk = form.cleaned_data["format"].partition(":")
        source = next((s for s in sources if str(s.pk) == pk), None)
        try:
            statement = reconciliation.start_import(
                books=books, actor=request.user, upload=form.cleaned_data["statement"],
                format="rules" if kind == "source" else kind, source=source,
            )  # fmt: skip
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            return redirect("treasury:statement-import", slug, statement.pk)
    imports = StatementImport.objects.filter(coop=books.coop)[:50]
    context = {"books": books, "form": form, "imports": imports}
    return render(
        request, "treasury/statement_imports.html", context, status=400 if form.errors else 200
    )


@login_required
def statement_import(request, slug, pk):
    """An import's progress while it is read, then its report line by line (exceptions only
    with ?show=exceptions), a page of lines at a time from the line ?after=N."""
    books = permissions.get_books(request.user, slug, need="read")
    statement = get_object_or_404(StatementImport, coop=books.coop, pk=pk)
    only_exceptions = request.GET.get("show") == "exceptions"
    try:
        after = max(0, int(request.GET.get("after", "0")))
    except ValueError:
        after = 0
    lines = StatementLine.objects.filter(statement=statement, number__gt=after)
    if only_exceptions:
        lines = lines.filter(status=StatementLine.Status.EXCEPTION)
    page = list(lines.order_by("number")[: PAGE + 1])
    more = page[PAGE].number - 1 if len(page) > PAGE else None
    rows = [(line, line_reason(line, books.currency)) for line in page[:PAGE]]
    context = {
        "books": books,
        "statement": statement,
        "rows": rows,
        "more": page[PAGE - 1].number if more is not None else None,
        "only_exceptions": only_exceptions,
        "error": IMPORT_ERRORS.get(statement.error, "") if statement.error else "",
    }
    return render(request, "treasury/statement_import.html", context)


class SourceForm(forms.ModelForm):
    class Meta:
        model = StatementSource
        fields = ["name", *reconciliation.SOURCE_FIELDS]
        help_texts = {
            "receipt_column": gettext_lazy(
                "The column's name in the header, or its number (1 is the first)."
            ),
            "date_format": format_lazy(
                gettext_lazy("{pattern} reads 16/03/2026; leave empty for 2026-03-16."),
                pattern="%d/%m/%Y",
            ),
        }


@login_required
def statement_sources(request, slug):
    """The cooperative's rules for reading other sources' statements; the treasurer adds them."""
    books = permissions.get_books(request.user, slug, need="read")
    can_edit = permissions.can_keep_books(request.user, books.coop)
    form = SourceForm(request.POST or None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            values = {f: form.cleaned_data[f] for f in reconciliation.SOURCE_FIELDS}
            try:
                reconciliation.save_source(
                    coop=books.coop, actor=request.user, name=form.cleaned_data["name"], **values
                )
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The source's rules are saved."))
                return redirect("treasury:statement-sources", slug)
    sources = StatementSource.objects.filter(coop=books.coop)
    context = {"books": books, "form": form, "sources": sources, "can_edit": can_edit}
    return render(
        request, "treasury/statement_sources.html", context, status=400 if form.errors else 200
    )


@login_required
def reconciliation_exceptions(request, slug):
    """The exceptions found, open ones first (?status=resolved for the others)."""
    books = permissions.get_books(request.user, slug, need="read")
    resolved = request.GET.get("status") == "resolved"
    status = (
        ReconciliationException.Status.RESOLVED if resolved else ReconciliationException.Status.OPEN
    )
    found = ReconciliationException.objects.filter(coop=books.coop, status=status).select_related(
        "resolved_by"
    )[:300]
    rows = [(e, KINDS.get(e.kind, e.kind), describe(e, books.currency)) for e in found]
    context = {
        "books": books,
        "rows": rows,
        "resolved": resolved,
        "can_resolve": reconciliation.can_resolve(request.user, books.coop),
    }
    return render(request, "treasury/reconciliation_exceptions.html", context)


class ResolveForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("What was found, and what was done"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


@login_required
def reconciliation_resolve(request, slug, pk):
    """Resolve one exception, with the reason (the supervisory committee or the board)."""
    books = permissions.get_books(request.user, slug, need="read")
    if not reconciliation.can_resolve(request.user, books.coop):
        raise PermissionDenied
    exception = get_object_or_404(ReconciliationException, coop=books.coop, pk=pk)
    form = ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reconciliation.resolve_exception(
                exception=exception, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The exception is resolved."))
            return redirect("treasury:reconciliation-exceptions", slug)
    context = {
        "books": books,
        "exception": exception,
        "kind": KINDS.get(exception.kind, exception.kind),
        "text": describe(exception, books.currency),
        "form": form,
    }
    return render(
        request, "treasury/reconciliation_resolve.html", context, status=400 if form.errors else 200
    )
