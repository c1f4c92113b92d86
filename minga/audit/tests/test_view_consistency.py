"""GET /log/proof/consistency?from=M&to=N."""

from __future__ import annotations

import base64

import pytest

from minga.audit import merkle
from minga.audit.tests.conftest import add_entries


def test_it_proves_an_old_checkpoint_is_a_prefix(client, checkpointed) -> None:
    old = checkpointed(100)
    add_entries(250)
    from minga.audit import log

    new = log.create_checkpoint()
    data = client.get("/log/proof/consistency?from=100&to=350").json()
    proof = [base64.b64decode(h) for h in data["proof"]]
    merkle.verify_consistency(100, 350, proof, bytes(old.root), bytes(new.root))
    assert base64.b64decode(data["from_root"]) == bytes(old.root)
    assert base64.b64decode(data["to_root"]) == bytes(new.root)


def test_it_defaults_to_the_latest_checkpoint(client, checkpointed) -> None:
    checkpointed(7)
    data = client.get("/log/proof/consistency?from=3").json()
    assert data["to"] == 7 and len(data["proof"]) >= 1
    assert "immutable" not in client.get("/log/proof/consistency?from=3")["Cache-Control"]
    assert "immutable" in client.get("/log/proof/consistency?from=3&to=7")["Cache-Control"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "from=",
        "from=x",
        "from=-1",
        "from=3&to=2",
        "from=1&to=8",
        "from=1&to=abc",
        "from=99999999999999999999999",
        "from=1.0",
    ],
)
def test_it_answers_bad_sizes_clearly(client, checkpointed, query) -> None:
    checkpointed(7)
    response = client.get(f"/log/proof/consistency?{query}")
    assert response.status_code == 400
    assert response.json()["error"]
