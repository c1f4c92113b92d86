"""Demo decisions for `minga demo` (idempotent).

Twizerane Coffee Growers Cooperative (Rwanda) elected three board members by single
transferable vote a fortnight ago: the election is replayed through the same actions as on the
website with the clock set to each step's instant, so its results, round-by-round count,
minutes and receipts can be seen. Its members are now discussing a consent proposal (an open
ballot, so who voted what shows) that closes in a few days. The International Cooperative
Alliance asks its member cooperatives, one weighted vote each, to choose next year's
coop-a-thon theme.

The phone-only farmer has a voting PIN, printed with the demo output, so the USSD simulator
(/channels/ussd/simulator/) works at once; the cooperative always has a secret poll open for
a month on the day of its next sector meeting, which the farmer has not voted in yet (a new
one opens when the last has closed).
"""

import datetime

from django.contrib.auth.hashers import check_password
from django.utils import timezone

from minga.accounts.actions import sign_up
from minga.accounts.models import User
from minga.coops import actions as coop_actions
from minga.coops.models import Affiliation, Membership
from minga.core.demo import replay_at

from . import actions, delegation, queries
from .models import Discussion, Poll, VotingPin

COFFEE = "twizerane-coffee"
MEMBERS = 12
CANDIDATES = [
    "Washing station manager (demo)",
    "Women's group treasurer (demo)",
    "Youth farmers' representative (demo)",
    "Former board secretary (demo)",
    "Quality and cupping lead (demo)",
    "Nursery and seedlings lead (demo)",
]
# Each member's ranking of the candidates (positions), first preference first.
RANKINGS = [
    [0, 1, 2],
    [0, 2],
    [1, 0, 4],
    [1, 4],
    [2, 1, 0],
    [2, 5, 1],
    [0, 3],
    [3, 0, 1],
    [4, 1, 2],
    [5, 2],
    [1, 2, 0],
    [0, 1],
    [2, 0],
]
ELECTION = "Board election 2026"
PROPOSAL = "Buy a second set of raised drying tables"
THEME = "Theme of the 2027 coop-a-thon"
FEDERATION_MEMBERS = [COFFEE, "umurenge-sacco-nyamata", "mwangaza-sacco", "kiambu-dairy"]
MEETING = "Day of the next sector meeting"
MEETING_DAYS = ["Saturday morning", "Saturday afternoon", "Wednesday evening"]
USSD_PIN = "24680"
FARMER_PHONE = "+250788100002"  # the phone-only farmer of the core demo
BASE_URL = "https://demo.minga.coop"


def load(*, people, coops, stdout) -> None:
    coffee = coops[COFFEE]
    members = _members(coffee, people)
    if not Discussion.objects.filter(coop=coffee, title=ELECTION).exists():
        _election(coffee, people, members)
    if not Discussion.objects.filter(coop=coffee, title=PROPOSAL).exists():
        _proposal(coffee, people, members)
    if not Discussion.objects.filter(coop=coops["ica"], title=THEME).exists():
        _federation(coops, people)
    _meeting_day(coffee, people, members)
    farmer = people["rw-farmer"]
    _voting_pin(farmer)
    stdout.write(
        f"Decisions: {Poll.objects.filter(status=Poll.Status.CLOSED).count()} closed and "
        f"{Poll.objects.filter(status=Poll.Status.OPEN).count()} open polls."
    )
    stdout.write(sign_in_notes(farmer)[0])


def sign_in_notes(farmer: User | None = None) -> list[str]:
    """Lines `minga demo` prints with the sign-ins: the farmer's phone and PIN for USSD."""
    if farmer is None:
        farmer = User.objects.filter(phone=FARMER_PHONE).first()
    if farmer is None:
        return []
    return [f"USSD simulator (/channels/ussd/simulator/): {farmer.phone}, PIN {USSD_PIN}"]


def _members(coffee, people) -> list[User]:
    """The secretary, the phone-only farmer and a dozen more members of the coffee coop."""
    secretary = people["rw-secretary"]
    members = [secretary, people["rw-farmer"]]
    for n in range(1, MEMBERS + 1):
        email = f"member{n}@twizerane.demo.minga.coop"
        person = User.objects.filter(email=email).first()
        if person is None:
            person = sign_up(
                name=f"Twizerane member {n} (demo)",
                email=email,
                phone=None,
                password=None,  # no password: these members are only voters in the story
                preferred_language="fr" if n % 3 else "en",
                timezone_name="Africa/Kigali",
                base_url=BASE_URL,
            )
        if not Membership.objects.filter(coop=coffee, person=person).exists():
            invitation = coop_actions.create_invitation(
                coop=coffee,
                actor=secretary,
                role=Membership.Role.MEMBER,
                base_url=BASE_URL,
            )
            coop_actions.accept_invitation(token=invitation.token, person=person)
        members.append(person)
    return members


def _election(coffee, people, members) -> None:
    secretary = people["rw-secretary"]
    start = timezone.now().replace(hour=7, minute=0, second=0, microsecond=0)
    start -= datetime.timedelta(days=24)
    with replay_at(start):
        discussion = actions.start_discussion(
            coop=coffee,
            actor=secretary,
            title=ELECTION,
            body=(
                "Three of the seven board seats are up for election this year. Candidates have "
                "introduced themselves at the sector meetings; ask them your questions here."
            ),
        )
        actions.add_comment(
            discussion=discussion,
            actor=members[3],
            body="Will the new board publish the washing station's accounts every season?",
        )
    with replay_at(start + datetime.timedelta(days=2)):
        comment = discussion.comments.first()
        actions.add_comment(
            discussion=discussion,
            actor=secretary,
            parent=comment,
            body="Every candidate has promised to; the minutes of this vote will record it.",
        )
        poll = actions.create_poll(
            discussion=discussion,
            actor=secretary,
            title="Elect three members of the board",
            kind=Poll.Kind.STV_SCOTTISH,
            options=CANDIDATES,
            seats=3,
            quorum_kind=Poll.QuorumKind.PERCENT,
            quorum_value=50,
            closes_at=start + datetime.timedelta(days=10),
        )
        poll = actions.open_poll(poll=poll, actor=secretary)
    for n, (person, ranking) in enumerate(zip(members, RANKINGS, strict=False)):
        with replay_at(start + datetime.timedelta(days=3, hours=n * 5)):
            (elector,) = queries.electors_for(person, poll)
            actions.cast_ballot(
                poll=poll,
                elector=elector,
                choice={"ranking": [[position] for position in ranking]},
                channel="ussd" if person == people["rw-farmer"] else "web",
                actor=person,
            )
    with replay_at(start + datetime.timedelta(days=10)):
        poll = actions.close_poll(poll=poll, actor=None)
    with replay_at(start + datetime.timedelta(days=11)):
        actions.record_outcome(
            poll=poll,
            actor=secretary,
            outcome=(
                "The general assembly welcomed the three elected members, who join the board at "
                "its next meeting. The board will publish the washing station's accounts after "
                "each season."
            ),
        )


def _proposal(coffee, people, members) -> None:
    secretary = people["rw-secretary"]
    start = timezone.now() - datetime.timedelta(days=2)
    with replay_at(start):
        discussion = actions.start_discussion(
            coop=coffee,
            actor=secretary,
            title=PROPOSAL,
            body=(
                "Last harvest we ran out of drying space in the peak weeks and some cherries "
                "waited too long. A second set of forty raised tables would cost about a tenth "
                "of this year's surplus."
            ),
        )
        first = actions.add_comment(
            discussion=discussion,
            actor=members[2],
            body="Could we borrow tables from the neighbouring washing station instead?",
        )
        actions.add_comment(
            discussion=discussion,
            actor=secretary,
            parent=first,
            body="They use theirs in the same weeks; we asked.",
        )
        poll = actions.create_poll(
            discussion=discussion,
            actor=secretary,
            title="Buy forty raised drying tables before the main harvest",
            kind=Poll.Kind.CONSENT,
            is_secret=False,
            results_visibility=Poll.ResultsVisibility.AFTER_VOTE,
            quorum_kind=Poll.QuorumKind.NUMBER,
            quorum_value=5,
            closes_at=timezone.now() + datetime.timedelta(days=5),
        )
        poll = actions.open_poll(poll=poll, actor=secretary)
    positions = [
        ("agree", ""),
        ("agree", "Less waste and better cups."),
        ("abstain", ""),
        ("disagree", "I would rather repair the old tables first."),
        ("agree", ""),
    ]
    for n, (person, (position, reason)) in enumerate(zip(members[1:], positions, strict=False)):
        with replay_at(start + datetime.timedelta(hours=6 + n * 3)):
            (elector,) = queries.electors_for(person, poll)
            actions.cast_ballot(
                poll=poll,
                elector=elector,
                choice={"consent": position, "reason": reason},
                reason=reason,
                channel="web",
                actor=person,
            )


def _federation(coops, people) -> None:
    ica, organiser = coops["ica"], people["organiser"]
    for slug in FEDERATION_MEMBERS:
        if not Affiliation.objects.filter(federation=ica, member=coops[slug]).exists():
            coop_actions.add_affiliation(federation=ica, member=coops[slug], actor=organiser)
    start = timezone.now() - datetime.timedelta(days=1)
    with replay_at(start):
        discussion = actions.start_discussion(
            coop=ica,
            actor=organiser,
            title=THEME,
            body="Member cooperatives choose next year's theme, each weighted by its members.",
        )
        poll = actions.create_poll(
            discussion=discussion,
            actor=organiser,
            title="Which theme for the 2027 coop-a-thon?",
            kind=Poll.Kind.SINGLE,
            options=[
                "Mobile money members can trust",
                "Bookkeeping for small cooperatives",
                "Traceability from farm to cup",
            ],
            electorate=Poll.Electorate.WEIGHTED,
            threshold=Poll.Threshold.MAJORITY,
            closes_at=timezone.now() + datetime.timedelta(days=9),
        )
        poll = actions.open_poll(poll=poll, actor=organiser)
    for key, choice in (("rw-secretary", 2), ("ke-treasurer", 0)):
        person = people[key]
        for elector in queries.electors_for(person, poll):
            with replay_at(start + datetime.timedelta(hours=4)):
                actions.cast_ballot(
                    poll=poll,
                    elector=elector,
                    choice={"choice": choice},
                    channel="web",
                    actor=person,
                )


def _meeting_day(coffee, people, members) -> None:
    """An open secret poll the farmer can answer on the USSD simulator, opened again after it
    closes (by `minga decisions close-due`) so the simulator always has something to vote on."""
    secretary = people["rw-secretary"]
    discussion = Discussion.objects.filter(coop=coffee, title=MEETING).first()
    if discussion is None:
        discussion = actions.start_discussion(
            coop=coffee,
            actor=secretary,
            title=MEETING,
            body="The sector meets once a quarter. Which day lets most of us come?",
        )
    if discussion.polls.filter(status__in=(Poll.Status.DRAFT, Poll.Status.OPEN)).exists():
        return
    poll = actions.create_poll(
        discussion=discussion,
        actor=secretary,
        title="Which day suits you for the next sector meeting?",
        kind=Poll.Kind.SINGLE,
        options=MEETING_DAYS,
        closes_at=timezone.now() + datetime.timedelta(days=30),
    )
    poll = actions.open_poll(poll=poll, actor=secretary)
    for person, choice in zip(members[2:5], (0, 2, 0), strict=True):
        (elector,) = queries.electors_for(person, poll)
        actions.cast_ballot(
            poll=poll, elector=elector, choice={"choice": choice}, channel="web", actor=person
        )


def _voting_pin(farmer) -> None:
    """The demo PIN, set again if it was changed or locked by wrong tries."""
    pin = VotingPin.objects.filter(person=farmer).first()
    if pin and pin.locked_until is None and check_password(USSD_PIN, pin.pin_hash):
        return
    delegation.set_voting_pin(person=farmer, pin=USSD_PIN, actor=farmer)
