"""The signed-in home page: what waits for the person, gathered from each app.

Each app that has something to show contributes a *section*: a function
`section(person, now) -> dict | None` in its `home.py`, and a template partial
`<app>/home_section.html` that renders the dict (given as `section`; a module's `TEMPLATES` may
name another partial per function). A section returns None when it has nothing to show. Core
finds the `home` modules of the installed apps itself (as the admin finds `admin` modules), so
it names no app above it; a module's `ORDER` places its sections on the page (lowest first,
then the order of `INSTALLED_APPS`).

Budget (bench/bench_home.py): the whole page under 50 ms with 100 open polls, 20 teams and 50
credentials for the viewer, and a number of queries that does not grow with them: each
section reads with a fixed number of queries and shows at most `LIMIT` rows per list.

A cooperative's page is gathered the same way (`coop_sections`), from `coop_section`
functions in the same modules; the anonymous front page's figures from `front_page_figures()`
functions (with `front_page_generation()`, what the cached page depends on).
"""

from __future__ import annotations

import datetime
import functools
import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from django.apps import apps

LIMIT = 20  # rows per list on the home page; the rest is one link away


@dataclass(frozen=True)
class Section:
    template: str
    data: dict[str, Any]


@functools.cache
def _modules() -> list[tuple[str, ModuleType]]:
    """(app label, module) of every installed app's `home` module, in page order."""
    found = []
    for position, config in enumerate(apps.get_app_configs()):
        name = f"{config.name}.home"
        if name == __name__ or importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        found.append((getattr(module, "ORDER", 1000 + position), config.label, module))
    return [(label, module) for _, label, module in sorted(found, key=lambda f: f[0])]


def _loaders(
    function: str = "section", partial: str = "home_section"
) -> list[tuple[str, Callable[..., dict | None]]]:
    found = []
    for app, module in _modules():
        load = getattr(module, function, None)
        if load is not None:
            templates = getattr(module, "TEMPLATES", {})
            found.append((templates.get(function, f"{app}/{partial}.html"), load))
    return found


def front_page_figures() -> dict[str, Any]:
    """The anonymous front page's figures, gathered from the apps' `front_page_figures()`."""
    figures: dict[str, Any] = {}
    for _, load in _loaders("front_page_figures"):
        figures.update(load() or {})
    return figures


def front_page_generation() -> tuple:
    """Changes whenever a figure of the front page may change (see core.cache)."""
    return tuple(generation() for _, generation in _loaders("front_page_generation"))


def sections_for(person, now: datetime.datetime) -> list[Section]:
    """The sections of `person`'s home page that have something to show, in order."""
    shown = []
    for template, load in _loaders():
        data = load(person, now)
        if data:
            shown.append(Section(template, data))
    return shown


def coop_sections(coop, user, now: datetime.datetime) -> list[Section]:
    """What a cooperative's page shows from the apps above coops (its needs, events, open
    decisions...): each `home.py` may have `coop_section(coop, user, now)`, rendered by
    `<app>/coop_section.html`."""
    shown = []
    for template, load in _loaders("coop_section", "coop_section"):
        data = load(coop, user, now)
        if data:
            shown.append(Section(template, data))
    return shown
