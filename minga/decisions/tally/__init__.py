"""Counting votes: a pure library (no Django) used by the decisions app and `minga tally`.

    from minga.decisions import tally
    election = tally.blt.read_file("ward.blt")          # or build a tally.Election
    result = tally.count("stv-scottish", election)     # seats default to election.seats
    result.elected_names, result.rounds, result.as_json()
    tally.svg.rounds_chart(result)                      # an inline SVG of the rounds

An `Election` has `candidates` (names; candidate i is `candidates[i]`), `seats`, `ballots`
(each a `Ballot(weight, ranking)`: `weight` identical ballots, the ranking a tuple of candidate
indices, most preferred first, where a frozenset of indices is a group ranked equal),
`withdrawn` (indices struck from every ballot), `title`, and an optional `tie_order`. Ballots
that rank nobody (or only withdrawn candidates) are not counted. `count` returns a `Result`:
`elected` (indices, in order of election), `ranking` (tiers of indices, for the ranking methods;
None for IRV and STV), `rounds` (the transcript: one `Round` per stage, with every candidate's
votes after it, what was exhausted, who was elected or excluded, and how a tie was decided)
and `as_json()`, the shape `minga tally` prints. Score ballots carry scores, not ranks:
`tally.score(candidates, [{index: score}, ...], seats=1)`. Everything raises `TallyError` (a
ValueError) on an election it cannot count, and `blt.BLTError` (a TallyError naming the line)
on a malformed file.

Methods (`METHODS`) and their rules
-----------------------------------

plurality
    Each ballot counts for its first preference (a first rank holding several candidates
    makes the ballot void); the `seats` candidates with most votes are elected.
approval
    Each ballot approves every candidate it ranks, at any rank; most approvals win.
score
    Sum of scores; unscored candidates get 0 (see `score`).
irv
    Instant-runoff for one seat: see `irv`.
stv-scottish
    The Scottish Local Government Elections Order 2007, rules 45-52, with transfer values
    truncated to five decimal places: see `scottish`. Reproduces Droop's `scotland` rule.
stv-meek
    Meek STV with Droop's guarded fixed-point arithmetic: see `meek`. Reproduces Droop's
    `meek` rule (omega 10^-9, safe batch exclusion).
schulze, schulze-margin
    The Schulze method with winning votes (Schulze's paper, Debian) or margins as the
    strength of a defeat: see `schulze`.

Ties
----

Every method is deterministic. Where the rules would draw lots, the election's tie-break order
decides instead: `Election.tie_order`, the `[tie ...]` line of a BLT file, which a returning
officer can draw by lot before the count; by default the order in which candidates are listed.
The decision falls on the candidate first in that order, whatever is being decided, as in
Droop:

* plurality, approval, score, Schulze: candidates with equal totals (or in one Schulze tier)
  share a tier of `ranking`; seats go to them in tie-break order.
* IRV and Scottish STV: a tie for exclusion (and, in STV, for whose equal surplus is
  transferred first) is decided by the most recent earlier stage at which the tied candidates
  had unequal votes, fewest excluded and most transferred first (Scottish Order rules 49(2) and
  51(2)); if they were equal at every stage, the candidate first in the tie-break order is
  excluded, or has their surplus transferred first (rules 49(3) and 51(2)(b): "by lot").
* Meek STV: candidates within the current surplus of the lowest vote count as tied for
  exclusion; the first in tie-break order is excluded (Droop's `meek` rule).

On Droop's tie test `42t.blt` (`[tie 3 2 1]`) this is why Meek elects Castor and Pollux while
Scottish STV, deciding by earlier stages, elects Castor and Helen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from . import blt
from .approval import approval
from .irv import irv
from .meek import meek
from .model import Ballot, Election, Rank, Ranking, Result, Round, TallyError
from .plurality import plurality
from .schulze import schulze
from .score import score
from .scottish import scottish

if TYPE_CHECKING:
    from . import svg

__all__ = [
    "METHODS",
    "Ballot",
    "Election",
    "Rank",
    "Ranking",
    "Result",
    "Round",
    "TallyError",
    "blt",
    "count",
    "score",
    "svg",
]


def _schulze_margin(election: Election, seats: int) -> Result:
    return schulze(election, seats, margin=True)


_COUNTERS: dict[str, Callable[[Election, int], Result]] = {
    "plurality": plurality,
    "approval": approval,
    "irv": irv,
    "stv-scottish": scottish,
    "stv-meek": meek,
    "schulze": schulze,
    "schulze-margin": _schulze_margin,
}
METHODS: tuple[str, ...] = tuple(_COUNTERS)


def count(method: str, election: Election, seats: int | None = None) -> Result:
    """Count `election` by `method` (one of METHODS) for `seats` (default: election.seats).

    Raises TallyError for an unknown method, an invalid election, or no candidate standing.
    When fewer candidates stand than there are seats, all of them are elected.
    """
    counter = _COUNTERS.get(method)
    if counter is None:
        raise TallyError(f"Unknown method {method!r}; choose one of {', '.join(METHODS)}.")
    if seats is None:
        seats = election.seats
    if seats < 1:
        raise TallyError(f"The number of seats must be at least 1, not {seats}.")
    election.check_header()  # the ballots are checked as each method groups them
    if not election.eligible():
        raise TallyError("Every candidate has withdrawn: there is nobody to elect.")
    return counter(election, seats)


def __getattr__(name: str) -> object:
    # `svg` (charts for the web pages) is imported on first use: `minga tally` never draws, and
    # it starts as a whole process each time it is run (its budget is a multiple of a bare start).
    if name == "svg":
        import importlib

        return importlib.import_module(f"{__name__}.svg")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
