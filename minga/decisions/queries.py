"""Reads for decisions: who may cast which vote, open polls, lists and results."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from minga.coops.models import Cooperative, Membership
from minga.core.fast import sql
from minga.core.fast.cursor import hot_cursor

from .models import CONSENT_LABELS, Ballot, Channel, Discussion, Elector, Participation, Poll

if TYPE_CHECKING:
    from minga.accounts.models import User


def _coops_administered(person: User) -> QuerySet[Cooperative]:
    return Cooperative.objects.filter(
        memberships__person=person,
        memberships__status=Membership.Status.ACTIVE,
        memberships__role=Membership.Role.ADMIN,
    )


def _electors_query(person: User, *, administered: list[int] | None = None, prefix: str = "") -> Q:
    """The electors through which `person` votes: their own, and those of the member
    cooperatives they administer (`administered`: the ids of those, when already read).
    `prefix` puts the condition on a relation (`participations__elector__`)."""
    mine = Q(**{f"{prefix}person": person})
    if administered is None:
        return mine | Q(**{f"{prefix}member_coop__in": _coops_administered(person)})
    return mine | Q(**{f"{prefix}member_coop__in": administered}) if administered else mine


def electors_for(person: User, poll: Poll) -> list[Elector]:
    """The votes `person` may cast in `poll`: their own, and each member cooperative's they
    administer (federation polls). Empty for associates, outsiders and the anonymous.

    One plain query: every ballot, from any channel, asks this first (budget
    `ballots-per-second`, through `minga.core.fast`).
    """
    if not getattr(person, "is_authenticated", False):
        return []
    with hot_cursor() as cursor:
        cursor.execute(_ELECTORS_SQL(), [poll.pk, person.pk, poll.pk, person.pk])
        rows = cursor.fetchall()
    # Positional, in the model's field order (Django's quick path for building instances).
    return [
        Elector(pk, poll.pk, person_id, coop_id, weight) for pk, person_id, coop_id, weight in rows
    ]


def own_elector(person: User, poll: Poll) -> Elector | None:
    """`person`'s own vote in `poll` (none for a federation poll, where cooperatives vote)."""
    return Elector.objects.filter(poll=poll, person=person).first()


def elector_for(
    person: User, poll: Poll, chosen: int | str | None = None, *, own_only: bool = False
) -> Elector:
    """The vote `person` casts in `poll`, whichever way the ballot comes: their own or, in a
    federation poll, that of a member cooperative they administer, picked by `chosen` (an
    elector's key, from the web form or the API) when they hold several. The phone channels
    (`own_only`) carry only the member's own vote.

    PermissionDenied when no such vote is theirs, ValidationError when they must choose.
    """
    if own_only:
        own = own_elector(person, poll)
        electors = [own] if own is not None else []
    else:
        electors = electors_for(person, poll)
    if chosen not in (None, ""):
        electors = [elector for elector in electors if str(elector.pk) == str(chosen)]
    if not electors:
        raise PermissionDenied(_("You are not in this poll's electorate."))
    if len(electors) > 1:
        raise ValidationError(_("Choose on whose behalf you vote."), code="choose_elector")
    return electors[0]


@functools.cache
def _ELECTORS_SQL() -> str:  # noqa: N802 (a constant, built once the models are loaded)
    elector, membership = sql.table(Elector), sql.table(Membership)
    # Two indexed lookups rather than one OR, which would scan every elector of the poll.
    return (
        f"SELECT e.id, e.person_id, e.member_coop_id, e.weight FROM {elector} e "  # noqa: S608
        "WHERE e.poll_id = %s AND e.person_id = %s UNION ALL "
        f"SELECT e.id, e.person_id, e.member_coop_id, e.weight FROM {elector} e "
        "WHERE e.poll_id = %s AND e.member_coop_id IN ("
        f"SELECT m.coop_id FROM {membership} m WHERE m.person_id = %s "
        f"AND m.status = '{Membership.Status.ACTIVE}' AND m.role = '{Membership.Role.ADMIN}')"
    )


def open_polls_for(person: User, now=None) -> list[Poll]:
    """Polls accepting votes in which `person` may cast at least one vote, soonest closing first."""
    if not getattr(person, "is_authenticated", False):
        return []
    now = now or timezone.now()
    electors = Elector.objects.filter(_electors_query(person))
    return list(
        Poll.objects.filter(status=Poll.Status.OPEN, closes_at__gt=now, electors__in=electors)
        .select_related("coop")
        .prefetch_related("options")
        .distinct()
        .order_by("closes_at", "pk")
    )


def voted_polls(person: User, polls: list[Poll]) -> set[int]:
    """Which of `polls` `person` voted in (one of their votes at least), from participations:
    that an elector voted, never what, nor which ballot (secret ballots stay unlinked)."""
    if not getattr(person, "is_authenticated", False) or not polls:
        return set()
    return set(
        Participation.objects.filter(
            poll__in=[poll.pk for poll in polls],
            elector__in=Elector.objects.filter(_electors_query(person)),
        ).values_list("poll_id", flat=True)
    )


def voted_electors(electors: list[Elector]) -> set[int]:
    return set(
        Participation.objects.filter(elector__in=electors).values_list("elector_id", flat=True)
    )


def paper_electors(electors: list[Elector]) -> set[int]:
    """Those of `electors` whose vote was counted on paper at a meeting: it stands."""
    return set(
        Participation.objects.filter(elector__in=electors, channel=Channel.PAPER).values_list(
            "elector_id", flat=True
        )
    )


def discussions_of(coop: Cooperative) -> QuerySet[Discussion]:
    return Discussion.objects.filter(coop=coop).select_related("author")


def polls_of(coop: Cooperative, *, public_only: bool = False) -> QuerySet[Poll]:
    polls = Poll.objects.filter(coop=coop).select_related("coop")
    if public_only:
        polls = polls.filter(status=Poll.Status.CLOSED)
    return polls.exclude(status=Poll.Status.DRAFT) if public_only else polls


def participation_count(poll: Poll) -> tuple[int, int]:
    """(electors who voted, their total weight)."""
    rows = Participation.objects.filter(poll=poll).values_list("elector__weight", flat=True)
    weights = list(rows)
    return len(weights), sum(weights)


def open_ballots(poll: Poll) -> QuerySet[Ballot]:
    """Who voted what, with reasons: open polls only."""
    return (
        Ballot.objects.filter(poll=poll, elector__isnull=False)
        .select_related("elector__person", "elector__member_coop")
        .order_by("elector__person__name", "elector__member_coop__name")
    )


def results_visible(poll: Poll, user, electors: list[Elector] | None = None) -> bool:
    """Results never show before closing unless the poll says voters may see them."""
    if poll.status == Poll.Status.CLOSED:
        return True
    if poll.status != Poll.Status.OPEN:
        return False
    if poll.results_visibility != Poll.ResultsVisibility.AFTER_VOTE:
        return False
    if electors is None:
        electors = electors_for(user, poll)
    return bool(electors) and bool(voted_electors(electors))


def rules_in_words(poll: Poll) -> list[str]:
    """The rules of `poll` as plain sentences, shown on the ballot and in the minutes."""
    lines = []
    kind_rules = {
        Poll.Kind.CONSENT: _(
            "Say whether you agree, abstain, disagree or block. A block stops "
            "the proposal; give your reason."
        ),
        Poll.Kind.SINGLE: _("Choose one option."),
        Poll.Kind.APPROVAL: _("Approve every option you can accept; the most approved wins."),
        Poll.Kind.SCORE: _("Give each option a score from 0 to %(max)s; the highest total wins.")
        % {"max": poll.score_max},
        Poll.Kind.IRV: _(
            "Number the options in order of preference, 1 for your first choice. "
            "The option with fewest first choices is dropped and its votes go to "
            "the next choice, until one option has more than half."
        ),
        Poll.Kind.STV_SCOTTISH: _(
            "Number the candidates in order of preference, 1 for your "
            "first choice. %(seats)s seats are filled by single "
            "transferable vote (Scottish rules): a candidate who reaches "
            "the quota is elected and surplus votes pass on to next "
            "choices."
        )
        % {"seats": poll.seats},
        Poll.Kind.STV_MEEK: _(
            "Number the candidates in order of preference, 1 for your first "
            "choice. %(seats)s seats are filled by single transferable vote "
            "(Meek's method): surplus votes pass on to next choices, even "
            "past candidates already elected."
        )
        % {"seats": poll.seats},
        Poll.Kind.SCHULZE: _(
            "Number the options in order of preference; equal numbers mean "
            "equal preference. The option that beats every other one head to "
            "head wins (Schulze method)."
        ),
    }
    lines.append(str(kind_rules[Poll.Kind(poll.kind)]))
    if poll.electorate == Poll.Electorate.MEMBER:
        lines.append(
            _(
                "One member, one vote. Associate members take part in the discussion "
                "but do not vote."
            )
        )
    elif poll.electorate == Poll.Electorate.COOP:
        lines.append(_("One vote per member cooperative, cast by its administrators."))
    else:
        lines.append(
            _(
                "Each member cooperative votes with the weight of its number of "
                "members, cast by its administrators."
            )
        )
    if poll.electorate_size:
        lines.append(
            _("The electorate was fixed when the poll opened: %(size)s voters.")
            % {"size": poll.electorate_size}
        )
    if poll.quorum_kind == Poll.QuorumKind.PERCENT:
        lines.append(
            _("The vote counts only if at least %(value)s%% of the electorate votes.")
            % {"value": poll.quorum_value}
        )
    elif poll.quorum_kind == Poll.QuorumKind.NUMBER:
        lines.append(
            _("The vote counts only if at least %(value)s voters take part.")
            % {"value": poll.quorum_value}
        )
    else:
        lines.append(_("There is no quorum."))
    thresholds = {
        Poll.Threshold.PLURALITY: _("The option with most votes wins."),
        Poll.Threshold.MAJORITY: _("To pass, the winner needs more than half of the votes."),
        Poll.Threshold.TWO_THIRDS: _("To pass, the winner needs at least two thirds of the votes."),
        Poll.Threshold.CONSENT: _("The proposal passes if nobody blocks it and someone agrees."),
    }
    if poll.kind not in (Poll.Kind.STV_SCOTTISH, Poll.Kind.STV_MEEK):
        lines.append(str(thresholds[Poll.Threshold(poll.threshold)]))
    if poll.is_secret:
        lines.append(
            _(
                "The ballot is secret: nobody can see how you voted. You get a receipt "
                "to check that your ballot is counted."
            )
        )
    else:
        lines.append(_("The ballot is open: members see who voted what, with reasons."))
    if poll.results_visibility == Poll.ResultsVisibility.AFTER_VOTE:
        lines.append(_("Results so far are shown to those who have voted."))
    else:
        lines.append(_("Results are shown when the poll closes."))
    lines.append(_("You can change your vote until the poll closes; the last one counts."))
    return lines


def describe_choice(poll: Poll, labels: list[str], choice: dict) -> str:
    """A ballot in words, for open polls' "who voted what" and agents' read-backs."""

    def label(position) -> str:
        position = int(position)
        return labels[position] if 0 <= position < len(labels) else "?"

    if "consent" in choice:
        return labels[["agree", "abstain", "disagree", "block"].index(choice["consent"])]
    if "choice" in choice:
        return label(choice["choice"])
    if "approve" in choice:
        return ", ".join(label(p) for p in choice["approve"])
    if "scores" in choice:
        return ", ".join(f"{label(p)}: {s}" for p, s in choice["scores"].items())
    return " > ".join(" = ".join(label(p) for p in rank) for rank in choice.get("ranking", []))


def result_rows(result: dict | None) -> list[tuple[str, object, object, object]]:
    """(option, votes, online, on paper) per option; the last two are None unless the result
    splits its totals by channel (open polls) and some ballots were on paper."""
    if not result or "totals" not in result:
        return []
    from .counting import consent_labels

    labels = consent_labels(result)
    channels = result.get("channels") or {}
    split = channels.get("totals")
    if not split or not channels["ballots"]["paper"]:
        return [
            (label, total, None, None)
            for label, total in zip(labels, result["totals"], strict=False)
        ]
    return list(zip(labels, result["totals"], split["online"], split["paper"], strict=False))


_TIE_AT_STAGE = re.compile(r"decided by the votes at stage (\d+)")


def _tie_in_words(tie: str) -> str:
    """How the count broke a tie (`tally.model.break_tie`'s words) in the reader's language."""
    if tie == "decided by the tie-break order":
        return _("decided by the tie-break order")
    stage = _TIE_AT_STAGE.fullmatch(tie)
    if stage:
        return _("decided by the votes at stage %(stage)s") % {"stage": stage[1]}
    return tie


def rounds_in_words(result: dict | None) -> list[dict]:
    """A result's rounds as the round-by-round list shows them: what each round did in the
    reader's language ("Ana excluded", "surplus of Ana transferred"), not the tally's codes,
    which stay in the stored result and the API."""
    from .counting import chart_words

    words = chart_words()
    shown = []
    for step in (result or {}).get("rounds") or []:
        names = ", ".join(step.get("candidates") or [])
        action = step.get("action", "")
        heading = words.get(action, action) if action in _ROUND_ACTIONS else action
        if "{names}" in heading:
            heading = heading.format(names=names)
        elif names:
            heading = _("%(step)s: %(names)s") % {"step": heading, "names": names}
        shown.append(
            {
                **step,
                "heading": heading,
                "tie": _tie_in_words(step["tie"]) if step.get("tie") else "",
            }
        )
    return shown


# The tally's round actions (`tally.svg.WORDS` keys) that `counting.chart_words` translates.
_ROUND_ACTIONS = {"first preferences", "surplus", "exclusion", "election", "remaining"}


def reasons_in_words(result: dict | None) -> list[dict]:
    """A consent proposal's reasons, each position in the reader's language."""
    return [
        {**item, "position": str(CONSENT_LABELS.get(item.get("position"), item.get("position")))}
        for item in (result or {}).get("reasons") or []
    ]


def channel_counts(result: dict | None) -> list[tuple[str, int]]:
    """Voters per channel, labelled in the reader's language, from a result's `channels`."""
    voters = ((result or {}).get("channels") or {}).get("voters") or {}
    labels = dict(Channel.choices)
    return [(str(labels[channel]), count) for channel, count in voters.items() if channel in labels]
