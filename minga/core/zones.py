"""Time zones as people recognise them: by country first, then by city.

The zones offered are the canonical ones of the IANA database's `zone.tab` (the `tzdata`
package's copy, else the system's): one or more per country, never a deprecated alias
("W-SU", "Asia/Calcutta") nor a technical zone ("Factory", "Etc/GMT+3"), plus UTC. A country
with one zone is one choice named after the country; a country with several is a group of
its cities. Countries come in the order of their names in the reader's language
(django-countries sorts its translated names). A plain <select>: it works without JavaScript.
"""

from __future__ import annotations

import functools
import importlib.resources
import zoneinfo
from pathlib import Path

# The zone a country's people most likely mean when nothing else says (its largest city's);
# otherwise the first of the country in zone.tab.
MAIN_ZONE = {
    "AR": "America/Argentina/Buenos_Aires",
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "CD": "Africa/Kinshasa",
    "CL": "America/Santiago",
    "EC": "America/Guayaquil",
    "ES": "Europe/Madrid",
    "ID": "Asia/Jakarta",
    "KZ": "Asia/Almaty",
    "MX": "America/Mexico_City",
    "PT": "Europe/Lisbon",
    "RU": "Europe/Moscow",
    "US": "America/New_York",
}


def _zone_tab() -> str:
    try:
        return importlib.resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text()
    except (ModuleNotFoundError, FileNotFoundError):
        pass
    for directory in zoneinfo.TZPATH:
        path = Path(directory) / "zone.tab"
        if path.is_file():
            return path.read_text()
    return ""


@functools.cache
def zones_by_country() -> dict[str, tuple[str, ...]]:
    """Country code -> its canonical zones, as zone.tab lists them (those this system has)."""
    available = zoneinfo.available_timezones()
    found: dict[str, list[str]] = {}
    for line in _zone_tab().splitlines():
        if not line or line.startswith("#"):
            continue
        code, _coordinates, zone, *_comment = line.split("\t")
        if zone in available:
            found.setdefault(code, []).append(zone)
    return {code: tuple(zones) for code, zones in found.items()}


@functools.cache
def offered() -> frozenset[str]:
    return frozenset({"UTC"}) | {z for zones in zones_by_country().values() for z in zones}


def city(zone: str) -> str:
    """ "America/Argentina/Cordoba" -> "Cordoba"."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def choices() -> list:
    """Grouped choices for a <select>, in the active language: UTC, then every country by
    name, a single zone as the country itself, several as a group of cities."""
    from django_countries import countries

    by_country = zones_by_country()
    rows: list = [("UTC", "UTC")]
    for code, name in countries:
        zones = by_country.get(code)
        if not zones:
            continue
        if len(zones) == 1:
            rows.append((zones[0], name))
        else:
            rows.append((name, [(zone, city(zone)) for zone in sorted(zones, key=city)]))
    return rows


def country_zone(code: str) -> str | None:
    zones = zones_by_country().get(code.upper())
    if not zones:
        return None
    return MAIN_ZONE.get(code.upper(), zones[0])


def zone_from_accept_language(header: str) -> str | None:
    """The zone of the first region the browser's Accept-Language names ("pt-BR" -> Brazil's
    main zone), or None when it names none."""
    for part in header.split(","):
        tag = part.split(";", 1)[0].strip()
        pieces = tag.replace("_", "-").split("-")
        for piece in pieces[1:]:
            if len(piece) == 2 and piece.isalpha():
                zone = country_zone(piece)
                if zone:
                    return zone
    return None
