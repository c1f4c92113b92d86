"""What the apps above identity report when a cooperative's key is declared compromised.

`minga key compromise` lists what the key signed that must be re-issued, but what a key signs
(credentials, for now) belongs to the apps above identity: each registers a report in its
`AppConfig.ready`, and the command prints the lines every report gives for the cooperative.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

_compromise_reports: dict[str, Callable[[Any], Iterable[str]]] = {}


def register_compromise_report(name: str, report: Callable[[Any], Iterable[str]]) -> None:
    """`report(coop)`: lines naming what to re-issue after a compromise (idempotent by name)."""
    _compromise_reports[name] = report


def compromise_reports() -> list[Callable[[Any], Iterable[str]]]:
    return list(_compromise_reports.values())
