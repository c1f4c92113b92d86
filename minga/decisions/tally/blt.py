"""Read and write BLT ballot files, the format of Droop, OpenSTV and most STV counters.

    4 2                  4 candidates, 2 seats
    -2                   optional: candidate 2 withdrew (as many as needed, each with a minus)
    [tie 3 1 2 4]        optional: the tie-break order decided in advance (see the package doc)
    3 1 3 4 0            3 voters ranked 1 > 3 > 4; every ballot line ends with 0
    1 2=4 1 0            1 voter ranked 2 and 4 equal, then 1
    0                    end of ballots
    "Adam"               the candidates' names, in candidate-number order
    "Basil"
    "Charlotte"
    "Donald"
    "Title"              the election's title (optional here)

Besides the original format of Hill, Wichmann and Woodall (1987) the reader accepts what Droop
accepts: `#` comments to the end of a line and `/* ... */` comments, `=` for equal rankings,
`(id)` ballot identifiers instead of a weight of 1 (the identifier is not kept), the options
`[tie ...]`, `[withdrawn ...]`, `[nick ...]` (short names usable instead of numbers) and
`[droop ...]` (ignored: the method is chosen by the caller), and quoted source and comment
strings after the title (ignored). Newlines are white space between ballots, as in the original
format. Names keep their exact spelling, spaces included. Ballots whose candidates all withdrew
and empty ballots (`1 0`) are kept as read; counting drops them.

Any problem raises `BLTError`, whose message starts with the line where it was found; the reader
raises nothing else, whatever the text.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .model import Ballot, Election, Rank, Ranking, TallyError

__all__ = ["BLTError", "read", "read_file", "write"]

MAX_DIGITS = 12  # no count in a BLT file needs more; also keeps int() fast on hostile input
_LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # what str.splitlines() splits on


class BLTError(TallyError):
    """A malformed BLT file. `line` is the 1-based line of the problem."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line
        self.reason = message


# --- tokens ---------------------------------------------------------------------------------

WORD, QUOTED, OPEN, CLOSE, BALLOT_ID = "word", "quoted", "[", "]", "id"
Token = tuple[str, str, int]  # kind, text, line
_SPECIAL = frozenset('"#/[]()')


def _line_tokens(lineno: int, line: str, state: list[int]) -> list[Token]:
    """The tokens of one line; state[0] counts open /* comments across lines."""
    if not state[0] and _SPECIAL.isdisjoint(line):
        return [(WORD, word, lineno) for word in line.split()]
    tokens: list[Token] = []
    i, n = 0, len(line)
    while i < n:
        ch = line[i]
        if state[0]:
            end = line.find("*/", i)
            if end < 0:
                break
            state[0] = 0
            i = end + 2
        elif ch.isspace():
            i += 1
        elif ch == '"':
            end = line.find('"', i + 1)
            if end < 0:
                raise BLTError(lineno, "a quoted string is not closed on this line")
            tokens.append((QUOTED, line[i + 1 : end], lineno))
            i = end + 1
        elif ch == "#":
            break
        elif line.startswith("/*", i):
            state[0] = 1
            i += 2
        elif ch in "[]":
            tokens.append((OPEN if ch == "[" else CLOSE, ch, lineno))
            i += 1
        elif ch == "(":
            end = line.find(")", i + 1)
            if end < 0:
                raise BLTError(lineno, "a ballot identifier '(' is not closed on this line")
            tokens.append((BALLOT_ID, line[i + 1 : end].strip(), lineno))
            i = end + 1
        else:
            j = i
            while j < n and not line[j].isspace() and line[j] not in '"#[]()':
                if line.startswith("/*", j):
                    break
                j += 1
            if j == i:  # a lone ')' or '/'
                j = i + 1
            tokens.append((WORD, line[i:j], lineno))
            i = j
    return tokens


class _Reader:
    """A token stream over the lines of a file, with a fast path for plain ballot lines."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        self.lineno = 0  # number of the last line read
        self.buffer: list[Token] = []
        self.pos = 0
        self.comment = [0]

    def _fill(self) -> bool:
        while self.pos >= len(self.buffer):
            if self.lineno >= len(self.lines):
                return False
            line = self.lines[self.lineno]
            self.lineno += 1
            self.buffer = _line_tokens(self.lineno, line, self.comment)
            self.pos = 0
        return True

    def next(self, expecting: str) -> Token:
        if not self._fill():
            raise BLTError(max(self.lineno, 1), f"the file ends where {expecting} was expected")
        token = self.buffer[self.pos]
        self.pos += 1
        return token

    def peek(self) -> Token | None:
        return self.buffer[self.pos] if self._fill() else None

    def plain_line(self) -> list[str] | None:
        """The next whole line as words, if it is one complete plain ballot `w r... 0`."""
        if self.pos < len(self.buffer) or self.comment[0] or self.lineno >= len(self.lines):
            return None
        line = self.lines[self.lineno]
        if not _SPECIAL.isdisjoint(line):
            return None
        words = line.split()
        if len(words) < 2 or words[-1] != "0" or words[0] == "0" or "0" in words[1:-1]:
            return None
        self.lineno += 1
        self.buffer, self.pos = [], 0
        return words


def _number(token: Token, what: str, signed: bool = False) -> int:
    kind, text, line = token
    body = text[1:] if signed and text.startswith("-") else text
    if kind != WORD or not body or not (body.isascii() and body.isdigit()):
        shown = f'"{text}"' if kind == QUOTED else repr(text)
        raise BLTError(line, f"expected {what}, found {shown}")
    if len(body) > MAX_DIGITS:
        raise BLTError(line, f"{what} {text} is too large")
    return int(text)


# --- reading --------------------------------------------------------------------------------


class _Parser:
    def __init__(self, text: str) -> None:
        self.r = _Reader(text)
        self.ncand = 0
        self.nicks: dict[str, int] = {}
        self.rank_cache: dict[tuple[str, ...], Ranking] = {}

    def candidate(self, text: str, line: int) -> int:
        if text.isascii() and text.isdigit():
            if len(text) <= MAX_DIGITS and 1 <= int(text) <= self.ncand:
                return int(text) - 1
            raise BLTError(line, f"candidate number {text} is not between 1 and {self.ncand}")
        if text in self.nicks:
            return self.nicks[text]
        raise BLTError(line, f"unknown candidate {text!r} (expected a number 1-{self.ncand})")

    def ranking(self, words: tuple[str, ...], line: int) -> Ranking:
        cached = self.rank_cache.get(words)
        if cached is not None:
            return cached
        ranks: list[Rank] = []
        seen: set[int] = set()
        for word in words:
            parts = word.split("=")
            members = [self.candidate(p, line) for p in parts if p]
            if not members or len(members) != len(parts):
                raise BLTError(line, f"{word!r} is not a candidate or candidates joined by '='")
            for c in members:
                if c in seen:
                    raise BLTError(line, f"candidate {c + 1} is ranked twice on one ballot")
                seen.add(c)
            ranks.append(members[0] if len(members) == 1 else frozenset(members))
        ranking = tuple(ranks)
        if len(self.rank_cache) < 1_000_000:
            self.rank_cache[words] = ranking
        return ranking

    def option(self, open_token: Token) -> tuple[str, list[Token]]:
        name = self.r.next("an option name after '['")
        if name[0] != WORD:
            raise BLTError(name[2], "expected an option name after '['")
        items: list[Token] = []
        while True:
            token = self.r.next(f"the end ']' of the [{name[1]} option")
            if token[0] == CLOSE:
                return name[1], items
            if token[0] != WORD:
                raise BLTError(token[2], f"unexpected {token[1]!r} in the [{name[1]} option")
            items.append(token)

    def parse(self) -> Election:
        r = self.r
        first = r.next("the number of candidates")
        self.ncand = _number(first, "the number of candidates")
        if self.ncand < 1:
            raise BLTError(first[2], "the number of candidates must be at least 1")
        seats_token = r.next("the number of seats")
        seats = _number(seats_token, "the number of seats")
        if seats < 1:
            raise BLTError(seats_token[2], "the number of seats must be at least 1")
        withdrawn: set[int] = set()
        tie_order: list[int] | None = None

        # Options and withdrawn candidates, up to the first ballot.
        while True:
            token = r.peek()
            if token is None:
                raise BLTError(max(r.lineno, 1), "the file ends before the ballots")
            kind, text, line = token
            if kind == OPEN:
                r.next("an option")
                name, items = self.option(token)
                if name == "tie":
                    tie_order = [self.candidate(t[1], t[2]) for t in items]
                    if sorted(tie_order) != list(range(self.ncand)):
                        raise BLTError(line, "[tie] must list every candidate exactly once")
                elif name == "withdrawn":
                    withdrawn.update(self.candidate(t[1], t[2]) for t in items)
                elif name == "nick":
                    nicks = [t[1] for t in items]
                    if len(nicks) != self.ncand or len(set(nicks)) != self.ncand:
                        raise BLTError(line, "[nick] must give each candidate one distinct name")
                    self.nicks = {nick: c for c, nick in enumerate(nicks)}
                elif name != "droop":
                    raise BLTError(line, f"unknown option [{name}]")
            elif kind == WORD and text.startswith("-"):
                r.next("a withdrawn candidate")
                withdrawn.add(self.candidate(text[1:], line))
            else:
                break

        ballots = self.ballots()
        names = []
        for number in range(1, self.ncand + 1):
            token = r.next(f"the quoted name of candidate {number}")
            if token[0] != QUOTED:
                raise BLTError(
                    token[2], f"expected the quoted name of candidate {number}, found {token[1]!r}"
                )
            names.append(token[1])
        title = ""
        token = r.peek()
        if token is not None:
            if token[0] != QUOTED:
                raise BLTError(token[2], f"expected the quoted title, found {token[1]!r}")
            title = token[1]
        # Droop's optional source and comment strings, or anything else, may follow: ignored.
        return Election(
            candidates=names,
            seats=seats,
            ballots=ballots,
            withdrawn=frozenset(withdrawn),
            title=title,
            tie_order=None if tie_order is None else tuple(tie_order),
        )

    def ballots(self) -> list[Ballot]:
        r = self.r
        ballots: list[Ballot] = []
        append = ballots.append
        while True:
            words = r.plain_line()
            if words is not None:
                line = r.lineno
                weight = _number((WORD, words[0], line), "a ballot weight (a whole number)")
                append(Ballot(weight, self.ranking(tuple(words[1:-1]), line)))
                continue
            token = r.next("a ballot or the 0 that ends the ballots")
            kind, text, line = token
            if kind == BALLOT_ID:
                weight = 1
            else:
                weight = _number(token, "a ballot weight (a whole number) or the 0 ending ballots")
                if weight == 0:
                    return ballots
            words_: list[str] = []
            while True:
                token = r.next("the 0 that ends a ballot")
                if token[0] != WORD:
                    raise BLTError(token[2], f"expected a candidate or 0, found {token[1]!r}")
                if token[1] == "0":
                    break
                words_.append(token[1])
            append(Ballot(weight, self.ranking(tuple(words_), line)))


def read(text: str) -> Election:
    """Parse the text of a BLT file."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        return _Parser(text).parse()
    except BLTError:
        raise
    except (ValueError, IndexError, KeyError, RecursionError) as error:  # defensive
        raise BLTError(1, f"unreadable ballot file ({error})") from None


def read_file(path: str | Path) -> Election:
    """Read a BLT file (UTF-8, with or without a byte-order mark)."""
    data = Path(path).read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise BLTError(line, "the file is not UTF-8 text") from None
    return read(text)


# --- writing --------------------------------------------------------------------------------


def _rank_text(rank: Rank) -> str:
    if isinstance(rank, int):
        return str(rank + 1)
    return "=".join(str(c + 1) for c in sorted(rank))


def _lines(election: Election) -> Iterator[str]:
    yield f"{len(election.candidates)} {election.seats}\n"
    if election.withdrawn:
        yield " ".join(f"-{c + 1}" for c in sorted(election.withdrawn)) + "\n"
    if election.tie_order is not None and list(election.tie_order) != list(
        range(len(election.candidates))
    ):
        yield "[tie " + " ".join(str(c + 1) for c in election.tie_order) + "]\n"
    for ballot in election.ballots:
        ranks = " ".join(_rank_text(rank) for rank in ballot.ranking)
        yield f"{ballot.weight} {ranks} 0\n" if ranks else f"{ballot.weight} 0\n"
    yield "0\n"
    for name in [*election.candidates, election.title]:
        yield f'"{name}"\n'


def write(election: Election) -> str:
    """The election as BLT text; `read(write(e))` gives back an equal election.

    Names and the title may not contain double quotes or line breaks (BLT cannot escape them).
    """
    election.validate()
    for name in [*election.candidates, election.title]:
        if '"' in name or any(ch in _LINE_BREAKS for ch in name):
            raise TallyError(f"{name!r}: BLT names cannot contain quotes or line breaks.")
    return "".join(_lines(election))
