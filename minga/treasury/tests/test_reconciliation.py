"""Three-way reconciliation: statements imported line by line, exceptions found between the
statements, the books and the registered sources (agents), all of them and nothing else."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from minga.channels.payments import statements
from minga.treasury import actions, approvals, reconciliation
from minga.treasury.models import ReconciliationException, StatementImport, StatementLine
from minga.treasury.tests.conftest import TODAY, post_approved

pytestmark = pytest.mark.django_db

HEADER = "Receipt No.,Completion Time,Details,Transaction Status,Paid In,Withdrawn,Balance\n"


def receipt(n: int) -> str:
    return f"RCP{n:07d}"


def row(code: str, amount: int, day=TODAY, details="Pay Bill", status="Completed") -> str:
    return f"{code},{day} 10:00:00,{details},{status},{amount / 100:.2f},,0\n"


def book(member, treasurer, code: str, amount: int, day=TODAY):
    return actions.receive_from_member(
        member=member, amount=amount, purpose="savings", actor=treasurer,
        paid_into="mobile-money", reference=code, date=day,
    )  # fmt: skip


def run(books, actor, text: str, **options) -> StatementImport:
    statement = reconciliation.start_import(
        books=books, actor=actor, upload=ContentFile(text.encode(), name="statement.csv"),
        format=options.pop("format", "mpesa"), **options,
    )  # fmt: skip
    reconciliation.run_import.call(statement.pk)
    statement.refresh_from_db()
    return statement


def found(coop) -> set[tuple[str, str]]:
    return set(ReconciliationException.objects.filter(coop=coop).values_list("kind", "key"))


def test_it_matches_a_statement_line_by_line(books, treasurer, member_account):
    book(member_account, treasurer, receipt(1), 1500_00)
    book(member_account, treasurer, receipt(2), 200_00)
    text = HEADER + row(receipt(1), 1500_00) + row(receipt(2), 250_00) + row(receipt(3), 5_00)
    text += row(receipt(1), 1500_00) + row("XX", 1_00, details="Pay Bill Charge")
    text += row(receipt(4), 9_00, status="Failed") + "RCP9,2026-03-16 10:00:00,x,Completed,abc,,0\n"
    statement = run(books, treasurer, text)
    assert statement.status == StatementImport.Status.DONE
    assert (statement.lines, statement.matched, statement.exceptions, statement.skipped) == (
        7, 1, 4, 2,
    )  # fmt: skip
    lines = {
        line.number: (line.status, line.reason)
        for line in StatementLine.objects.filter(statement=statement)
    }
    assert lines == {
        2: ("matched", ""),
        3: ("exception", "amount-differs"),
        4: ("exception", "receipt-without-entry"),
        5: ("exception", "duplicate"),
        6: ("skipped", "charge"),
        7: ("skipped", "failed"),
        8: ("exception", "amount"),
    }
    assert found(books.coop) == {
        ("amount-differs", f"receipt:{receipt(2)}"),
        ("receipt-without-entry", f"receipt:{receipt(3)}"),
        ("duplicate", f"receipt:{receipt(1)}"),
    }
    assert statement.percent == 100


def test_it_reads_a_bank_csv_by_the_coops_rules(books, treasurer, member_account):
    actions.receive_from_member(
        member=member_account, amount=1234_50, purpose="savings", actor=treasurer,
        paid_into="bank", reference="TRF-1", date=TODAY,
    )  # fmt: skip
    source = reconciliation.save_source(
        coop=books.coop, actor=treasurer, name="Bank", account_role="bank",
        receipt_column="Ref", date_column="1", amount_column="Importe", date_format="%d/%m/%Y",
        skip=2, delimiter=";", decimal_mark=",",
    )  # fmt: skip
    text = "Export\nAccount 1\nFecha;Concepto;Importe;Ref\n16/03/2026;Dep;1.234,50;TRF-1\n"
    statement = run(books, treasurer, text, format="rules", source=source)
    assert (statement.lines, statement.matched) == (1, 1)
    assert found(books.coop) == set()


def test_only_the_treasurer_writes_rules(books, checker, supervisor):
    for person in (checker, supervisor):
        with pytest.raises(PermissionDenied):
            reconciliation.save_source(
                coop=books.coop, actor=person, name="Bank", receipt_column="a",
                date_column="b", amount_column="c",
            )  # fmt: skip


def test_it_refuses_rules_without_columns_or_with_a_bad_date_format(books, treasurer):
    with pytest.raises(actions.TreasuryError):
        reconciliation.save_source(coop=books.coop, actor=treasurer, name="B", receipt_column="a",
                                   date_column="b")  # fmt: skip
    with pytest.raises(actions.TreasuryError):
        reconciliation.save_source(
            coop=books.coop, actor=treasurer, name="B", receipt_column="a", date_column="b",
            amount_column="c", date_format="dd/mm",
        )  # fmt: skip


def test_a_statement_without_the_columns_fails_clearly(books, treasurer):
    statement = run(books, treasurer, "Name,Phone\nx,y\n")
    assert (statement.status, statement.error) == ("failed", "columns")


def test_the_day_lists_ledger_exceptions_and_the_registered_sources(
    books, treasurer, checker, member_account, monkeypatch
):
    approvals.set_rule(coop=books.coop, actor=checker, operation="payment", min_amount=10_000_00)
    no_reference = book(member_account, treasurer, "", 300_00)
    lines = [actions.debit("charges", 9_500_00), actions.credit("cash", 9_500_00)]
    near = post_approved(books.coop, treasurer, lines, "Supplier", date=TODAY)
    lines = [actions.debit("charges", 5_000_00), actions.credit("cash", 5_000_00)]
    post_approved(books.coop, treasurer, lines, "Supplier", date=TODAY)  # far under: not flagged

    def shortfalls(coop, day):
        return [{"agent": "AG-7", "expected": 10_000, "counted": 9_000, "difference": 1_000}]

    monkeypatch.setattr(reconciliation, "_SOURCES", {})
    reconciliation.register_exception_source(
        "agents", reconciliation.shortfalls_as_exceptions(shortfalls)
    )
    with transaction.atomic():
        assert reconciliation.reconcile_day(books.coop, TODAY) == 3
        assert reconciliation.reconcile_day(books.coop, TODAY) == 0  # found once
    assert found(books.coop) == {
        ("entry-without-reference", f"entry:{no_reference.pk}"),
        ("near-threshold", f"entry:{near.pk}"),
        ("agent-shortfall", f"agents:AG-7:{TODAY}"),
    }
    shortfall = ReconciliationException.objects.get(kind="agent-shortfall")
    assert (shortfall.amount, shortfall.detail["counted"]) == (1_000, 9_000)


def test_the_day_finds_statement_exceptions_without_an_import_running(
    books, treasurer, member_account
):
    statement = run(books, treasurer, HEADER + row(receipt(1), 10_00))
    ReconciliationException.objects.all().delete()  # as if listed by another path
    assert reconciliation.reconcile_day(books.coop, TODAY) == 1
    assert found(books.coop) == {("receipt-without-entry", f"receipt:{receipt(1)}")}
    assert ReconciliationException.objects.get().statement_id == statement.pk


def test_a_failing_source_does_not_stop_the_others(books, monkeypatch):
    def broken(coop, day):
        raise RuntimeError("down")

    monkeypatch.setattr(reconciliation, "_SOURCES", {})
    reconciliation.register_exception_source("broken", broken)
    reconciliation.register_exception_source(
        "fine", lambda coop, day: [{"kind": "agent-shortfall", "key": "A", "amount": 5}]
    )
    assert reconciliation.reconcile_day(books.coop, TODAY) == 1


def test_the_daily_job_is_registered(books):
    from minga.core import schedule

    assert "treasury.reconcile" in {job.name for job in schedule.jobs()}
    assert reconciliation.daily(datetime.datetime(2026, 3, 16, 9, tzinfo=datetime.UTC)) is None


def test_resolving_needs_the_committee_or_the_board_and_a_reason(
    books, treasurer, checker, supervisor, member
):
    exception = ReconciliationException.objects.create(
        coop=books.coop, day=TODAY, kind="duplicate", key="receipt:X"
    )
    for person in (treasurer, member):
        with pytest.raises(PermissionDenied):
            reconciliation.resolve_exception(exception=exception, actor=person, reason="Seen it")
    with pytest.raises(actions.TreasuryError):
        reconciliation.resolve_exception(exception=exception, actor=supervisor, reason=" ")
    done = reconciliation.resolve_exception(
        exception=exception, actor=supervisor, reason="The provider sent it twice."
    )
    assert (done.status, done.resolved_by) == ("resolved", supervisor)
    with pytest.raises(actions.TreasuryError):
        reconciliation.resolve_exception(exception=done, actor=checker, reason="Again please")


# --- Generated statements with planted exceptions ----------------------------------------------

plans = st.fixed_dictionaries(
    {
        "good": st.integers(1, 6),
        "unbooked": st.integers(0, 3),
        "unlisted": st.integers(0, 3),
        "differ": st.integers(0, 2),
        "twice": st.integers(0, 2),
        "bad": st.integers(0, 2),
        "days": st.integers(1, 3),
    }
)


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(plan=plans, seed=st.integers(0, 10**6))
def test_it_finds_every_planted_exception_and_nothing_else(
    books, treasurer, member_account, plan, seed
):
    with transaction.atomic():
        expected: set[tuple[str, str]] = set()
        text, n = HEADER, seed * 100
        days = [TODAY - datetime.timedelta(days=d) for d in range(plan["days"])]

        def next_code():
            nonlocal n
            n += 1
            return receipt(n)

        for i in range(plan["good"]):
            code, day = next_code(), days[i % len(days)]
            book(member_account, treasurer, code, 100_00 + i, day)
            text += row(code, 100_00 + i, day)
            for _twice in range(plan["twice"] if i == 0 else 0):
                text += row(code, 100_00 + i, day)
                expected.add(("duplicate", f"receipt:{code}"))
        for i in range(plan["unbooked"]):
            code = next_code()
            text += row(code, 50_00, days[i % len(days)])
            expected.add(("receipt-without-entry", f"receipt:{code}"))
        unlisted = []
        for i in range(plan["unlisted"]):
            day = days[i % len(days)]
            unlisted.append((book(member_account, treasurer, next_code(), 70_00, day), day))
        for i in range(plan["differ"]):
            code = next_code()
            book(member_account, treasurer, code, 80_00, days[i % len(days)])
            text += row(code, 81_00, days[i % len(days)])
            expected.add(("amount-differs", f"receipt:{code}"))
        for _bad in range(plan["bad"]):
            text += f"{next_code()},yesterday,x,Completed,10,,0\n"
        # An entry missing from the statement is an exception over the days the statement
        # covers (its first to its last dated line); the days beside it are another's.
        listed = [days[i % len(days)] for i in range(plan["good"])] + [
            days[i % len(days)] for i in range(max(plan["unbooked"], plan["differ"]))
        ]
        for entry, day in unlisted:
            if min(listed) <= day <= max(listed):
                expected.add(("entry-not-on-statement", f"entry:{entry.pk}"))
        statement = run(books, treasurer, text)
        assert statement.exceptions == (
            plan["unbooked"] + plan["differ"] + plan["bad"] + plan["twice"]
        )
        assert found(books.coop) == expected
        # The daily run finds the same from the stored lines, and nothing more.
        for day in days:
            assert reconciliation.reconcile_day(books.coop, day) == 0
        assert found(books.coop) == expected
        transaction.set_rollback(True)


# --- Reading by rules (pure) -------------------------------------------------------------------


def test_bad_lines_are_reported_one_by_one():
    text = (
        HEADER + "A1,2026-03-16 10:00:00,x,Completed,1.001,,0\n"
        + "A2,16/03/2026,x,Completed,1,,0\n"
        + ",2026-03-16,x,Completed,1,,0\nA4,2026-03-16\n"
        + "A5,2026-03-16,x,Completed,5,3,0\n"
    )  # fmt: skip
    records = list(statements.read_records(text.splitlines(True), "KES", statements.Rules()))
    assert [(r.number, r.reason, r.value) for r in records] == [
        (2, "amount", "1.001"),
        (3, "date", "16/03/2026"),
        (4, "receipt", ""),
        (5, "columns", "2"),
        (6, "amount", "3"),
    ]


def test_amounts_follow_the_sign_rule():
    rules = statements.Rules(columns={"time": "d", "amount": "a", "receipt": "r"}, negate=True)
    [record] = statements.read_records(["r,d,a\n", "X,2026-03-16,-5\n"], "RWF", rules)
    assert record.amount == 5
