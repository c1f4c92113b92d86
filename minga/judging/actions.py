"""Every change to a jury, its scores, the members' choice and awards: atomic and audited.

Time rules are checked here, against the clock at the moment of the change: the rubric and
the settings are fixed when judging opens (the proposal deadline); jurors score and members
vote only while judging is open; awards are recorded from the announcement on, so the public
audit log never tells a result before the results page does. Recording awards issues their
certificates in the same transaction (`issue_event_awards`, through credentials' actions).
"""

import json
from collections.abc import Iterable, Mapping, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from minga import audit
from minga.accounts.models import User
from minga.channels.mail import send_email
from minga.channels.sms import send_sms
from minga.core.languages import supported_language
from minga.core.lookups import keyed
from minga.credentials.actions import LANGUAGE_CODES, define_achievement, issue_credential
from minga.credentials.models import Achievement, Credential
from minga.events.actions.common import log_subject, refuse_if_cancelled
from minga.events.models import Event, EventChallenge, Proposal, TeamMembership
from minga.events.text import format_instant

from . import queries, scoring
from .certificates import achievement_texts, award_evidence, award_results
from .models import (
    DEFAULT_RUBRIC,
    SCALE_MAX,
    SCALE_MIN,
    Assignment,
    Award,
    Criterion,
    DefaultCriterion,
    JudgingSettings,
    Juror,
    Score,
    VoteReceipt,
    VoteTally,
)
from .permissions import can_vote, check_manage, is_assigned, is_judging_open


def _check_before_judging(event: Event) -> None:
    """The rules of judging are fixed from the instant judging opens."""
    refuse_if_cancelled(event)
    if timezone.now() >= event.proposals_due_at:
        raise ValidationError(
            _("Judging opened at %(when)s; its rules can no longer change.")
            % {"when": format_instant(event.proposals_due_at, event.timezone)},
            code="judging_started",
        )


def _check_before_judging_ends(event: Event) -> None:
    refuse_if_cancelled(event)
    if timezone.now() >= event.judging_ends_at:
        raise ValidationError(
            _("Judging closed at %(when)s; the jury can no longer change.")
            % {"when": format_instant(event.judging_ends_at, event.timezone)},
            code="judging_closed",
        )


def _check_judging_open(event: Event) -> None:
    refuse_if_cancelled(event)
    now = timezone.now()
    if now < event.proposals_due_at:
        raise ValidationError(
            _("Judging opens at the proposal deadline, %(when)s.")
            % {"when": format_instant(event.proposals_due_at, event.timezone)},
            code="judging_not_open",
        )
    if not is_judging_open(event, now):
        raise ValidationError(
            _("Judging closed at %(when)s; nothing was saved.")
            % {"when": format_instant(event.judging_ends_at, event.timezone)},
            code="judging_closed",
        )


# --- settings and rubric ---


@transaction.atomic
def update_settings(
    *, event: Event, actor: User, jurors_per_proposal: int, members_choice: bool
) -> JudgingSettings:
    check_manage(actor, event)
    _check_before_judging(event)
    found, _created = JudgingSettings.objects.select_for_update().get_or_create(event=event)
    found.jurors_per_proposal = jurors_per_proposal
    found.members_choice = members_choice
    found.updated_at = timezone.now()
    found.full_clean()
    found.save()
    audit.record(
        "jury.settings_changed",
        log_subject(event),
        {"jurors_per_proposal": jurors_per_proposal, "members_choice": members_choice},
        actor,
    )
    return found


def _rubric_data(criteria: Iterable[Criterion]) -> list[dict]:
    return [{"key": c.key, "name": c.name, "weight": c.weight} for c in criteria]


@transaction.atomic
def save_rubric(*, event: Event, actor: User, criteria: Sequence[Mapping]) -> list[Criterion]:
    """Replace the event's rubric: a list of {key, name, description, weight}, in order.

    A default criterion (with a `key`) may keep an empty name: it is then shown in each
    reader's language. Nobody has scored yet (the rubric is fixed when judging opens), so
    the old criteria can simply be replaced.
    """
    check_manage(actor, event)
    event = Event.objects.select_for_update().get(pk=event.pk)
    _check_before_judging(event)
    if not criteria:
        raise ValidationError(_("A rubric needs at least one criterion."), code="empty")
    keys = [c.get("key", "") for c in criteria if c.get("key")]
    if len(keys) != len(set(keys)) or not set(keys) <= set(DefaultCriterion.values):
        raise ValidationError(_("Each default criterion can appear once."), code="bad_key")
    rows = []
    for position, item in enumerate(criteria, start=1):
        criterion = Criterion(
            event=event,
            key=item.get("key", ""),
            name=(item.get("name") or "").strip(),
            description=(item.get("description") or "").strip(),
            weight=item["weight"],
            position=position,
        )
        if not criterion.key and not criterion.name:
            raise ValidationError(_("Every criterion needs a name."), code="no_name")
        criterion.full_clean(exclude=["event"])
        rows.append(criterion)
    event.criteria.all().delete()
    Criterion.objects.bulk_create(rows)
    audit.record("jury.rubric_saved", log_subject(event), {"criteria": _rubric_data(rows)}, actor)
    return list(event.criteria.all())


def _ensure_rubric(event: Event, actor: User) -> list[Criterion]:
    """Save the default rubric for an event whose organisers never changed it."""
    saved = list(event.criteria.all())
    if saved:
        return saved
    rows = [
        Criterion(event=event, key=key, weight=weight, position=n)
        for n, (key, weight, _description) in enumerate(DEFAULT_RUBRIC, start=1)
    ]
    Criterion.objects.bulk_create(rows)
    audit.record(
        "jury.rubric_saved",
        log_subject(event),
        {"criteria": _rubric_data(rows), "defaults": True},
        actor,
    )
    return list(event.criteria.all())


# --- jurors and assignment ---


@transaction.atomic
def add_juror(*, event: Event, actor: User, person: User) -> Juror:
    """Name a person to the jury; they are told by e-mail and SMS."""
    check_manage(actor, event)
    _check_before_judging_ends(event)
    if Juror.objects.filter(event=event, person=person).exists():
        raise ValidationError(
            _("%(name)s is already on the jury.") % {"name": person.name}, code="duplicate"
        )
    juror = Juror.objects.create(event=event, person=person, added_by=actor)
    audit.record(
        "jury.juror_added",
        log_subject(event),
        {"juror": juror.pk},
        actor,
        private={"person": audit.person(person)},
        owner=person,
    )
    _tell_juror(event=event, person=person)
    return juror


def _tell_juror(*, event: Event, person: User) -> None:
    with translation.override(person.preferred_language), timezone.override(person.timezone):
        values = {
            "event": event.title,
            "opens": format_instant(event.proposals_due_at, person.timezone),
            "closes": format_instant(event.judging_ends_at, person.timezone),
        }
        subject = _("You are on the jury of %(event)s") % values
        body = _(
            "Hello %(name)s,\n\nThe organisers of %(event)s named you to the jury. Scoring "
            "opens %(opens)s and closes %(closes)s. Your proposals are listed here:\n\n%(link)s\n"
        ) % {
            **values,
            "name": person.name,
            "link": settings.MINGA_PUBLIC_URL + f"/events/{event.slug}/jury/mine/",
        }
        sms = (
            _("Minga: you are on the jury of %(event)s. Scoring %(opens)s to %(closes)s.") % values
        )
    if person.email:
        send_email(to=person.email, subject=subject, body=body, kind="notice")
    if person.phone:
        send_sms(to=person.phone, text=sms[:300], kind="notice")


@transaction.atomic
def remove_juror(*, juror: Juror, actor: User) -> None:
    """Take a person off the jury, with their assignments; refused once they scored."""
    event = juror.event
    check_manage(actor, event)
    _check_before_judging_ends(event)
    if juror.assignments.filter(scored_at__isnull=False).exists():
        raise ValidationError(
            _("%(name)s has already scored proposals and stays on the jury.")
            % {"name": juror.person.name},
            code="has_scores",
        )
    audit.record(
        "jury.juror_removed",
        log_subject(event),
        {"juror": juror.pk},
        actor,
        private={"person": audit.person(juror.person_id)},
        owner=juror.person,
    )
    juror.delete()


@transaction.atomic
def assign_jurors(*, event: Event, actor: User) -> scoring.Plan:
    """Give every submitted proposal its jurors, none in conflict, balancing the load.

    Run it when judging opens, and again after adding jurors: assignments already scored
    stay, unscored ones that became conflicts (someone joined a cooperative) are dropped,
    and the proposals short of jurors get more. The default rubric is saved if the
    organisers kept it, so every juror scores against the same, fixed criteria.
    """
    check_manage(actor, event)
    event = Event.objects.select_for_update().get(pk=event.pk)
    _check_judging_open(event)
    _ensure_rubric(event, actor)
    per_proposal = queries.settings_of(event).jurors_per_proposal
    jurors = {j.pk: j.person_id for j in Juror.objects.filter(event=event)}
    proposals = list(queries.jury_version_ids(event))
    people = queries.affiliations(set(jurors.values()))
    existing = list(
        Assignment.objects.filter(event=event).values_list("juror_id", "proposal_id", "scored_at")
    )
    plan = scoring.assign(
        jurors={pk: people[person] for pk, person in jurors.items()},
        teams=queries.team_affiliations(event, proposals),
        per_proposal=per_proposal,
        existing=[(j, p) for j, p, _at in existing],
        locked=[(j, p) for j, p, at in existing if at is not None],
    )
    for juror, proposal in plan.dropped:
        Assignment.objects.filter(juror_id=juror, proposal_id=proposal, scored_at=None).delete()
    now = timezone.now()
    Assignment.objects.bulk_create(
        [
            Assignment(event=event, juror_id=juror, proposal_id=proposal, created_at=now)
            for juror, proposal in plan.new
        ]
    )
    audit.record(
        "jury.assigned",
        log_subject(event),
        {
            "per_proposal": per_proposal,
            "proposals": len(proposals),
            "jurors": len(jurors),
            "new": len(plan.new),
            "dropped": len(plan.dropped),
            "short": sorted(plan.short),
        },
        actor,
    )
    return plan


# --- scoring ---


def _conflicted(assignment: Assignment) -> bool:
    juror = queries.affiliations({assignment.juror.person_id})[assignment.juror.person_id]
    team = queries.team_affiliations(assignment.event, [assignment.proposal_id])
    return scoring.in_conflict(juror, team[assignment.proposal_id])


@transaction.atomic
def score_proposal(
    *, assignment: Assignment, actor: User, values: Mapping[int, int], comment: str = ""
) -> Assignment:
    """Record (or change) a juror's scores of one proposal, one per criterion.

    Only the juror assigned, only while judging is open, never for a team with members from
    the juror's own cooperatives (checked again now: memberships change). The scores are in
    the audit log as a commitment only, so the log shows that a juror scored, and when,
    without telling anyone the scores before the announcement.
    """
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("juror", "event", "proposal__event")
        .get(pk=assignment.pk)
    )
    event = assignment.event
    if not is_assigned(actor, assignment):
        raise ValidationError(_("Only the juror assigned can score."), code="not_juror")
    _check_judging_open(event)
    if _conflicted(assignment):
        raise ValidationError(
            _(
                "A member of this team belongs to one of your cooperatives: you cannot score "
                "it. Tell the organisers, who will give it to another juror."
            ),
            code="conflict",
        )
    version = assignment.proposal.version_for_jury()
    if version is None:
        raise ValidationError(
            _("This proposal has no version from before the deadline."), code="no_version"
        )
    criteria = list(event.criteria.all())
    if not criteria or set(values) != {c.pk for c in criteria}:
        raise ValidationError(_("Give a score for every criterion."), code="incomplete")
    for value in values.values():
        if not (isinstance(value, int) and SCALE_MIN <= value <= SCALE_MAX):
            raise ValidationError(
                _("Scores go from %(min)s to %(max)s.") % {"min": SCALE_MIN, "max": SCALE_MAX},
                code="off_scale",
            )
    changed = assignment.is_scored
    existing = {score.criterion_id: score for score in assignment.scores.all()}
    for criterion in criteria:
        score = existing.get(criterion.pk) or Score(assignment=assignment, criterion=criterion)
        score.value = values[criterion.pk]
        score.save()
    assignment.comment = comment.strip()
    assignment.version = version
    assignment.scored_at = timezone.now()
    assignment.save(update_fields=["comment", "version", "scored_at"])
    sheet = json.dumps(
        {"scores": {str(c.pk): values[c.pk] for c in criteria}, "comment": assignment.comment},
        sort_keys=True,
    )
    audit.record(
        "jury.scored",
        log_subject(event),
        {
            "proposal": assignment.proposal_id,
            "version": version.number,
            "juror": assignment.juror_id,
            "changed": changed,
        },
        actor,
        private={"sheet": sheet},
    )
    return assignment


# --- members' choice ---


@transaction.atomic
def cast_vote(*, event: Event, voter: User, proposals: Iterable[Proposal]) -> VoteReceipt:
    """Approve one or more proposals, once per member and event; the ballot is secret.

    The receipt's unique constraint decides between two ballots of the same member sent at
    once: the second insert fails, its transaction rolls back, and its approvals are never
    counted. Approvals go to per-proposal counters that name no voter.
    """
    chosen = sorted({proposal.pk for proposal in proposals})
    if not queries.settings_of(event).members_choice:
        raise ValidationError(_("This event has no members' choice vote."), code="no_vote")
    _check_judging_open(event)
    if not can_vote(voter, event):
        raise ValidationError(
            _(
                "Members of the cooperatives whose needs are this event's challenges vote "
                "in the members' choice."
            ),
            code="not_eligible",
        )
    if not chosen:
        raise ValidationError(_("Approve at least one proposal."), code="empty")
    valid = set(queries.jury_version_ids(event))
    if not set(chosen) <= valid:
        raise ValidationError(_("Choose among this event's proposals."), code="unknown")
    try:
        with transaction.atomic():
            receipt = VoteReceipt.objects.create(event=event, voter=voter)
    except IntegrityError:
        raise ValidationError(
            _("You have already voted in this members' choice; a ballot cannot be changed."),
            code="already_voted",
        ) from None
    VoteTally.objects.bulk_create(
        [VoteTally(event=event, proposal_id=pk) for pk in chosen], ignore_conflicts=True
    )
    VoteTally.objects.filter(event=event, proposal_id__in=chosen).update(
        approvals=F("approvals") + 1
    )
    audit.record("members_choice.voted", log_subject(event), {}, voter)
    return receipt


# --- awards ---


@transaction.atomic
def record_awards(*, event: Event, actor: User) -> list[Award]:
    """Record the awards of an announced event: winners, participants, jurors, challenge owners.

    Safe to run again: awards already recorded are kept and not repeated. Each new award is
    an audited action whose recipient appears in the log as a commitment they can open.
    """
    check_manage(actor, event)
    event = Event.objects.select_for_update().get(pk=event.pk)
    refuse_if_cancelled(event)
    now = timezone.now()
    if not event.are_results_announced(now):
        raise ValidationError(
            _("Awards are recorded once the results are announced, at %(when)s.")
            % {"when": format_instant(event.announcement_at, event.timezone)},
            code="not_announced",
        )
    result = queries.results(event, choices=0)
    submitted = [row.entry for row in result.rows] + result.unscored
    members: dict[int, list[int]] = {}
    for team, person in (
        TeamMembership.objects.filter(
            team_id__in=[entry.team_id for entry in submitted],
            status=TeamMembership.Status.ACTIVE,
        )
        .order_by("team_id", "created_at", "pk")
        .values_list("team_id", "registration__person_id")
    ):
        members.setdefault(team, []).append(person)
    wanted: list[dict] = []
    for row in result.winners:
        for person in members.get(row.entry.team_id, []):
            wanted.append(
                {
                    "person_id": person,
                    "kind": Award.Kind.WINNER,
                    "rank": row.rank,
                    "prize": row.prize,
                    "prize_name": row.prize.name if row.prize else "",
                    "team_id": row.entry.team_id,
                }
            )
    for team_id, people in sorted(members.items()):
        for person in people:
            wanted.append({"person_id": person, "kind": Award.Kind.PARTICIPANT, "team_id": team_id})
    for person in (
        Juror.objects.filter(event=event, assignments__scored_at__isnull=False)
        .values_list("person_id", flat=True)
        .distinct()
        .order_by("person_id")
    ):
        wanted.append({"person_id": person, "kind": Award.Kind.JUROR})
    for challenge in EventChallenge.objects.filter(event=event, owner__isnull=False).order_by(
        "position", "pk"
    ):
        wanted.append(
            {
                "person_id": challenge.owner_id,
                "kind": Award.Kind.CHALLENGE_OWNER,
                "challenge": challenge,
            }
        )
    have = set(Award.objects.filter(event=event).values_list("person_id", "kind"))
    persons = User.objects.in_bulk({fields["person_id"] for fields in wanted})
    created = []
    for fields in wanted:
        if (fields["person_id"], fields["kind"]) in have:
            continue
        have.add((fields["person_id"], fields["kind"]))
        award = Award.objects.create(event=event, recorded_by=actor, created_at=now, **fields)
        audit.record(
            "award.recorded",
            log_subject(event),
            {
                "award": award.kind,
                "rank": award.rank,
                "prize": award.prize_name,
                "team": award.team_id,
                "challenge": award.challenge_id,
            },
            actor,
            private={"recipient": f"person:{award.person_id}"},
            owner=persons[award.person_id],
        )
        created.append(award)
    # Certificates follow the awards in the same transaction (idempotent, like the awards).
    issue_event_awards(event=event, actor=actor)
    return created


# --- coop-a-thon certificates, issued through credentials ---


def _event_achievement(event: Event, kind: str) -> Achievement:
    """The organiser's achievement for one kind of award of `event`, defined on first use."""
    key = f"event:{event.pk}:{kind}"
    existing = Achievement.objects.filter(keyed(key=key), coop=event.organiser).first()
    if existing is not None:
        return existing
    texts = achievement_texts(event, kind)
    default = settings.LANGUAGE_CODE
    return define_achievement(
        coop=event.organiser,
        actor=None,
        key=key,
        language=default,
        achievement_type=texts["type"],
        name=texts[default]["name"],
        description=texts[default]["description"],
        criteria=texts[default]["criteria"],
        translations=[
            {"language": code, **texts[code]} for code in LANGUAGE_CODES if code != default
        ],
    )


@transaction.atomic
def issue_event_awards(*, event: Event, actor: User | None) -> list[Credential]:
    """Issue a credential for each award of `event` that has none yet (safe to run again).

    Participants, winners (with their rank and prize as results), jurors and challenge
    owners each get the organiser's credential, with the team's proposal or the challenge
    as evidence.
    """
    issued = []
    awards = list(
        Award.objects.filter(event=event)
        .select_related("person", "team", "challenge", "event")
        .order_by("kind", "rank", "pk")
    )
    done = set(
        Credential.objects.filter(source__in=[f"award:{award.pk}" for award in awards]).values_list(
            "source", flat=True
        )
    )
    achievements: dict[str, Achievement] = {}
    for award in awards:
        source = f"award:{award.pk}"
        if source in done or not (award.person.email or award.person.phone):
            continue
        person = award.person
        if award.kind not in achievements:
            achievements[award.kind] = _event_achievement(event, award.kind)
        # Rank, prize and evidence in the language the credential is issued in.
        language = supported_language(person.preferred_language) or settings.LANGUAGE_CODE
        with translation.override(language):
            results = award_results(award)
            evidence = award_evidence(award)
        issued.append(
            issue_credential(
                achievement=achievements[award.kind],
                recipient=person,
                evidence=evidence,
                results=results,
                language=language,
                source=source,
                actor=actor,
            )
        )
    return issued
