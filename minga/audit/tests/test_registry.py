import pytest
from django.core.exceptions import ImproperlyConfigured

from minga.audit import registry
from minga.identity import keys


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(registry, "_registered", {})


@pytest.mark.usefixtures("empty_registry")
def test_it_names_the_missing_app():
    with pytest.raises(ImproperlyConfigured, match="identity app"):
        registry.keys()
    with pytest.raises(ImproperlyConfigured, match="coops app"):
        registry.member_coops(1)


@pytest.mark.django_db
def test_it_signs_with_the_key_identity_registered():
    _, private = keys.platform_signing_key()
    holder = registry.keys()
    assert holder.signing_key().private_bytes_raw() == private.private_bytes_raw()
    assert holder.active_public_key() == private.public_key()
    assert [key for key, _ in holder.public_keys()] == [private.public_key()]
