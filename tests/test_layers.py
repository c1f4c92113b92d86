"""Apps depend one way, down the stack of docs/architecture.md: this test fails on any other.

An app may import an app in a layer below its own, never one above it; apps of the same layer
never import each other. Every way of reaching another app counts: module-level and
function-level imports (`TYPE_CHECKING` blocks included) and dotted strings naming a module of
another app (`"minga.decisions.ussd.respond"` handed to `import_string`, a list of modules to
load). Tests and migrations are left out: a test may build its data through any app, and a
migration names the apps its models point at.

Where the stack of DESIGN.md reads in two ways, the code decides:

- channels (outbound e-mail/SMS, inbound USSD/SMS) serves every app, accounts included, so it
  sits just above core and knows no app: apps register their USSD menus and SMS handlers with
  it (`minga.channels.handlers`).
- every audited action records into the log, those of accounts, coops and identity included, so
  audit sits below them: it receives the platform's signing key and a member's cooperatives by
  registration (`minga.audit.registry`) and names people through `get_user_model()`.
- The domain apps form a stack of their own, each importing only those below it.

The known debts are in `ALLOWED`, each with the reason it is still there: remove a line when
its import goes; a line that no longer matches anything fails the test too, so the list only
shrinks.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "minga"

# Lowest first. An app imports only apps in earlier layers.
LAYERS: list[tuple[str, ...]] = [
    ("core",),
    ("channels",),
    ("audit",),
    ("accounts",),
    ("coops",),
    ("identity",),
    # The domain apps, each above those it builds on.
    ("challenges",),
    ("events",),
    ("credentials",),
    ("trainings",),  # issues its certificates through credentials
    ("decisions",),
    ("judging",),  # awards through credentials, uses the tally of decisions
    ("treasury",),
    ("agents",),  # cash agents: their float and members' cash go through the treasury
]
LAYER = {app: level for level, apps in enumerate(LAYERS) for app in apps}

# (importing module, imported app): imports against the direction still to be removed.
ALLOWED: dict[tuple[str, str], str] = {}

DOTTED = re.compile(r"minga\.([a-z_]+)(?:\.[A-Za-z_][\w]*)*")


def _module_name(path: Path, root: Path) -> list[str]:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _imported(path: Path, root: Path) -> list[tuple[str, int]]:
    """Every module name `path` imports or names in a string, with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = _module_name(path, root)
    if path.name != "__init__.py":
        package = package[:-1]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            # `from minga import audit` names the app in the alias.
            found += [(f"{name}.{alias.name}", node.lineno) for alias in node.names]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            match = DOTTED.fullmatch(node.value)
            if match:
                found.append((node.value, node.lineno))
    return found


def _edges(root: Path = ROOT) -> list[tuple[str, str, int]]:
    """(module path under minga/, imported app, line) for every import between apps."""
    edges = []
    for path in sorted(root.glob("*/**/*.py")):
        source = path.relative_to(root)
        if {"tests", "migrations"} & set(source.parts):
            continue
        app = source.parts[0]
        for name, line in _imported(path, root):
            parts = name.split(".")
            if len(parts) >= 2 and parts[0] == "minga" and parts[1] in LAYER and parts[1] != app:
                edges.append((source.as_posix(), parts[1], line))
    return edges


def _against(edges: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    return [
        (source, target, line)
        for source, target, line in edges
        if LAYER.get(source.split("/")[0], -1) <= LAYER[target]
    ]


def test_it_knows_every_app() -> None:
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps <= set(LAYER), f"place these apps in LAYERS: {sorted(apps - set(LAYER))}"


def test_it_finds_imports_of_every_kind(tmp_path: Path) -> None:
    root = tmp_path / "minga"
    (root / "core" / "tests").mkdir(parents=True)
    (root / "core" / "tests" / "test_probe.py").write_text("import minga.treasury\n")
    module = root / "core" / "probe.py"
    module.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from minga.coops.models import Cooperative\n"
        "def f():\n    import minga.accounts.models\n"
        "MENU = 'minga.decisions.ussd.respond'\n"
        "from ..events import models\n",
        encoding="utf-8",
    )
    found = {(target, line) for _, target, line in _against(_edges(root))}
    assert found == {("coops", 3), ("accounts", 5), ("decisions", 6), ("events", 7)}


def test_it_allows_no_import_against_the_direction() -> None:
    against = _against(_edges())
    debts = {(source, target) for source, target, _ in against}
    unexpected = [
        f"minga/{source}:{line} imports minga.{target}"
        for source, target, line in against
        if (source, target) not in ALLOWED
    ]
    assert not unexpected, "imports against the direction of the stack:\n" + "\n".join(unexpected)
    paid = sorted(set(ALLOWED) - debts)
    assert not paid, f"these debts are paid, remove them from ALLOWED: {paid}"
