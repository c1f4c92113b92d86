"""Demo judging for `minga demo` (idempotent): a jury for the live edition, and a recent,
already announced edition with scores, a members' choice, winners and awards.

The live edition of the ICA series (loaded by the events demo) is still building when the
demo loads, so it gets its jury and a members' choice vote, and is judged only if judging
happens to be open. So that results, the winners' gallery and awards can be seen, a second
event, a one-week sprint on mobile money for savings and credit cooperatives, ended a few
weeks ago. It happened before the demo was loaded, so it is replayed through the same
actions as on the website with the clock set to each step's instant: every rule (the
registration window, the proposal deadline, the judging window, the announcement) is checked
as it would have been, and the audit log holds an entry for every step, dated when it
happened.
"""

import datetime
import zoneinfo

from django.utils import timezone

from minga.challenges.models import Need
from minga.core.demo import replay_at
from minga.events import actions as event_actions
from minga.events.models import Event, Registration

from . import actions, queries
from .models import Assignment, Award, Juror
from .permissions import is_judging_open

LIVE = "ica-virtual-coop-a-thon-live"  # the events demo's live edition
SPRINT = "sacco-mobile-money-sprint"
NAIROBI = zoneinfo.ZoneInfo("Africa/Nairobi")
JURORS = ["es-energy", "ca-caisse", "in-dairy", "rw-secretary"]
# How each juror tends to score: the lenient one adds a point, the strict one takes one.
HABITS = {"es-energy": +1, "ca-caisse": -1, "in-dairy": 0, "rw-secretary": 0}
VOTERS = ["ke-treasurer", "br-credit"]

SPRINT_RULES = {
    "title": "SACCO mobile-money sprint",
    "summary": (
        "A one-week virtual sprint: IT cooperatives and volunteers work on two needs of "
        "savings and credit cooperatives, reconciling mobile-money deposits and giving "
        "members a receipt they can trust when an agent acts for them."
    ),
    "format": "virtual",
    "timezone": "Africa/Nairobi",
    "languages": ["en", "sw", "pt", "es"],
    "team_min_size": 1,
    "team_max_size": 4,
    "who_may_register": "both",
    "channels": "One Matrix room per team, bridged to e-mail; a Jitsi room for calls.",
    "main_channel_url": "https://matrix.to/#/#sacco-sprint:demo.minga.coop",
    "licence": "AGPL-3.0-or-later",
    "ownership": "commons",
    "presentation_formats": ["written", "video"],
    "video_max_minutes": 3,
}
PRIZES = [
    (
        "Pilot with the cooperative",
        "Three months of paid work to run the proposal with the SACCO's members.",
    ),
    ("A .coop domain for one year", ""),
    ("Publicity", "Featured in the federation's newsletter and at its next assembly."),
]

# (name, lead, other members, need's cooperative, quality per criterion, proposal)
TEAMS = [
    (
        "Pesa Pamoja",
        "ke-dev",
        ["in-dev"],
        "mwangaza-sacco",
        [5, 4, 4, 4],
        {
            "title": "Paybill reconciliation members can see",
            "summary": "Every M-PESA paybill deposit is matched to a member account within "
            "minutes; the member gets an SMS and the treasurer a daily exceptions list.",
            "problem": "Deposits arrive with wrong or missing account numbers. The treasurer "
            "matches them by hand at month end, members wait, and errors are hard to trace.",
            "solution": "Read the paybill statement, match by account number, phone number "
            "and amount, and queue the rest for the treasurer with suggestions. Members get "
            "an SMS receipt and can query their balance by USSD.",
            "cooperative_principles": "Members see their own money move; the board and the "
            "supervisory committee see the same exceptions list.",
            "feasibility": "Runs on the SACCO's existing server; costs one SMS per deposit.",
            "repository_url": "https://git.demo.minga.coop/pesa-pamoja/reconcile",
        },
    ),
    (
        "Recibo Justo",
        "ar-dev",
        ["br-designer"],
        "sertao-credito",
        [4, 4, 5, 3],
        {
            "title": "A receipt the member can check, even through an agent",
            "summary": "When an agent deposits or withdraws for a member, the member gets a "
            "short code by SMS and confirms it; the agent is paid only after confirmation.",
            "problem": "Members who rely on agents cannot check what was done in their name.",
            "solution": "A two-step confirmation by SMS or USSD, a public list of agents and "
            "their fees, and a monthly statement read aloud at the branch for members who "
            "do not read.",
            "cooperative_principles": "Protects members who depend on others; agents answer "
            "to the cooperative, not the other way round.",
            "feasibility": "Needs an SMS gateway and a change to the agents' procedure.",
            "video_url": "https://video.demo.minga.coop/recibo-justo",
        },
    ),
    (
        "Prairie Ledger",
        "ca-dev",
        [],
        "mwangaza-sacco",
        [3, 3, 3, 4],
        {
            "title": "A double-entry ledger for mobile-money float",
            "summary": "Every float movement becomes a balanced journal entry the auditor can "
            "replay.",
            "problem": "Float movements are kept in spreadsheets that do not balance.",
            "solution": "A small double-entry ledger fed from the paybill statement.",
            "cooperative_principles": "Transparent books for the members' general assembly.",
            "feasibility": "Needs training for the bookkeeper; hosting by an IT cooperative.",
        },
    ),
    (
        "Ponte",
        "it-social",
        [],
        "sertao-credito",
        [3, 2, 4, 3],
        {
            "title": "Agents as members: a cooperative of agents",
            "summary": "Organise the agents themselves as a cooperative with shared rules.",
            "problem": "Agents act for members without any accountability to them.",
            "solution": "A statute template, a code of conduct and a shared register of "
            "transactions.",
            "cooperative_principles": "Cooperation among cooperatives, member control.",
            "feasibility": "Needs legal advice in each country; little software.",
        },
    ),
]
COMMENTS = [
    "Clear and grounded in what the members described. Say more about running costs.",
    "Works on basic phones, which matters here. The rollout plan is thin.",
    "Good attention to members who do not read. Who maintains it after the pilot?",
]


def load(*, people, coops, stdout) -> None:
    live = Event.objects.filter(slug=LIVE).first()
    if live is not None:
        _jury_for(live, people)
    sprint = Event.objects.filter(slug=SPRINT).first() or _sprint(people, coops)
    winners = sprint.awards.filter(kind=Award.Kind.WINNER).values("team").distinct().count()
    stdout.write(
        f"Judging: {Juror.objects.count()} jury seats; {sprint.title} announced, "
        f"{winners} winning teams."
    )


def _jury_for(event: Event, people) -> None:
    """The live edition's jury, named while teams build, and judged if judging is open."""
    organiser = people["organiser"]
    now = timezone.now()
    if now < event.proposals_due_at and not queries.settings_of(event).pk:
        actions.update_settings(
            event=event, actor=organiser, jurors_per_proposal=3, members_choice=True
        )
    if now < event.judging_ends_at:
        for key in JURORS:
            if not Juror.objects.filter(event=event, person=people[key]).exists():
                actions.add_juror(event=event, actor=organiser, person=people[key])
    if is_judging_open(event, now) and not Assignment.objects.filter(event=event).exists():
        actions.assign_jurors(event=event, actor=organiser)
        _score(event, people, leave_one_each=True)


def _sprint(people, coops) -> Event:
    organiser = people["organiser"]
    today = timezone.now().astimezone(NAIROBI).replace(hour=9, minute=0, second=0, microsecond=0)
    release = today - datetime.timedelta(days=24)
    due = release + datetime.timedelta(days=5, hours=6)
    judging_ends = due + datetime.timedelta(days=4)
    announcement = judging_ends + datetime.timedelta(days=1)
    day = datetime.timedelta(days=1)

    with replay_at(release - 20 * day):
        event = event_actions.create_event(
            actor=organiser,
            organiser=coops["ica"],
            slug=SPRINT,
            registration_opens_at=release - 14 * day,
            registration_closes_at=release + 2 * day,
            intake_opens_at=release - 30 * day,
            intake_closes_at=release - 3 * day,
            challenges_released_at=release,
            proposals_due_at=due,
            judging_ends_at=judging_ends,
            announcement_at=announcement,
            **SPRINT_RULES,
        )
        for name, description in PRIZES:
            event_actions.add_prize(
                event=event, actor=organiser, name=name, description=description
            )
        challenges = {}
        for slug in ("mwangaza-sacco", "sertao-credito"):
            need = Need.objects.accepted().filter(coop=coops[slug]).order_by("pk").first()
            if need is not None:
                challenges[slug] = event_actions.add_challenge(
                    event=event, actor=organiser, need=need
                )
            else:
                challenges[slug] = event_actions.add_challenge(
                    event=event,
                    actor=organiser,
                    title=f"Mobile money for {coops[slug].name}",
                    theme="fintech",
                )
        event = event_actions.publish_event(event=event, actor=organiser)
        actions.update_settings(
            event=event, actor=organiser, jurors_per_proposal=3, members_choice=True
        )

    with replay_at(release - 12 * day):
        event_actions.register_organisation(
            event=event,
            coop=coops["nairobi-tech"],
            people=[people["ke-dev"]],
            actor=people["ke-dev"],
        )
        for key in ["in-dev", "ar-dev", "br-designer", "ca-dev", "it-social"]:
            event_actions.register_person(event=event, person=people[key])
    teams = []
    with replay_at(release - 10 * day):
        for name, lead, others, _coop, _quality, _fields in TEAMS:
            team = event_actions.create_team(
                registration=Registration.objects.get(event=event, person=people[lead]),
                actor=people[lead],
                name=name,
                channel_url=f"https://meet.jit.si/minga-{name.lower().replace(' ', '-')}",
            )
            for key in others:
                request = event_actions.request_to_join(
                    team=team,
                    registration=Registration.objects.get(event=event, person=people[key]),
                    actor=people[key],
                )
                event_actions.accept_request(membership=request, actor=people[lead])
            teams.append(team)
    with replay_at(release - day):
        for key in JURORS:
            actions.add_juror(event=event, actor=organiser, person=people[key])
    for n, (team, row) in enumerate(zip(teams, TEAMS, strict=True)):
        _name, lead, _others, coop, _quality, fields = row
        with replay_at(release + datetime.timedelta(hours=2 + n)):
            event_actions.choose_challenge(
                team=team, challenge=challenges[coop], actor=people[lead]
            )
        with replay_at(release + 3 * day + datetime.timedelta(hours=n)):
            event_actions.save_proposal(team=team, actor=people[lead], fields=fields)
    with replay_at(due + datetime.timedelta(hours=1)):
        actions.assign_jurors(event=event, actor=organiser)
    with replay_at(due + day):
        _score(event, people)
        for key in VOTERS:
            actions.cast_vote(
                event=event,
                voter=people[key],
                proposals=[t.proposal for t in teams[:2]]
                if key == "ke-treasurer"
                else [teams[1].proposal],
            )
    with replay_at(announcement + datetime.timedelta(hours=2)):
        actions.record_awards(event=event, actor=organiser)
    return event


def _score(event: Event, people, *, leave_one_each: bool = False) -> None:
    """Every juror scores their proposals, true to their habits, with a comment."""
    keys = {people[key].pk: key for key in JURORS if key in people}
    quality = {name: marks for name, _lead, _others, _coop, marks, _fields in TEAMS}
    criteria = list(event.criteria.all())
    left: set[int] = set()
    assignments = Assignment.objects.filter(event=event).select_related(
        "juror__person", "proposal__team"
    )
    for n, assignment in enumerate(assignments.order_by("juror_id", "proposal_id")):
        person = assignment.juror.person
        if leave_one_each and person.pk not in left:
            left.add(person.pk)  # something left for the juror to do in the demo
            continue
        base = quality.get(assignment.proposal.team.name, [3] * len(criteria))
        bias = HABITS.get(keys.get(person.pk, ""), 0)
        values = {c.pk: min(5, max(1, base[i % len(base)] + bias)) for i, c in enumerate(criteria)}
        actions.score_proposal(
            assignment=assignment,
            actor=person,
            values=values,
            comment=COMMENTS[n % len(COMMENTS)],
        )
