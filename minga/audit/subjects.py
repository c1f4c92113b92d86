"""What an entry's subject (`poll:12`, `coop:maraba`) names, for the entry's page.

The log knows subjects only as text; the apps that own them register, at start-up, how to
find their page (the way channels receive handlers), so the audit app imports none of them.
A subject no app claims, or one the reader may not open, is shown as its text alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser as User
    from django.contrib.auth.models import AnonymousUser


@dataclass(frozen=True)
class Subject:
    text: str  # as the log holds it
    name: str = ""  # in words, when an app knows it
    url: str = ""


Finder = Callable[[str, "User | AnonymousUser | None"], tuple[str, str] | None]
_FINDERS: dict[str, Finder] = {}


def register_subject(prefix: str, find: Finder) -> None:
    """`find(rest, viewer)` gives (name, url) of the subject `prefix:rest`, or None when it is
    unknown or not for `viewer` to see (members-only matters stay unnamed)."""
    _FINDERS[prefix] = find


def describe(subject: str, *, viewer: User | AnonymousUser | None) -> Subject:
    prefix, _sep, rest = subject.partition(":")
    find = _FINDERS.get(prefix)
    found = find(rest, viewer) if find is not None and rest else None
    if found is None:
        return Subject(subject)
    name, url = found
    return Subject(subject, name, url)


# What a subject is, in words, without reading the row it names (the log's index shows fifty
# entries at once): the kind of thing and its identifier. The entry's own page names it
# (`describe`) where the reader may see it.
SUBJECT_WORDS: dict[str, str] = {
    "achievement": _("Achievement %(id)s"),
    "agents": _("Cash agent %(id)s"),
    "coop": _("Cooperative %(id)s"),
    "credential": _("Credential %(id)s"),
    "discussion": _("Discussion %(id)s"),
    "event": _("Coop-a-thon %(id)s"),
    "need": _("Need %(id)s"),
    "person": _("Person %(id)s"),
    "poll": _("Poll %(id)s"),
    "training": _("Training %(id)s"),
    "treasury": _("Treasury of cooperative %(id)s"),
}
# Subjects that are a word of their own.
WHOLE_WORDS: dict[str, str] = {
    "person": _("A person's account"),
    "platform": _("The platform"),
    "voting-pin": _("A voting PIN"),
}
# Identifiers after the cooperative in a treasury's or cash agents' subject, in words.
_PARTS: dict[str, str] = {
    "allocation": _("surplus allocation %(id)s"),
    "circularisation": _("confirmation of balances %(id)s"),
    "dispute": _("dispute %(id)s"),
    "request": _("request %(id)s"),
}


def in_words(subject: str) -> str:
    """`poll:12` as "Poll 12" in the reader's language; a subject not listed as it is."""
    if subject in WHOLE_WORDS:
        return gettext(WHOLE_WORDS[subject])
    prefix, _sep, rest = subject.partition(":")
    if prefix not in SUBJECT_WORDS or not rest:
        return subject
    if prefix in ("treasury", "agents"):
        coop, _sep, detail = rest.partition(":")
        words = gettext(SUBJECT_WORDS["treasury"]) % {"id": coop}
        part, _sep, ident = detail.partition(":")
        if prefix == "agents" and detail:
            return gettext("%(agent)s, %(coop)s") % {
                "agent": gettext(SUBJECT_WORDS["agents"]) % {"id": detail},
                "coop": gettext(SUBJECT_WORDS["coop"]) % {"id": coop},
            }
        if part in _PARTS and ident:
            return gettext("%(whole)s: %(part)s") % {
                "whole": words,
                "part": gettext(_PARTS[part]) % {"id": ident},
            }
        return words if not detail else f"{words}: {detail}"
    return gettext(SUBJECT_WORDS[prefix]) % {"id": rest}
