"""System checks on the master key."""

import base64

from minga.identity import checks


def test_it_accepts_a_well_formed_master_key(settings):
    settings.MINGA_MASTER_KEY = base64.b64encode(b"\x01" * 32).decode()
    assert checks.check_configured_master_key() == []
    assert checks.check_master_key_for_deployment() == []


def test_it_reports_a_malformed_master_key_on_every_start(settings):
    settings.MINGA_MASTER_KEY = "not base64!"
    (error,) = checks.check_configured_master_key()
    assert error.id == "identity.E001"
    assert "32 bytes" in error.msg


def test_it_reports_a_missing_master_key_for_deployment(settings):
    settings.MINGA_MASTER_KEY = ""
    settings.MINGA_MASTER_KEY_FILE = None
    assert checks.check_configured_master_key() == []
    (error,) = checks.check_master_key_for_deployment()
    assert "MINGA_MASTER_KEY must be set" in error.msg


def test_it_leaves_the_development_key_file_to_first_use(settings, tmp_path):
    settings.MINGA_MASTER_KEY = ""
    settings.MINGA_MASTER_KEY_FILE = tmp_path / "master.key"
    settings.MINGA_MASTER_KEY_FILE_AUTOCREATE = True
    assert checks.check_configured_master_key() == []
    assert not settings.MINGA_MASTER_KEY_FILE.exists()
