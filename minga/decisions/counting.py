"""From stored ballots to a result: build the tally library's election, count, apply the rules.

The counting itself is `minga.decisions.tally` (pure, tested against real elections); this module
turns `Ballot.choice` into tally ballots, counts consent proposals (a tally of positions), checks
the quorum and the threshold, and keeps everything the results page and the minutes show in one
JSON value (`Poll.result`), so a closed poll is never recounted differently.

While a secret poll is open its ballots are sealed (see `secrecy`): a running count opens them
in memory. From the closing on they are plain `Ballot` rows, like an open poll's.

The result also says how the votes reached the count (`channels`): voters per channel and
ballots online or on paper (an in-person meeting's count, entered by two tellers). Open polls
add the totals per option split online / paper; secret polls keep to the per-channel totals,
which reveal nobody's choice.

Ties the rules leave to chance are broken by an order drawn at random when the poll closes and
stored with the result (`tie_order`), so anyone can recount and get the same answer.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from . import sealed, tally
from .models import CONSENT_LABELS, Ballot, Channel, Participation, Poll
from .tally.model import Ballot as TallyBallot
from .tally.model import Election, Result, Round

METHODS = {
    Poll.Kind.SINGLE: "plurality",
    Poll.Kind.APPROVAL: "approval",
    Poll.Kind.SCORE: "score",
    Poll.Kind.IRV: "irv",
    Poll.Kind.STV_SCOTTISH: "stv-scottish",
    Poll.Kind.STV_MEEK: "stv-meek",
    Poll.Kind.SCHULZE: "schulze",
}
CONSENT_CODES = ("agree", "abstain", "disagree", "block")
# Kinds whose results table has votes per option (ranked kinds show rounds instead).
TOTALLED_KINDS = {Poll.Kind.CONSENT, Poll.Kind.SINGLE, Poll.Kind.APPROVAL, Poll.Kind.SCORE}


def _ranking_of(kind: str, choice: dict[str, Any]) -> tuple:
    if kind == Poll.Kind.SINGLE:
        return (int(choice["choice"]),)
    if kind == Poll.Kind.APPROVAL:
        approved = [int(c) for c in choice["approve"]]
        return (approved[0],) if len(approved) == 1 else (frozenset(approved),)
    ranks = []
    for rank in choice["ranking"]:
        ranks.append(int(rank[0]) if len(rank) == 1 else frozenset(int(c) for c in rank))
    return tuple(ranks)


def count_choices(
    poll: Poll,
    labels: list[str],
    ballots: Iterable[tuple[dict[str, Any], int]],
    tie_order: list[int] | None = None,
) -> dict[str, Any]:
    """Count `(choice, weight)` pairs under `poll`'s kind; the JSON part of a result."""
    kind = poll.kind
    ballots = list(ballots)
    if kind == Poll.Kind.CONSENT:
        positions = dict.fromkeys(CONSENT_CODES, 0)
        reasons = []
        for choice, weight in ballots:
            positions[choice["consent"]] += weight
            if choice.get("reason"):
                reasons.append({"position": choice["consent"], "reason": choice["reason"]})
        reasons.sort(key=lambda r: (CONSENT_CODES.index(r["position"]), r["reason"]))
        return {
            "method": "consent",
            "candidates": labels,
            "totals": [positions[code] for code in CONSENT_CODES],
            "consent": positions,
            "reasons": reasons,
            "elected": [],
            "ranking": None,
            "rounds": [],
            "chart": tally.svg.bar_chart(
                labels, [positions[code] for code in CONSENT_CODES], poll.title
            ),
        }
    seats = poll.seats
    if kind == Poll.Kind.SCORE:
        # A weighted ballot (a member cooperative's) counts its scores `weight` times.
        scored = [
            {int(k): v * weight for k, v in choice["scores"].items()} for choice, weight in ballots
        ]
        result = tally.score(labels, scored, seats=seats, tie_order=tie_order)
        result.ballots = sum(weight for _, weight in ballots)
    else:
        election = Election(
            candidates=list(labels),
            seats=seats,
            ballots=[TallyBallot(weight, _ranking_of(kind, choice)) for choice, weight in ballots],
            tie_order=tuple(tie_order) if tie_order else None,
        )
        result = tally.count(METHODS[kind], election, seats)
    result.title = poll.title
    out = result.as_json()
    out["chart"] = tally.svg.rounds_chart(result)
    if kind in (Poll.Kind.SINGLE, Poll.Kind.APPROVAL, Poll.Kind.SCORE):
        votes = result.rounds[0].votes if result.rounds else {}
        out["totals"] = [_plain(votes.get(i, 0)) for i in range(len(labels))]
    return out


def _plain(value: Any) -> int | str:
    return str(value) if isinstance(value, Decimal) else int(value)


def count_poll(
    poll: Poll,
    *,
    tie_order: list[int] | None = None,
    online: list[tuple[dict[str, Any], int, bool]] | None = None,
) -> dict[str, Any]:
    """The full result of `poll` from its stored ballots, with quorum and threshold applied.

    `online`: the secret ballots the closing has just written, as (choice, weight, is_paper),
    so they are not read back; the paper ballots are read from the table all the same."""
    labels = list(poll.options.order_by("position").values_list("label", flat=True))
    if online is not None:
        stored = online + list(
            Ballot.objects.filter(poll=poll, is_paper=True).values_list(
                "choice", "weight", "is_paper"
            )
        )
    else:
        stored = list(Ballot.objects.filter(poll=poll).values_list("choice", "weight", "is_paper"))
    if online is None and poll.is_secret and poll.status == Poll.Status.OPEN:
        # A running count (results shown to those who voted): opened in memory, never stored.
        stored += [(choice, weight, False) for _id, choice, weight in sealed.open_sealed(poll)]
    rows = [(choice, weight) for choice, weight, _paper in stored]
    if tie_order is None:
        tie_order = list(range(len(labels)))
        random.SystemRandom().shuffle(tie_order)
    out = count_choices(poll, labels, rows, tie_order)
    out["channels"] = channel_split(poll, len(labels), stored)
    voters = Participation.objects.filter(poll=poll)
    voter_count = voters.count()
    voter_weight = voters.aggregate(total=Sum("elector__weight"))["total"] or 0
    ballot_weight = sum(weight for _, weight in rows)
    reached = quorum_reached(poll, voter_count, voter_weight)
    out.update(
        {
            "kind": poll.kind,
            "tie_order": tie_order,
            "weight": ballot_weight,
            "quorum": {
                "kind": poll.quorum_kind,
                "value": poll.quorum_value,
                "voters": voter_count,
                "voters_weight": voter_weight,
                "electorate": poll.electorate_size,
                "electorate_weight": poll.electorate_weight,
                "reached": reached,
            },
            "threshold": poll.threshold,
        }
    )
    out["passed"] = reached and threshold_met(poll, out)
    return out


def _option_totals(kind: str, count: int, ballots: Iterable[tuple[dict, int]]) -> list[int]:
    """Votes per option, as the results table shows them (points for score polls)."""
    totals = [0] * count
    for choice, weight in ballots:
        if kind == Poll.Kind.CONSENT:
            totals[CONSENT_CODES.index(choice["consent"])] += weight
        elif kind == Poll.Kind.SINGLE:
            totals[int(choice["choice"])] += weight
        elif kind == Poll.Kind.APPROVAL:
            for position in choice["approve"]:
                totals[int(position)] += weight
        else:
            for position, score in choice["scores"].items():
                totals[int(position)] += int(score) * weight
    return totals


def channel_split(
    poll: Poll, option_count: int, ballots: list[tuple[dict[str, Any], int, bool]]
) -> dict[str, Any]:
    """How the votes reached the count: voters per channel (in `Channel` order, only those
    used) and ballots online / on paper; for open polls also each option's votes online / on
    paper. Secret polls get no per-option split: a channel few people used would show how they
    voted."""
    used = dict(
        Participation.objects.filter(poll=poll)
        .values_list("channel")
        .annotate(voters=Count("pk"))
        .order_by()
    )
    split: dict[str, Any] = {
        "voters": {channel: used[channel] for channel in Channel.values if used.get(channel)},
        "ballots": {
            "online": sum(weight for _choice, weight, paper in ballots if not paper),
            "paper": sum(weight for _choice, weight, paper in ballots if paper),
        },
    }
    if not poll.is_secret and poll.kind in TOTALLED_KINDS:
        split["totals"] = {
            "online": _option_totals(
                poll.kind, option_count, [(c, w) for c, w, p in ballots if not p]
            ),
            "paper": _option_totals(poll.kind, option_count, [(c, w) for c, w, p in ballots if p]),
        }
    return split


def quorum_reached(poll: Poll, voters: int, weight: int) -> bool:
    if poll.quorum_kind == Poll.QuorumKind.PERCENT:
        return weight * 100 >= poll.quorum_value * poll.electorate_weight
    if poll.quorum_kind == Poll.QuorumKind.NUMBER:
        return voters >= poll.quorum_value
    return True


def threshold_met(poll: Poll, out: dict[str, Any]) -> bool:
    """Whether the result clears the poll's threshold (a result exists for plurality)."""
    if poll.kind == Poll.Kind.CONSENT:
        positions = out["consent"]  # consent proposals always pass by consent: no block
        return positions["block"] == 0 and positions["agree"] > 0
    if not out["elected"]:
        return False
    if poll.threshold in (Poll.Threshold.MAJORITY, Poll.Threshold.TWO_THIRDS) and "totals" in out:
        total = out["weight"]
        top = max(int(Decimal(str(value))) for value in out["totals"])
        if poll.kind == Poll.Kind.SCORE:
            total = total * poll.score_max
        if poll.threshold == Poll.Threshold.MAJORITY:
            return top * 2 > total
        return top * 3 >= total * 2
    if poll.threshold in (Poll.Threshold.MAJORITY, Poll.Threshold.TWO_THIRDS) and out["rounds"]:
        last = out["rounds"][-1].get("votes") or {}
        winner = out["elected"][0]
        top = Decimal(str(last.get(winner, 0)))
        total = Decimal(out["weight"])
        if poll.threshold == Poll.Threshold.MAJORITY:
            return top * 2 > total
        return top * 3 >= total * 2
    return True


def summary(result: dict[str, Any]) -> str:
    """One line for the audit log: elected names, or a consent proposal's positions."""
    if result.get("method") == "consent":
        return ", ".join(f"{code} {value}" for code, value in result["consent"].items())
    return "; ".join(result.get("elected") or [])


def current_result(poll: Poll) -> dict[str, Any] | None:
    """The stored result of a closed poll, or the count so far of an open one (ties in ballot
    order: it is only a preview), its chart drawn in the reader's language."""
    if poll.status == Poll.Status.CLOSED:
        result = poll.result
    elif poll.status == Poll.Status.OPEN:
        result = count_poll(poll, tie_order=list(range(poll.options.count())))
    else:
        return None
    if not result or "chart" not in result:
        return result
    return {**result, "chart": chart_in_reader_language(poll, result)}


def chart_words() -> dict[str, str]:
    """`tally.svg.WORDS` in the active language (the pure chart module cannot translate)."""
    return {
        "title": _("{title}: {method}"),
        "untitled": _("Election"),
        "round": _("Round {number}: {heading}"),
        "first preferences": _("first preferences"),
        "surplus": _("surplus of {names} transferred"),
        "exclusion": _("{names} excluded"),
        "election": _("{names} elected"),
        "remaining": _("remaining seats filled"),
        "excluded": _("excluded"),
        "nobody": _("nobody"),
        "single": _("{title} (elected: {elected})"),
        "beaten": _("{title} (candidates beaten; elected: {elected})"),
        "rounds": _("{count} rounds. Elected: {elected}."),
        "quota": _("Quota: {quota} votes (dashed line)."),
        "colours": _("Elected candidates are green, excluded ones grey."),
    }


def consent_labels(result: dict[str, Any]) -> list[str]:
    """A result's option names: a consent proposal's positions in the reader's language."""
    if result.get("method") == "consent":
        return [str(CONSENT_LABELS[code]) for code in CONSENT_CODES]
    return list(result.get("candidates") or [])


def _tally(value: Any) -> Any:
    return Decimal(value) if isinstance(value, str) else value


def _result_from_json(data: dict[str, Any]) -> Result:
    """A stored result back as the tally's `Result` (names to indices), to draw it again."""
    names = list(data["candidates"])
    index = {name: i for i, name in enumerate(names)}
    rounds = []
    for r in data["rounds"]:
        known = {"round", "action", "candidates", "votes", "exhausted", "lost", "quota"}
        known |= {"elected", "excluded", "tie"}
        rounds.append(
            Round(
                number=r["round"],
                action=r["action"],
                subject=[index[n] for n in r.get("candidates", [])],
                votes={index[n]: _tally(v) for n, v in (r.get("votes") or {}).items()},
                exhausted=_tally(r.get("exhausted", 0)),
                lost=_tally(r.get("lost", 0)),
                quota=_tally(r["quota"]) if r.get("quota") is not None else None,
                elected=[index[n] for n in r.get("elected", [])],
                excluded=[index[n] for n in r.get("excluded", [])],
                tie=r.get("tie"),
                detail={k: v for k, v in r.items() if k not in known},
            )
        )
    return Result(
        method=data["method"],
        seats=data["seats"],
        candidates=names,
        ballots=data["ballots"],
        elected=[index[n] for n in data["elected"]],
        ranking=None
        if data.get("ranking") is None
        else [[index[n] for n in tier] for tier in data["ranking"]],
        rounds=rounds,
        title=data.get("title", ""),
    )


def chart_in_reader_language(poll: Poll, result: dict[str, Any]) -> str:
    """The result's chart with every word in the active language.

    The stored chart was drawn in the language of whoever closed the poll; a result too old
    or odd to read back keeps it.
    """
    title = _("%(title)s: %(method)s") % {"title": poll.title, "method": poll.get_kind_display()}
    if result.get("method") == "consent":
        return tally.svg.bar_chart(consent_labels(result), result["totals"], poll.title)
    try:
        parsed = _result_from_json(result)
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return result["chart"]
    parsed.title = poll.title
    return tally.svg.rounds_chart(parsed, title=title, words=chart_words())
