import pytest
from django.urls import reverse

from minga.coops import actions
from minga.coops.models import Membership


def _membership(coop, person):
    return Membership.objects.get(coop=coop, person=person)


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("outsider", 403), ("member", 200), ("owner", 200)])
def test_it_shows_members_and_history_to_members_only(client, coop, who, status, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("coops:members", args=[coop.slug])).status_code == status
    assert client.get(reverse("coops:history", args=[coop.slug])).status_code == status


@pytest.mark.django_db
def test_it_sends_anonymous_visitors_to_sign_in(client, coop):
    page = reverse("coops:members", args=[coop.slug])
    response = client.get(page)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={page}"


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("outsider", 403), ("member", 403), ("owner", 302)])
def test_it_lets_only_managers_change_a_membership(client, coop, member, who, status, request):
    client.force_login(request.getfixturevalue(who))
    url = reverse("coops:membership-edit", args=[coop.slug, _membership(coop, member).pk])
    response = client.post(url, {"role": "treasurer", "status": "active", "reason": "elected"})
    assert response.status_code == status
    assert (_membership(coop, member).role == "treasurer") is (status == 302)


@pytest.mark.django_db
def test_it_keeps_the_history_of_changes(owner_client, coop, member, owner):
    membership = _membership(coop, member)
    url = reverse("coops:membership-edit", args=[coop.slug, membership.pk])
    owner_client.post(url, {"role": "board", "status": "active", "reason": "AGM 2026"})
    owner_client.post(url, {"role": "board", "status": "suspended", "reason": "unpaid shares"})
    changes = list(membership.changes.all())
    assert [(c.new_role, c.new_status, c.reason) for c in changes[:2]] == [
        ("board", "suspended", "unpaid shares"),
        ("board", "active", "AGM 2026"),
    ]
    assert changes[0].actor == owner
    assert (
        "unpaid shares"
        in owner_client.get(reverse("coops:history", args=[coop.slug])).content.decode()
    )


@pytest.mark.django_db
def test_it_keeps_at_least_one_admin(owner_client, coop, owner):
    url = reverse("coops:membership-edit", args=[coop.slug, _membership(coop, owner).pk])
    response = owner_client.post(url, {"role": "member", "status": "active"})
    assert response.status_code == 200
    assert "at least one active administrator" in response.content.decode()
    assert _membership(coop, owner).role == "admin"


@pytest.mark.django_db
def test_it_lets_a_secretary_manage_but_not_make_admins(client, coop, member, owner):
    actions.change_membership(membership=_membership(coop, member), actor=owner, role="secretary")
    client.force_login(member)
    url = reverse("coops:membership-edit", args=[coop.slug, _membership(coop, owner).pk])
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_it_lets_a_member_leave(member_client, coop, member):
    member_client.post(reverse("coops:leave", args=[coop.slug]))
    assert _membership(coop, member).status == "left"
    assert member_client.get(reverse("coops:members", args=[coop.slug])).status_code == 403


@pytest.mark.django_db
def test_it_lets_a_person_belong_to_several_cooperatives(coop, member, outsider):
    other = actions.create_cooperative(
        actor=outsider, name="Second Coop", legal_form="worker", country="KE", sector="it"
    )
    invitation = actions.create_invitation(
        coop=other, actor=outsider, role="member", base_url="http://testserver"
    )
    actions.accept_invitation(token=invitation.token, person=member)
    assert member.memberships.count() == 2
