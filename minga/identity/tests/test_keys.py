"""Signing keys: generated on demand, sealed at rest, usable only with the right master key."""

import base64
import os

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.core.exceptions import ImproperlyConfigured

from minga.identity import didkey, keys
from minga.identity.models import Key

MASTER = base64.b64encode(b"\x11" * 32).decode()
OTHER_MASTER = base64.b64encode(b"\x22" * 32).decode()

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _master_key(settings):
    settings.MINGA_MASTER_KEY = MASTER
    settings.MINGA_PUBLIC_URL = "https://minga.example"


def test_it_creates_the_platform_key_on_first_use():
    name, private = keys.platform_signing_key()
    assert name == "minga.example"
    assert isinstance(private, Ed25519PrivateKey)
    (key,) = Key.objects.all()
    assert key.coop is None and key.is_active
    assert key.public_key_multibase == keys.public_multikey(private)


def test_it_returns_the_same_platform_key_every_time():
    _, first = keys.platform_signing_key()
    _, second = keys.platform_signing_key()
    assert first.private_bytes_raw() == second.private_bytes_raw()
    assert Key.objects.count() == 1


def test_it_names_the_platform_key_with_its_port(settings):
    settings.MINGA_PUBLIC_URL = "http://127.0.0.1:8000"
    assert keys.platform_key_name() == "localhost:8000"


def test_it_signs_with_a_key_that_verifies_under_the_published_multikey():
    _, private = keys.platform_signing_key()
    signature = private.sign(b"checkpoint")
    published = Key.objects.get().public_key_multibase
    public = didkey.decode_multikey(published)
    Ed25519PublicKey.from_public_bytes(public).verify(signature, b"checkpoint")


def test_it_stores_the_private_key_encrypted():
    _, private = keys.platform_signing_key()
    stored = bytes(Key.objects.get().encrypted_private_key)
    raw = private.private_bytes_raw()
    assert raw not in stored
    assert len(stored) == 1 + 12 + 32 + 16


def test_it_fails_clearly_with_the_wrong_master_key(settings):
    keys.platform_signing_key()
    settings.MINGA_MASTER_KEY = OTHER_MASTER
    with pytest.raises(keys.KeyUnavailable, match="encrypted with master key"):
        keys.platform_signing_key()


def test_it_refuses_a_ciphertext_moved_to_another_row(coop):
    keys.platform_signing_key()
    platform = Key.objects.get(coop__isnull=True)
    coop_key = Key.objects.get(coop=coop)
    coop_key.encrypted_private_key = platform.encrypted_private_key
    coop_key.save()
    with pytest.raises(keys.KeyUnavailable, match="cannot be decrypted"):
        keys.private_key(coop_key)


def test_it_refuses_altered_ciphertext():
    keys.platform_signing_key()
    key = Key.objects.get()
    sealed = bytearray(key.encrypted_private_key)
    sealed[-1] ^= 1
    key.encrypted_private_key = bytes(sealed)
    key.save()
    with pytest.raises(keys.KeyUnavailable, match="cannot be decrypted"):
        keys.private_key(key)


def test_it_refuses_a_malformed_master_key(settings):
    settings.MINGA_MASTER_KEY = "too-short"
    with pytest.raises(ImproperlyConfigured, match="32 bytes"):
        keys.platform_signing_key()


def test_it_needs_a_master_key_outside_development(settings):
    settings.MINGA_MASTER_KEY = ""
    settings.MINGA_MASTER_KEY_FILE = None
    with pytest.raises(ImproperlyConfigured, match="MINGA_MASTER_KEY must be set"):
        keys.master_key()


def test_it_creates_a_private_development_key_file(settings, tmp_path):
    settings.MINGA_MASTER_KEY = ""
    settings.MINGA_MASTER_KEY_FILE = tmp_path / "var" / "master.key"
    settings.MINGA_MASTER_KEY_FILE_AUTOCREATE = True
    first = keys.master_key()
    assert len(first) == 32
    assert os.stat(settings.MINGA_MASTER_KEY_FILE).st_mode & 0o777 == 0o600
    assert keys.master_key() == first
    assert list((tmp_path / "var").iterdir()) == [settings.MINGA_MASTER_KEY_FILE]


def test_it_never_creates_a_configured_key_file(settings, tmp_path):
    settings.MINGA_MASTER_KEY = ""
    settings.MINGA_MASTER_KEY_FILE = tmp_path / "secrets" / "master.key"
    settings.MINGA_MASTER_KEY_FILE_AUTOCREATE = False
    with pytest.raises(ImproperlyConfigured, match="does not exist"):
        keys.master_key()
    settings.MINGA_MASTER_KEY_FILE.parent.mkdir()
    settings.MINGA_MASTER_KEY_FILE.write_text(OTHER_MASTER + "\n")
    assert keys.master_key() == b"\x22" * 32


def test_it_gives_the_coop_key_with_its_verification_method(coop):
    key = Key.objects.get(coop=coop, is_active=True)
    method_id, private = keys.coop_signing_key(coop)
    assert method_id == f"did:web:minga.example:coops:{coop.slug}#{key.public_key_multibase}"
    assert keys.public_multikey(private) == key.public_key_multibase


def test_it_has_no_coop_key_before_one_is_generated(coop):
    Key.objects.filter(coop=coop).delete()
    with pytest.raises(keys.KeyUnavailable):
        keys.coop_signing_key(coop)


def test_it_refuses_to_use_a_stored_key_that_is_too_short():
    keys.platform_signing_key()
    key = Key.objects.get()
    key.encrypted_private_key = b"\x01short"
    with pytest.raises(keys.KeyUnavailable, match="not in a known sealed format"):
        keys.private_key(key)


def test_it_converts_any_key_form_to_a_multikey():
    private = Ed25519PrivateKey.generate()
    expected = didkey.encode_multikey(private.public_key().public_bytes_raw())
    assert keys.public_multikey(private) == expected
    assert keys.public_multikey(private.public_key()) == expected
    assert keys.public_multikey(private.public_key().public_bytes_raw()) == expected
