"""/.well-known/did.json: the platform's did:web document."""

import pytest

from minga.identity import didkey, didweb, keys
from minga.identity.models import Key

pytestmark = pytest.mark.django_db
URL = "/.well-known/did.json"


@pytest.fixture(autouse=True)
def _public_url(settings):
    settings.MINGA_PUBLIC_URL = "https://minga.example:8443"


@pytest.mark.parametrize("who", ["client", "owner_client", "outsider_client"])
def test_it_is_public(who, request):
    response = request.getfixturevalue(who).get(URL)
    assert response.status_code == 200


def test_it_serves_the_platform_did_document(client):
    response = client.get(URL)
    assert response["Content-Type"] == "application/did+json"
    document = response.json()
    did = "did:web:minga.example%3A8443"
    assert document["id"] == did
    assert didweb.url_to_did("https://minga.example:8443" + URL) == did
    (method,) = document["verificationMethod"]
    assert method["type"] == "Multikey"
    assert method["controller"] == did
    assert document["assertionMethod"] == [method["id"]]
    assert document["authentication"] == [method["id"]]


def test_it_publishes_the_key_that_signs_checkpoints(client):
    _, private = keys.platform_signing_key()
    document = client.get(URL).json()
    published = document["verificationMethod"][0]["publicKeyMultibase"]
    assert published == keys.public_multikey(private)
    assert didkey.decode_multikey(published) == private.public_key().public_bytes_raw()


def test_it_names_localhost_for_a_loopback_public_url(client, settings):
    settings.MINGA_PUBLIC_URL = "http://127.0.0.1:8000"
    assert client.get(URL).json()["id"] == "did:web:localhost%3A8000"


def test_it_is_cacheable_and_open_to_browser_verifiers(client):
    response = client.get(URL)
    assert "max-age=300" in response["Cache-Control"]
    assert "public" in response["Cache-Control"]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["ETag"]


def test_it_answers_not_modified_to_a_matching_etag(client):
    etag = client.get(URL)["ETag"]
    response = client.get(URL, headers={"if-none-match": etag})
    assert response.status_code == 304
    assert response.content == b""


def test_it_keeps_rotated_platform_keys(client):
    keys.platform_signing_key()
    old = Key.objects.get(coop__isnull=True)
    old.is_active = False
    old.rotated_at = old.created_at
    old.encrypted_private_key = b""
    old.save()
    _, new_private = keys.platform_signing_key()
    document = client.get(URL).json()
    published = [m["publicKeyMultibase"] for m in document["verificationMethod"]]
    assert published == [old.public_key_multibase, keys.public_multikey(new_private)]
    assert len(document["assertionMethod"]) == 2
    assert len(document["authentication"]) == 1


def test_it_refuses_writes(client):
    assert client.post(URL).status_code == 405
