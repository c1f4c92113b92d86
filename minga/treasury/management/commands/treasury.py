"""`minga treasury verify | export`: check the books, export them."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from minga.treasury import verify
from minga.treasury.models import Books


class Command(BaseCommand):
    help = "The cooperatives' books: verify them, or export them (beancount)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        check = actions.add_parser(
            "verify", help="Recompute every entry's hash, number and balance; exit 1 if altered."
        )
        check.add_argument("--coop", metavar="SLUG", help="Only this cooperative's books.")
        export = actions.add_parser("export", help="Write a cooperative's books.")
        export.add_argument("--coop", metavar="SLUG", required=True)
        export.add_argument("--format", choices=["beancount"], default="beancount")
        export.add_argument("--output", metavar="FILE", help="Write here, not to standard output.")

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['action']}")(**options)

    def _books(self, slug: str) -> Books:
        books = Books.objects.select_related("coop").filter(coop__slug=slug).first()
        if books is None:
            raise CommandError(f"No cooperative {slug!r} keeps its books here.", returncode=2)
        return books

    def handle_verify(self, **options: Any) -> None:
        if options.get("coop"):
            books = self._books(options["coop"])
            problems = verify.verify_books(books)
        else:
            problems = verify.verify_all()
        if problems:
            for problem in problems[1:]:
                self.stderr.write(problem)
            raise CommandError(f"The books were altered: {problems[0]}", returncode=1)
        self.stdout.write("The books are intact.")

    def handle_export(self, **options: Any) -> None:
        from minga.treasury import beancount

        books = self._books(options["coop"])
        if options.get("output"):
            with open(options["output"], "w", encoding="utf-8") as out:
                beancount.write(books, out)
        else:
            beancount.write(books, sys.stdout)
