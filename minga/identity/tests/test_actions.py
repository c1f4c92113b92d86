"""generate_coop_key and rotate_key: atomic, permission-checked, audited."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from minga.audit.models import Entry
from minga.identity import actions, keys
from minga.identity.models import Key

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_url(settings):
    settings.MINGA_PUBLIC_URL = "https://minga.example"


def _entries(kind):
    return [json.loads(bytes(e.body)) for e in Entry.objects.filter(kind=kind)]


def test_it_gives_every_new_cooperative_a_key(coop):
    key = Key.objects.get(coop=coop)
    assert key.is_active and key.rotated_at is None
    (entry,) = [e for e in Entry.objects.filter(kind="identity.key.generated")]
    assert entry.subject == f"coop:{coop.slug}"
    assert key.public_key_multibase in bytes(entry.body).decode()
    assert f"did:web:minga.example:coops:{coop.slug}" in bytes(entry.body).decode()


def test_it_does_not_generate_a_second_key(coop, owner):
    with pytest.raises(ValidationError):
        actions.generate_coop_key(coop=coop, actor=owner)
    assert Key.objects.filter(coop=coop).count() == 1


def test_it_rotates_a_cooperative_key(coop, owner):
    old = Key.objects.get(coop=coop)
    new = actions.rotate_key(coop=coop, actor=owner)
    old.refresh_from_db()
    assert not old.is_active and old.rotated_at is not None
    assert bytes(old.encrypted_private_key) == b""
    assert new.is_active and new.coop == coop
    method_id, private = keys.coop_signing_key(coop)
    assert method_id.endswith("#" + new.public_key_multibase)
    assert keys.public_multikey(private) == new.public_key_multibase


def test_it_keeps_every_old_public_key_across_rotations(coop, owner):
    first = Key.objects.get(coop=coop).public_key_multibase
    actions.rotate_key(coop=coop, actor=owner)
    actions.rotate_key(coop=coop, actor=owner)
    published = list(
        Key.objects.filter(coop=coop, is_next=False).values_list(
            "public_key_multibase", "is_active"
        )
    )
    assert len(published) == 3
    assert Key.objects.filter(coop=coop, is_next=True).count() == 1  # the committed next key
    assert published[0] == (first, False)
    assert [active for _, active in published] == [False, False, True]


def test_it_never_signs_with_a_rotated_key(coop, owner):
    old = Key.objects.get(coop=coop)
    actions.rotate_key(coop=coop, actor=owner)
    old.refresh_from_db()
    with pytest.raises(keys.KeyUnavailable, match="rotated"):
        keys.private_key(old)


def test_it_records_the_rotation_in_the_log(coop, owner):
    old = Key.objects.get(coop=coop)
    new = actions.rotate_key(coop=coop, actor=owner)
    (entry,) = Entry.objects.filter(kind="identity.key.rotated")
    assert entry.subject == f"coop:{coop.slug}"
    body = bytes(entry.body).decode()
    assert old.public_key_multibase in body and new.public_key_multibase in body


@pytest.mark.parametrize("who", ["member", "outsider"])
def test_it_lets_only_administrators_rotate(who, request, coop):
    before = list(Key.objects.filter(coop=coop).values_list("pk", "is_active"))
    with pytest.raises(PermissionDenied):
        actions.rotate_key(coop=coop, actor=request.getfixturevalue(who))
    assert list(Key.objects.filter(coop=coop).values_list("pk", "is_active")) == before
    assert not Entry.objects.filter(kind="identity.key.rotated").exists()


def test_it_rotates_the_platform_key_for_a_superuser_only(owner, outsider):
    _, first = keys.platform_signing_key()
    with pytest.raises(PermissionDenied):
        actions.rotate_key(coop=None, actor=outsider)
    owner.is_superuser = True
    owner.save()
    new = actions.rotate_key(coop=None, actor=owner)
    _, current = keys.platform_signing_key()
    assert keys.public_multikey(current) == new.public_key_multibase != keys.public_multikey(first)
    assert [active for _, active in keys.platform_public_keys()] == [False, True]
    (entry,) = Entry.objects.filter(kind="identity.key.rotated")
    assert entry.subject == "platform"


def test_it_changes_nothing_when_the_log_refuses(coop, owner, monkeypatch):
    before = list(Key.objects.filter(coop=coop).values_list("pk", "is_active"))

    def refuse(*args, **kwargs):
        raise RuntimeError("log unavailable")

    monkeypatch.setattr(actions.audit, "record", refuse)
    with pytest.raises(RuntimeError):
        actions.rotate_key(coop=coop, actor=owner)
    assert list(Key.objects.filter(coop=coop).values_list("pk", "is_active")) == before
