"""Result charts as small, accessible, server-rendered SVG (no script, no styles to fetch).

`rounds_chart(result)` draws one block of horizontal bars per round of an IRV or STV count
(the quota as a dashed line, elected candidates in green, excluded ones in grey, every value
written out), and a single bar chart for one-round methods. `bar_chart(labels, values, title)`
draws one round. Both return a string to put inline in a page (mark it safe in a template:
every text is escaped here). Each SVG has a `<title>` and a `<desc>` that says the outcome in
words, is `role="img"`, scales to its container (`width="100%"` with a viewBox) and uses only
presentation attributes, so a strict content security policy allows it. The few words a
chart writes come from `WORDS`; pass `words=` translated ones (this module cannot translate).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import Decimal
from html import escape

from .model import Result, Round, Tally

WIDTH = 640
LABEL = 200  # width of the name column
VALUE = 90  # width of the value column
BAR = WIDTH - LABEL - VALUE - 10
ROW = 18
MAX_LABEL = 28  # characters that fit in the name column at 12 px
HEAD = 24
COLOURS = {"elected": "#25703a", "continuing": "#3c5f94", "excluded": "#a3a3a3"}
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
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'role="img" aria-labelledby="{ident}-t {ident}-d" font-family="sans-serif" '
        f'font-size="12" fill="#1a1a1a">',
        f'<title id="{ident}-t">{escape(title)}</title>',
        f'<desc id="{ident}-d">{escape(desc)}</desc>',
    ]


def _label(label: str) -> str:
    """Names longer than the name column are cut, with an ellipsis."""
    return escape(label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "\u2026")


def _bars(
    y: int,
    rows: Sequence[tuple[str, Tally | float | str, str]],
    scale: float,
) -> list[str]:
    out = []
    for label, value, status in rows:
        length = 0.0 if isinstance(value, str) else round(float(value) * scale, 1)
        shown = escape(value) if isinstance(value, str) else _text(value)
        out.append(
            f'<text x="{LABEL - 6}" y="{y + 13}" text-anchor="end">{_label(label)}</text>'
            f'<rect x="{LABEL}" y="{y + 3}" width="{length}" height="{ROW - 5}" '
            f'fill="{COLOURS[status]}"/>'
            f'<text x="{LABEL + length + 4:.1f}" y="{y + 13}">{shown}</text>'
        )
        y += ROW
    return out


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
    height = HEAD + ROW * len(labels) + 6
    parts = ", ".join(f"{label}: {_text(v)}" for label, v in zip(labels, values, strict=True))
    out = _open(height, title, f"{title}. {parts}.", ident)
    out.append(f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>')
    rows: list[tuple[str, Tally | float | str, str]] = [
        (label, value, "elected" if i in highlight else "continuing")
        for i, (label, value) in enumerate(zip(labels, values, strict=True))
    ]
    out += _bars(HEAD, rows, scale)
    out.append("</svg>")
    return "".join(out)


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
        blocks.append(
            f'<text x="0" y="{y + 16}" font-weight="bold">'
            f"{escape(_round_heading(result, r, w))}</text>"
        )
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
        top = y + HEAD
        blocks += _bars(top, rows, scale)
        if r.quota is not None:
            x = round(LABEL + float(r.quota) * scale, 1)
            blocks.append(
                f'<line x1="{x}" x2="{x}" y1="{top}" y2="{top + ROW * len(rows)}" '
                f'stroke="#b3261e" stroke-dasharray="4 3"/>'
            )
        elected.update(r.elected)
        y = top + ROW * len(rows) + 8
    quota = result.rounds[0].quota
    desc = " ".join(
        [
            w["rounds"].format(count=len(result.rounds), elected=elected_text),
            *([w["quota"].format(quota=_text(quota))] if quota is not None else []),
            w["colours"],
        ]
    )
    return "".join([*_open(y, title, desc, ident), *blocks, "</svg>"])
