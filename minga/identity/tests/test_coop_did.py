"""/coops/<slug>/did.json: a cooperative's did:web document."""

import pytest

from minga.identity import actions, didweb, keys
from minga.identity.models import Key

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_url(settings):
    settings.MINGA_PUBLIC_URL = "https://minga.example:8443"


def _url(coop):
    return f"/coops/{coop.slug}/did.json"


@pytest.mark.parametrize("who", ["client", "owner_client", "member_client", "outsider_client"])
def test_it_is_public(who, request, coop):
    assert request.getfixturevalue(who).get(_url(coop)).status_code == 200


def test_it_serves_the_cooperative_did_document(client, coop):
    response = client.get(_url(coop))
    assert response["Content-Type"] == "application/did+json"
    document = response.json()
    did = f"did:web:minga.example%3A8443:coops:{coop.slug}"
    assert document["id"] == did
    # The document sits exactly where did:web resolution looks for it.
    assert didweb.did_to_url(did) == "https://minga.example:8443" + _url(coop)
    key = Key.objects.get(coop=coop)
    (method,) = document["verificationMethod"]
    assert method == {
        "id": f"{did}#{key.public_key_multibase}",
        "type": "Multikey",
        "controller": did,
        "publicKeyMultibase": key.public_key_multibase,
    }
    assert document["assertionMethod"] == [method["id"]]


def test_it_publishes_the_key_the_cooperative_signs_with(client, coop):
    method_id, private = keys.coop_signing_key(coop)
    document = client.get(_url(coop)).json()
    assert document["verificationMethod"][0]["id"] == method_id
    assert document["verificationMethod"][0]["publicKeyMultibase"] == keys.public_multikey(private)


def test_it_keeps_old_keys_after_rotation(client, coop, owner):
    old = Key.objects.get(coop=coop)
    new = actions.rotate_key(coop=coop, actor=owner)
    document = client.get(_url(coop)).json()
    did = document["id"]
    old_id, new_id = f"{did}#{old.public_key_multibase}", f"{did}#{new.public_key_multibase}"
    assert [m["id"] for m in document["verificationMethod"]] == [old_id, new_id]
    assert document["assertionMethod"] == [old_id, new_id]
    assert document["authentication"] == [new_id]
    assert document["capabilityInvocation"] == [new_id]


def test_it_answers_404_json_for_an_unknown_cooperative(client):
    response = client.get("/coops/nobody-here/did.json")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "notFound"
    assert "no-cache" in response["Cache-Control"]


def test_it_translates_the_404_message(client):
    response = client.get("/coops/nobody-here/did.json", headers={"accept-language": "es"})
    assert response.json()["message"] == "No hay ninguna cooperativa en esta dirección."


def test_it_changes_its_etag_when_a_key_rotates(client, coop, owner):
    before = client.get(_url(coop))["ETag"]
    actions.rotate_key(coop=coop, actor=owner)
    response = client.get(_url(coop), headers={"if-none-match": before})
    assert response.status_code == 200
    assert response["ETag"] != before
