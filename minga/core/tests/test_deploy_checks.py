"""`check --deploy` names what weakens production: SQLite without WAL or Minga's engine, no
error reporting, no body-size limit at the proxy."""

import pytest
from django.conf import settings
from django.test import override_settings

from minga.core import checks
from minga.settings import sqlite_database


def _ids(messages):
    return [message.id for message in messages]


def test_it_checks_the_default_database():
    assert checks.check_sqlite_settings() == checks.sqlite_problems(settings.DATABASES["default"])


def test_it_accepts_minga_s_sqlite_settings():
    assert checks.sqlite_problems(sqlite_database("/srv/minga.sqlite3")) == []


def test_it_warns_about_django_s_plain_sqlite_engine():
    database = {**sqlite_database("/srv/minga.sqlite3"), "ENGINE": "django.db.backends.sqlite3"}
    assert _ids(checks.sqlite_problems(database)) == ["core.W001"]


def test_it_warns_about_sqlite_without_wal():
    database = {**sqlite_database("/srv/minga.sqlite3"), "OPTIONS": {"timeout": 20}}
    assert _ids(checks.sqlite_problems(database)) == ["core.W002"]


def test_it_warns_twice_about_a_bare_sqlite_url():
    assert _ids(
        checks.sqlite_problems(
            {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/minga.sqlite3"}
        )
    ) == ["core.W001", "core.W002"]


def test_it_leaves_postgresql_alone():
    assert (
        checks.sqlite_problems({"ENGINE": "django.db.backends.postgresql", "NAME": "minga"}) == []
    )


@override_settings(SENTRY_DSN="")
def test_it_says_errors_only_go_to_standard_error_without_sentry():
    assert _ids(checks.check_error_reporting()) == ["core.W005"]


@override_settings(SENTRY_DSN="https://key@sentry.example.coop/1")
def test_it_is_satisfied_with_sentry():
    assert checks.check_error_reporting() == []


@override_settings(MINGA_PROXY_MAX_REQUEST_BYTES=0)
def test_it_warns_until_the_proxy_s_body_limit_is_stated():
    assert _ids(checks.check_proxy_body_limit()) == ["core.W003"]


@override_settings(MINGA_MAX_REQUEST_BYTES=1000, MINGA_PROXY_MAX_REQUEST_BYTES=2000)
def test_it_warns_when_the_proxy_lets_larger_bodies_through():
    assert _ids(checks.check_proxy_body_limit()) == ["core.W004"]


@pytest.mark.parametrize("proxy", [1000, 500])
def test_it_accepts_a_proxy_limit_no_larger_than_minga_s(settings, proxy):
    settings.MINGA_MAX_REQUEST_BYTES, settings.MINGA_PROXY_MAX_REQUEST_BYTES = 1000, proxy
    assert checks.check_proxy_body_limit() == []


def test_it_runs_them_with_the_deployment_checks_only():
    from django.core.checks import registry

    deploy = registry.registry.get_checks(include_deployment_checks=True)
    always = registry.registry.get_checks(include_deployment_checks=False)
    ours = {
        checks.check_sqlite_settings,
        checks.check_error_reporting,
        checks.check_proxy_body_limit,
    }
    assert ours <= set(deploy)
    assert not ours & set(always)
