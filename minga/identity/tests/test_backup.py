"""`minga backup` and `minga restore`: a round trip into a fresh database keeps the log intact.

Run on SQLite and on PostgreSQL (pg_dump / pg_restore) alike; `transactional_db`, because the
copy is made the way an operator makes it, from committed data.
"""

from __future__ import annotations

import base64
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from minga.audit import log
from minga.audit.models import Entry
from minga.audit.tests.conftest import add_entries
from minga.core.backup import BackupError, read_backup, write_backup

KEY = base64.b64encode(b"backup tests master key 32 bytes").decode()
OTHER_KEY = base64.b64encode(b"another master key of 32 bytes!!").decode()


@pytest.fixture
def instance(settings, tmp_path, transactional_db):
    """A small instance: a person, 300 log entries and a checkpoint, an uploaded file."""
    settings.MINGA_MASTER_KEY = KEY
    settings.MINGA_MASTER_KEY_FILE = None
    settings.VAR_DIR = tmp_path / "var"
    settings.MEDIA_ROOT = settings.VAR_DIR / "media"
    (settings.MEDIA_ROOT / "attachments").mkdir(parents=True)
    (settings.MEDIA_ROOT / "attachments" / "minutes.pdf").write_bytes(b"%PDF minutes")
    get_user_model().objects.create_user(email="ana@example.coop", password="a long passphrase")
    add_entries(300)
    assert log.create_checkpoint() is not None
    return settings


def lose_everything(settings) -> None:
    call_command("flush", "--noinput", verbosity=0)
    (settings.MEDIA_ROOT / "attachments" / "minutes.pdf").unlink()


def test_it_restores_into_a_fresh_database_and_the_log_verifies(instance, tmp_path, capsys):
    path = tmp_path / "instance.backup"
    call_command("backup", "--output", str(path))
    assert b"ana@example.coop" not in path.read_bytes()  # sealed, not merely archived
    lose_everything(instance)
    assert not Entry.objects.exists()

    call_command("restore", str(path))

    assert get_user_model().objects.filter(email="ana@example.coop").exists()
    assert (instance.MEDIA_ROOT / "attachments" / "minutes.pdf").read_bytes() == b"%PDF minutes"
    capsys.readouterr()
    call_command("log", "verify")
    assert "intact: 300 entries" in capsys.readouterr().out


def test_it_refuses_to_overwrite_a_database_in_use(instance, tmp_path):
    path = tmp_path / "instance.backup"
    call_command("backup", "--output", str(path))
    with pytest.raises(CommandError, match="already holds data") as caught:
        call_command("restore", str(path))
    assert caught.value.returncode == 2


def test_it_needs_the_master_key_it_was_sealed_under(instance, tmp_path):
    path = tmp_path / "instance.backup"
    call_command("backup", "--output", str(path))
    lose_everything(instance)
    instance.MINGA_MASTER_KEY = OTHER_KEY
    with pytest.raises(CommandError, match="another master key") as caught:
        call_command("restore", str(path))
    assert caught.value.returncode == 2
    assert not get_user_model().objects.exists()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda data: data[:-40], id="cut-short"),
        pytest.param(lambda data: data[:200] + bytes([data[200] ^ 1]) + data[201:], id="altered"),
        pytest.param(lambda data: data + b"extra", id="appended"),
    ],
)
def test_it_refuses_a_damaged_backup_before_restoring_anything(instance, tmp_path, damage):
    from minga.identity.keys import master_key

    out = io.BytesIO()
    write_backup(out, master_key())
    with pytest.raises(BackupError):
        read_backup(io.BytesIO(damage(out.getvalue())), master_key(), tmp_path / "opened")
