"""Settings as production reads them from the environment (the module run afresh)."""

import runpy

import pytest

from minga import settings as settings_module

SECRET = "k3y-Of-60-chars:" + "abcdefghij0123456789ABCDEFGHIJ" + "+/=!?-_.~@#$%^"


@pytest.fixture
def load(monkeypatch, tmp_path):
    """Run minga/settings.py with `env` (DEBUG off unless given) and return its names."""

    def load(**env):
        for name in (
            "DATABASE_URL",
            "SENTRY_DSN",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SECURE_HSTS_PRELOAD",
            "SECURE_HSTS_SECONDS",
            "LOG_FORMAT",
        ):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("MINGA_VAR_DIR", str(tmp_path))
        for name, value in {"DEBUG": "0", "SECRET_KEY": SECRET, **env}.items():
            monkeypatch.setenv(name, value)
        return runpy.run_path(settings_module.__file__)

    return load


def test_it_gives_an_sqlite_database_url_the_default_sqlite_settings(load, tmp_path):
    default = load()["DATABASES"]["default"]
    from_url = load(DATABASE_URL=f"sqlite:///{tmp_path}/other.sqlite3")["DATABASES"]["default"]
    assert from_url["NAME"] == f"{tmp_path}/other.sqlite3"
    assert {**from_url, "NAME": None} == {**default, "NAME": None}
    assert from_url["ENGINE"] == "minga.core.fast.sqlite"
    assert "journal_mode=WAL" in from_url["OPTIONS"]["init_command"]
    assert from_url["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert from_url["TEST"] == {"NAME": ":memory:"}


def test_it_reads_postgresql_urls_as_before(load):
    database = load(DATABASE_URL="postgres://minga@db.example.coop:5432/minga")["DATABASES"]
    assert database["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert database["default"]["HOST"] == "db.example.coop"


def test_it_sends_hsts_for_subdomains_and_preloading_only_when_configured(load):
    production = load()
    assert production["SECURE_HSTS_SECONDS"] == 31_536_000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False
    assert production["SECURE_HSTS_PRELOAD"] is False
    chosen = load(SECURE_HSTS_INCLUDE_SUBDOMAINS="1", SECURE_HSTS_PRELOAD="1")
    assert chosen["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert chosen["SECURE_HSTS_PRELOAD"] is True


def test_it_logs_json_in_production_and_text_in_development(load):
    assert load()["LOGGING"]["handlers"]["stderr"]["formatter"] == "json"
    assert load(DEBUG="1")["LOGGING"]["handlers"]["stderr"]["formatter"] == "text"
