"""Result charts as small, accessible, server-rendered SVG (no script, no styles to fetch).

`rounds_chart(result)` draws one block of horizontal bars per round of an IRV or STV count
(the quota as a dashed line, elected candidates in green, excluded ones in grey, every value
written out), and a single bar chart for one-round methods. `bar_chart(labels, values, title)`
draws one round. Both return a string to put inline in a page (mark it safe in a template:
every text is escaped here). Each SVG has a `<title>` and a `<desc>` that says the outcome in
words, is `role="img"`, is drawn narrow enough for a 320 px phone at its own size (names wrap
above their bars, never cut; a page may enlarge it, never shrink its 12 px text) and uses only
presentation attributes, so a strict content security policy allows it. The few words a
chart writes come from `WORDS`; pass `words=` translated ones (this module cannot translate).
"""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Sequence
from decimal import Decimal
from html import escape

from .model import Result, Round, Tally

WIDTH = 300  # drawn at its own size (12 px text) it fits a 320 px phone; pages may enlarge it
VALUE = 70  # room kept right of the longest bar for its value
BAR = WIDTH - VALUE
LINE = 15  # one line of 12 px text
BAR_HEIGHT = 12
ROW_GAP = 6
CHARS = 44  # characters of 12 px text that fit in a line: longer names wrap, never cut
HEAD_CHARS = 40  # the same for the bold headings
HEAD = 6  # space under a heading
COLOURS = {"elected": "#25703a", "continuing": "#3c5f94", "excluded": "#6e6e6e"}
_ids = itertools.count(1)


def _text(value: Tally | float) -> str:
    if isinstance(value, Decimal):
        value = value.normalize()
        return f"{value:f}" if value == value.to_integral_value() else str(value)
    if isinstance(value, float):
        return f"{value:g}"
    return f"{value:,}".replace(",", "\u202f")


def _open(height: int, title: str, desc: str, ident: str | None) -> list[str]:
    ident = ident or f"tally-chart-{next(_ids)}"
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" '
        f'role="img" aria-labelledby="{ident}-t {ident}-d" font-family="sans-serif" '
        f'font-size="12" fill="#1a1a1a">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape(desc)}</desc>',
    ]


def _wrap(text: str, width: int = CHARS) -> list[str]:
    """A name or heading as lines that fit the chart's width: wrapped at spaces, and a word
    too long for a line split across lines (nothing is cut)."""
    return textwrap.wrap(text, width, break_on_hyphens=False) or [""]


def _lines(y: int, text: str, *, bold: bool = False) -> tuple[list[str], int]:
    """Text lines from `y` down, one <text> per line; returns them and the height used."""
    weight = ' font-weight="bold"' if bold else ""
    lines = _wrap(text, HEAD_CHARS if bold else CHARS)
    out = [
        f'<text x="0" y="{y + LINE * i + 12}"{weight}>{escape(line)}</text>'
        for i, line in enumerate(lines)
    ]
    return out, LINE * len(lines)


def _bars(
    y: int,
    rows: Sequence[tuple[str, Tally | float | str, str]],
    scale: float,
) -> tuple[list[str], int]:
    """Each row: its name (wrapped) above its bar, the value after the bar. Returns the
    drawing and the height it takes."""
    out = []
    top = y
    for label, value, status in rows:
        length = 0.0 if isinstance(value, str) else round(float(value) * scale, 1)
        shown = escape(value) if isinstance(value, str) else _text(value)
        names, used = _lines(y, label)
        out += names
        y += used
        out.append(
            f'<rect x="0" y="{y + 1}" width="{length}" height="{BAR_HEIGHT}" '
            f'fill="{COLOURS[status]}"/>'
            f'<text x="{length + 4:.1f}" y="{y + 11}">{shown}</text>'
        )
        y += BAR_HEIGHT + ROW_GAP
    return out, y - top


def bar_chart(
    labels: Sequence[str],
    values: Sequence[Tally | float],
    title: str,
    *,
    highlight: Sequence[int] = (),
    ident: str | None = None,
) -> str:
    """One horizontal bar per label; bars at the `highlight` indices are drawn as elected."""
    if len(labels) != len(values):
        raise ValueError("bar_chart needs one value per label")
    peak = max((float(v) for v in values), default=0.0) or 1.0
    scale = BAR / peak
    parts = ", ".join(f"{label}: {_text(v)}" for label, v in zip(labels, values, strict=True))
    heading, y = _lines(0, title, bold=True)
    rows: list[tuple[str, Tally | float | str, str]] = [
        (label, value, "elected" if i in highlight else "continuing")
        for i, (label, value) in enumerate(zip(labels, values, strict=True))
    ]
    bars, height = _bars(y + HEAD, rows, scale)
    return "".join(
        [*_open(y + HEAD + height, title, f"{title}. {parts}.", ident), *heading, *bars, "</svg>"]
    )


WORDS: dict[str, str] = {
    "title": "{title}: {method}",
    "untitled": "Election",
    "round": "Round {number}: {heading}",
    "first preferences": "first preferences",
    "surplus": "surplus of {names} transferred",
    "exclusion": "{names} excluded",
    "election": "{names} elected",
    "remaining": "remaining seats filled",
    "excluded": "excluded",
    "nobody": "nobody",
    "single": "{title} (elected: {elected})",
    "beaten": "{title} (candidates beaten; elected: {elected})",
    "rounds": "{count} rounds. Elected: {elected}.",
    "quota": "Quota: {quota} votes (dashed line).",
    "colours": "Elected candidates are green, excluded ones grey.",
}
"""Every word a chart shows, as format strings with named placeholders. This module is pure,
so it cannot translate: the app passes `words=` with the same keys, translated (for example
`{key: gettext(text) for key, text in WORDS.items()}` with the strings marked in the app)."""


def _round_heading(result: Result, r: Round, words: dict[str, str]) -> str:
    names = ", ".join(result.candidates[c] for c in r.subject)
    heading = words[r.action].format(names=names) if r.action in words else r.action
    return words["round"].format(number=r.number, heading=heading)


def rounds_chart(
    result: Result,
    *,
    ident: str | None = None,
    title: str | None = None,
    words: dict[str, str] | None = None,
) -> str:
    """Round-by-round bars for IRV/STV; a single bar chart for one-round methods.

    `title` replaces the default "<election title>: <method>"; `words` replaces any of
    `WORDS` (to translate them); `ident` prefixes the ids of the title and description.
    """
    w = {**WORDS, **(words or {})}
    if title is None:
        title = w["title"].format(title=result.title or w["untitled"], method=result.method)
    elected_text = ", ".join(result.elected_names) or w["nobody"]
    if not any(r.votes for r in result.rounds):
        # Schulze: how many candidates each one ranks above (strongest paths).
        paths = result.rounds[0].detail.get("strongest_paths", {}) if result.rounds else {}
        labels = list(paths)
        wins = [sum(1 for b, v in paths[a].items() if v > paths[b][a]) for a in labels]
        return bar_chart(
            labels,
            wins,
            w["beaten"].format(title=title, elected=elected_text),
            highlight=[i for i, a in enumerate(labels) if a in result.elected_names],
            ident=ident,
        )
    if len(result.rounds) == 1:
        r = result.rounds[0]
        order = list(r.votes)
        return bar_chart(
            [result.candidates[c] for c in order],
            [r.votes[c] for c in order],
            w["single"].format(title=title, elected=elected_text),
            highlight=[i for i, c in enumerate(order) if c in result.elected],
            ident=ident,
        )
    peak = max(
        max((float(v) for r in result.rounds for v in r.votes.values()), default=0.0),
        max((float(r.quota) for r in result.rounds if r.quota is not None), default=0.0),
    )
    scale = BAR / (peak or 1.0)
    blocks: list[str] = []
    y = 0
    elected: set[int] = set()
    excluded: set[int] = set()
    for r in result.rounds:
        heading, used = _lines(y, _round_heading(result, r, w), bold=True)
        blocks += heading
        rows: list[tuple[str, Tally | float | str, str]] = []
        for c, value in r.votes.items():
            if c in excluded:
                continue  # excluded in an earlier round: nothing more to show
            if c in r.excluded:
                rows.append((result.candidates[c], w["excluded"], "excluded"))
            elif c in elected or c in r.elected:
                rows.append((result.candidates[c], value, "elected"))
            else:
                rows.append((result.candidates[c], value, "continuing"))
        excluded.update(r.excluded)
        top = y + used + HEAD
        bars, height = _bars(top, rows, scale)
        blocks += bars
        if r.quota is not None:
            x = round(float(r.quota) * scale, 1)
            blocks.append(
                f'<line x1="{x}" x2="{x}" y1="{top}" y2="{top + height}" '
                f'stroke="#b3261e" stroke-dasharray="4 3"/>'
            )
        elected.update(r.elected)
        y = top + height + 8
    quota = result.rounds[0].quota
    desc = " ".join(
        [
            w["rounds"].format(count=len(result.rounds), elected=elected_text),
            *([w["quota"].format(quota=_text(quota))] if quota is not None else []),
            w["colours"],
        ]
    )
    return "".join([*_open(y, title, desc, ident), *blocks, "</svg>"])
