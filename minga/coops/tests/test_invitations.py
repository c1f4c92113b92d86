import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from conftest import make_person
from minga.coops import actions
from minga.coops.models import Invitation, Membership


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("outsider", 403), ("member", 403), ("owner", 200)])
def test_it_lets_only_managers_invite(client, coop, who, status, request):
    client.force_login(request.getfixturevalue(who))
    url = reverse("coops:invitations", args=[coop.slug])
    assert client.get(url).status_code == status
    before = Invitation.objects.count()
    client.post(url, {"email": "", "role": "member", "max_uses": 5, "days": 7})
    assert Invitation.objects.count() == before + (status == 200)


@pytest.mark.django_db
def test_it_invites_by_email(owner_client, coop, django_capture_on_commit_callbacks, run_tasks):
    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(
            reverse("coops:invitations", args=[coop.slug]),
            {"email": "Friend@Example.org", "role": "member", "max_uses": 1, "days": 14},
        )
    run_tasks()
    assert mail.outbox[0].to == ["friend@example.org"]
    assert "/coops/join/" in mail.outbox[0].body


@pytest.mark.django_db
def test_it_joins_by_link(client, coop, outsider, owner):
    invitation = actions.create_invitation(
        coop=coop, actor=owner, role="member", max_uses=2, base_url="http://testserver"
    )
    client.force_login(outsider)
    url = reverse("coops:join", args=[invitation.token])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert Membership.objects.get(coop=coop, person=outsider).is_active


@pytest.mark.django_db
def test_it_refuses_used_expired_or_withdrawn_links(client, coop, outsider, owner):
    invitation = actions.create_invitation(
        coop=coop, actor=owner, role="member", base_url="http://testserver"
    )
    actions.revoke_invitation(invitation=invitation, actor=owner)
    client.force_login(outsider)
    response = client.post(reverse("coops:join", args=[invitation.token]))
    assert response.status_code == 410
    assert not Membership.objects.filter(person=outsider).exists()
    assert client.get(reverse("coops:join", args=["made-up"])).status_code == 410


@pytest.mark.django_db
def test_it_keeps_email_invitations_for_their_address(client, coop, outsider, owner):
    invitation = actions.create_invitation(
        coop=coop,
        actor=owner,
        email="someone.else@example.org",
        role="member",
        base_url="http://testserver",
    )
    client.force_login(outsider)
    client.post(reverse("coops:join", args=[invitation.token]))
    assert not Membership.objects.filter(person=outsider).exists()


@pytest.mark.django_db(transaction=True)
def test_it_uses_a_one_time_link_exactly_once_under_concurrency(coop, owner):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs PostgreSQL's row locks (runs in the PostgreSQL CI pass)")
    invitation = actions.create_invitation(
        coop=coop, actor=owner, role="member", base_url="http://testserver"
    )
    people = [make_person(f"Racer {n}", f"racer{n}@example.org") for n in range(6)]
    barrier = threading.Barrier(len(people))
    outcomes = []

    def accept(person):
        barrier.wait()
        try:
            actions.accept_invitation(token=invitation.token, person=person)
            outcomes.append("ok")
        except Exception as error:  # noqa: BLE001
            outcomes.append(type(error).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=[p]) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 1
    assert Membership.objects.filter(coop=coop, person__in=people).count() == 1
    invitation.refresh_from_db()
    assert invitation.uses == 1
