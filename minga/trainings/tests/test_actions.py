"""Training actions: who may act, the clock's rules, bad input changing nothing, certificates."""

import datetime
import json

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import make_person
from minga.audit.models import Entry
from minga.channels.models import OutboundMessage
from minga.credentials.credential import contact_hmac
from minga.credentials.models import Achievement, Credential
from minga.trainings import actions
from minga.trainings.models import Attendance, Enrolment, Training, TrainingSession

from .trainings_setup import (
    AFTER,
    ANNOUNCED,
    DURING_FIRST,
    ENROLMENT_CLOSES,
    FIRST_STARTS,
    SECOND_ENDS,
    at,
    kigali,
)

pytestmark = pytest.mark.django_db

BEFORE_CLOSE = ENROLMENT_CLOSES - datetime.timedelta(days=1)


def _enrolled(training, member, trainer):
    with at(BEFORE_CLOSE):
        person = actions.enrol(training=training, actor=member)
        phone_only = actions.add_participant(
            training=training, actor=trainer, name="Jean Uwimana", phone="+250 788 123 456"
        )
    return person, phone_only


# --- creating and scheduling ---


def test_it_lets_an_administrator_create_a_training_with_its_certificate(training, owner, trainer):
    assert set(training.trainers.all()) == {owner, trainer}
    achievement = training.achievement
    assert achievement.coop == training.coop
    assert achievement.achievement_type == "CertificateOfCompletion"
    assert achievement.name == "Bookkeeping basics"
    assert "50%" in achievement.criteria and "60 out of 100" in achievement.criteria
    assert Entry.objects.filter(kind="training.created", subject=f"training:{training.pk}").exists()
    assert Entry.objects.filter(kind="training.session").count() == 2


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_it_refuses_a_training_from_anyone_but_an_administrator(request, coop, who):
    with pytest.raises(PermissionDenied):
        actions.create_training(
            coop=coop, actor=request.getfixturevalue(who), title="x", description="y"
        )
    assert not Training.objects.exists() and not Achievement.objects.exists()


def test_it_refuses_bad_training_fields_and_writes_nothing(coop, owner):
    with pytest.raises(ValidationError):
        actions.create_training(
            coop=coop, actor=owner, title="x", description="y", min_attendance_percent=0
        )
    with pytest.raises(ValidationError):
        actions.create_training(
            coop=coop, actor=owner, title="x", description="y", timezone="Mars/Olympus"
        )
    assert not Training.objects.exists() and not Achievement.objects.exists()


def test_it_refuses_another_cooperatives_achievement(coop, owner, federation, organiser):
    from minga.credentials.actions import define_achievement

    foreign = define_achievement(
        coop=federation, actor=organiser, name="n", description="d", criteria="c"
    )
    with pytest.raises(ValidationError):
        actions.create_training(
            coop=coop, actor=owner, title="x", description="y", achievement=foreign
        )
    assert not Training.objects.exists()


def test_it_refuses_sessions_from_someone_not_a_trainer(training, member):
    with pytest.raises(PermissionDenied):
        actions.schedule_session(
            training=training,
            actor=member,
            starts_at=kigali(2025, 4, 1, 9),
            ends_at=kigali(2025, 4, 1, 10),
            place="Hall",
        )
    assert training.sessions.count() == 2


@pytest.mark.parametrize(
    "fields",
    [
        {"starts_at": kigali(2025, 4, 1, 10), "ends_at": kigali(2025, 4, 1, 9), "place": "Hall"},
        {"starts_at": kigali(2025, 4, 1, 9), "ends_at": kigali(2025, 4, 1, 10)},
        {"starts_at": kigali(2025, 4, 1, 9), "ends_at": kigali(2025, 4, 1, 10), "place": "  "},
        {
            "starts_at": kigali(2025, 4, 1, 9),
            "ends_at": kigali(2025, 4, 1, 10),
            "online_url": "not a link",
        },
    ],
)
def test_it_refuses_a_bad_session_and_writes_nothing(training, trainer, fields):
    with pytest.raises(ValidationError):
        actions.schedule_session(training=training, actor=trainer, **fields)
    assert training.sessions.count() == 2


# --- enrolment ---


def test_it_enrols_a_person_before_enrolment_closes(training, member):
    with at(ENROLMENT_CLOSES - datetime.timedelta(seconds=1)):
        enrolment = actions.enrol(training=training, actor=member)
    assert enrolment.person == member and enrolment.name == member.name
    entry = Entry.objects.get(kind="training.enrolled")
    assert b"person:" not in bytes(entry.body)  # the participant is only a commitment


def test_it_refuses_enrolment_once_it_has_closed(training, member):
    with at(ENROLMENT_CLOSES), pytest.raises(ValidationError) as error:
        actions.enrol(training=training, actor=member)
    assert error.value.code == "enrolment_closed"
    assert not training.enrolments.exists()


def test_it_refuses_enrolling_twice(training, member):
    with at(BEFORE_CLOSE):
        actions.enrol(training=training, actor=member)
        with pytest.raises(ValidationError):
            actions.enrol(training=training, actor=member)
    assert training.enrolments.count() == 1


def test_it_keeps_a_members_only_training_for_members(training, member, outsider):
    Training.objects.filter(pk=training.pk).update(is_members_only=True)
    training.refresh_from_db()
    with at(BEFORE_CLOSE):
        with pytest.raises(PermissionDenied):
            actions.enrol(training=training, actor=outsider)
        actions.enrol(training=training, actor=member)
    assert list(training.enrolments.values_list("person", flat=True)) == [member.pk]


def test_it_refuses_enrolment_when_full(training, member, outsider):
    Training.objects.filter(pk=training.pk).update(capacity=1)
    training.refresh_from_db()
    with at(BEFORE_CLOSE):
        actions.enrol(training=training, actor=member)
        with pytest.raises(ValidationError) as error:
            actions.enrol(training=training, actor=outsider)
    assert error.value.code == "full"


def test_it_lets_a_trainer_add_a_participant_by_phone(training, trainer):
    with at(DURING_FIRST):  # after enrolment closed: walk-ins are written down
        enrolment = actions.add_participant(
            training=training, actor=trainer, name=" Jean Uwimana ", phone="+250788123456"
        )
    assert enrolment.person is None
    assert (enrolment.name, enrolment.phone) == ("Jean Uwimana", "+250788123456")
    assert b"+250788123456" not in bytes(Entry.objects.get(kind="training.enrolled").body)


def test_it_enrols_the_person_who_has_the_phone_number(training, trainer, member):
    enrolment = actions.add_participant(
        training=training, actor=trainer, name="", phone=member.phone
    )
    assert enrolment.person == member and enrolment.name == member.name
    with pytest.raises(ValidationError):
        actions.add_participant(training=training, actor=trainer, name="", phone=member.phone)
    with at(BEFORE_CLOSE), pytest.raises(ValidationError):
        actions.enrol(training=training, actor=member)
    assert training.enrolments.count() == 1


@pytest.mark.parametrize(
    "name,phone", [("Jean", "0788123456"), ("Jean", "+999"), ("", "+250788123456")]
)
def test_it_refuses_a_bad_participant_and_writes_nothing(training, trainer, name, phone):
    with pytest.raises(ValidationError):
        actions.add_participant(training=training, actor=trainer, name=name, phone=phone)
    assert not training.enrolments.exists()


def test_it_refuses_participants_added_by_someone_not_a_trainer(training, member):
    with pytest.raises(PermissionDenied):
        actions.add_participant(training=training, actor=member, name="Jean", phone="+250788123456")
    assert not training.enrolments.exists()


# --- attendance and assessment ---


def test_it_takes_attendance_once_the_session_has_started(training, member, trainer):
    person, phone_only = _enrolled(training, member, trainer)
    first = training.sessions.first()
    with at(FIRST_STARTS - datetime.timedelta(minutes=1)), pytest.raises(ValidationError):
        actions.record_attendance(session=first, actor=trainer, present=[person.pk])
    assert not Attendance.objects.exists()
    with at(FIRST_STARTS):
        actions.record_attendance(session=first, actor=trainer, present=[person.pk, phone_only.pk])
    assert first.attendances.count() == 2


def test_it_replaces_a_sessions_attendance(training, member, trainer):
    person, phone_only = _enrolled(training, member, trainer)
    first = training.sessions.first()
    with at(DURING_FIRST):
        actions.record_attendance(session=first, actor=trainer, present=[person.pk, phone_only.pk])
        actions.record_attendance(session=first, actor=trainer, present=[phone_only.pk])
    assert list(first.attendances.values_list("enrolment", flat=True)) == [phone_only.pk]


def test_it_refuses_attendance_of_someone_not_enrolled(training, member, trainer, coop, owner):
    person, _phone_only = _enrolled(training, member, trainer)
    other = actions.create_training(coop=coop, actor=owner, title="Governance", description="d")
    stranger = actions.add_participant(
        training=other, actor=owner, name="Aline", phone="+254712345678"
    )
    first = training.sessions.first()
    with at(DURING_FIRST), pytest.raises(ValidationError):
        actions.record_attendance(session=first, actor=trainer, present=[person.pk, stranger.pk])
    assert not Attendance.objects.exists()


def test_it_refuses_attendance_from_a_participant(training, member, trainer):
    person, _phone_only = _enrolled(training, member, trainer)
    with at(DURING_FIRST), pytest.raises(PermissionDenied):
        actions.record_attendance(
            session=training.sessions.first(), actor=member, present=[person.pk]
        )
    assert not Attendance.objects.exists()


def test_it_records_and_clears_scores(training, member, trainer):
    person, phone_only = _enrolled(training, member, trainer)
    assert (
        actions.record_assessment(
            training=training, actor=trainer, scores={person.pk: 75, phone_only.pk: None}
        )
        == 1
    )
    person.refresh_from_db()
    assert person.score == 75 and person.assessed_by == trainer
    actions.record_assessment(training=training, actor=trainer, scores={person.pk: None})
    person.refresh_from_db()
    assert person.score is None and person.assessed_at is None


@pytest.mark.parametrize("score", [-1, 101])
def test_it_refuses_a_score_out_of_range_and_changes_nothing(training, member, trainer, score):
    person, phone_only = _enrolled(training, member, trainer)
    with pytest.raises(ValidationError):
        actions.record_assessment(
            training=training, actor=trainer, scores={phone_only.pk: 50, person.pk: score}
        )
    assert not Enrolment.objects.filter(score__isnull=False).exists()


def test_it_refuses_scores_when_there_is_no_assessment(coop, owner):
    no_exam = actions.create_training(
        coop=coop, actor=owner, title="Digital tools", description="d"
    )
    enrolment = actions.add_participant(
        training=no_exam, actor=owner, name="Aline", phone="+254712345678"
    )
    with pytest.raises(ValidationError):
        actions.record_assessment(training=no_exam, actor=owner, scores={enrolment.pk: 90})


# --- completion ---


def _attend_and_assess(training, member, trainer, outsider):
    person, phone_only = _enrolled(training, member, trainer)
    with at(BEFORE_CLOSE):
        absent = actions.enrol(training=training, actor=outsider)
    first, second = training.sessions.all()
    with at(DURING_FIRST):
        actions.record_attendance(session=first, actor=trainer, present=[person.pk, phone_only.pk])
    with at(SECOND_ENDS):
        actions.record_attendance(session=second, actor=trainer, present=[person.pk])
        actions.record_assessment(
            training=training, actor=trainer, scores={person.pk: 82, phone_only.pk: 64}
        )
    return person, phone_only, absent


def test_it_certifies_everyone_who_completed_the_training(
    training, member, trainer, outsider, django_capture_on_commit_callbacks, run_tasks
):
    person, phone_only, absent = _attend_and_assess(training, member, trainer, outsider)
    mail.outbox.clear()
    with at(AFTER), django_capture_on_commit_callbacks(execute=True):
        issued = actions.complete_training(training=training, actor=trainer)
    run_tasks()
    assert len(issued) == 2
    training.refresh_from_db()
    assert training.status == Training.Status.CLOSED and training.closed_at == AFTER
    person.refresh_from_db(), phone_only.refresh_from_db(), absent.refresh_from_db()
    assert (person.outcome, phone_only.outcome, absent.outcome) == (
        "completed",
        "completed",
        "not-completed",
    )
    assert absent.credential is None
    certificate = Credential.objects.get(pk=person.credential_id)
    assert certificate.recipient == member
    assert certificate.achievement == training.achievement
    assert certificate.source == f"training:{training.pk}:enrolment:{person.pk}"
    document = json.loads(certificate.document)
    results = {r["value"] for r in document["credentialSubject"]["result"]}
    assert results == {"2/2", "82"}
    assert document["evidence"][0]["id"].endswith(f"/credentials/trainings/{training.pk}/")

    by_phone = Credential.objects.get(pk=phone_only.credential_id)
    assert by_phone.recipient is None and by_phone.recipient_name == "Jean Uwimana"
    identity = json.loads(by_phone.document)["credentialSubject"]["identifier"][0]
    assert identity["identityType"] == "identifier" and identity["hashed"] is False
    assert by_phone.contact_hmac == contact_hmac("+250788123456")
    sms = OutboundMessage.objects.get(to="+250788123456")
    assert str(by_phone.uuid) in sms.text and "Bookkeeping basics" in sms.text
    assert [m.to for m in mail.outbox] == [["member@example.org"]]
    entry = Entry.objects.get(kind="training.completed")
    assert json.loads(bytes(entry.body))["data"]["certified"] == 2
    assert Entry.objects.filter(kind="credential.issue").count() == 2


def test_it_issues_certificates_that_verify(training, member, trainer, outsider):
    from minga.credentials.verification import verify_credential

    _attend_and_assess(training, member, trainer, outsider)
    with at(AFTER):
        issued = actions.complete_training(training=training, actor=trainer)
    report = verify_credential(issued[0].document)
    assert report.is_valid, report.as_json()


def test_it_refuses_to_close_before_the_last_session_ends(training, member, trainer, outsider):
    _attend_and_assess(training, member, trainer, outsider)
    with at(SECOND_ENDS - datetime.timedelta(seconds=1)), pytest.raises(ValidationError) as error:
        actions.complete_training(training=training, actor=trainer)
    assert error.value.code == "not_over"
    assert not Credential.objects.exists()
    training.refresh_from_db()
    assert training.is_open


def test_it_refuses_to_close_while_a_score_is_missing(training, member, trainer, outsider):
    person, _phone_only, _absent = _attend_and_assess(training, member, trainer, outsider)
    actions.record_assessment(training=training, actor=trainer, scores={person.pk: None})
    with at(AFTER), pytest.raises(ValidationError) as error:
        actions.complete_training(training=training, actor=trainer)
    assert error.value.code == "assessment_missing" and member.name in error.value.messages[0]
    assert not Credential.objects.exists()


def test_it_does_not_certify_below_the_pass_mark(training, member, trainer, outsider):
    person, phone_only, _absent = _attend_and_assess(training, member, trainer, outsider)
    actions.record_assessment(training=training, actor=trainer, scores={phone_only.pk: 59})
    with at(AFTER):
        issued = actions.complete_training(training=training, actor=trainer)
    assert [c.recipient for c in issued] == [member]


def test_it_refuses_to_close_without_sessions(coop, owner):
    empty = actions.create_training(coop=coop, actor=owner, title="Governance", description="d")
    with pytest.raises(ValidationError):
        actions.complete_training(training=empty, actor=owner)


def test_it_refuses_to_close_for_a_participant(training, member, trainer, outsider):
    _attend_and_assess(training, member, trainer, outsider)
    with at(AFTER), pytest.raises(PermissionDenied):
        actions.complete_training(training=training, actor=member)
    assert not Credential.objects.exists()


def test_it_changes_nothing_once_closed(training, member, trainer, outsider):
    person, _phone_only, _absent = _attend_and_assess(training, member, trainer, outsider)
    with at(AFTER):
        actions.complete_training(training=training, actor=trainer)
        for change in [
            lambda: actions.complete_training(training=training, actor=trainer),
            lambda: actions.record_assessment(
                training=training, actor=trainer, scores={person.pk: 10}
            ),
            lambda: actions.record_attendance(
                session=training.sessions.first(), actor=trainer, present=[]
            ),
            lambda: actions.add_participant(
                training=training, actor=trainer, name="Late", phone="+254712345678"
            ),
            lambda: actions.schedule_session(
                training=training,
                actor=trainer,
                starts_at=kigali(2025, 4, 1, 9),
                ends_at=kigali(2025, 4, 1, 10),
                place="Hall",
            ),
        ]:
            with pytest.raises(ValidationError):
                change()
    assert Credential.objects.count() == 2
    assert TrainingSession.objects.count() == 2 and Enrolment.objects.count() == 3


def test_it_rounds_the_sessions_needed_up(training):
    training.min_attendance_percent = 75
    assert [training.sessions_needed(n) for n in (0, 1, 2, 3, 4)] == [0, 1, 2, 3, 3]


def test_it_lets_a_trainer_who_is_not_an_administrator_run_everything(coop, owner):
    helper = make_person("Visiting Trainer", "visitor@example.org")
    with at(ANNOUNCED):
        training = actions.create_training(
            coop=coop, actor=owner, trainers=[helper], title="Digital tools", description="d"
        )
        actions.schedule_session(
            training=training,
            actor=helper,
            starts_at=FIRST_STARTS,
            ends_at=FIRST_STARTS + datetime.timedelta(hours=2),
            online_url="https://meet.example.org/tools",
        )
        enrolment = actions.add_participant(
            training=training, actor=helper, name="Aline", phone="+254712345678"
        )
    with at(AFTER):
        actions.record_attendance(
            session=training.sessions.get(), actor=helper, present=[enrolment.pk]
        )
        assert len(actions.complete_training(training=training, actor=helper)) == 1
