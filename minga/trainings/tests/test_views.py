"""Training pages: who sees what, forms that change exactly what they say, times in zones."""

import datetime

import pytest
from django.urls import reverse

from minga.trainings import actions
from minga.trainings.models import Attendance, Enrolment, Training, TrainingSession

from .trainings_setup import AFTER, DURING_FIRST, ENROLMENT_CLOSES, at

pytestmark = pytest.mark.django_db

BEFORE_CLOSE = ENROLMENT_CLOSES - datetime.timedelta(days=1)
TEACHING_PAGES = [
    ("session-create", {}),
    ("participants", {}),
    ("assessment", {}),
    ("complete", {}),
    ("attendance", {"session": True}),
]


def _url(name, training, session=False):
    args = [training.pk]
    if session:
        args.append(training.sessions.first().pk)
    return reverse(f"trainings:{name}", args=args)


def _as(client, person):
    if person is not None:
        client.force_login(person)
    return client


@pytest.fixture
def people(owner, member, outsider, trainer):
    return {
        "anonymous": None,
        "outsider": outsider,
        "member": member,
        "trainer": trainer,
        "owner": owner,
    }


# --- access ---


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member", "trainer", "owner"])
def test_it_shows_trainings_to_everyone(client, people, training, who):
    client = _as(client, people[who])
    assert client.get(reverse("trainings:list")).status_code == 200
    page = client.get(training.get_absolute_url())
    assert page.status_code == 200
    assert "Maraba cooperative hall" in page.content.decode()
    assert ("For the trainers" in page.content.decode()) == (who in {"trainer", "owner"})


@pytest.mark.parametrize(
    "who,status", [("outsider", 403), ("member", 403), ("trainer", 403), ("owner", 200)]
)
def test_it_lets_only_administrators_announce_a_training(client, people, coop, who, status):
    response = _as(client, people[who]).get(reverse("trainings:create"))
    assert response.status_code == status


def test_it_sends_anonymous_visitors_to_sign_in(client, training):
    for url in [reverse("trainings:create")] + [
        _url(name, training, **kw) for name, kw in TEACHING_PAGES
    ]:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response["Location"], url
    response = client.post(reverse("trainings:enrol", args=[training.pk]))
    assert response.status_code == 302 and "/login" in response["Location"]
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize(
    "who,status", [("outsider", 403), ("member", 403), ("trainer", 200), ("owner", 200)]
)
def test_it_keeps_the_teaching_pages_for_trainers(client, people, training, who, status):
    client = _as(client, people[who])
    with at(DURING_FIRST):
        for name, kw in TEACHING_PAGES:
            assert client.get(_url(name, training, **kw)).status_code == status, name
            assert client.post(_url(name, training, **kw), {}).status_code in {status, 302}, name
    assert TrainingSession.objects.count() == 2 and not Attendance.objects.exists()
    training.refresh_from_db()
    assert training.is_open


def test_it_answers_404_for_a_training_that_does_not_exist(owner_client):
    assert owner_client.get(reverse("trainings:detail", args=[999])).status_code == 404


# --- forms ---


def test_it_announces_a_training_from_the_form(owner_client, coop, member):
    response = owner_client.post(
        reverse("trainings:create"),
        {
            "coop": coop.pk,
            "title": "Governance for board members",
            "description": "Duties of the board, the general assembly, minutes.",
            "language": "fr",
            "timezone": "Africa/Kigali",
            "enrolment_closes_at": "2025-03-01T09:00",
            "min_attendance_percent": "75",
            "pass_mark": "",
            "other_trainers": "+250 788 000 111",
            "is_members_only": "on",
        },
    )
    training = Training.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("session-create", training)
    assert training.enrolment_closes_at == datetime.datetime(2025, 3, 1, 7, 0, tzinfo=datetime.UTC)
    assert training.is_members_only and training.pass_mark is None
    assert member in training.trainers.all()
    assert "75%" in training.achievement.criteria and training.achievement.language == "fr"


def test_it_refuses_an_unknown_trainer_and_writes_nothing(owner_client, coop):
    response = owner_client.post(
        reverse("trainings:create"),
        {
            "coop": coop.pk,
            "title": "Digital tools",
            "description": "d",
            "language": "en",
            "timezone": "UTC",
            "min_attendance_percent": "100",
            "other_trainers": "nobody@example.org",
        },
    )
    assert response.status_code == 200 and "nobody@example.org" in response.content.decode()
    assert not Training.objects.exists()


def test_it_refuses_a_training_for_another_cooperative(owner_client, coop, federation):
    response = owner_client.post(
        reverse("trainings:create"),
        {
            "coop": federation.pk,
            "title": "x",
            "description": "d",
            "language": "en",
            "timezone": "UTC",
            "min_attendance_percent": "100",
        },
    )
    assert response.status_code == 200 and not Training.objects.exists()


def test_it_schedules_a_session_in_the_trainings_zone(client, trainer, training):
    response = _as(client, trainer).post(
        _url("session-create", training),
        {"starts_at": "2025-03-17T09:00", "ends_at": "2025-03-17T12:00", "place": "Huye"},
    )
    assert response.status_code == 302
    session = training.sessions.last()
    assert session.starts_at == datetime.datetime(2025, 3, 17, 7, 0, tzinfo=datetime.UTC)


@pytest.mark.parametrize(
    "data",
    [
        {"starts_at": "2025-03-17T12:00", "ends_at": "2025-03-17T09:00", "place": "Huye"},
        {"starts_at": "2025-03-17T09:00", "ends_at": "2025-03-17T12:00"},
        {"starts_at": "tomorrow", "ends_at": "2025-03-17T12:00", "place": "Huye"},
        {"starts_at": "2025-03-17T09:00", "ends_at": "2025-03-17T12:00", "online_url": "x y"},
    ],
)
def test_it_refuses_a_bad_session_and_writes_nothing(client, trainer, training, data):
    response = _as(client, trainer).post(_url("session-create", training), data)
    assert response.status_code == 200
    assert training.sessions.count() == 2


def test_it_enrols_from_the_training_page(member_client, training):
    with at(BEFORE_CLOSE):
        response = member_client.post(reverse("trainings:enrol", args=[training.pk]))
        assert response.status_code == 302
        assert (
            "You are enrolled." in member_client.get(training.get_absolute_url()).content.decode()
        )
    assert training.enrolments.count() == 1


def test_it_explains_that_enrolment_has_closed(member_client, training):
    with at(ENROLMENT_CLOSES):
        page = member_client.get(training.get_absolute_url()).content.decode()
        assert "Enrolment in this training is closed." in page
        response = member_client.post(reverse("trainings:enrol", args=[training.pk]), follow=True)
    assert "Enrolment in this training is closed." in response.content.decode()
    assert not training.enrolments.exists()


def test_it_adds_a_participant_by_phone(client, trainer, training):
    response = _as(client, trainer).post(
        _url("participants", training), {"name": "Jean Uwimana", "phone": "+250788123456"}
    )
    assert response.status_code == 302
    page = client.get(_url("participants", training)).content.decode()
    assert "Jean Uwimana" in page and "by phone" in page


def test_it_refuses_a_phone_number_without_country_code(client, trainer, training):
    response = _as(client, trainer).post(
        _url("participants", training), {"name": "Jean", "phone": "0788123456"}
    )
    assert response.status_code == 200 and "country code" in response.content.decode()
    assert not training.enrolments.exists()


def test_it_takes_attendance_with_checkboxes(client, trainer, training):
    enrolment = actions.add_participant(
        training=training, actor=trainer, name="Jean", phone="+250788123456"
    )
    url = _url("attendance", training, session=True)
    with at(DURING_FIRST):
        response = _as(client, trainer).post(url, {"present": [str(enrolment.pk)]})
    assert response.status_code == 302
    assert Attendance.objects.get().enrolment == enrolment


def test_it_refuses_attendance_before_the_session_and_for_strangers(client, trainer, training):
    enrolment = actions.add_participant(
        training=training, actor=trainer, name="Jean", phone="+250788123456"
    )
    url = _url("attendance", training, session=True)
    client = _as(client, trainer)
    with at(BEFORE_CLOSE):
        response = client.post(url, {"present": [str(enrolment.pk)]})
        assert "once the session has started" in response.content.decode()
    with at(DURING_FIRST):
        assert client.post(url, {"present": ["99999"]}).status_code == 200
    assert not Attendance.objects.exists()


def test_it_records_scores_and_refuses_out_of_range(client, trainer, training):
    enrolment = actions.add_participant(
        training=training, actor=trainer, name="Jean", phone="+250788123456"
    )
    client = _as(client, trainer)
    url = _url("assessment", training)
    assert client.post(url, {f"score-{enrolment.pk}": "101"}).status_code == 200
    enrolment.refresh_from_db()
    assert enrolment.score is None
    assert client.post(url, {f"score-{enrolment.pk}": "88"}).status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.score == 88


def test_it_closes_the_training_and_issues_certificates(client, trainer, training):
    enrolment = actions.add_participant(
        training=training, actor=trainer, name="Jean", phone="+250788123456"
    )
    with at(DURING_FIRST):
        actions.record_attendance(
            session=training.sessions.first(), actor=trainer, present=[enrolment.pk]
        )
    actions.record_assessment(training=training, actor=trainer, scores={enrolment.pk: 90})
    client = _as(client, trainer)
    url = _url("complete", training)
    with at(AFTER):
        assert "certified" in client.get(url).content.decode()
        response = client.post(url, follow=True)
    assert "1 certificate was issued" in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.credential is not None
    participants = client.get(_url("participants", training)).content.decode()
    assert str(enrolment.credential.uuid) in participants


def test_it_refuses_to_close_early_with_a_clear_message(client, trainer, training):
    with at(DURING_FIRST):
        response = _as(client, trainer).post(_url("complete", training), follow=True)
    assert "once its last session has ended" in response.content.decode()
    training.refresh_from_db()
    assert training.is_open


def test_it_shows_session_times_in_the_viewers_zone_and_the_trainings(outsider_client, training):
    # The outsider's zone is UTC: 09:00 in Kigali is 07:00 UTC.
    page = outsider_client.get(training.get_absolute_url()).content.decode()
    assert "Africa/Kigali" in page and "UTC" in page
