"""Loaders for the published test vectors kept in `data/` (see data/SOURCES.md)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
TRANSPARENCY = DATA / "transparency"


def b64(value: str | None) -> bytes:
    """Decode a probe field; upstream writes absent hashes as empty strings or null."""
    return base64.b64decode(value) if value else b""


def probes(kind: str) -> list[tuple[str, dict[str, Any]]]:
    """Every inclusion or consistency probe file, as (relative name, contents)."""
    root = TRANSPARENCY / kind
    return [
        (str(path.relative_to(root)), json.loads(path.read_text()))
        for path in sorted(root.rglob("*.json"))
    ]


def constants() -> dict[str, Any]:
    return json.loads((TRANSPARENCY / "merkle-constants.json").read_text())


def reference_leaves() -> list[bytes]:
    return [bytes.fromhex(leaf) for leaf in constants()["leaves_hex"]]


def signed_notes() -> dict[str, Any]:
    return json.loads((TRANSPARENCY / "signed-note.json").read_text())
