"""What a coop-a-thon's credentials say: achievements per kind of award, results, evidence.

`actions.issue_event_awards` issues them through credentials; their words are written here.

The words are written once here and put in every language of the site when the organiser's
achievement is first defined, so a winner in Lima and a juror in Kigali each read their
credential in their own language.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from minga.credentials import credential as documents
from minga.credentials.models import AchievementType


def _texts(event: Any, kind: str) -> dict[str, str]:
    values = {"event": event.title, "organiser": event.organiser.name}
    if kind == "winner":
        return {
            "name": _("Winner of %(event)s") % values,
            "description": _(
                "Member of a team whose proposal the jury of %(event)s, a coop-a-thon run by "
                "%(organiser)s, placed among the winners."
            )
            % values,
            "criteria": _(
                "Be a member of a team that submitted a proposal to %(event)s and was ranked "
                "among the winners by the jury's weighted scores."
            )
            % values,
        }
    if kind == "juror":
        return {
            "name": _("Juror of %(event)s") % values,
            "description": _(
                "Served on the jury of %(event)s, a coop-a-thon run by %(organiser)s, "
                "scoring proposals on the published rubric."
            )
            % values,
            "criteria": _("Sit on the jury of %(event)s and score the proposals assigned.")
            % values,
        }
    if kind == "challenge-owner":
        return {
            "name": _("Challenge owner in %(event)s") % values,
            "description": _(
                "Brought a cooperative's need to %(event)s, a coop-a-thon run by "
                "%(organiser)s, and followed the teams working on it."
            )
            % values,
            "criteria": _("Own one of the challenges of %(event)s.") % values,
        }
    return {
        "name": _("Participant in %(event)s") % values,
        "description": _(
            "Member of a team that submitted a proposal to %(event)s, a coop-a-thon run by "
            "%(organiser)s."
        )
        % values,
        "criteria": _("Be a member of a team that submitted a proposal to %(event)s.") % values,
    }


def achievement_texts(event: Any, kind: str) -> dict[str, Any]:
    """``{"type": ..., "<language>": {"name", "description", "criteria"}, ...}``."""
    texts: dict[str, Any] = {
        "type": AchievementType.AWARD if kind == "winner" else AchievementType.ACHIEVEMENT
    }
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = _texts(event, kind)
    return texts


def award_results(award: Any) -> list[dict[str, str]]:
    """A winner's rank, and prize when there is one (in the active language)."""
    if award.kind != "winner" or award.rank is None:
        return []
    results = [{"name": _("Rank"), "value": str(award.rank), "type": "ext:Rank"}]
    if award.prize_name:
        results.append({"name": _("Prize"), "value": award.prize_name, "type": "ext:Prize"})
    return results


def award_evidence(award: Any) -> list[dict[str, str]]:
    """The team's proposal for participants and winners; the event or challenge otherwise."""
    event = award.event
    if award.team is not None:
        proposal = getattr(award.team, "proposal", None)
        version = proposal.version_for_jury() if proposal else None
        return [
            {
                "id": documents.absolute(reverse("events:team", args=[event.slug, award.team.pk])),
                "name": version.title if version else award.team.name_in_results,
                "description": _("The proposal of team %(team)s to %(event)s.")
                % {"team": award.team.name_in_results, "event": event.title},
                "genre": "Proposal",
            }
        ]
    if award.challenge is not None:
        return [
            {
                "id": documents.absolute(reverse("events:challenges", args=[event.slug])),
                "name": award.challenge.title,
                "description": _("A challenge of %(event)s.") % {"event": event.title},
                "genre": "Challenge",
            }
        ]
    return [
        {
            "id": documents.absolute(event.get_absolute_url()),
            "name": event.title,
            "genre": "Event",
        }
    ]
