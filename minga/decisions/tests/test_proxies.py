"""Proxies: appointed by the member, capped per holder, confirmed, revocable, overridden."""

import threading

import pytest
from django.db import connection

from conftest import client_for, make_person
from minga.audit.models import Entry
from minga.decisions import delegation
from minga.decisions.delegation import DelegationError
from minga.decisions.models import Participation, Proxy

from .ballots import stored_choice, stored_count
from .conftest import join


def set_cap(coop, owner, cap):
    delegation.update_statutes(
        coop=coop,
        actor=owner,
        max_proxies_per_holder=cap,
        allow_agents=True,
        electorate="member",
        quorum_kind="none",
        quorum_value=0,
    )


@pytest.fixture
def poll(poll_factory, voters):
    return poll_factory(kind="consent")


@pytest.mark.django_db
def test_a_member_with_a_phone_confirms_by_code(
    member, voters, poll, django_capture_on_commit_callbacks, sms_outbox, run_tasks
):
    with django_capture_on_commit_callbacks(execute=True):
        proxy, code = delegation.appoint_proxy(poll=poll, actor=member, holder=voters[0])
    run_tasks()
    assert proxy.status == Proxy.Status.PENDING and len(code) == 6
    assert code not in proxy.code_hash
    from minga.channels.models import OutboundMessage

    sms = OutboundMessage.objects.get(to=member.phone)
    assert sms.text == "[proxy code]" and sms.kind == "proxy-code"
    assert [(sent.to, f"PROXY {code}" in sent.text) for sent in sms_outbox] == [
        (member.phone, True)
    ]
    with pytest.raises(DelegationError):
        delegation.vote_as_proxy(proxy=proxy, holder=voters[0], choice={"consent": "agree"})
    delegation.confirm_proxy_by_code(person=member, code=code)
    proxy.refresh_from_db()
    assert proxy.status == Proxy.Status.CONFIRMED
    kinds = list(Entry.objects.filter(kind__startswith="proxy.").values_list("kind", flat=True))
    assert kinds == ["proxy.appointed", "proxy.confirmed"]
    body = bytes(Entry.objects.get(kind="proxy.appointed").body).decode()
    assert voters[0].name not in body and f"person:{voters[0].pk}" not in body


@pytest.mark.django_db
def test_the_holder_votes_for_the_member(voters, poll):
    grantor, holder = voters[0], voters[1]  # no phone: confirmed at once
    proxy, _code = delegation.appoint_proxy(poll=poll, actor=grantor, holder=holder)
    assert proxy.status == Proxy.Status.CONFIRMED
    receipt = delegation.vote_as_proxy(proxy=proxy, holder=holder, choice={"consent": "agree"})
    assert len(receipt) == 10
    participation = Participation.objects.get(elector__person=grantor)
    assert participation.channel == "proxy" and participation.recorded_by == holder
    proxy.refresh_from_db()
    assert proxy.status == Proxy.Status.USED
    # The holder may change the proxy vote until the close; only one ballot counts.
    delegation.vote_as_proxy(proxy=proxy, holder=holder, choice={"consent": "disagree"})
    assert stored_count(poll) == 1


@pytest.mark.django_db
def test_the_members_own_later_vote_overrides_the_proxy(voters, poll):
    from minga.decisions.actions import cast_ballot

    grantor, holder = voters[0], voters[1]
    proxy, _code = delegation.appoint_proxy(poll=poll, actor=grantor, holder=holder)
    delegation.vote_as_proxy(proxy=proxy, holder=holder, choice={"consent": "agree"})
    elector = delegation.own_elector(grantor, poll)
    cast_ballot(
        poll=poll, elector=elector, choice={"consent": "abstain"}, channel="web", actor=grantor
    )
    assert stored_choice(poll)["consent"] == "abstain"
    with pytest.raises(DelegationError, match="voted themselves"):
        delegation.vote_as_proxy(proxy=proxy, holder=holder, choice={"consent": "agree"})
    assert stored_choice(poll)["consent"] == "abstain"


@pytest.mark.django_db
def test_revoking_stops_the_holder(voters, poll):
    grantor, holder = voters[0], voters[1]
    proxy, _code = delegation.appoint_proxy(poll=poll, actor=grantor, holder=holder)
    with pytest.raises(DelegationError):
        delegation.revoke_proxy(proxy=proxy, actor=holder)
    delegation.revoke_proxy(proxy=proxy, actor=grantor)
    with pytest.raises(DelegationError, match="revoked"):
        delegation.vote_as_proxy(proxy=proxy, holder=holder, choice={"consent": "agree"})
    with pytest.raises(DelegationError, match="already revoked"):
        delegation.revoke_proxy(proxy=proxy, actor=grantor)
    # A new proxy may be appointed after revoking.
    delegation.appoint_proxy(poll=poll, actor=grantor, holder=voters[2])


@pytest.mark.django_db
def test_the_cap_from_the_statutes_holds(coop, owner, voters, poll):
    set_cap(coop, owner, 2)
    holder = voters[0]
    delegation.appoint_proxy(poll=poll, actor=voters[1], holder=holder)
    delegation.appoint_proxy(poll=poll, actor=voters[2], holder=holder)
    with pytest.raises(DelegationError, match=r"most proxies the statutes allow \(2\)"):
        delegation.appoint_proxy(poll=poll, actor=voters[3], holder=holder)
    assert Proxy.objects.filter(holder=holder).count() == 2


@pytest.mark.django_db
def test_statutes_may_forbid_proxies(coop, owner, voters, poll):
    set_cap(coop, owner, 0)
    with pytest.raises(DelegationError, match="allow no proxies"):
        delegation.appoint_proxy(poll=poll, actor=voters[1], holder=voters[0])


@pytest.mark.django_db
def test_bad_appointments_are_refused(voters, poll, outsider, poll_factory):
    a, b, c = voters[0], voters[1], voters[2]
    with pytest.raises(DelegationError, match="someone else"):
        delegation.appoint_proxy(poll=poll, actor=a, holder=a)
    with pytest.raises(DelegationError, match="votes in this poll"):
        delegation.appoint_proxy(poll=poll, actor=a, holder=outsider)
    with pytest.raises(DelegationError, match="no vote in this poll"):
        delegation.appoint_proxy(poll=poll, actor=outsider, holder=a)
    delegation.appoint_proxy(poll=poll, actor=a, holder=b)
    with pytest.raises(DelegationError, match="revoke it first"):
        delegation.appoint_proxy(poll=poll, actor=a, holder=c)
    with pytest.raises(DelegationError, match="given their own vote"):
        delegation.appoint_proxy(poll=poll, actor=c, holder=a)
    with pytest.raises(DelegationError, match="you cannot give yours away"):
        delegation.appoint_proxy(poll=poll, actor=b, holder=c)
    assert Proxy.objects.count() == 1


@pytest.mark.django_db
def test_someone_who_voted_cannot_appoint(voters, poll):
    from minga.decisions.actions import cast_ballot

    elector = delegation.own_elector(voters[0], poll)
    cast_ballot(
        poll=poll, elector=elector, choice={"consent": "agree"}, channel="web", actor=voters[0]
    )
    with pytest.raises(DelegationError, match="already voted"):
        delegation.appoint_proxy(poll=poll, actor=voters[0], holder=voters[1])


# --- pages -------------------------------------------------------------------------------------


def url(poll, tail=""):
    return f"/decisions/{poll.coop.slug}/polls/{poll.pk}/proxy/{tail}"


@pytest.mark.django_db
def test_page_access(client, poll, outsider, member):
    assert client.get(url(poll)).status_code == 302
    assert client_for(client, outsider).get(url(poll)).status_code == 403
    assert client_for(client, member).get(url(poll)).status_code == 200


@pytest.mark.django_db
def test_a_member_appoints_confirms_and_revokes_on_the_page(client, member, voters, poll):
    client = client_for(client, member)
    response = client.post(url(poll), {"holder": "voter0@example.org"})
    assert response.status_code == 302
    proxy = Proxy.objects.get()
    assert proxy.status == Proxy.Status.PENDING
    bad = client.post(url(poll, f"{proxy.pk}/confirm/"), {"code": "12"}, follow=True)
    assert "A proxy code is 6 digits." in bad.content.decode()
    client.post(url(poll, f"{proxy.pk}/revoke/"))
    proxy.refresh_from_db()
    assert proxy.status == Proxy.Status.REVOKED


@pytest.mark.django_db
def test_unknown_holders_are_a_clear_error(member_client, poll):
    response = member_client.post(url(poll), {"holder": "nobody@example.org"})
    assert response.status_code == 400
    assert "Nobody on Minga has this" in response.content.decode()
    assert not Proxy.objects.exists()


@pytest.mark.django_db
def test_only_the_holder_opens_the_vote_page(client, voters, poll, member):
    proxy, _code = delegation.appoint_proxy(poll=poll, actor=voters[0], holder=voters[1])
    assert client_for(client, member).get(url(poll, f"{proxy.pk}/vote/")).status_code == 403
    holder_client = client_for(client, voters[1])
    assert holder_client.get(url(poll, f"{proxy.pk}/vote/")).status_code == 200
    response = holder_client.post(url(poll, f"{proxy.pk}/vote/"), {"consent": "agree"})
    assert response.status_code == 302
    assert Participation.objects.get().channel == "proxy"
    assert client_for(client, voters[0]).post(url(poll, f"{proxy.pk}/revoke/")).status_code == 302
    assert client_for(client, member).post(url(poll, f"{proxy.pk}/revoke/")).status_code == 403


# --- concurrency -------------------------------------------------------------------------------


def needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "row locks only mean something on PostgreSQL: run with "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/test"
        )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_cap_holds_when_many_appoint_the_same_holder_at_once(coop, owner, poll_factory):
    needs_postgresql()
    people = [make_person(f"Crowd {i}", f"crowd{i}@example.org") for i in range(12)]
    for person in people:
        join(coop, person)
    set_cap(coop, owner, 3)
    poll = poll_factory(kind="consent")
    holder, grantors = people[0], people[1:]
    start = threading.Barrier(len(grantors))
    outcomes: list[str] = []

    def appoint(person) -> None:
        try:
            start.wait()
            delegation.appoint_proxy(poll=poll, actor=person, holder=holder)
            outcomes.append("ok")
        except DelegationError:
            outcomes.append("refused")
        except BaseException as error:  # reported below
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=appoint, args=(p,)) for p in grantors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["ok"] * 3 + ["refused"] * 8, outcomes
    assert Proxy.objects.filter(holder=holder, status__in=delegation.LIVE_PROXY).count() == 3
