"""Full tiles and entry bundles published to object storage after each checkpoint."""

from __future__ import annotations

import boto3
import pytest
from django.core.files.storage import storages
from django.utils import timezone
from moto import mock_aws

from minga import settings as minga_settings
from minga.audit import jobs, log, publish
from minga.audit.tiles import TileRef

from .conftest import add_entries

S3_ENV = {
    "MINGA_S3_BUCKET": "minga-log",
    "MINGA_S3_REGION": "us-east-1",
    "MINGA_S3_ACCESS_KEY_ID": "test-key",
    "MINGA_S3_SECRET_ACCESS_KEY": "test-secret",
}


@pytest.fixture
def s3(settings, monkeypatch, db):
    for name, value in S3_ENV.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="minga-log")
        settings.STORAGES = {**settings.STORAGES, **minga_settings.object_storages()}
        yield client


def keys(client) -> set[str]:
    listing = client.list_objects_v2(Bucket="minga-log")
    return {item["Key"] for item in listing.get("Contents", [])}


def test_it_publishes_full_tiles_after_a_checkpoint(s3) -> None:
    add_entries(300)
    report = jobs.sign_checkpoint(timezone.now())
    assert report == "checkpoint 300 signed, 0 cosignatures, published, 2 tiles published"
    assert keys(s3) == {"log/tile/0/000", "log/tile/entries/000"}  # the partial tile stays home
    for ref in (TileRef(0, 0), TileRef(None, 0)):
        stored = s3.get_object(Bucket="minga-log", Key=f"log/{ref.path}")
        assert stored["Body"].read() == log.tile_contents(ref, 300)
        assert stored["CacheControl"] == "public, max-age=31536000, immutable"


def test_it_publishes_each_tile_once(s3, monkeypatch) -> None:
    add_entries(256)
    jobs.sign_checkpoint(timezone.now())
    saved = []
    monkeypatch.setattr(log, "tile_contents", lambda ref, size: saved.append(ref) or b"x" * 32)
    assert jobs.sign_checkpoint(timezone.now()) is None
    assert publish.publish_tiles() == 0 and saved == []
    monkeypatch.undo()
    add_entries(256)
    assert jobs.sign_checkpoint(timezone.now()).endswith(", 2 tiles published")
    assert keys(s3) == {f"log/tile/{k}/{n}" for k in ("0", "entries") for n in ("000", "001")}


def test_it_publishes_the_tiles_of_upper_levels(s3) -> None:
    add_entries(256 * 256)
    assert jobs.sign_checkpoint(timezone.now()).endswith(f", {256 * 2 + 1} tiles published")
    assert {"log/tile/1/000", "log/tile/0/255", "log/tile/entries/255"} <= keys(s3)
    assert publish.publish_tiles() == 0


def test_it_catches_up_after_the_store_failed_mid_run(s3, monkeypatch) -> None:
    add_entries(512)
    storage = storages["tiles"]
    save, calls = storage.save, []

    def flaky(name, content):
        calls.append(name)
        if len(calls) == 3:
            raise ConnectionError("the store went away")
        return save(name, content)

    monkeypatch.setattr(storage, "save", flaky)
    with pytest.raises(ConnectionError):
        jobs.sign_checkpoint(timezone.now())
    assert log.latest_checkpoint().size == 512  # the checkpoint committed before the upload
    assert keys(s3) == {"log/tile/0/000", "log/tile/entries/000"}
    assert publish.publish_tiles() == 4  # from where it was saved: nothing skipped
    assert keys(s3) == {f"log/tile/{k}/{n}" for k in ("0", "entries") for n in ("000", "001")}
    assert publish.publish_tiles() == 0


def test_it_publishes_nothing_without_object_storage(make_entries) -> None:
    make_entries(256)
    assert jobs.sign_checkpoint(timezone.now()) == (
        "checkpoint 256 signed, 0 cosignatures, published"
    )
    assert publish.publish_tiles() == 0
