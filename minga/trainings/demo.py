"""Demo trainings for `minga demo` (idempotent): one finished with certificates, one open.

Twizerane Coffee Growers Cooperative (Rwanda) ran "Bookkeeping basics" over three sessions
a few weeks before the demo was loaded: in its washing station and online, with a member who
has only a phone account and two members the trainer wrote down by phone number. It is
replayed through the same actions as on the website, with the clock set to each step's
instant, so attendance waits for each session and closing waits for the last one; the
certificates are signed and logged as on the day. Mwangaza SACCO (Kenya) has an open
"Governance for board members" training for its members, with sessions ahead.
"""

import datetime
import zoneinfo

from django.utils import timezone

from minga.core.demo import replay_at

from .actions import (
    add_participant,
    complete_training,
    create_training,
    enrol,
    record_assessment,
    record_attendance,
    schedule_session,
)
from .models import Training

KIGALI = zoneinfo.ZoneInfo("Africa/Kigali")
NAIROBI = zoneinfo.ZoneInfo("Africa/Nairobi")
BOOKKEEPING = "Bookkeeping basics"
GOVERNANCE = "Governance for board members"
# Members without an account, written down by the trainer: (name, phone, sessions, score).
BY_PHONE = [
    ("Washing station member (demo)", "+250788100010", 3, 74),
    ("Young coffee farmer (demo)", "+250788100011", 1, None),
]


def load(*, people, coops, stdout) -> None:
    coffee = coops.get("twizerane-coffee")
    sacco = coops.get("mwangaza-sacco")
    if coffee is not None and not Training.objects.filter(coop=coffee, title=BOOKKEEPING):
        _bookkeeping(people, coffee)
    if sacco is not None and not Training.objects.filter(coop=sacco, title=GOVERNANCE):
        _governance(people, sacco)
    done = Training.objects.filter(status=Training.Status.CLOSED).count()
    stdout.write(f"Trainings: {Training.objects.count()} ({done} closed with certificates).")


def _bookkeeping(people, coop) -> Training:
    trainer = people["rw-secretary"]
    day = datetime.timedelta(days=1)
    first = (
        timezone.now().astimezone(KIGALI).replace(hour=9, minute=0, second=0, microsecond=0)
        - 35 * day
    )
    sessions = [first, first + 7 * day, first + 14 * day]
    with replay_at(first - 21 * day):
        training = create_training(
            coop=coop,
            actor=trainer,
            title=BOOKKEEPING,
            description=(
                "Three mornings on the cooperative's books: the cash book, the members' "
                "ledger, reconciling mobile-money receipts, and reading a trial balance "
                "before the general assembly. In Kinyarwanda and French, with exercises "
                "from the last coffee season."
            ),
            language="fr",
            timezone="Africa/Kigali",
            enrolment_closes_at=first - day,
            min_attendance_percent=66,
            pass_mark=60,
        )
        for number, starts in enumerate(sessions):
            schedule_session(
                training=training,
                actor=trainer,
                starts_at=starts,
                ends_at=starts + datetime.timedelta(hours=3),
                place="" if number == 1 else "Twizerane washing station, Huye",
                online_url="https://meet.demo.minga.coop/twizerane-books" if number else "",
                note="Bring the 2024 cash book." if number == 0 else "",
            )
    with replay_at(first - 10 * day):
        farmer = add_participant(
            training=training, actor=trainer, name="", phone=people["rw-farmer"].phone
        )
        guest = enrol(training=training, actor=people["ke-treasurer"])
        by_phone = [
            (add_participant(training=training, actor=trainer, name=name, phone=phone), n, s)
            for name, phone, n, s in BY_PHONE
        ]
    attendance = [(farmer, 3, 81), (guest, 2, 92), *by_phone]
    for number, session in enumerate(training.sessions.all()):
        with replay_at(session.starts_at + datetime.timedelta(minutes=20)):
            present = [e.pk for e, attended, _score in attendance if number < attended]
            record_attendance(session=session, actor=trainer, present=present)
    last_end = sessions[-1] + datetime.timedelta(hours=3)
    with replay_at(last_end + datetime.timedelta(hours=1)):
        record_assessment(
            training=training,
            actor=trainer,
            scores={e.pk: score for e, _n, score in attendance if score is not None},
        )
        complete_training(training=training, actor=trainer)
    return training


def _governance(people, coop) -> Training:
    admin = people["ke-treasurer"]
    day = datetime.timedelta(days=1)
    first = (
        timezone.now().astimezone(NAIROBI).replace(hour=14, minute=0, second=0, microsecond=0)
        + 14 * day
    )
    training = create_training(
        coop=coop,
        actor=admin,
        title=GOVERNANCE,
        description=(
            "For newly elected board and supervisory committee members: the by-laws, "
            "duties and conflicts of interest, approving loans, and keeping minutes that "
            "members can check."
        ),
        language="en",
        timezone="Africa/Nairobi",
        is_members_only=True,
        capacity=25,
        enrolment_closes_at=first - 2 * day,
        min_attendance_percent=100,
    )
    for starts in (first, first + 7 * day):
        schedule_session(
            training=training,
            actor=admin,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2),
            place="Mwangaza SACCO boardroom, Nyeri",
            online_url="https://meet.demo.minga.coop/mwangaza-board",
        )
    return training
