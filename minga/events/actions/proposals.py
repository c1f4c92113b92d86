"""Proposals: versions saved by the team until the deadline, with their attachments."""

import secrets
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from minga import audit
from minga.accounts.models import User
from minga.core.uploads import check_upload
from minga.events import permissions
from minga.events.models import Attachment, Event, Proposal, ProposalVersion, Team, TeamMembership
from minga.events.text import format_instant

from .common import PROPOSAL_FIELDS, log_subject, refuse_if_cancelled


def _check_proposals_open(event: Event) -> None:
    refuse_if_cancelled(event)
    now = timezone.now()
    if now >= event.proposals_due_at:
        raise ValidationError(
            _(
                "The deadline for proposals passed at %(deadline)s. Proposals are read-only "
                "now; nothing was saved."
            )
            % {"deadline": format_instant(event.proposals_due_at, event.timezone)},
            code="deadline_passed",
        )
    if not event.is_open_for_proposals(now):
        raise ValidationError(
            _("Proposals open when the challenges are released, at %(when)s.")
            % {"when": format_instant(event.challenges_released_at, event.timezone)},
            code="not_open",
        )


def check_team_size(team: Team) -> None:
    """A team below the event's minimum size cannot put a proposal before the jury."""
    size = team.memberships.filter(status=TeamMembership.Status.ACTIVE).count()
    minimum = team.event.team_min_size
    if size < minimum:
        raise ValidationError(
            ngettext(
                "A team needs at least %(minimum)s member to submit a proposal; "
                "yours has %(size)s. Invite teammates first.",
                "A team needs at least %(minimum)s members to submit a proposal; "
                "yours has %(size)s. Invite teammates first.",
                minimum,
            )
            % {"minimum": minimum, "size": size},
            code="team_too_small",
        )


@transaction.atomic
def save_proposal(
    *,
    team: Team,
    actor: User,
    fields: dict,
    new_files: Iterable[UploadedFile] = (),
    remove_attachments: Iterable[int] = (),
) -> ProposalVersion:
    """Save the team's proposal as a new version; refused from the deadline's instant on.

    The licence is the event's, copied into each version. Attachments carry over from the
    previous version unless removed, so each version shows exactly what the team had then.
    """
    # Lock the team so two members saving at once get consecutive version numbers.
    team = Team.objects.select_for_update().select_related("event").get(pk=team.pk)
    event = team.event
    _check_proposals_open(event)
    if not permissions.is_team_member(actor, team):
        raise ValidationError(_("Only team members can edit the proposal."), code="not_member")
    if team.challenge_id is None:
        raise ValidationError(
            _("Choose your team's challenge before writing the proposal."), code="no_challenge"
        )
    check_team_size(team)
    new_files = list(new_files)
    for upload in new_files:
        check_upload(upload)
    now = timezone.now()
    proposal, _created = Proposal.objects.get_or_create(
        team=team, defaults={"event": event, "created_at": now}
    )
    previous = proposal.latest_version()
    version = ProposalVersion(
        proposal=proposal,
        number=(previous.number + 1) if previous else 1,
        licence=event.licence,
        created_by=actor,
        created_at=now,
        **{name: fields.get(name, "") for name in PROPOSAL_FIELDS},
    )
    version.full_clean(exclude=["proposal"])
    version.save()
    kept = [] if previous is None else list(previous.attachments.exclude(pk__in=remove_attachments))
    for upload in new_files:
        assert upload.name is not None and upload.size is not None  # as every upload has
        attachment = Attachment(
            proposal=proposal,
            key=secrets.token_hex(16),
            name=upload.name[:200],
            size=upload.size,
            content_type=getattr(upload, "content_type", "") or "",
            uploaded_by=actor,
            created_at=now,
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
        kept.append(attachment)
    version.attachments.set(kept)
    proposal.updated_at = now
    proposal.save(update_fields=["updated_at"])
    audit.record(
        "proposal.saved",
        log_subject(event),
        {"team": team.pk, "version": version.number, "attachments": len(kept)},
        actor,
    )
    return version
