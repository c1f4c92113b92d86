"""GET /log/checkpoint: the latest signed checkpoint, C2SP tlog-tiles style."""

from __future__ import annotations

from minga.audit import note


def test_it_serves_the_latest_signed_checkpoint(client, checkpointed, log_verifier) -> None:
    checkpointed(3)
    response = client.get("/log/checkpoint")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "max-age=2" in response["Cache-Control"]
    parsed, _, _ = note.open_checkpoint(response.content.decode(), [log_verifier])
    assert parsed.size == 3


def test_it_says_when_there_is_no_checkpoint(client, db) -> None:
    response = client.get("/log/checkpoint")
    assert response.status_code == 404
    assert b"no checkpoint yet" in response.content


def test_it_refuses_other_methods(client, db) -> None:
    assert client.post("/log/checkpoint").status_code == 405


def test_it_is_public_to_everyone(outsider_client, checkpointed) -> None:
    checkpointed(1)
    assert outsider_client.get("/log/checkpoint").status_code == 200
