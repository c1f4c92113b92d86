"""Words that reach a page in English when the page is in another language.

A page in Spanish, French or Brazilian Portuguese fails when one of its visible texts (a text
node, or a placeholder, title, aria-label, alt or button value) is, whole, an English msgid
that has a translation in that language: a template string or a generated label (a choice,
a chart word, an award name) went round the catalogue, or was made before the reader's
language was active. msgids with placeholders are matched as patterns ("%(count)s members"
finds "3 members").

Catalogues are discovered (every minga/**/locale), so a new app's strings are checked as
soon as they are in its catalogue. Nothing here needs the database.
"""

import functools
import re
from html.parser import HTMLParser
from pathlib import Path

from minga.core.tests.test_translations import parse

PACKAGE = Path(__file__).resolve().parents[2]  # minga/
# Page language -> locale directory.
LANGUAGES = {"es": "es", "fr": "fr", "pt-br": "pt_BR"}
# The same words in every language, or names: never a failure when shown as they are.
ALLOWED = frozenset(
    {
        "English",  # the language switcher names each language in itself
        "Minga",
        "USSD",
        "SMS",
        "JSON",
        "PDF",
        "QR",
        "DID",
    }
)
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w+\}")
TAG = re.compile(r"</?[a-zA-Z][^<>]*>")
WORD = re.compile(r"[A-Za-z]{4,}")
SPACES = re.compile(r"\s+")
# Texts inside these are code, data or scripts, not words for the reader.
SKIPPED = {"script", "style", "code", "pre", "kbd", "samp", "textarea"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}
SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")


def _plain(text: str) -> str:
    return SPACES.sub(" ", text).strip()


def _catalogues(directory: str) -> list[Path]:
    return sorted(PACKAGE.glob(f"**/locale/{directory}/LC_MESSAGES/django.po"))


@functools.cache
def english_msgids(language: str) -> tuple[frozenset[str], re.Pattern | None]:
    """(plain msgids, one pattern for those with placeholders) translated in `language`.

    A msgid some catalogue leaves the same in `language` ("Total"), or that is itself some
    translation in it (French "Votes", "Actions"), is not English on its pages: it is
    dropped, as are msgids made of markup.
    """
    translated: set[str] = set()
    same: set[str] = set()
    written: set[str] = set()  # every translation: words the language itself uses whole
    vocabulary: set[str] = set()  # every word the language's translations use
    for path in _catalogues(LANGUAGES[language]):
        for entry in parse(path):
            forms = [entry["msgid"], entry.get("msgid_plural")]
            for index, msgid in enumerate(filter(None, forms)):
                msgid = _plain(msgid)
                strings = entry["msgstr"]
                text = _plain(strings[min(index, len(strings) - 1)] if strings else "")
                if not msgid or TAG.search(msgid):
                    continue
                (same if not text or text == msgid else translated).add(msgid)
                vocabulary.update(WORD.findall(text.lower()))
                written.add(text)
    english = translated - same - written - ALLOWED
    plain = frozenset(m for m in english if not PLACEHOLDER.search(m))
    patterns = []
    for msgid in english - plain:
        literal = set(WORD.findall(PLACEHOLDER.sub(" ", msgid).lower()))
        if literal <= vocabulary:
            # Words the language has too: "%(title)s: %(method)s" would match any pair of
            # words, "%(count)s votes" French text.
            continue
        parts = PLACEHOLDER.split(msgid)
        patterns.append(r"\S.*?".join(re.escape(part) for part in parts))
    pattern = re.compile("|".join(f"(?:{p})" for p in sorted(patterns))) if patterns else None
    return plain, pattern


class _Texts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.skipping: list[str] = []  # open elements whose text is not for the reader

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in SKIPPED or attributes.get("translate") == "no":
            if tag not in VOID:
                self.skipping.append(tag)
            return
        if self.skipping:
            if tag == self.skipping[-1] and tag not in VOID:
                self.skipping.append(tag)
            return
        for name in SHOWN_ATTRIBUTES:
            if attributes.get(name):
                self.texts.append(attributes[name])
        kind = (attributes.get("type") or "").lower()
        if tag == "input" and kind in {"submit", "button", "reset"} and attributes.get("value"):
            self.texts.append(attributes["value"])

    def handle_endtag(self, tag):
        if self.skipping and tag == self.skipping[-1]:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.texts.append(data)


def visible_texts(html: str) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    parser.close()
    return [text for text in map(_plain, parser.texts) if text]


def untranslated(html: str, language: str) -> list[str]:
    """The texts of `html` (a page in `language`) that are English msgids, in page order."""
    plain, pattern = english_msgids(language)
    return [
        text
        for text in visible_texts(html)
        if text in plain or (pattern is not None and pattern.fullmatch(text))
    ]
