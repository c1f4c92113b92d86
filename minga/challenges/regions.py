"""World regions for browsing needs, derived from a cooperative's country.

Four regions, as the International Cooperative Alliance organises its regional offices: Africa,
the Americas, Asia and the Pacific, Europe. Countries follow the UN geoscheme's continents;
Western and Central Asia and Oceania go to Asia and the Pacific.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorldRegion(models.TextChoices):
    AFRICA = "africa", _("Africa")
    AMERICAS = "americas", _("Americas")
    ASIA_PACIFIC = "asia-pacific", _("Asia and the Pacific")
    EUROPE = "europe", _("Europe")


_AFRICA = (
    "DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS LR LY MG "
    "MW ML MR MU YT MA MZ NA NE NG RE RW SH ST SN SC SL SO ZA SS SD TZ TG TN UG EH ZM ZW IO TF"
)
_AMERICAS = (
    "AI AG AR AW BS BB BZ BM BO BQ BR VG CA KY CL CO CR CU CW DM DO EC SV FK GF GL GD GP GT GY "
    "HT HN JM MQ MX MS NI PA PY PE PR BL KN LC MF PM VC SX GS TT TC US UM VI UY VE BV"
)
_EUROPE = (
    "AX AL AD AT BY BE BA BG HR CY CZ DK EE FO FI FR DE GI GR GG VA HU IS IE IM IT JE XK LV LI "
    "LT LU MT MD MC ME NL MK NO PL PT RO RU SM RS SK SI ES SJ SE CH UA GB"
)

_BY_COUNTRY = {
    **dict.fromkeys(_AFRICA.split(), WorldRegion.AFRICA),
    **dict.fromkeys(_AMERICAS.split(), WorldRegion.AMERICAS),
    **dict.fromkeys(_EUROPE.split(), WorldRegion.EUROPE),
}


def world_region(country_code: str) -> WorldRegion:
    """The world region of an ISO 3166-1 alpha-2 code; every other country is in Asia-Pacific."""
    return _BY_COUNTRY.get(str(country_code).upper(), WorldRegion.ASIA_PACIFIC)
