"""Team-matching suggestions for an event: registrations in, explained teams out.

The grouping itself is the pure `matching` module; this adapter turns registrations into
its `Person`s (UTC offsets taken at the event's building phase, so daylight saving is right)
and its facts into a sentence in the reader's language.
"""

import zoneinfo
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from minga.accounts.vocab import Language, Skill

from . import matching
from .models import Event, Registration, TeamMembership


@dataclass
class ExplainedSuggestion:
    registrations: list[Registration]
    facts: matching.Suggestion
    explanation: str


def without_team(event: Event) -> list[Registration]:
    in_team = TeamMembership.objects.filter(
        team__event=event, status=TeamMembership.Status.ACTIVE
    ).values_list("registration_id", flat=True)
    return list(
        event.registrations.filter(status=Registration.Status.ACTIVE)
        .exclude(pk__in=in_team)
        .select_related("person", "coop")
    )


def to_person(registration: Registration, event: Event) -> matching.Person:
    offset = zoneinfo.ZoneInfo(registration.timezone).utcoffset(event.challenges_released_at)
    return matching.Person(
        id=registration.pk,
        languages=frozenset(registration.languages),
        skills=frozenset(registration.skills),
        utc_offset_minutes=int(offset.total_seconds() // 60) if offset else 0,
        day_starts_at_hour=registration.day_starts_at_hour,
        hours_per_day=registration.hours_per_day,
        coop=registration.coop.slug if registration.coop else None,
        country=str(registration.country) or None,
    )


def suggest(event: Event) -> tuple[list[ExplainedSuggestion], list[Registration]]:
    """Suggested teams for everyone registered without a team, and whoever is left over."""
    registrations = {r.pk: r for r in without_team(event)}
    people = [to_person(r, event) for r in registrations.values()]
    result = matching.suggest_teams(
        people, min_size=event.team_min_size, max_size=event.team_max_size
    )
    teams = [
        ExplainedSuggestion(
            registrations=[registrations[pk] for pk in team.members],
            facts=team,
            explanation=explain(team),
        )
        for team in result.teams
    ]
    return teams, [registrations[pk] for pk in result.unmatched]


def explain(team: matching.Suggestion) -> str:
    languages = dict(Language.choices)
    skills = dict(Skill.choices)
    parts = []
    if team.language:
        parts.append(
            _("shares %(language)s with %(count)s of %(size)s")
            % {
                "language": languages.get(team.language, team.language),
                "count": team.language_count,
                "size": team.size,
            }
        )
    else:
        parts.append(_("no language in common"))
    if team.skills:
        covered = ", ".join(sorted(str(skills.get(s, s)) for s in team.skills))
        parts.append(_("covers %(skills)s") % {"skills": covered})
    hours = team.overlap_hours
    shown = int(hours) if hours == int(hours) else hours
    parts.append(_("%(hours)s h overlap in working hours") % {"hours": shown})
    parts.append(
        ngettext("%(count)s cooperative", "%(count)s cooperatives", team.coops)
        % {"count": team.coops}
    )
    parts.append(
        ngettext("%(count)s country", "%(count)s countries", team.countries)
        % {"count": team.countries}
    )
    return "; ".join(parts)
