"""GET /log/tile/...: Merkle tiles and entry bundles per C2SP tlog-tiles."""

from __future__ import annotations

import pytest

from minga.audit import merkle, tiles
from minga.audit.models import Entry


@pytest.fixture
def log_of_600(checkpointed):
    return checkpointed(600)


def leaves() -> list[bytes]:
    return [bytes(h) for h in Entry.objects.order_by("index").values_list("leaf_hash", flat=True)]


def test_it_serves_a_full_tile_as_immutable(client, log_of_600) -> None:
    response = client.get("/log/tile/0/001")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert "immutable" in response["Cache-Control"]
    assert response.content == b"".join(leaves()[256:512])


def test_it_serves_partial_tiles_the_checkpoint_covers(client, log_of_600) -> None:
    response = client.get("/log/tile/0/002.p/88")
    assert response.content == b"".join(leaves()[512:600])
    response = client.get("/log/tile/1/000.p/2")
    assert response.content == merkle.subtree_root(leaves()[:256]) + merkle.subtree_root(
        leaves()[256:512]
    )
    assert client.get("/log/tile/0/002.p/10").content == b"".join(leaves()[512:522])


def test_it_lets_a_client_rebuild_the_checkpoint_root(client, log_of_600) -> None:
    data = {}
    for path, key in [
        ("0/000", (0, 0)),
        ("0/001", (0, 1)),
        ("0/002.p/88", (0, 2)),
        ("1/000.p/2", (1, 0)),
    ]:
        data[key] = client.get(f"/log/tile/{path}").content
    read = tiles.tile_reader(lambda widths: data, 600)
    assert merkle.root_from(read, 600) == bytes(log_of_600.root)


def test_it_serves_entry_bundles(client, log_of_600) -> None:
    response = client.get("/log/tile/entries/000", HTTP_ACCEPT_ENCODING="identity")
    bodies = tiles.parse_entry_bundle(response.content)
    assert len(bodies) == 256
    assert [merkle.leaf_hash(b) for b in bodies] == leaves()[:256]
    partial = client.get("/log/tile/entries/002.p/5")
    assert len(tiles.parse_entry_bundle(partial.content)) == 5


def test_it_compresses_entry_bundles_for_clients_that_ask(client, log_of_600) -> None:
    response = client.get("/log/tile/entries/000", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"


@pytest.mark.parametrize(
    "path",
    [
        "0/2",
        "0/0002",
        "0/x000/002",
        "0/x1/002",
        "64/000",
        "01/000",
        "-1/000",
        "0/-01",
        "0/002.p/0",
        "0/002.p/256",
        "0/002.p/08",
        "0/002.p/",
        "0/002.p/x",
        "abc",
        "0",
        "0/002/",
        "entries",
        "entries/x",
        "0/002.p/88/extra",
        "0/%00",
    ],
)
def test_it_rejects_malformed_paths(client, db, path) -> None:
    response = client.get(f"/log/tile/{path}")
    assert response.status_code == 400, path
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.strip()


@pytest.mark.parametrize(
    "path",
    [
        "0/003",
        "0/002",
        "0/002.p/89",
        "1/000",
        "1/001.p/1",
        "2/000.p/1",
        "entries/003",
        "entries/002.p/89",
        "63/x999/x999/x999/x999/x999/x999/999",
    ],
)
def test_it_has_no_tiles_beyond_the_checkpoint(client, log_of_600, path) -> None:
    response = client.get(f"/log/tile/{path}")
    assert response.status_code == 404, path


def test_it_has_no_tiles_before_any_checkpoint(client, make_entries) -> None:
    make_entries(3)
    assert client.get("/log/tile/0/000.p/3").status_code == 404
