"""A light, script-free world overview of where cooperatives are.

``render_map`` turns ``{country code: count}`` into one inline ``<svg>``: a faint
graticule, a very low-poly outline of the land, and one circle per country whose
area is proportional to its count. Each circle is a link with an accessible name, so
the map works with a keyboard and without JavaScript; the page shows the same
figures in a table for anyone who cannot use the picture.

Projection: equirectangular (plate carree), cropped to latitudes 78N..58S, which keeps nearly
every inhabited place and drops most of the polar distortion. Circles sit on the
approximate centroids in ``data/country_centroids.csv``; the land outline is drawn
in a fixed space of 2 units per degree (720 x 272). See ``data/SOURCES.md``.

The output carries no ``style`` attributes, no ``<style>`` or ``<script>`` and no
external references, so it passes a strict Content-Security-Policy; colours are
SVG presentation attributes, which page CSS can still override through the classes
``map``, ``map-sea``, ``map-grid``, ``map-land``, ``map-dots`` and ``map-codes``.

Pure Python on purpose: no Django import, so it can be tested and reused anywhere.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Callable, Mapping
from functools import cache
from html import escape
from pathlib import Path

__all__ = ["load_centroids", "project", "render_map"]

CENTROIDS_CSV = Path(__file__).resolve().parent / "data" / "country_centroids.csv"

LAT_TOP = 78.0
LAT_BOTTOM = -58.0
LAT_SPAN = LAT_TOP - LAT_BOTTOM

# Land, simplified to roughly 1.5 degrees and islands under ~1.5 square degrees
# dropped, in the 720-wide base space: x = (lon + 180) * 2, y = (78 - lat) * 2.
# Outer rings and the larger inland seas (Mediterranean, Black, Caspian, Red Sea)
# are drawn with fill-rule="evenodd".
BASE_WIDTH = 720
LAND_PATH = (
    "M325 127l3-18 20-25-6-2-1-12 15-1 2-5-7-5 12-5-15 2 6-8-6-8 8 1 7 13 14-6-1-5 5-2 1 7 "
    "17-1 4-6 5 1-1-4 10-2-14-1 7-10-14 6 2 5-14 10-2-8-11 1-1-7 28-16 18-2 26 7-13 2 5 5 "
    "14-4-1-5 6 4 28-7 16 4-4-6 7-4 6 2-1 12 5-3-4-8 3-3 12 2 47-12 20 4-7 4 33 1 8 5 22-6 "
    "38 9 38 1-2 13-31 5-3 10-10 8-2-12 16-11-15 2-3 5-26 0-12 8 13 1 4 11-5 6-2-12-6 11-21 "
    "13 3 10-5 1-2-10-9 1 1-4-8 4 10 3-6 5 4 14-8 9-13 4-3 7 0-7-7 3 6 17-8 6-9-10-3 7 9 10 "
    "1 7-3 0 7 15 19 5-2 0-18-3-20-24 12 5-7-12-1-15-7 0-5-13-22 13-6 16-10-26-12-9-18 "
    "0-1-3-17-6 7 12 9-5 7 8-9 11-24 9 1 4 14 0-24 31 2 22-10 8 1 8-19 20-15 0-7-14-6-18 "
    "3-14-9-20 1-9-11-6-24 4zM455 65l6 10-3 6 10 1-3-6 4-2-8-7 5-4zM428 101l7 18 11 11-9-21z"
    "M417 69l1 5 25-2-20-9zM350 84l32-2-1 6 17 7 5-5 25 4 4-10-17-1-5-9-5 9-6-11-13-7-1 3 12 "
    "8-7 7-5-2 6-5-13-9-12 3-7 11zM24 25l11-1-9-5 21-6 80 5-5-7-14 1 2-5 7 0 27 5 7-3 0 5 7 "
    "2-8 3 12 1-2-3 7-1 4-9-5-1 4-1 9 3-7 4 13 9 4-5-8-2 0-4 18-2 37 14-4 4-8-2 7 5-9 2-19-4 "
    "11-6-16-4-1 5-9 2 12 5-14 0 1-4-15 9 3 8 20 4 5 8 0-7 7-4-3-12 17 3 4 5 6-4 17 14 0 6 7 "
    "6-14 0 4-8-22 5 17 6-11 5-3-3-14 9-3 10-12 8 2 13-7-10-20 1-6 3-2 11 7 9 15-7-3 11 11 2 "
    "2 12 5-1 5 2 10-8 22 3 8 10 11 4 2 8 31 11-12 33-13 6-13 19-7 0 0 7-15 6 3 3-11 17 7 "
    "8-11 0-9-7 11-63-22-28 0-10 7-9-2-10-5 3-14-12-31-11-23-26 11 16-1 "
    "1-27-32-2-19-19-19-36-5-2 7-24 5 15-8-17-6 10-5zM142 18l-9 3 11-1zM587 208l1-8 14-5 "
    "9-11 8 2 5-7 9 1-2 6 11 5 3-14 22 35-7 19-7 3-12-2-7-5 1-4-3 3-9-7-30 7zM214 0l107 0 2 "
    "2-4 1 2 4-6 3 0 6-35 9-10 11-13-7-5-7 6-5-7 0 2-4-8-6zM621 158l28 6 12 13-11-6-15 2 1-6z"
    "M578 155l15-13 5 3-6 19-12-2zM448 206l1-18 9-8 3 6-7 20zM644 65l7 4-8 2-2 15-21 7-1-4 "
    "20-9zM164 0l5 0 2 0 16 5 9-1-15-2 24-2-6 7-15 0zM463 12l8-6 27-3-21 4-6 4 4 4zM0 26l0-8 "
    "20 6-6 3zM311 25l20-2 2 3-10 3zM693 248l13-11 3 2-8 9zM600 123l4-4-1 8 7 4 1 4-5 3-2-6 "
    "6 0-6-4-1 4zM600 167l0-12 2-2 8 0-10 3 7 1-4 3 3 7-5-5zM125 6l16-4 8 3-13 2zM709 "
    "239l0-8-4-6 12 6zM190 112l3-2 6 0 13 5zM167 13l-6 0-6-3 10-2zM340 52l1-4 8-1-3 4zM611 "
    "136l2 6-2 3-7-3zM634 5l4-1 12 1-12 2zM649 238l8 0-1 4-4 1zM211 119l3-3 9 3-6 2zM155 3l8 "
    "0 2 2-5 1zM114 4l8-3 6 0-2 2zM521 144l-1-8 3 7zM657 167l7-3-2-3 4 3zM387 0l10 0-5 2z"
    "M379 78l-1-4 1-4zM601 112l2-7 1 1zM609 176l1-3 5 0zM238 260l5-2 1 1-3 1zM615 157l2-4 0 "
    "5zM691 199l-1-2 4 3zM659 7l-6-2 8 1zM96 51l0-3 2 4z"
)

# Colours: calm land, one warm accent for the circles; white codes on the accent
# keep a contrast ratio above 4.5:1.
SEA = "#eef3f6"
GRID = "#cfdbe3"
LAND = "#dcd6c9"
DOT = "#a8461b"

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _text(value: object) -> str:
    """Escape for XML/HTML text and attributes, dropping characters XML forbids."""
    return escape(_NOT_XML.sub("", str(value)), quote=True)


def _num(value: float) -> str:
    """Compact number: one decimal at most, no trailing ".0"."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


@cache
def _centroids() -> dict[str, tuple[float, float]]:
    centroids: dict[str, tuple[float, float]] = {}
    with CENTROIDS_CSV.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            code = row["code"].strip()
            lat, lon = float(row["lat"]), float(row["lon"])
            if not (len(code) == 2 and code.isascii() and code.isupper()):
                raise ValueError(f"{CENTROIDS_CSV.name}:{line}: bad country code {code!r}")
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ValueError(f"{CENTROIDS_CSV.name}:{line}: {code} out of range")
            if code in centroids:
                raise ValueError(f"{CENTROIDS_CSV.name}:{line}: {code} repeated")
            centroids[code] = (lat, lon)
    return centroids


def load_centroids() -> dict[str, tuple[float, float]]:
    """ISO 3166-1 alpha-2 code -> approximate (lat, lon) centroid.

    The file is read once per process; each call returns a fresh copy, so callers
    may change what they get without touching the cache.
    """
    return dict(_centroids())


def project(lat: float, lon: float, width: int = BASE_WIDTH) -> tuple[float, float]:
    """(lat, lon) -> (x, y) in a map ``width`` units wide. Clamped to the crop."""
    k = width / 360
    lat = min(LAT_TOP, max(LAT_BOTTOM, lat))
    lon = min(180.0, max(-180.0, lon))
    return (lon + 180) * k, (LAT_TOP - lat) * k


def _graticule(width: int, height: float) -> str:
    k = width / 360
    parts = [f"M{_num((lon + 180) * k)} 0V{_num(height)}" for lon in range(-150, 180, 30)]
    parts += [f"M0 {_num((LAT_TOP - lat) * k)}H{width}" for lat in (60, 30, 0, -30)]
    return "".join(parts)


def render_map(
    counts: Mapping[str, int],
    *,
    labels: Mapping[str, str],
    href: Callable[[str], str],
    title: str,
    width: int = BASE_WIDTH,
    map_id: str = "worldmap",
) -> str:
    """Render ``counts`` (country code -> number) as an inline, accessible SVG.

    ``labels`` gives each code its display name (falls back to the code) and
    ``href`` each code its link. Codes without a known centroid and counts below 1
    are skipped: the page's table still lists them. Output is deterministic.
    ``map_id`` prefixes the ids, for pages that show more than one map.

    The root has ``role="group"`` rather than ``role="img"``: an ``img`` hides its
    children from assistive technology, and the circles are links that must stay
    reachable and named.
    """
    if width <= 0:
        raise ValueError("width must be positive")
    centroids = _centroids()
    totals: dict[str, int] = {}
    for raw_code, raw_count in counts.items():
        code, count = str(raw_code).strip().upper(), int(raw_count)
        if count > 0 and code in centroids:
            totals[code] = totals.get(code, 0) + count

    k = width / BASE_WIDTH
    height = width * LAT_SPAN / 360
    size = f"{width} {_num(height)}"
    title_id = _text(f"{map_id}-title")
    out = [
        f'<svg class="map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size}" '
        f'role="group" aria-labelledby="{title_id}">',
        f'<title id="{title_id}">{_text(title)}</title>',
        f'<rect class="map-sea" width="{width}" height="{_num(height)}" fill="{SEA}"/>',
        f'<path class="map-land" fill="{LAND}" fill-rule="evenodd"'
        + ("" if width == BASE_WIDTH else f' transform="scale({k:.4g})"')
        + f' d="{LAND_PATH}"/>',
        f'<path class="map-grid" fill="none" stroke="{GRID}" stroke-width="{_num(0.6 * k)}"'
        f' d="{_graticule(width, height)}"/>',
    ]
    if totals:
        # Area proportional to count. One cooperative gets a small but visible
        # circle; the largest country is capped so it never swallows a continent.
        r_one, r_max, r_min = 6.5 * k, 18.0 * k, 4.5 * k
        unit = min(r_one, r_max / math.sqrt(max(totals.values())))
        font = 10 * k
        # Largest first, so smaller circles stay on top and clickable.
        order = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
        dots, codes = [], []
        placed: list[tuple[float, float]] = []  # label centres, to avoid overprinting
        for code, count in order:
            x, y = project(*centroids[code], width=width)
            r = max(r_min, unit * math.sqrt(count))
            # Keep whole circles inside the frame (Fiji, Svalbard, Antarctica...).
            x, y = min(max(x, r), width - r), min(max(y, r), height - r)
            cx, cy = _num(x), _num(y)
            name = _text(f"{labels.get(code) or code}: {count}")
            dots.append(
                f'<a href="{_text(href(code))}"><title>{name}</title>'
                f'<circle cx="{cx}" cy="{cy}" r="{_num(r)}"/></a>'
            )
            fits = r >= 0.8 * font
            if fits and all(abs(x - px) > 1.6 * font or abs(y - py) > font for px, py in placed):
                placed.append((x, y))
                codes.append(f'<text x="{cx}" y="{cy}">{_text(code)}</text>')
        out.append(
            f'<g class="map-dots" fill="{DOT}" fill-opacity=".9" stroke="#fff" '
            f'stroke-width="{_num(k)}">' + "".join(dots) + "</g>"
        )
        if codes:
            out.append(
                f'<g class="map-codes" fill="#fff" font-family="sans-serif" '
                f'font-size="{_num(font)}" font-weight="bold" text-anchor="middle" '
                f'dominant-baseline="central" pointer-events="none" aria-hidden="true">'
                + "".join(codes)
                + "</g>"
            )
    out.append("</svg>")
    return "".join(out)
