"""The challenges of an event: accepted needs, or themes the organisers set."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from minga import audit
from minga.accounts.models import User
from minga.events import permissions
from minga.events.models import Event, EventChallenge

from .common import _touch, log_subject, refuse_if_cancelled


@transaction.atomic
def add_challenge(
    *,
    event: Event,
    actor: User,
    need=None,
    title: str = "",
    summary: str = "",
    theme: str = "",
) -> EventChallenge:
    """Add a challenge: an accepted need (its title, owner and cooperative come along) or,
    for themes the organisers set themselves, a title and summary."""
    permissions.check_manage(actor, event)
    refuse_if_cancelled(event)
    if need is not None:
        if not need.is_public:
            raise ValidationError(
                _("Only accepted needs can become challenges."), code="need_not_accepted"
            )
        if event.challenges.filter(need=need).exists():
            raise ValidationError(
                _("This need is already a challenge of the event."), code="duplicate"
            )
        title = title or need.title
        summary = summary or getattr(need, "how_might_we", "") or getattr(need, "problem", "")
        theme = theme or need.theme
    if not title:
        raise ValidationError(_("A challenge needs a title."), code="no_title")
    position = (event.challenges.aggregate(n=Max("position"))["n"] or 0) + 1
    challenge = EventChallenge(
        event=event,
        need=need,
        title=title,
        summary=summary,
        theme=theme,
        owner=getattr(need, "owner", None),
        owner_coop=getattr(need, "coop", None),
        position=position,
        added_by=actor,
    )
    challenge.full_clean()
    challenge.save()
    audit.record(
        "event.challenge_added",
        log_subject(event),
        {"challenge": challenge.pk, "need": need.pk if need else None},
        actor,
    )
    _touch(event)
    return challenge


@transaction.atomic
def remove_challenge(*, challenge: EventChallenge, actor: User) -> None:
    event = challenge.event
    permissions.check_manage(actor, event)
    refuse_if_cancelled(event)
    if event.are_challenges_released(timezone.now()) and challenge.teams.exists():
        raise ValidationError(
            _("Teams already work on this challenge; it cannot be removed."), code="in_use"
        )
    audit.record("event.challenge_removed", log_subject(event), {"challenge": challenge.pk}, actor)
    challenge.delete()
    _touch(event)
