"""Uploads on S3-compatible object storage when MINGA_S3_* is set (moto's in-process S3)."""

from __future__ import annotations

import boto3
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from moto import mock_aws

from minga import settings as minga_settings

S3_ENV = {
    "MINGA_S3_BUCKET": "minga-test",
    "MINGA_S3_REGION": "us-east-1",
    "MINGA_S3_ACCESS_KEY_ID": "test-key",
    "MINGA_S3_SECRET_ACCESS_KEY": "test-secret",
}


@pytest.fixture
def s3(settings, monkeypatch):
    """A mocked S3 with the bucket, and STORAGES as settings.py builds them from MINGA_S3_*."""
    for name, value in S3_ENV.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="minga-test")
        settings.STORAGES = {**settings.STORAGES, **minga_settings.object_storages()}
        yield client


def test_it_keeps_uploads_on_disk_without_object_storage(monkeypatch) -> None:
    for name in S3_ENV:
        monkeypatch.delenv(name, raising=False)
    assert minga_settings.object_storages() == {}
    assert "FileSystemStorage" in minga_settings.STORAGES["default"]["BACKEND"]


def test_it_refuses_half_configured_object_storage(monkeypatch) -> None:
    for name in S3_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MINGA_S3_BUCKET", "minga")
    monkeypatch.setenv("MINGA_S3_ACCESS_KEY_ID", "key")
    with pytest.raises(ImproperlyConfigured, match="set MINGA_S3_SECRET_ACCESS_KEY "):
        minga_settings.object_storages()
    monkeypatch.delenv("MINGA_S3_BUCKET")
    monkeypatch.delenv("MINGA_S3_ACCESS_KEY_ID")
    monkeypatch.setenv("MINGA_S3_ENDPOINT_URL", "https://minio.example.coop")
    message = "set MINGA_S3_BUCKET, MINGA_S3_ACCESS_KEY_ID, MINGA_S3_SECRET_ACCESS_KEY "
    with pytest.raises(ImproperlyConfigured, match=message):
        minga_settings.object_storages()


def test_it_points_both_storages_at_an_s3_compatible_endpoint(monkeypatch) -> None:
    for name, value in S3_ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("MINGA_S3_ENDPOINT_URL", "https://minio.example.coop")
    monkeypatch.setenv("MINGA_S3_TILES_PREFIX", "/minga/log/")
    storages = minga_settings.object_storages()
    assert {s["BACKEND"] for s in storages.values()} == {"storages.backends.s3.S3Storage"}
    uploads, tiles = storages["default"]["OPTIONS"], storages["tiles"]["OPTIONS"]
    assert uploads["endpoint_url"] == tiles["endpoint_url"] == "https://minio.example.coop"
    assert uploads["file_overwrite"] is False and uploads["location"] == "media"
    assert tiles["location"] == "minga/log" and tiles["querystring_auth"] is False


def test_it_puts_an_upload_in_the_bucket(s3) -> None:
    name = default_storage.save("attachments/budget.pdf", ContentFile(b"%PDF-1.7 budget"))
    again = default_storage.save("attachments/budget.pdf", ContentFile(b"%PDF-1.7 other"))
    assert name == "attachments/budget.pdf" and again != name  # never overwritten
    body = s3.get_object(Bucket="minga-test", Key=f"media/{name}")["Body"].read()
    assert body == b"%PDF-1.7 budget"
    with default_storage.open(name) as file:
        assert file.read() == b"%PDF-1.7 budget"
