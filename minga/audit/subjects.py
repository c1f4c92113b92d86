"""What an entry's subject (`poll:12`, `coop:maraba`) names, for the entry's page.

The log knows subjects only as text; the apps that own them register, at start-up, how to
find their page (the way channels receive handlers), so the audit app imports none of them.
A subject no app claims, or one the reader may not open, is shown as its text alone.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

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
