"""The USSD voting menu: a state machine rebuilt from the inputs at every step.

Africa's Talking sends the whole input of the session at each step (`1*2*1234`), so the menu
keeps no state of its own: it replays the inputs from the first screen. The screens:

    open polls (1..n, 99 more, 0 proxy requests)
      -> the ballot: consent (1-4), single choice (a number), approval (numbers tick and untick,
         0 when done), score (one screen per option), ranked (type an order: "2 1 3" or "213")
      -> a block asks for a reason
      -> confirmation: the vote in words, "enter your PIN" (0 cancels)
      -> END with the receipt code
    proxy requests -> the request -> PIN -> END
    98 check a certificate -> its check code (25 digits) -> END with what `CHECK` by SMS says
       (offered to every caller, registered or not, with or without open votes)

Only the last input ever acts, and only when it answers the PIN prompt: the menu checks that
the confirmation screen it rebuilt is the one the member saw at the previous step (against the
keyed digest `minga.channels.inbound` keeps of it until then, never the screen itself), so a
list that changed in between (a poll closed) cannot turn a confirmation into a vote for
something else. Wrong input redraws the screen with a short
error; nothing changes until a PIN is accepted. Every screen fits in 182 characters.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from minga.accounts import actions as account_actions
from minga.accounts.models import User
from minga.accounts.queries import person_by_verified_phone, person_with_unverified_phone
from minga.channels.handlers import USSD_SCREEN, Reply

from . import delegation, secrecy
from .actions import BallotError, cast_ballot
from .delegation import DelegationError, PinCheck
from .models import Channel, Elector, Option, Poll, Proxy, VotingPin
from .queries import elector_for, open_polls_for

if TYPE_CHECKING:
    from collections.abc import Sequence

LIMIT = USSD_SCREEN
MORE = "99"
CHECK = "98"
PAGE = 4
MAX_INPUTS = 60
MAX_TEXT = 400
_SPLIT = re.compile(r"[\s,.#-]+")
CONSENT = (
    ("agree", gettext_lazy("Agree")),
    ("abstain", gettext_lazy("Abstain")),
    ("disagree", gettext_lazy("Disagree")),
    ("block", gettext_lazy("Block")),
)


def fit(kind: str, lines: Sequence[str], cuttable: set[int] | None = None) -> str:
    """`kind` ("CON"/"END") and the lines, the longest cuttable lines shortened to fit."""
    lines = [" ".join(line.split()) for line in lines]
    can_cut = set(range(len(lines))) if cuttable is None else set(cuttable)
    while len(kind) + 1 + sum(len(line) + 1 for line in lines) - 1 > LIMIT:
        candidates = [i for i in can_cut if len(lines[i]) > 8] or [
            i for i in range(len(lines)) if len(lines[i]) > 3
        ]
        if not candidates:
            break
        longest = max(candidates, key=lambda i: len(lines[i]))
        lines[longest] = lines[longest][: len(lines[longest]) - 3].rstrip() + ".."
    return f"{kind} " + "\n".join(lines)


def end(*lines: str) -> Reply:
    return Reply(fit("END", lines))


def short_time(value: datetime.datetime, zone: str) -> str:
    local = timezone.localtime(value, zoneinfo.ZoneInfo(zone))
    return f"{local:%d/%m %H:%M} {local.tzname()}"


@dataclass
class Context:
    person: User
    now: datetime.datetime
    shown: Callable[[str], bool]  # whether the member saw this screen at the previous step
    polls: list[tuple[Poll, Elector]] = field(default_factory=list)
    proxies: list[Proxy] = field(default_factory=list)
    entries: list[tuple[MenuEntry, str]] = field(default_factory=list)


@dataclass(frozen=True)
class MenuEntry:
    """A menu another app adds to the first screen (the treasury's "My account"), registered
    from its AppConfig.ready so decisions imports none of them. `label` says what the line
    reads for this person, or None when it is not offered to them; `screen` opens it. Its
    screens are `Screen`s: whatever acts asks the PIN through `PinPrompt`."""

    key: str  # typed to open it; two digits, so it never collides with a poll's number
    label: Callable[[User, datetime.datetime], str | None]
    screen: Callable[[Context], Screen]


ENTRIES: dict[str, MenuEntry] = {}


def register_entry(entry: MenuEntry) -> None:
    ENTRIES[entry.key] = entry


@dataclass
class Screen(ABC):
    """One screen; `step` returns the next screen, or a final `Reply` when acting is allowed."""

    ctx: Context
    error: str = ""

    @abstractmethod
    def lines(self) -> tuple[list[str], set[int]]:
        """The screen's lines, and which of them may be shortened to fit."""

    def show(self) -> Reply:
        lines, cuttable = self.lines()
        if self.error:
            lines = [self.error, *lines]
            cuttable = {i + 1 for i in cuttable}
        return Reply(fit("CON", lines, cuttable), asks_secret=self.asks_secret)

    asks_secret = False

    @abstractmethod
    def step(self, token: str, last: bool) -> Screen | Reply:
        """Where the member's input `token` leads."""

    def wrong(self, message: str | None = None) -> Screen:
        return replace(self, error=message or _("Invalid choice."))

    def refuse_secret(self, token: str, last: bool) -> Reply | None:
        """Why a secret typed on this screen (a PIN, a code) acts on nothing, or None: it was
        not the session's last input (a replay), it cancels, or the screen the caller saw is
        not the one shown now."""
        if not last:
            return end(_("This session has ended. Please dial again."))
        if token == "0":
            return end(_("Cancelled. Nothing was recorded."))
        if not self.ctx.shown(self.show().text):
            return end(
                _("The menu changed while you were in it. Nothing was recorded. Dial again.")
            )
        return None


def _numbered(items: Sequence[str], page: int) -> tuple[list[str], bool]:
    start = page * PAGE
    shown = [f"{start + i + 1} {label}" for i, label in enumerate(items[start : start + PAGE])]
    return shown, len(items) > start + PAGE or page > 0


def _pick(token: str, count: int) -> int | None:
    if token.isascii() and token.isdigit() and 1 <= int(token) <= count:
        return int(token) - 1
    return None


@dataclass
class Home(Screen):
    page: int = 0

    def lines(self) -> tuple[list[str], set[int]]:
        titles = [poll.title for poll, _elector in self.ctx.polls]
        shown, paged = _numbered(titles, self.page)
        lines = [_("Minga: open votes") if titles else _("Minga: no open votes for you."), *shown]
        cuttable = set(range(1, len(lines)))
        if paged:
            lines.append(f"{MORE} " + _("More"))
        if self.ctx.proxies:
            lines.append("0 " + _("Proxy requests (%(count)s)") % {"count": len(self.ctx.proxies)})
        lines.extend(f"{entry.key} {label}" for entry, label in self.ctx.entries)
        lines.append(f"{CHECK} " + _("Check a certificate"))
        return lines, cuttable

    def step(self, token: str, last: bool) -> Screen | Reply:
        for entry, _label in self.ctx.entries:
            if token == entry.key:
                return entry.screen(self.ctx)
        if token == MORE and len(self.ctx.polls) > PAGE:
            pages = (len(self.ctx.polls) + PAGE - 1) // PAGE
            return replace(self, page=(self.page + 1) % pages, error="")
        if token == "0" and self.ctx.proxies:
            return ProxyList(self.ctx)
        index = _pick(token, len(self.ctx.polls))
        if index is None:
            return self.wrong()
        poll, elector = self.ctx.polls[index]
        if delegation.voted_on_paper(elector):
            return end(_("You voted on paper at a meeting; that vote counts."))
        return ballot_screen(self.ctx, poll, elector)


def _options(poll: Poll) -> list[Option]:
    return list(poll.options.order_by("position"))


def ballot_screen(ctx: Context, poll: Poll, elector: Elector) -> Screen:
    if poll.kind == Poll.Kind.CONSENT:
        return Consent(ctx, poll=poll, elector=elector)
    if poll.kind == Poll.Kind.SINGLE:
        return Single(ctx, poll=poll, elector=elector)
    if poll.kind == Poll.Kind.APPROVAL:
        return Approval(ctx, poll=poll, elector=elector)
    if poll.kind == Poll.Kind.SCORE:
        return Score(ctx, poll=poll, elector=elector)
    return Ranked(ctx, poll=poll, elector=elector)


@dataclass
class BallotScreen(Screen):
    # Always given; None is only the dataclass default (the ignores below rely on it).
    poll: Poll | None = None
    elector: Elector | None = None
    page: int = 0

    @property
    def labels(self) -> list[str]:
        return [option.label for option in _options(self.poll)]  # type: ignore[arg-type]

    def title(self) -> str:
        return self.poll.title  # type: ignore[union-attr]

    def confirm(self, choice: dict[str, Any], summary: str) -> Screen:
        return Confirm(
            self.ctx, poll=self.poll, elector=self.elector, choice=choice, summary=summary
        )

    def paged(self, labels: list[str], instruction: str, marks: set[int] | None = None):
        shown, paged = _numbered(
            [("+" if marks and i in marks else "") + label for i, label in enumerate(labels)],
            self.page,
        )
        lines = [self.title(), *shown]
        cuttable = set(range(len(lines)))
        if paged:
            lines.append(f"{MORE} " + _("More"))
        lines.append(instruction)
        return lines, cuttable

    def next_page(self, count: int) -> Screen:
        pages = (count + PAGE - 1) // PAGE
        return replace(self, page=(self.page + 1) % pages, error="")


@dataclass
class Consent(BallotScreen):
    def lines(self) -> tuple[list[str], set[int]]:
        return [self.title(), *(f"{i + 1} {label}" for i, (_c, label) in enumerate(CONSENT))], {0}

    def step(self, token: str, last: bool) -> Screen | Reply:
        index = _pick(token, 4)
        if index is None:
            return self.wrong()
        code, label = CONSENT[index]
        if code == "block":
            return Reason(self.ctx, poll=self.poll, elector=self.elector)
        return self.confirm({"consent": code}, str(label))


@dataclass
class Reason(BallotScreen):
    def lines(self) -> tuple[list[str], set[int]]:
        return [self.title(), _("A block needs a reason. Type it:")], {0}

    def step(self, token: str, last: bool) -> Screen | Reply:
        reason = " ".join(token.split())
        if len(reason) < 3:
            return self.wrong(_("Type a reason of a few words."))
        summary = _("Block: %(reason)s") % {"reason": reason}
        return self.confirm({"consent": "block", "reason": reason[:2000]}, summary)


@dataclass
class Single(BallotScreen):
    def lines(self) -> tuple[list[str], set[int]]:
        return self.paged(self.labels, _("Choose one"))

    def step(self, token: str, last: bool) -> Screen | Reply:
        labels = self.labels
        if token == MORE and len(labels) > PAGE:
            return self.next_page(len(labels))
        index = _pick(token, len(labels))
        if index is None:
            return self.wrong()
        return self.confirm({"choice": index}, labels[index])


@dataclass
class Approval(BallotScreen):
    ticked: frozenset[int] = frozenset()

    def lines(self) -> tuple[list[str], set[int]]:
        return self.paged(self.labels, _("Number: tick/untick. 0 Done"), set(self.ticked))

    def step(self, token: str, last: bool) -> Screen | Reply:
        labels = self.labels
        if token == MORE and len(labels) > PAGE:
            return self.next_page(len(labels))
        if token == "0":
            if not self.ticked:
                return self.wrong(_("Tick at least one option."))
            chosen = sorted(self.ticked)
            return self.confirm({"approve": chosen}, ", ".join(labels[i] for i in chosen))
        index = _pick(token, len(labels))
        if index is None:
            return self.wrong()
        return replace(self, ticked=self.ticked ^ {index}, error="")


@dataclass
class Score(BallotScreen):
    scores: tuple[int, ...] = ()

    def lines(self) -> tuple[list[str], set[int]]:
        labels = self.labels
        index = len(self.scores)
        head = _("Score %(n)s of %(total)s") % {"n": index + 1, "total": len(labels)}
        top = self.poll.score_max  # type: ignore[union-attr]
        return [self.title(), f"{head}: {labels[index]}", _("Type 0 to %(max)s") % {"max": top}], {
            0,
            1,
        }

    def step(self, token: str, last: bool) -> Screen | Reply:
        labels = self.labels
        top = self.poll.score_max  # type: ignore[union-attr]
        if not (token.isascii() and token.isdigit() and 0 <= int(token) <= top):
            return self.wrong(_("Type a number from 0 to %(max)s.") % {"max": top})
        scores = (*self.scores, int(token))
        if len(scores) < len(labels):
            return replace(self, scores=scores, error="")
        summary = " ".join(f"{labels[i][:12]}:{s}" for i, s in enumerate(scores))
        return self.confirm({"scores": {str(i): s for i, s in enumerate(scores)}}, summary)


def parse_ranking(token: str, count: int) -> list[int] | None:
    """Positions (0-based) in the order typed: "2 1 3", "2,1,3" or, up to 9 options, "213"."""
    parts = [part for part in _SPLIT.split(token.strip()) if part]
    if len(parts) == 1 and count <= 9 and len(parts[0]) > 1:
        parts = list(parts[0])
    if not parts or not all(part.isascii() and part.isdigit() for part in parts):
        return None
    order = [int(part) - 1 for part in parts]
    if any(not 0 <= i < count for i in order) or len(set(order)) != len(order):
        return None
    return order


@dataclass
class Ranked(BallotScreen):
    def lines(self) -> tuple[list[str], set[int]]:
        return self.paged(self.labels, _("Type your order, e.g. 2 1 3"))

    def step(self, token: str, last: bool) -> Screen | Reply:
        labels = self.labels
        if token == MORE and len(labels) > PAGE:
            return self.next_page(len(labels))
        order = parse_ranking(token, len(labels))
        if order is None:
            return self.wrong(_("Type option numbers, each once, e.g. 2 1 3."))
        summary = " ".join(f"{rank + 1}.{labels[i][:14]}" for rank, i in enumerate(order))
        return self.confirm({"ranking": [[i] for i in order]}, summary)


def _check_pin(ctx: Context, pin: str) -> Reply | None:
    """None when the PIN is right, else the END message (the failure is counted)."""
    outcome, left, until = delegation.check_voting_pin(person=ctx.person, pin=pin, now=ctx.now)
    if outcome == PinCheck.OK:
        return None
    if outcome == PinCheck.MISSING:
        return end(_("Set a voting PIN on the website first. Nothing was recorded."))
    if outcome == PinCheck.LOCKED:
        # A locked PIN has its time (`until`), which the ignore relies on.
        return end(
            _("Too many wrong PINs. Try again after %(time)s. Nothing was recorded.")
            % {"time": short_time(until, ctx.person.timezone)},  # type: ignore[arg-type]
            _("To unlock now, send UNLOCK by SMS: we text you a code."),
        )
    return end(
        _("Wrong PIN. %(left)s tries left. Nothing was recorded. Please dial again.")
        % {"left": left}
    )


@dataclass
class PinPrompt(Screen):
    asks_secret = True

    @abstractmethod
    def act(self) -> Reply:
        """What a correct PIN does: cast the ballot, confirm the proxy..."""

    def step(self, token: str, last: bool) -> Screen | Reply:
        refused = self.refuse_secret(token, last) or _check_pin(self.ctx, token)
        if refused:
            return refused
        done = self.act()
        if len(token) < delegation.SHORT_PIN:
            reminder = _("Your PIN is short: set one of 5 or more digits at %(url)s") % {
                "url": pin_url()
            }
            return Reply(fit("END", [*done.text[4:].split("\n"), reminder]))
        return done


@dataclass
class Confirm(PinPrompt):
    # Always given; None is only the dataclass default (the ignores below rely on it).
    poll: Poll | None = None
    elector: Elector | None = None
    choice: dict[str, Any] = field(default_factory=dict)
    summary: str = ""

    def lines(self) -> tuple[list[str], set[int]]:
        poll = self.poll
        return [
            poll.title,  # type: ignore[union-attr]
            _("Your vote: %(summary)s") % {"summary": self.summary},
            _("Enter your PIN to confirm (0 cancels)"),
        ], {0, 1}

    def act(self) -> Reply:
        poll, elector, person = self.poll, self.elector, self.ctx.person
        assert poll is not None and elector is not None  # noqa: S101 (set by every ballot screen)
        if delegation.voted_on_paper(elector):
            return end(_("You voted on paper at a meeting; that vote counts."))
        try:
            code = cast_ballot(
                poll=poll,
                elector=elector,
                choice=self.choice,
                channel=Channel.USSD,
                actor=person,
                now=self.ctx.now,
            )
        except BallotError as error:
            return end(error.messages[0], _("Nothing was recorded."))
        return end(
            _("Vote recorded. Receipt: %(code)s") % {"code": secrecy.format_receipt(code)},
            _("You can change it until %(time)s.")
            % {"time": short_time(poll.closes_at, person.timezone)},
        )


@dataclass
class ProxyList(Screen):
    def lines(self) -> tuple[list[str], set[int]]:
        items = [
            _("%(holder)s for %(poll)s") % {"holder": p.holder.name, "poll": p.poll.title}
            for p in self.ctx.proxies[:PAGE]
        ]
        shown, _paged = _numbered(items, 0)
        return [_("Proxy requests"), *shown], set(range(1, len(shown) + 1))

    def step(self, token: str, last: bool) -> Screen | Reply:
        index = _pick(token, min(len(self.ctx.proxies), PAGE))
        if index is None:
            return self.wrong()
        return ProxyConfirm(self.ctx, proxy=self.ctx.proxies[index])


@dataclass
class ProxyConfirm(PinPrompt):
    proxy: Proxy | None = None

    def lines(self) -> tuple[list[str], set[int]]:
        proxy = self.proxy
        assert proxy is not None  # noqa: S101
        return [
            _("Give your vote in %(poll)s to %(holder)s?")
            % {"poll": proxy.poll.title, "holder": proxy.holder.name},
            _("Enter your PIN to confirm (0 cancels)"),
        ], {0}

    def act(self) -> Reply:
        proxy = self.proxy
        assert proxy is not None  # noqa: S101
        try:
            delegation.confirm_proxy(
                proxy=proxy, actor=self.ctx.person, now=self.ctx.now, channel=Channel.USSD
            )
        except DelegationError as error:
            return end(error.messages[0], _("Nothing was changed."))
        return end(
            _("Proxy confirmed: %(holder)s can vote for you.") % {"holder": proxy.holder.name},
            _("If you vote yourself, your vote counts instead."),
        )


def _context(person: User, now: datetime.datetime, shown: Callable[[str], bool]) -> Context:
    polls = []
    for poll in open_polls_for(person, now=now):
        try:
            polls.append((poll, elector_for(person, poll, own_only=True)))
        except PermissionDenied:
            continue  # a federation's poll: cooperatives vote in it, on the web
    proxies = delegation.pending_proxies_of(person, now=now)
    entries = []
    for entry in ENTRIES.values():
        label = entry.label(person, now)
        if label:
            entries.append((entry, label))
    return Context(
        person=person, now=now, shown=shown, polls=polls, proxies=proxies, entries=entries
    )


def offer_check(*lines: str) -> Reply:
    """A closing message that still offers to check a certificate."""
    return Reply(fit("CON", [*lines, f"{CHECK} " + _("Check a certificate")], {0}))


def check_certificate(tokens: Sequence[str]) -> Reply:
    """98 -> "enter the check code" -> the answer `CHECK <code>` gets by SMS."""
    from minga.credentials.checking import short_answer

    if not tokens:
        return Reply(fit("CON", [_("Enter the check code printed on the certificate:")]))
    return end(short_answer(tokens[0]))


def respond(
    *,
    phone: str,
    text: str,
    shown: Callable[[str], bool],
    now: datetime.datetime | None = None,
) -> Reply:
    """The answer to one USSD step of the member whose (verified) phone is `phone`."""
    now = now or timezone.now()
    person = person_by_verified_phone(phone)
    tokens = [token.strip() for token in text.split("*")] if text else []
    if tokens[:1] == [CHECK] and len(text) <= MAX_TEXT and len(tokens) <= 2:
        # Anyone can check a certificate, before anything else the menu would ask.
        with translation.override(person.preferred_language if person else settings.LANGUAGE_CODE):
            return check_certificate(tokens[1:])
    if person is None:
        unconfirmed = person_with_unverified_phone(phone)
        if unconfirmed is not None:
            with translation.override(unconfirmed.preferred_language):
                return _confirm_phone(unconfirmed, text)
        return _closing(
            tokens, _("This number is not registered on Minga. Ask your cooperative to add it.")
        )
    with translation.override(person.preferred_language):
        return _respond(person, text, shown, now)


def _confirm_phone(person: User, text: str) -> Reply:
    """A number not confirmed yet (a member added by their cooperative, with a basic phone):
    the first screen sends a code by SMS, the next takes it back. The code reaching this very
    phone, typed into a session the network opened for it, is what confirms the number."""
    if not text:
        if not account_actions.send_phone_code(user=person, address="ussd"):
            return end(_("Too many codes were asked for this number. Please try again later."))
        prompt = _("To confirm this number is yours, enter the code we have just sent you by SMS:")
        return Reply(fit("CON", [prompt]), asks_secret=True)
    code = text.split("*")[-1].strip()
    result = account_actions.confirm_phone(user=person, code=code)
    if result is account_actions.CodeCheck.VERIFIED:
        return end(_("Your number is confirmed. Dial again to vote."))
    if result is account_actions.CodeCheck.WRONG:
        return end(_("This code is wrong. Dial again to try once more."))
    return end(_("This code has expired or was used up. Dial again for a new one."))


def _respond(
    person: User, text: str, shown: Callable[[str], bool], now: datetime.datetime
) -> Reply:
    tokens = text.split("*") if text else []
    if len(text) > MAX_TEXT or len(tokens) > MAX_INPUTS:
        return end(_("Too many inputs. Nothing was recorded. Please dial again."))
    if not VotingPin.objects.filter(person=person).exists():
        message = _("You have no voting PIN yet. Set one at %(url)s or ask your cooperative.")
        return _closing(tokens, message % {"url": pin_url()})
    ctx = _context(person, now, shown)
    if not ctx.polls and not ctx.proxies and not ctx.entries:
        return _closing(tokens, _("Minga: no open votes for you."))
    screen: Screen | Reply = Home(ctx)
    for position, token in enumerate(tokens):
        assert isinstance(screen, Screen)  # noqa: S101 (a Reply ends the loop below)
        screen = screen.step(token.strip(), last=position == len(tokens) - 1)
        if isinstance(screen, Reply):
            if position != len(tokens) - 1:
                return end(_("This session has ended. Please dial again."))
            return screen
    assert isinstance(screen, Screen)  # noqa: S101
    return screen.show()


def _closing(tokens: Sequence[str], message: str) -> Reply:
    """Nothing to vote on: the message, with the certificate check still on offer."""
    if tokens:
        return end(message)
    return offer_check(message)


def pin_url() -> str:
    from django.urls import reverse

    return settings.MINGA_PUBLIC_URL.split("://", 1)[-1] + reverse("decisions:pin")
