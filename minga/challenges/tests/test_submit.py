import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from conftest import client_of
from minga.audit.models import Entry
from minga.challenges import actions
from minga.challenges.models import Need
from minga.coops import actions as coop_actions

from .conftest import make_need


def url(need):
    return reverse("challenges:submit", args=[need.pk])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "get", "post"),
    [("anonymous", 302, 302), ("outsider", 403, 403), ("member", 200, 403), ("owner", 200, 302)],
)
def test_it_lets_members_check_and_managers_submit(request, coop, owner, who, get, post):
    need = make_need(coop, owner, status=Need.Status.DRAFT, theme="access")
    client = request.getfixturevalue("client")
    if who != "anonymous":
        client = client_of(request.getfixturevalue(who))
    assert client.get(url(need)).status_code == get
    assert client.post(url(need)).status_code == post
    need.refresh_from_db()
    assert (need.status == Need.Status.SUBMITTED) == (who == "owner")


@pytest.mark.django_db
def test_it_lists_what_is_missing_with_a_link_to_its_step(owner_client, coop, owner):
    need = make_need(coop, owner)
    response = owner_client.get(url(need))
    content = response.content.decode()
    assert "Say who is affected." in content
    assert "Name an expert teams can ask." in content
    assert reverse("challenges:edit", args=[need.pk, 3]) in content
    assert response.context["by_step"][0][0].number == 1


@pytest.mark.django_db
def test_it_refuses_an_incomplete_need_and_changes_nothing(owner_client, coop, owner):
    need = make_need(coop, owner, status=Need.Status.DRAFT, theme="", licences=[])
    response = owner_client.post(url(need), follow=True)
    assert "Some answers are still missing" in response.content.decode()
    assert list(response.context["missing"].values()) == [
        "Choose the theme closest to this need.",
        "Tick at least one licence you accept.",
    ]
    need.refresh_from_db()
    assert (need.status, need.submitted_at) == (Need.Status.DRAFT, None)
    assert not Entry.objects.filter(kind="need.submitted").exists()


@pytest.mark.django_db
def test_it_explains_what_is_missing_in_the_persons_language(client, coop, owner):
    owner.preferred_language = "fr"
    owner.save()
    need = make_need(coop, owner)
    content = client_of(owner).get(url(need)).content.decode()
    assert "Dites qui est concerné." in content


@pytest.mark.django_db
def test_it_asks_for_a_real_question(coop, owner):
    need = make_need(coop, owner, status=Need.Status.DRAFT, how_might_we="Members check it.")
    with translation.override("en"):
        missing = need.missing_for_submission()
    assert missing == {"how_might_we": "Write the “How might we…?” as a question."}


@pytest.mark.django_db
def test_it_asks_for_each_documents_licence_and_sensitivity(coop, owner):
    need = make_need(coop, owner, complete=True)
    actions.save_need_draft(
        need=need, actor=owner, changes={}, documents=[{"title": "Register", "licence": ""}]
    )
    assert set(need.missing_for_submission()) == {"documents"}


@pytest.mark.django_db
def test_it_submits_and_tells_the_organisers_in_their_language(
    owner_client, coop, owner, organiser, federation, django_capture_on_commit_callbacks, run_tasks
):
    need = make_need(coop, owner, status=Need.Status.DRAFT, theme="access")
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(url(need))
    run_tasks()
    assert response["Location"] == need.get_absolute_url()
    need.refresh_from_db()
    assert need.status == Need.Status.SUBMITTED
    assert need.submitted_at is not None
    assert need.comments.get().status == Need.Status.SUBMITTED
    (message,) = mail.outbox
    assert message.to == [organiser.email]
    assert message.subject.startswith("Nouveau besoin à examiner")
    assert f"/needs/{need.pk}/" in message.body


@pytest.mark.django_db
def test_it_has_nothing_to_submit_twice(owner_client, submitted):
    response = owner_client.post(url(submitted))
    assert response.status_code == 302
    assert submitted.comments.count() == 1


@pytest.mark.django_db
def test_it_refreshes_the_place_from_the_cooperative_on_submission(coop, owner):
    need = make_need(coop, owner, complete=True)
    coop.region = "Huye"
    coop.save()
    need = actions.submit_need(need=need, actor=owner)
    assert need.region == "Huye"


@pytest.mark.django_db
def test_it_asks_for_an_owner_who_is_still_a_member(coop, owner, member):
    need = make_need(coop, owner, complete=True)
    need = actions.save_need_draft(need=need, actor=owner, changes={"owner": member})
    coop_actions.leave_cooperative(membership=coop.memberships.get(person=member), actor=member)
    with translation.override("en"):
        assert need.missing_for_submission() == {
            "owner": "The owner must be an active member of the cooperative."
        }
