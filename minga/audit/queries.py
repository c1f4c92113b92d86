"""Reads of the private side of the log: who may open which commitment."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Q

from . import registry
from .commitments import PREFIX
from .models import Entry, Secret

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser as User
    from django.contrib.auth.models import AnonymousUser

PERSON = re.compile(r"person:[0-9]{1,19}")


def opening_of(commitment: str, *, viewer: User) -> tuple[str, bytes] | None:
    """(value, salt) behind a commitment if `viewer` may see it (see `openings`), else None.

    Whoever sees it can hand both to anyone who should check the commitment in the public log.
    """
    return openings([commitment], viewer=viewer).get(commitment)


def _visible(viewer: User | AnonymousUser | None) -> Q:
    """The openings `viewer` may see: disclosed ones; their own; their cooperatives'."""
    visible = Q(disclosed_at__isnull=False)
    if viewer is not None and viewer.is_authenticated:
        active = registry.member_coops(viewer.pk)
        visible |= Q(owner_id=viewer.pk) | Q(coop_id__in=active)
    return visible


def openings(
    commitments: Iterable[str], *, viewer: User | AnonymousUser | None
) -> dict[str, tuple[str, bytes]]:
    """commitment -> (value, salt) for each of `commitments` that `viewer` may open.

    An anonymous viewer (None) sees only disclosed openings; erased ones open for nobody.
    """
    wanted = {c for c in commitments if isinstance(c, str) and c.startswith(PREFIX)}
    if not wanted:
        return {}
    rows = Secret.objects.filter(
        _visible(viewer), commitment__in=wanted, erased_at__isnull=True
    ).values_list("commitment", "value", "salt")
    return {commitment: (value, bytes(salt)) for commitment, value, salt in rows}


def commitments_in(value: Any) -> list[str]:
    """Every commitment in an entry's data (or any JSON value), in reading order."""
    if isinstance(value, str):
        return [value] if value.startswith(PREFIX) else []
    if isinstance(value, dict):
        return [c for item in value.values() for c in commitments_in(item)]
    if isinstance(value, list):
        return [c for item in value for c in commitments_in(item)]
    return []


@dataclass(frozen=True)
class Field:
    """One value of an entry as a reader sees it: public, or a commitment maybe opened."""

    name: str
    public: str  # the value as the log holds it (a commitment for private values)
    is_commitment: bool
    opened: str | None = None  # the value behind the commitment, for those who may see it
    salt: str = ""  # hex, so the reader can check the commitment themselves
    is_disclosed: bool = False


@dataclass
class ShownEntry:
    index: int
    kind: str
    subject: str
    created_at: datetime.datetime
    actor: Field
    fields: list[Field]

    @property
    def action(self) -> str:
        """The action in words in the reader's language (the code when it has none)."""
        from .kinds import label

        return label(self.kind)

    @property
    def subject_words(self) -> str:
        """What the entry concerns in words ("Poll 12"), without reading the row it names."""
        from .subjects import in_words

        return in_words(self.subject)

    @property
    def has_commitments(self) -> bool:
        return self.actor.is_commitment or any(f.is_commitment for f in self.fields)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _people_names(values: Iterable[str]) -> dict[str, str]:
    """`person:<id>` -> the person's name, for openings the viewer may already see."""
    ids = {int(v.split(":", 1)[1]) for v in values if PERSON.fullmatch(v)}
    if not ids:
        return {}
    people = get_user_model().objects.filter(pk__in=ids)
    return {f"person:{pk}": name for pk, name in people.values_list("pk", "name")}


def show_entries(
    entries: Iterable[Entry], *, viewer: User | AnonymousUser | None
) -> list[ShownEntry]:
    """Entries as a person reads them: commitments for everyone, values where `viewer` may see.

    One query finds every opening of the page, one more the names of the people it names.
    """
    parsed = []
    for entry in entries:
        try:
            body = json.loads(bytes(entry.body))
            data = body["data"] if isinstance(body.get("data"), dict) else {}
            actor = body.get("actor", "")
        except (ValueError, AttributeError):  # a damaged entry; `log verify` names it
            data, actor = {}, ""
        parsed.append((entry, actor, data))
    wanted = [c for _e, actor, data in parsed for c in [actor, *commitments_in(data)]]
    found = openings(wanted, viewer=viewer)
    disclosed = disclosed_openings(found)
    names = _people_names(value for value, _salt in found.values())

    def field(name: str, value: Any) -> Field:
        if not (isinstance(value, str) and value.startswith(PREFIX)):
            return Field(name, _text(value), False)
        opening = found.get(value)
        if opening is None:
            return Field(name, value, True)
        text, salt = opening
        return Field(
            name,
            value,
            True,
            opened=names.get(text, text),
            salt=salt.hex(),
            is_disclosed=value in disclosed,
        )

    return [
        ShownEntry(
            entry.index,
            entry.kind,
            entry.subject,
            entry.created_at,
            field("actor", actor),
            [field(name, value) for name, value in sorted(data.items())],
        )
        for entry, actor, data in parsed
    ]


def disclosed_openings(commitments: Iterable[str]) -> set[str]:
    """Which of `commitments` everyone may open (their matter became public)."""
    wanted = list(commitments)
    if not wanted:
        return set()
    return set(
        Secret.objects.filter(
            commitment__in=wanted, disclosed_at__isnull=False, erased_at__isnull=True
        ).values_list("commitment", flat=True)
    )
