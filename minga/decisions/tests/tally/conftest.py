"""Where the tally tests find their data (see data/SOURCES.md)."""

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
DROOP = DATA / "droop"
GLASGOW = sorted((DROOP / "blt" / "scotland").glob("*-2007.blt"))


def droop_references() -> list[dict]:
    return json.loads((DROOP / "droop-expected-winners.json").read_text())["results"]
