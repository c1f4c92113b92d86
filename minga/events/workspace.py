"""A team's checklist toward submission: what is done and what is left, in plain words."""

import datetime
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import PresentationFormat, Proposal, Team


@dataclass(frozen=True)
class Step:
    label: Promise
    is_done: bool


def checklist(team: Team, proposal: Proposal | None, now: datetime.datetime) -> list[Step]:
    event = team.event
    size = len(getattr(team, "active_members", None) or team.memberships.filter(status="active"))
    latest = proposal.latest_version() if proposal else None
    formats = set(event.presentation_formats)
    steps = [
        Step(_("Enough members for a team"), size >= event.team_min_size),
        Step(_("A channel where the team talks"), bool(team.channel_url or event.main_channel_url)),
        Step(_("A challenge chosen (after the release)"), team.challenge_id is not None),
        Step(_("A first version of the proposal saved"), latest is not None),
    ]
    if PresentationFormat.SLIDES in formats:
        steps.append(
            Step(
                _("Slides linked or attached"),
                bool(latest and (latest.slides_url or latest.attachments.exists())),
            )
        )
    if PresentationFormat.VIDEO in formats:
        steps.append(Step(_("Video linked"), bool(latest and latest.video_url)))
    steps.append(
        Step(
            _("Saved before the deadline (the jury sees the last version before it)"),
            bool(latest and latest.created_at < event.proposals_due_at),
        )
    )
    return steps
