"""The session store: Django's table and behaviour, read and written with plain statements.

Modelled on Django's own session tests (expiry, flush, cycle_key, a session ended elsewhere).
"""

import datetime

import pytest
import time_machine
from django.contrib.sessions.backends import db as django_db
from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from minga.core.fast.sessions import SessionStore

pytestmark = pytest.mark.django_db


def saved(**data) -> SessionStore:
    store = SessionStore()
    store.update(data)
    store.save()
    return store


def test_it_saves_and_loads_a_session():
    store = saved(colour="green", count=3)
    again = SessionStore(store.session_key)
    assert again["colour"] == "green"
    assert again["count"] == 3
    assert again.session_key == store.session_key
    assert Session.objects.filter(session_key=store.session_key).count() == 1


def test_it_shares_djangos_table_and_encoding_both_ways():
    ours = saved(side="ours")
    assert django_db.SessionStore(ours.session_key)["side"] == "ours"
    theirs = django_db.SessionStore()
    theirs["side"] = "theirs"
    theirs.save()
    assert SessionStore(theirs.session_key)["side"] == "theirs"


def test_it_loads_nothing_for_an_unknown_key_and_creates_no_row():
    store = SessionStore("x" * 32)
    assert store.load() == {}
    assert store.session_key is None
    assert not Session.objects.exists()


def test_it_does_not_load_an_expired_session():
    store = SessionStore()
    store["secret"] = "kept"
    store.set_expiry(60)
    store.save()
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=61)):
        late = SessionStore(store.session_key)
        assert late.get("secret") is None
        assert late.session_key is None  # a fresh key is made rather than the old one reused
    assert SessionStore(store.session_key)["secret"] == "kept"


def test_it_stores_the_expiry_it_was_given():
    store = SessionStore()
    store.set_expiry(3600)
    store["a"] = 1
    with time_machine.travel(datetime.datetime(2030, 1, 1, 12, tzinfo=datetime.UTC), tick=False):
        store.save()
    row = Session.objects.get(session_key=store.session_key)
    assert row.expire_date == datetime.datetime(2030, 1, 1, 13, tzinfo=datetime.UTC)


def test_it_flushes_a_session_for_good():
    store = saved(person="1")
    key = store.session_key
    store.flush()
    assert store.session_key is None
    assert not Session.objects.filter(session_key=key).exists()
    assert SessionStore(key).load() == {}


def test_it_cycles_the_key_and_keeps_the_data():
    store = saved(person="1")
    old = store.session_key
    store.cycle_key()
    assert store.session_key != old
    assert not store.exists(old)
    assert store.exists(store.session_key)
    assert SessionStore(store.session_key)["person"] == "1"


def test_it_refuses_to_create_over_an_existing_key():
    store = saved(a=1)
    clash = SessionStore(store.session_key)
    clash._session_cache = {"b": 2}
    with pytest.raises(CreateError):
        clash.save(must_create=True)
    assert SessionStore(store.session_key)["a"] == 1


def test_it_does_not_bring_back_a_session_ended_elsewhere():
    store = saved(person="1")
    SessionStore(store.session_key).delete()  # signed out in another tab
    store["late"] = True
    with pytest.raises(UpdateError):
        store.save()
    assert not Session.objects.exists()


def test_it_keeps_the_last_of_two_saves():
    first = saved(n=1)
    second = SessionStore(first.session_key)
    second["n"] = 2
    first["n"] = 3
    second.save()
    first.save()
    assert SessionStore(first.session_key)["n"] == 3
    assert Session.objects.count() == 1


def test_it_ends_the_session_when_a_person_signs_out(client, member):
    client.force_login(member)
    key = client.cookies["sessionid"].value
    assert SessionStore(key).get("_auth_user_id") == str(member.pk)
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("accounts:profile")).status_code == 302
