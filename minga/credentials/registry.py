"""What credentials need from the apps above them, handed over at start-up.

Trainings and judging issue credentials through this app, so they sit above it and it imports
neither. What it shows or keeps of theirs they register in their `AppConfig.ready`:

- a part of a public profile (`register_profile_section`): judging the coop-a-thons where a
  person earned an award, trainings those a person gave or completed and a cooperative's own;
- the credentials an app keeps a link to (`register_holding`): a training enrolment keeps its
  certificate, and knows the phone number of a participant without an account, so re-issuing
  a credential can text its holder and point the enrolment at the replacement.

With none registered the profiles show verified credentials alone and re-issuing reaches the
holder through their account only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Credential

PAGES = ("person", "coop")


@dataclass(frozen=True)
class ProfileSection:
    """A part of the public profile of a person or a cooperative.

    `rows(subject)` reads what it lists (a list or a queryset, read by the template); `template`
    renders them as `rows`, beside the page's own context (`person`, or `coop` and
    `issued_count`); `order` places it among the other sections (lowest first). A person's
    profile exists only once it shows something: a verified credential or a row of a section.
    """

    order: int
    template: str
    rows: Callable[[Any], Any]


@dataclass(frozen=True)
class Holding:
    """Credentials another app keeps a link to (a training enrolment's certificate).

    `phones(credential)`: the phone numbers the app holds for the credential's holder, first
    the one to text; `replace(old, new)`: point the app's rows at the replacement of `old`,
    inside the re-issuing transaction.
    """

    phones: Callable[[Credential], Iterable[str]]
    replace: Callable[[Credential, Credential], None]


_sections: dict[str, dict[str, ProfileSection]] = {page: {} for page in PAGES}
_holdings: dict[str, Holding] = {}


def register_profile_section(page: str, name: str, section: ProfileSection) -> None:
    """Add `section` (under a unique `name`) to every profile `page`: "person" or "coop"."""
    if page not in PAGES:
        raise ValueError(f"no profile page {page!r}: {PAGES}")
    _sections[page][name] = section


def profile_sections(page: str) -> list[ProfileSection]:
    return sorted(_sections[page].values(), key=lambda section: section.order)


def register_holding(name: str, holding: Holding) -> None:
    _holdings[name] = holding


def holder_phones(credential: Credential) -> list[str]:
    """The phone numbers the apps hold for `credential`'s holder, first the one to text."""
    return [phone for holding in _holdings.values() for phone in holding.phones(credential)]


def replaced(old: Credential, new: Credential) -> None:
    for holding in _holdings.values():
        holding.replace(old, new)
