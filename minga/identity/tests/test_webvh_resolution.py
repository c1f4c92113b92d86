"""`minga did resolve did:webvh:...`: this instance's from its rows, other hosts' over HTTPS
(an in-process stub here), every entry checked by the did-webvh resolver."""

import pytest

from minga.identity import actions, didlogs, didweb, resolution
from minga.identity.didcore import InvalidDid, InvalidDidDocument, NotFound

pytestmark = pytest.mark.django_db


def test_it_resolves_a_local_did_webvh(coop, owner):
    actions.rotate_key(coop=coop, actor=owner)
    log = didlogs.log_of(coop)
    document = resolution.resolve(log.did)
    assert document["id"] == log.did and document["alsoKnownAs"] == [didlogs.web_did_of(coop)]
    with pytest.raises(NotFound):
        resolution.resolve(log.did.replace(log.scid, "QmNotOurs"))
    with pytest.raises(InvalidDid):
        resolution.resolve("did:webvh:onlyscid")


@pytest.fixture
def remote(coop, owner, monkeypatch):
    """Another host serving this cooperative's log, as its web server would."""
    actions.rotate_key(coop=coop, actor=owner)
    log = didlogs.log_of(coop)
    served = {
        "did.jsonl": "".join(line + "\n" for line in didlogs.entry_lines(log)),
        "did-witness.json": didlogs.witness_json(log),
    }
    fetched = []

    def fetch(url, *, timeout, max_bytes):
        fetched.append(url)
        name = url.rsplit("/", 1)[1]
        return served[name].encode()

    stub = didweb.WebResolver(fetch=fetch, check_host=None)
    monkeypatch.setattr(resolution, "remote_resolver", lambda: stub)
    return log, served, fetched


def test_it_resolves_and_verifies_another_hosts_log(remote, monkeypatch):
    log, served, fetched = remote
    monkeypatch.setattr(resolution, "local_path", lambda did: None)
    document = resolution.resolve(log.did)
    assert document["id"] == log.did
    assert fetched[0].endswith("/did.jsonl") and fetched[0].startswith("https://")


def test_it_refuses_another_hosts_tampered_log(remote, monkeypatch):
    log, served, _ = remote
    monkeypatch.setattr(resolution, "local_path", lambda did: None)
    served["did.jsonl"] = served["did.jsonl"].replace('"portable": false', '"portable": true')
    with pytest.raises(InvalidDidDocument):
        resolution.resolve(log.did)
