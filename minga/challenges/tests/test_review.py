import pytest
from django.core import mail
from django.urls import reverse

from conftest import client_of, make_person
from minga.challenges import actions
from minga.challenges.forms import ScopeForm
from minga.challenges.models import Need
from minga.channels.models import OutboundMessage
from minga.coops import actions as coop_actions

from .conftest import make_need


def url(need):
    return reverse("challenges:review", args=[need.pk])


ACCEPT = {"decision": "accepted", "message": ""}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("outsider", 403), ("member", 403), ("owner", 403), ("organiser", 302)],
)
def test_it_lets_only_organisers_decide(request, submitted, federation, who, status):
    client = request.getfixturevalue("client")
    if who != "anonymous":
        client = client_of(request.getfixturevalue(who))
    assert client.post(url(submitted), ACCEPT).status_code == status
    submitted.refresh_from_db()
    assert submitted.is_public == (who == "organiser")


@pytest.mark.django_db
def test_it_counts_staff_as_organisers(submitted, outsider):
    outsider.is_staff = True
    outsider.save()
    client_of(outsider).post(url(submitted), ACCEPT)
    submitted.refresh_from_db()
    assert submitted.status == Need.Status.ACCEPTED


@pytest.mark.django_db
def test_it_does_not_count_a_non_organising_coops_admin(submitted, outsider):
    coop_actions.create_cooperative(
        actor=outsider, name="Other", legal_form="primary", country="KE", sector="agriculture"
    )
    assert client_of(outsider).post(url(submitted), ACCEPT).status_code == 403


@pytest.mark.django_db
def test_it_accepts_into_the_catalogue_and_tells_the_cooperative(
    organiser_client, submitted, owner, organiser, django_capture_on_commit_callbacks, run_tasks
):
    run_tasks()  # what the setup queued is not this test's concern
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(url(submitted), {"decision": "accepted", "message": "Thanks"})
    run_tasks()
    submitted.refresh_from_db()
    assert (submitted.status, submitted.decided_by) == (Need.Status.ACCEPTED, organiser)
    assert submitted.decided_at is not None
    (message,) = mail.outbox
    assert message.to == [owner.email]
    assert message.subject == f"Your need is accepted: {submitted.title}"
    assert "Thanks" in message.body
    assert submitted in Need.objects.accepted()


@pytest.mark.django_db
def test_it_declines_with_a_reason(
    organiser_client, submitted, outsider, django_capture_on_commit_callbacks, run_tasks
):
    reason = "Not solvable by software: it needs the internet provider."
    run_tasks()  # what the setup queued is not this test's concern
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = organiser_client.post(
            url(submitted), {"decision": "declined", "message": reason}
        )
    run_tasks()
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.status, submitted.review_note) == (Need.Status.DECLINED, reason)
    assert submitted.comments.last().body == reason
    assert reason in mail.outbox[0].body


@pytest.mark.django_db
@pytest.mark.parametrize("decision", ["declined", "changes-requested"])
def test_it_needs_a_message_to_decline_or_ask_for_changes(organiser_client, submitted, decision):
    response = organiser_client.post(url(submitted), {"decision": decision, "message": "  "})
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == Need.Status.SUBMITTED
    assert submitted.comments.count() == 1


@pytest.mark.django_db
def test_it_sends_a_need_back_for_changes_and_takes_it_again(
    organiser_client, owner_client, submitted
):
    organiser_client.post(url(submitted), {"decision": "changes-requested", "message": "Narrow"})
    submitted.refresh_from_db()
    assert (submitted.status, submitted.review_note) == (Need.Status.CHANGES_REQUESTED, "Narrow")
    edit = reverse("challenges:edit", args=[submitted.pk, 2])
    step = ScopeForm(instance=submitted)
    data = {name: step[name].value() for name in step.fields}
    data = {name: value for name, value in data.items() if value is not None}
    assert owner_client.post(edit, {**data, "scope": "Only one centre"}).status_code == 302
    owner_client.post(reverse("challenges:submit", args=[submitted.pk]))
    organiser_client.post(url(submitted), ACCEPT)
    submitted.refresh_from_db()
    assert (submitted.status, submitted.scope) == (Need.Status.ACCEPTED, "Only one centre")
    assert [c.status for c in submitted.comments.all()] == [
        "submitted",
        "changes-requested",
        "submitted",
        "accepted",
    ]


@pytest.mark.django_db
def test_it_refuses_to_decide_twice(organiser_client, accepted):
    organiser_client.post(url(accepted), {"decision": "declined", "message": "Changed my mind"})
    accepted.refresh_from_db()
    assert accepted.status == Need.Status.ACCEPTED


@pytest.mark.django_db
def test_it_only_takes_posts(organiser_client, submitted):
    assert organiser_client.get(url(submitted)).status_code == 405


@pytest.mark.django_db
def test_it_texts_people_without_e_mail(
    coop, owner, organiser, federation, django_capture_on_commit_callbacks
):
    farmer = make_person("Farmer", phone="+250788000222", preferred_language="fr")
    invitation = coop_actions.create_invitation(
        coop=coop, actor=owner, role="member", base_url="http://testserver"
    )
    coop_actions.accept_invitation(token=invitation.token, person=farmer)
    need = make_need(coop, owner, complete=True)
    need = actions.save_need_draft(need=need, actor=owner, changes={"owner": farmer})
    need = actions.submit_need(need=need, actor=owner)
    with django_capture_on_commit_callbacks(execute=True):
        actions.accept_need(need=need, actor=organiser)
    sms = OutboundMessage.objects.get(to="+250788000222")
    assert "accepté" in sms.text
    assert f"/needs/{need.pk}/" in sms.text
