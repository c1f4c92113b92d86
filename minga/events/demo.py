"""Demo coop-a-thons for `minga demo` (idempotent).

Two editions of the ICA series: the 2019 virtual coop-a-thon as it was planned (challenges
released 14 October 15:00 Paris time, proposals due 16 October 15:00, winners announced the
next morning), cancelled; and a live edition cloned from it whose phases are set around now,
in the building phase, with challenges, registrations, three teams and two proposals. Every
step goes through the actions, so the audit log tells the story.
"""

import datetime
import zoneinfo

from django.utils import timezone

from minga.challenges.models import Need
from minga.core.demo import replay_at

from . import actions
from .models import Event

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
SERIES = "ica-virtual-coop-a-thon"
FIRST = "ica-virtual-coop-a-thon-2019"
LIVE = "ica-virtual-coop-a-thon-live"


def paris(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=PARIS)


THEMES = [
    (
        "access",
        "Facilitation of access to technology for cooperatives in developing countries",
        "Many members feel left behind because they do not have the funds to invest in "
        "technological solutions.",
    ),
    (
        "know-how",
        "Access to technological know-how in developing countries",
        "Many members find it hard to provide up-to-date capacity building for their staff.",
    ),
    (
        "decisions",
        "Virtual decision-making and networking for cooperative members",
        "More necessary as cooperatives grow: how can it be done while keeping the sense of "
        "ownership and democratic principles?",
    ),
    (
        "fintech",
        "Fintech: scaling up networks of ATMs and other technological services",
        "How cooperative banks and SACCOs can reach members far from a branch.",
    ),
    (
        "platform-coops",
        "Enabling the creation of platform cooperatives through technology",
        "Tools and models so that workers and users can own the platforms they depend on.",
    ),
]

RULES = {
    "summary": (
        "Virtual global teams of IT cooperatives, IT professionals from ICA member "
        "organisations and others who support cooperatives propose solutions to members' "
        "problems. A 2018 survey of ICA members ranked technology among the biggest "
        "obstacles they face."
    ),
    "format": "virtual",
    "timezone": "Europe/Paris",
    "languages": ["en", "fr", "es"],
    "team_min_size": 2,
    "team_max_size": 5,
    "who_may_register": "both",
    "channels": (
        "Each team gets its own Matrix room (bridged to e-mail for those who prefer it) and "
        "a Jitsi room for calls. Organisers answer questions in the event's main room."
    ),
    "main_channel_url": "https://matrix.to/#/#coop-a-thon:demo.minga.coop",
    "licence": "CC-BY-SA-4.0",
    "ownership": "team",
    "ownership_note": (
        "Teams keep the rights to their ideas. Because every proposal is shared under the "
        "licence, the cooperative that posted the challenge may use and adapt it."
    ),
    "presentation_formats": ["written", "slides", "video"],
    "video_max_minutes": 3,
    "presentation_note": "Write for the cooperative's members: plain words, no jargon.",
}

PRIZES = [
    ("A .coop domain for one year", "For the winning team's project or cooperative."),
    ("A cooperative flag", ""),
    ("Publicity", "Featured on the ICA website and social media channels."),
]

PUBLISHED_2019 = paris(2019, 8, 15, 10, 0)
CANCELLED_2019 = paris(2019, 10, 10, 12, 0)  # before the challenges were released
REASON = (
    "The organisers cancelled this edition in October 2019, before the challenges were "
    "released. Participants had asked about the deadline and its time zone, the channels, "
    "ownership of ideas, the presentation format and whether people or organisations "
    "register, and there was not enough time left to answer and prepare teams. Everything "
    "is kept so the next edition can start from it."
)

PROPOSALS = {
    "Umoja Receipts": {
        "title": "Delivery receipts by SMS, confirmed by USSD",
        "summary": "The clerk records each delivery on a USSD menu; the member gets an SMS "
        "receipt at once and can dispute it the same day.",
        "problem": "Members cannot check what is recorded in their name; paper notebooks get "
        "lost and end-of-season disputes erode trust in the cooperative.",
        "solution": "A USSD menu for clerks at the collection point, an SMS receipt per "
        "delivery, a weekly SMS statement, and a reconciliation sheet for the board.",
        "cooperative_principles": "Members control their own records; the board sees the "
        "same figures as members, which supports democratic member control.",
        "feasibility": "Works on basic phones; about one SMS per delivery through an "
        "aggregator; hosted by an IT cooperative for a small monthly fee.",
        "repository_url": "https://git.demo.minga.coop/umoja/receipts",
    },
    "Minga Sur": {
        "title": "Assemblies online, one member one vote",
        "summary": "A light tool for agendas, motions and votes that works by web and SMS.",
        "problem": "Members spread over large areas cannot attend general assemblies, so few "
        "people decide for many.",
        "solution": "Agenda and documents online, motions with amendments, and votes by web, "
        "SMS or through a proxy, with results published for all members.",
        "cooperative_principles": "Democratic member control: every member votes, wherever "
        "they live.",
        "feasibility": "Built on free software the IT cooperatives already maintain.",
        "slides_url": "https://slides.demo.minga.coop/minga-sur",
    },
}


def load(*, people, coops, stdout) -> None:
    organiser, ica = people["organiser"], coops["ica"]
    first = Event.objects.filter(slug=FIRST).first() or _first_edition(organiser, ica)
    if not Event.objects.filter(slug=LIVE).exists():
        _live_edition(first, people, coops)
    stdout.write(f"Events: {Event.objects.filter(series=SERIES).count()} in the ICA series.")


def _first_edition(organiser, ica) -> Event:
    event = actions.create_event(
        actor=organiser,
        organiser=ica,
        slug=FIRST,
        series=SERIES,
        title="ICA virtual coop-a-thon 2019",
        registration_opens_at=paris(2019, 8, 20, 9, 0),
        registration_closes_at=paris(2019, 9, 6, 18, 0),
        intake_opens_at=paris(2019, 8, 20, 9, 0),
        intake_closes_at=paris(2019, 10, 1, 18, 0),
        challenges_released_at=paris(2019, 10, 14, 15, 0),
        proposals_due_at=paris(2019, 10, 16, 15, 0),
        judging_ends_at=paris(2019, 10, 17, 9, 0),
        announcement_at=paris(2019, 10, 17, 10, 0),
        **RULES,
    )
    for name, description in PRIZES:
        actions.add_prize(event=event, actor=organiser, name=name, description=description)
    for theme, title, summary in THEMES:
        actions.add_challenge(
            event=event, actor=organiser, title=title, summary=summary, theme=theme
        )
    actions.add_faq_entry(
        event=event,
        actor=organiser,
        question="Why is the ICA doing this?",
        answer="A 2018 survey of members showed technology among the biggest obstacles they "
        "face. A coop-a-thon is a way to come up with solutions together, to encourage "
        "cooperation among cooperatives and to show what IT cooperatives can do.",
    )
    # Published and cancelled at their own dates in 2019, not on the day the demo is loaded.
    with replay_at(PUBLISHED_2019):
        actions.publish_event(event=event, actor=organiser)
    with replay_at(CANCELLED_2019):
        return actions.cancel_event(event=event, actor=organiser, reason=REASON)


def _live_edition(first: Event, people, coops) -> Event:
    organiser = people["organiser"]
    now = timezone.now()
    # Today at 15:00 in Paris, as in 2019: released two days before, due two days after,
    # so the edition is in its building phase whatever the hour now.
    today = now.astimezone(PARIS).replace(hour=15, minute=0, second=0, microsecond=0)
    release = today - datetime.timedelta(days=2)
    event = actions.clone_event(
        event=first,
        actor=organiser,
        title=f"ICA virtual coop-a-thon {now.year}",
        challenges_released_at=release,
        slug=LIVE,
    )
    due = release + datetime.timedelta(days=4)
    event = actions.update_event(
        event=event,
        actor=organiser,
        changes={
            "registration_opens_at": release - datetime.timedelta(days=18),
            "registration_closes_at": release + datetime.timedelta(days=3),
            "intake_opens_at": release - datetime.timedelta(days=30),
            "intake_closes_at": release - datetime.timedelta(days=1),
            "proposals_due_at": due,
            "judging_ends_at": due + datetime.timedelta(days=2),
            "announcement_at": due + datetime.timedelta(days=2, hours=1),
        },
    )
    event = actions.publish_event(event=event, actor=organiser)
    challenges = _challenges(event, organiser)

    rosters = {"nairobi-tech": ["ke-dev"], "codigo-sur": ["ar-dev"], "tecnoapoio": ["br-designer"]}
    for slug, keys in rosters.items():
        coop = coops[slug]
        admin = people[keys[0]]
        actions.register_organisation(
            event=event, coop=coop, people=[people[k] for k in keys], actor=admin
        )
    for key in ["in-dev", "ca-dev", "it-social", "ca-caisse", "es-energy"]:
        if key in people:
            actions.register_person(event=event, person=people[key])

    teams = [
        ("Umoja Receipts", "ke-dev", ["in-dev"], 0),
        ("Minga Sur", "ar-dev", ["br-designer"], 1),
        ("Bridges", "ca-dev", ["it-social"], 2),
    ]
    for name, lead_key, member_keys, challenge_index in teams:
        lead = people[lead_key]
        team = actions.create_team(
            registration=event.registrations.get(person=lead),
            actor=lead,
            name=name,
            channel_url=f"https://meet.jit.si/minga-{name.lower().replace(' ', '-')}",
        )
        for key in member_keys:
            invitation = actions.invite_to_team(
                team=team, registration=event.registrations.get(person=people[key]), actor=lead
            )
            actions.accept_invitation(membership=invitation, actor=people[key])
        actions.choose_challenge(
            team=team, challenge=challenges[challenge_index % len(challenges)], actor=lead
        )
        if name in PROPOSALS:
            actions.save_proposal(team=team, actor=lead, fields=PROPOSALS[name])
    return event


def _challenges(event: Event, organiser) -> list:
    """Accepted needs become the challenges; the five 2019 themes when there are none."""
    needs = list(Need.objects.accepted().order_by("pk")[:5])
    for need in needs:
        actions.add_challenge(event=event, actor=organiser, need=need)
    if not needs:
        for theme, title, summary in THEMES:
            actions.add_challenge(
                event=event, actor=organiser, title=title, summary=summary, theme=theme
            )
    return list(event.challenges.all())
