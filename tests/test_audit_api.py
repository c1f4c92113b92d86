"""Other apps read the audit log through `minga.audit`'s functions, never its tables.

The log's rows are its own: what other apps need of them (entries, the values they hold,
checkpoints, inclusion proofs) is a function of the audit package, documented in its
docstring (`minga.audit.reading`). This test fails on any module of another app that imports
`minga.audit.models` (however it is spelled: absolute, relative, `from minga.audit import
models`, a dotted string), names one of audit's models as `"audit.<Model>"`, or names one of
audit's tables in a string (raw SQL). Tests and migrations are left out, as in
`tests/test_layers.py`.

The known debts are in `ALLOWED`, each with its reason: remove a line when its read goes; a
line that no longer matches anything fails the test too, so the list only shrinks.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.apps import apps

ROOT = Path(__file__).resolve().parent.parent / "minga"

# (module path under minga/, what it names): reads of the log's tables still to be moved.
ALLOWED: dict[tuple[str, str], str] = {}


def audit_tables() -> set[str]:
    return {model._meta.db_table for model in apps.get_app_config("audit").get_models()}


def _module_name(path: Path, root: Path) -> list[str]:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return parts[:-1] if parts[-1] == "__init__" else parts


def _strings(node: ast.AST) -> list[str]:
    """The literal text of a string constant, or of the literal parts of an f-string."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [
            part.value
            for part in node.values
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        ]
    return []


def _reads(path: Path, root: Path, tables: set[str]) -> list[tuple[str, int]]:
    """(what is named, line) for every way `path` reaches audit's models or tables."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = _module_name(path, root)
    if path.name != "__init__.py":
        package = package[:-1]
    table = re.compile(r"\b(" + "|".join(sorted(map(re.escape, tables))) + r")\b")
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names = [f"{module}.{alias.name}" for alias in node.names]
        for name in names:
            if name == "minga.audit.models" or name.startswith("minga.audit.models."):
                found.append(("minga.audit.models", line))
        for text in _strings(node):
            if re.fullmatch(r"minga\.audit\.models(\.\w+)*|audit\.[A-Z]\w*", text):
                found.append((text, line))
            found += [(match, line) for match in table.findall(text)]
    return found


def _violations(root: Path = ROOT, tables: set[str] | None = None) -> list[tuple[str, str, int]]:
    """(module path under minga/, what it names, line) outside audit, tests and migrations."""
    tables = audit_tables() if tables is None else tables
    found = []
    for path in sorted(root.glob("*/**/*.py")):
        source = path.relative_to(root)
        if source.parts[0] == "audit" or {"tests", "migrations"} & set(source.parts):
            continue
        found += [(source.as_posix(), name, line) for name, line in _reads(path, root, tables)]
    return found


def test_it_knows_audit_tables() -> None:
    assert {"audit_entry", "audit_checkpoint", "audit_secret"} <= audit_tables()


def test_it_finds_reads_of_every_kind(tmp_path: Path) -> None:
    root = tmp_path / "minga"
    (root / "decisions" / "tests").mkdir(parents=True)
    (root / "audit").mkdir()
    (root / "decisions" / "tests" / "test_probe.py").write_text(
        "from minga.audit.models import Entry\n"
    )
    (root / "audit" / "log.py").write_text("from .models import Entry\nSQL = 'audit_entry'\n")
    (root / "decisions" / "probe.py").write_text(
        "from minga.audit.models import Entry\n"
        "from minga.audit import models\n"
        "def f():\n    from ..audit.models import Checkpoint\n"
        "SQL = f'SELECT size FROM audit_checkpoint WHERE size > {1}'\n"
        "MODEL = 'audit.Secret'\n"
        "LAZY = 'minga.audit.models.Entry'\n"
        "FINE = 'audit_entries_page audit.record'\n"
        "from minga import audit\n",
        encoding="utf-8",
    )
    tables = {"audit_entry", "audit_checkpoint", "audit_secret"}
    found = {(name, line) for _, name, line in _violations(root, tables)}
    assert found == {
        ("minga.audit.models", 1),
        ("minga.audit.models", 2),
        ("minga.audit.models", 4),
        ("audit_checkpoint", 5),
        ("audit.Secret", 6),
        ("minga.audit.models.Entry", 7),
    }


def test_no_other_app_reads_the_audit_tables() -> None:
    found = _violations()
    debts = {(source, name) for source, name, _ in found}
    unexpected = [
        f"minga/{source}:{line} reads {name}: use a reading function of minga.audit"
        for source, name, line in found
        if (source, name) not in ALLOWED
    ]
    assert not unexpected, "reads of the audit log's tables:\n" + "\n".join(unexpected)
    paid = sorted(set(ALLOWED) - debts)
    assert not paid, f"these debts are paid, remove them from ALLOWED: {paid}"
