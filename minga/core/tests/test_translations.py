"""Every catalogue is complete in Spanish, French and Brazilian Portuguese, and current.

Catalogues are discovered (minga/<app>/locale and minga/locale), so a new app is covered as
soon as `bin/messages` creates its catalogues. Nothing here needs the database.
"""

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]  # minga/
REPO = PACKAGE.parent
LANGUAGES = ("es", "fr", "pt_BR")
GETTEXT_TOOLS = ("xgettext", "msgmerge", "msguniq", "msgattrib")

CATALOGUES = sorted(
    path
    for language in LANGUAGES
    for path in PACKAGE.glob(f"**/locale/{language}/LC_MESSAGES/django.po")
)
# Each place bin/messages writes to: every app (minga/<app>/locale) and the project itself.
APPS = sorted(path.parent for path in PACKAGE.glob("*/apps.py"))
SOURCES = [*APPS, PACKAGE]

PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|\{\{\s*(\w+)\s*\}\}")
TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
ESCAPES = {
    "n": "\n",
    "t": "\t",
    "r": "\r",
    '"': '"',
    "\\": "\\",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
}


def _id(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


def _unquote(text: str) -> str:
    text = text.strip()
    assert text.startswith('"') and text.endswith('"'), text
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), m.group(0)), text[1:-1])


def parse(path: Path) -> list[dict]:
    """A PO file's live entries: msgctxt, msgid, msgid_plural, msgstr (a list), flags, line."""
    entries: list[dict] = []
    entry: dict = {}
    field = None

    def close():
        nonlocal entry, field
        if "msgid" in entry and not entry.get("obsolete"):
            entries.append(entry)
        entry, field = {}, None

    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            close()
            continue
        if line.startswith("#~"):
            entry["obsolete"] = True
            continue
        if line.startswith("#"):
            if "msgid" in entry:
                close()
            if line.startswith("#,"):
                entry.setdefault("flags", set()).update(
                    flag.strip() for flag in line[2:].split(",")
                )
            continue
        if line.startswith('"'):
            if field is None:
                raise AssertionError(f"{path}:{number}: text outside an entry")
            key, index = field
            if index is None:
                entry[key] += _unquote(line)
            else:
                entry[key][index] += _unquote(line)
            continue
        keyword, _, value = line.partition(" ")
        match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if keyword in ("msgctxt", "msgid") and "msgid" in entry:
            close()
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            entry[keyword] = _unquote(value)
            entry.setdefault("line", number)
            field = (keyword, None)
        elif keyword == "msgstr":
            entry["msgstr"] = [_unquote(value)]
            field = ("msgstr", 0)
        elif match:
            entry.setdefault("msgstr", [])
            index = int(match.group(1))
            entry["msgstr"].extend([""] * (index + 1 - len(entry["msgstr"])))
            entry["msgstr"][index] = _unquote(value)
            field = ("msgstr", index)
        else:
            raise AssertionError(f"{path}:{number}: unexpected line {line!r}")
    close()
    return entries


def _nplurals(entries: list[dict]) -> int:
    header = next((e for e in entries if e["msgid"] == "" and "msgctxt" not in e), None)
    match = re.search(r"nplurals\s*=\s*(\d+)", header["msgstr"][0] if header else "")
    return int(match.group(1)) if match else 2


def _describe(entry: dict) -> str:
    return f"line {entry['line']}: {entry['msgid']!r}"


def _needs(*tools: str) -> None:
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if missing:
        pytest.skip(
            f"GNU gettext is not installed ({', '.join(missing)} missing): apt-get install gettext"
        )


def test_it_finds_the_catalogues():
    assert len(CATALOGUES) >= 3 * 5
    for language in LANGUAGES:
        assert PACKAGE / f"locale/{language}/LC_MESSAGES/django.po" in CATALOGUES
    for path in CATALOGUES:
        siblings = {path.parents[2] / language / "LC_MESSAGES/django.po" for language in LANGUAGES}
        assert all(sibling.is_file() for sibling in siblings), f"{_id(path)}: run bin/messages"


@pytest.mark.parametrize("path", CATALOGUES, ids=_id)
def test_it_has_translated_every_string(path):
    entries = parse(path)
    nplurals = _nplurals(entries)
    untranslated = []
    for entry in entries:
        if entry["msgid"] == "" and "msgctxt" not in entry:
            continue
        forms = entry["msgstr"]
        if "msgid_plural" in entry:
            forms = forms + [""] * (nplurals - len(forms))
        if any(not form for form in forms):
            untranslated.append(_describe(entry))
    assert not untranslated, (
        f"{_id(path)}: {len(untranslated)} untranslated (fill them in):\n" + "\n".join(untranslated)
    )


@pytest.mark.parametrize("path", CATALOGUES, ids=_id)
def test_it_has_no_fuzzy_entries(path):
    fuzzy = [
        "the header (fill in its fields, then remove the flag)"
        if entry["msgid"] == ""
        else _describe(entry)
        for entry in parse(path)
        if "fuzzy" in entry.get("flags", ())
    ]
    assert not fuzzy, (
        f"{_id(path)}: {len(fuzzy)} fuzzy (check the translation, then remove the flag):\n"
        + "\n".join(fuzzy)
    )


@pytest.mark.parametrize("path", CATALOGUES, ids=_id)
def test_it_keeps_placeholders_and_markup(path):
    """msgfmt -c checks python-format strings; this also covers unflagged ones and HTML."""
    _needs("msgfmt")
    result = subprocess.run(
        ["msgfmt", "-c", "-o", os.devnull, str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, f"msgfmt -c {_id(path)}:\n{result.stderr}"
    problems = []
    for entry in parse(path):
        if entry["msgid"] == "" or not any(entry["msgstr"]):
            continue
        sources = [entry["msgid"], entry.get("msgid_plural", entry["msgid"])]
        names = {n for text in sources for m in PLACEHOLDER.finditer(text) for n in m.groups() if n}
        for form in filter(None, entry["msgstr"]):
            used = {n for m in PLACEHOLDER.finditer(form) for n in m.groups() if n}
            # A plural form may leave out a number its language does not need to show.
            fits = used <= names if "msgid_plural" in entry else used == names
            if not fits:
                problems.append(f"{_describe(entry)} uses {sorted(used)}, not {sorted(names)}")
            if Counter(TAG.findall(form)) != Counter(TAG.findall(entry["msgid"])):
                problems.append(f"{_describe(entry)} changes the HTML: {form!r}")
    assert not problems, f"{_id(path)}:\n" + "\n".join(problems)


def _keys(entries: list[dict]) -> set[tuple]:
    return {(e.get("msgctxt"), e["msgid"], e.get("msgid_plural")) for e in entries if e["msgid"]}


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: _id(p) if p != PACKAGE else "project")
def test_it_is_up_to_date_with_the_sources(source, tmp_path):
    """What bin/messages would extract now is all in the committed Spanish catalogue."""
    _needs("msgfmt", *GETTEXT_TOOLS)
    work = tmp_path / source.name
    command = [sys.executable, "-m", "django", "makemessages", "-l", "es", "--verbosity", "0"]
    skip = {"locale", "__pycache__"}
    if source == PACKAGE:  # the project's own templates and settings, as bin/messages does
        skip |= {app.name for app in PACKAGE.iterdir() if (app / "apps.py").is_file()}
    else:
        command += ["-i", "tests/*"]
    shutil.copytree(
        source,
        work,
        ignore=lambda folder, names: (
            skip & set(names) if folder == str(source) else {"__pycache__"} & set(names)
        ),
    )
    (work / "locale").mkdir()
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "DJANGO_SETTINGS_MODULE": "minga.settings",
        "DEBUG": "1",
    }
    result = subprocess.run(
        command, cwd=work, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    extracted = work / "locale/es/LC_MESSAGES/django.po"
    fresh = _keys(parse(extracted)) if extracted.is_file() else set()
    catalogue = source / "locale/es/LC_MESSAGES/django.po"
    committed = _keys(parse(catalogue)) if catalogue.is_file() else set()
    missing = sorted(fresh - committed, key=lambda key: (key[1], key[0] or ""))
    assert not missing, (
        f"{_id(source / 'locale')} lacks {len(missing)} string(s) from its sources: run "
        "bin/messages and translate them:\n" + "\n".join(repr(key[1]) for key in missing)
    )
