"""The signed-in home page: what waits for the person, gathered from each app.

Each app that has something to show contributes a *section*: a function
`section(person, now) -> dict | None` in its `home.py`, listed in `SECTIONS` below in the
order the page shows them, and a template partial `<app>/home_section.html` that renders the
dict (given as `section`; a module's `TEMPLATES` may name another partial per function). A
section returns None when it has nothing to show. Core names the modules instead of importing
them, as `minga demo` does with the apps' demo modules, so core depends on no app above it.

Budget (bench/bench_home.py): the whole page under 50 ms with 100 open polls, 20 teams and 50
credentials for the viewer, and a number of queries that does not grow with them: each
section reads with a fixed number of queries and shows at most `LIMIT` rows per list.

The treasury's balance joins here once that app exists: add "minga.treasury.home" to
`SECTIONS` and a `treasury/home_section.html` partial (a missing module is skipped).

A cooperative's page is gathered the same way (`coop_sections`), from `coop_section`
functions in the same modules.
"""

from __future__ import annotations

import datetime
import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

LIMIT = 20  # rows per list on the home page; the rest is one link away

SECTIONS = [
    "minga.challenges.home",
    "minga.decisions.home",
    "minga.events.home",
    "minga.credentials.home",
    "minga.coops.home",
    "minga.treasury.home",  # the hook for members' balances (not yet an app)
]


@dataclass(frozen=True)
class Section:
    template: str
    data: dict[str, Any]


def _loaders(
    function: str = "section", partial: str = "home_section"
) -> list[tuple[str, Callable[..., dict | None]]]:
    found = []
    for name in SECTIONS:
        try:
            if importlib.util.find_spec(name) is None:
                continue
        except ModuleNotFoundError:  # the app itself is not there (yet)
            continue
        app = name.rsplit(".", 2)[-2]
        module = importlib.import_module(name)
        load = getattr(module, function, None)
        if load is not None:
            templates = getattr(module, "TEMPLATES", {})
            found.append((templates.get(function, f"{app}/{partial}.html"), load))
    return found


def sections_for(person, now: datetime.datetime) -> list[Section]:  # type: ignore[no-untyped-def]
    """The sections of `person`'s home page that have something to show, in order."""
    shown = []
    for template, load in _loaders():
        data = load(person, now)
        if data:
            shown.append(Section(template, data))
    return shown


def coop_sections(coop, user, now: datetime.datetime) -> list[Section]:  # type: ignore[no-untyped-def]
    """What a cooperative's page shows from the apps above coops (its needs, events, open
    decisions...): each `home.py` may have `coop_section(coop, user, now)`, rendered by
    `<app>/coop_section.html`."""
    shown = []
    for template, load in _loaders("coop_section", "coop_section"):
        data = load(coop, user, now)
        if data:
            shown.append(Section(template, data))
    return shown
