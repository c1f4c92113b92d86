"""The key pages: only the cooperative's administrators see and change its keys."""

import json

import pytest
from django.urls import reverse

from conftest import make_person
from minga.audit.models import Entry
from minga.coops import actions as coop_actions
from minga.coops.models import Membership
from minga.identity import didlogs, webvh
from minga.identity.models import Key

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(coop, owner):
    person = make_person("Second Admin", "admin@example.org")
    invitation = coop_actions.create_invitation(
        coop=coop, actor=owner, role=Membership.Role.ADMIN, base_url="http://testserver"
    )
    coop_actions.accept_invitation(token=invitation.token, person=person)
    return person


PAGES = [
    ("get", "identity:key-list", 200),
    ("post", "identity:key-rotate", 302),
    ("post", "identity:key-retire", 302),
]


@pytest.mark.parametrize(("method", "name", "allowed"), PAGES)
@pytest.mark.parametrize(
    ("who", "expected"), [("owner", None), ("admin", None), ("member", 403), ("outsider", 403)]
)
def test_it_lets_only_administrators_in(
    client, coop, request, method, name, allowed, who, expected
):
    client.force_login(request.getfixturevalue(who))
    before = Key.objects.filter(coop=coop).count()
    response = getattr(client, method)(reverse(name, args=[coop.slug]))
    assert response.status_code == (expected or allowed)
    if expected:
        assert Key.objects.filter(coop=coop).count() == before


def test_it_asks_anonymous_people_to_sign_in(client, coop):
    response = client.get(reverse("identity:key-list", args=[coop.slug]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_page_shows_the_log_after_a_rotation(owner_client, coop):
    owner_client.post(reverse("identity:key-rotate", args=[coop.slug]))
    response = owner_client.get(reverse("identity:key-list", args=[coop.slug]))
    assert didlogs.log_of(coop).did in response.content.decode()
    assert Entry.objects.filter(kind="identity.key.rotated").count() == 1


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_others_cannot_declare_a_compromise(client, coop, request, who):
    client.force_login(request.getfixturevalue(who))
    key = Key.objects.get(coop=coop)
    url = reverse("identity:key-compromise", args=[coop.slug, key.pk])
    assert client.post(url, {"since": "2026-01-01T10:00"}).status_code == 403
    key.refresh_from_db()
    assert key.compromised_from is None


def test_an_administrator_declares_a_compromise(owner_client, coop):
    key = Key.objects.get(coop=coop)
    url = reverse("identity:key-compromise", args=[coop.slug, key.pk])
    owner_client.post(url, {"since": "2020-01-01T10:00"})
    key.refresh_from_db()
    assert key.compromised_from is not None and key.end_reason == "compromised"
    # A date in the future is refused and changes nothing.
    new = Key.objects.get(coop=coop, is_active=True)
    url = reverse("identity:key-compromise", args=[coop.slug, new.pk])
    response = owner_client.post(url, {"since": "2999-01-01T10:00"}, follow=True)
    new.refresh_from_db()
    assert new.compromised_from is None
    assert "passed" in response.content.decode()


def test_witness_list_and_approval_pages(client, coop, owner, organiser, federation):
    client.force_login(owner)
    response = client.post(
        reverse("identity:witness-set", args=[coop.slug]),
        {"coops": [federation.pk], "others": "", "threshold": 1},
    )
    assert response.status_code == 302
    log = didlogs.log_of(coop)
    assert [w.did for w in log.witnesses.all()] == [didlogs.web_did_of(federation)]
    client.post(reverse("identity:key-rotate", args=[coop.slug]))
    log.refresh_from_db()
    pending = log.entries.order_by("-version_number").first()
    assert pending.version_number > log.published_version

    # The owner of the cooperative under witness cannot approve on the witness's behalf.
    url = reverse("identity:update-approve", args=[federation.slug, pending.pk])
    assert client.post(url).status_code == 403
    client.force_login(organiser)
    assert (
        pending.log.did
        in client.get(reverse("identity:key-list", args=[federation.slug])).content.decode()
    )
    assert client.post(url).status_code == 302
    log.refresh_from_db()
    assert log.published_version == pending.version_number


def test_the_log_and_witness_file_are_served(client, coop):
    response = client.get(f"/coops/{coop.slug}/did.jsonl")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    lines = response.content.decode().splitlines()
    log = didlogs.log_of(coop)
    document, _ = webvh.resolve_log(log.did, lines, stock=True)
    assert document["alsoKnownAs"] == [didlogs.web_did_of(coop)]
    witness = client.get(f"/coops/{coop.slug}/did-witness.json")
    assert json.loads(witness.content) == []
    web = client.get(f"/coops/{coop.slug}/did.json").json()
    assert web["alsoKnownAs"] == [log.did]
    assert client.get("/coops/nobody/did.jsonl").status_code == 404


def test_the_platform_log_is_served(client):
    response = client.get("/.well-known/did.jsonl")
    assert response.status_code == 200
    log = didlogs.log_of(None)
    assert webvh.resolve_log(log.did, response.content.decode().splitlines(), stock=True)
    assert client.get("/.well-known/did.json").json()["alsoKnownAs"] == [log.did]
    assert client.get("/.well-known/did-witness.json").status_code == 200


@pytest.mark.parametrize(
    ("who", "status"), [("owner", 200), ("admin", 200), ("member", 403), ("outsider", 403)]
)
def test_the_reissue_list_is_for_administrators(client, coop, request, who, status):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("credentials:reissue-list", args=[coop.slug]))
    assert response.status_code == status


def test_a_witness_elsewhere_posts_its_approval(client, coop, owner):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from minga.identity import actions, didkey

    remote = Ed25519PrivateKey.generate()
    remote_did = webvh.key_did(didkey.encode_multikey(remote.public_key().public_bytes_raw()))
    log = actions.set_witnesses(
        coop=coop, witnesses=[("did:web:other.example", remote_did)], threshold=1, actor=owner
    )
    actions.rotate_key(coop=coop, actor=owner)
    pending = log.entries.get(version_number=3)
    url = f"/coops/{coop.slug}/did-witness.json"
    stranger = Ed25519PrivateKey.generate()
    for body in (
        {
            "versionId": pending.version_id,
            "proof": webvh.witness_proof(pending.version_id, stranger),
        },
        {"versionId": "9-nope", "proof": {}},
        {"nothing": True},
    ):
        response = client.post(url, data=json.dumps(body), content_type="application/json")
        assert response.status_code == 400
    log.refresh_from_db()
    assert log.published_version == 2
    body = {
        "versionId": pending.version_id,
        "proof": webvh.witness_proof(pending.version_id, remote),
    }
    response = client.post(url, data=json.dumps(body), content_type="application/json")
    assert response.status_code == 201 and response.json() == {"published": 3}
    served = json.loads(client.get(url).content)
    assert served[0]["versionId"] == pending.version_id
