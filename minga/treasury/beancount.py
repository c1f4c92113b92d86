"""The books as a beancount file `bean-check` accepts, with a balance assertion per account for
each day it moved: anyone can check Minga's figures with another program.

Accounts are named `<Root>:A<code>-<EnglishName>`; a member's sub-ledger is a sub-account
`...:M<member_ref>`, and a control account (members' savings...) has postings only in its
members' sub-accounts. Assertions are written for the accounts that have postings: beancount
checks an assertion on a parent by summing its whole subtree, which for a control account of a
thousand members, every day, would cost more than all the rest (the control account's total is
`minga treasury verify`'s to check). No `pad` directive is ever written: nothing balances
itself.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from typing import TextIO

from . import charts, money
from .models import Account, Books, FiscalYear, Line, MemberAccount

_WORD = re.compile(r"[A-Za-z0-9]+")


def account_name(account: Account) -> str:
    words = "".join(word[:1].upper() + word[1:] for word in _WORD.findall(account.name_en))
    return (
        f"{charts.BEANCOUNT_ROOTS[account.root]}:A{account.code.replace('.', '-')}-{words or 'X'}"
    )


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def amount_text(minor: int, exponent: int) -> str:
    sign = "-" if minor < 0 else ""
    if not exponent:
        return f"{sign}{abs(minor)}"
    whole, fraction = divmod(abs(minor), 10**exponent)
    return f"{sign}{whole}.{fraction:0{exponent}d}"


def write(books: Books, out: TextIO) -> None:
    """Write `books` to `out` in beancount's syntax, entries in date order."""
    currency, exponent = books.currency, money.exponent(books.currency)
    accounts = {a.pk: a for a in Account.objects.filter(coop_id=books.coop_id)}
    names = {pk: account_name(a) for pk, a in accounts.items()}
    refs = dict(MemberAccount.objects.filter(coop_id=books.coop_id).values_list("id", "ref"))
    first = FiscalYear.objects.filter(coop_id=books.coop_id).order_by("start").first()
    opened = first.start if first else books.created_at.date()
    out.write(f'option "title" {quote(books.coop.name)}\n')
    out.write(f'option "operating_currency" "{currency}"\n\n')
    out.write(f"{opened.isoformat()} commodity {currency}\n")
    for pk in sorted(names, key=lambda pk: names[pk]):
        out.write(f"{opened.isoformat()} open {names[pk]} {currency}\n")
    member_pairs = (
        Line.objects.filter(coop_id=books.coop_id, member__isnull=False)
        .values_list("account_id", "member_id")
        .distinct()
    )
    for account_id, member_id in sorted(set(member_pairs)):
        out.write(f"{opened.isoformat()} open {names[account_id]}:M{refs[member_id]} {currency}\n")
    out.write("\n")

    running: dict[str, int] = defaultdict(int)
    moved: set[str] = set()
    day: datetime.date | None = None
    current: int | None = None

    def close_day() -> None:
        if day is None:
            return
        after = (day + datetime.timedelta(days=1)).isoformat()
        for name in sorted(moved):
            out.write(f"{after} balance {name} {amount_text(running[name], exponent)} {currency}\n")
        out.write("\n")
        moved.clear()

    rows = (
        Line.objects.filter(coop_id=books.coop_id)
        .order_by("date", "entry_id", "id")
        .values_list(
            "entry_id", "date", "account_id", "member_id", "amount", "entry__narration",
            "entry__number", "entry__fiscal_year__start", "entry__fiscal_year__end",
            "entry__hash", "entry__reference",
        )
    )  # fmt: skip
    for (entry_id, date, account_id, member_id, amount, narration, number, start, end,
         digest, reference) in rows.iterator(chunk_size=10000):  # fmt: skip
        if date != day:
            close_day()
            day = date
        if entry_id != current:
            current = entry_id
            label = (
                str(start.year) if start.year == end.year else f"{start.year}/{end.year % 100:02d}"
            )
            out.write(f"{date.isoformat()} * {quote(narration)}\n")
            out.write(f'  entry: "{label}-{number}"\n  hash: "{bytes(digest).hex()}"\n')
            if reference:
                out.write(f"  reference: {quote(reference)}\n")
        name = names[account_id]
        if member_id is not None:
            name = f"{name}:M{refs[member_id]}"
        running[name] += amount
        moved.add(name)
        out.write(f"  {name}  {amount_text(amount, exponent)} {currency}\n")
    close_day()
