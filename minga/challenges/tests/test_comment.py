import pytest
from django.core import mail
from django.urls import reverse

from conftest import client_of
from minga.challenges.models import Comment


def url(need):
    return reverse("challenges:comment", args=[need.pk])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status", "posted"),
    [
        ("anonymous", 302, False),
        ("outsider", 403, False),
        ("member", 302, True),
        ("owner", 302, True),
        ("organiser", 302, True),
    ],
)
def test_it_lets_the_coop_and_organisers_comment(
    request, submitted, federation, who, status, posted
):
    client = request.getfixturevalue("client")
    if who != "anonymous":
        client = client_of(request.getfixturevalue(who))
    response = client.post(url(submitted), {"body": "Can you share a sample?"})
    assert response.status_code == status
    assert submitted.comments.filter(status="").exists() == posted


@pytest.mark.django_db
def test_it_refuses_an_empty_message(member_client, submitted):
    member_client.post(url(submitted), {"body": "   "})
    assert not Comment.objects.filter(status="").exists()


@pytest.mark.django_db
def test_it_tells_the_cooperative_when_an_organiser_writes(
    organiser_client, submitted, owner, django_capture_on_commit_callbacks, run_tasks
):
    run_tasks()  # what the setup queued is not this test's concern
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(url(submitted), {"body": "Which phones do members have?"})
    run_tasks()
    (message,) = mail.outbox
    assert message.to == [owner.email]
    assert "Which phones do members have?" in message.body


@pytest.mark.django_db
def test_it_tells_the_organisers_when_the_cooperative_writes(
    member_client, submitted, organiser, federation, django_capture_on_commit_callbacks, run_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(url(submitted), {"body": "Here is the sample."})
    run_tasks()
    (message,) = mail.outbox
    assert message.to == [organiser.email]
    assert message.subject.startswith("Nouveau message")


@pytest.mark.django_db
def test_it_keeps_draft_discussions_inside_the_cooperative(
    member_client, draft, organiser, federation, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(url(draft), {"body": "Shall we add the notebook?"})
    assert mail.outbox == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "sees"), [("anonymous", False), ("outsider", False), ("member", True)]
)
def test_it_shows_the_thread_only_to_the_coop_and_organisers(request, accepted, who, sees):
    client = request.getfixturevalue("client")
    if who != "anonymous":
        client = client_of(request.getfixturevalue(who))
    content = client.get(accepted.get_absolute_url()).content.decode()
    assert ('id="thread"' in content) == sees
