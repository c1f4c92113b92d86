"""Loading the signed-in person: one plain query, the same person and rules as the ORM's."""

import datetime

import pytest
from django.contrib.auth import get_user
from django.urls import reverse

from minga.accounts.backends import EmailOrPhoneBackend, person_by_pk
from minga.accounts.models import User

pytestmark = pytest.mark.django_db


def fields(user: User) -> dict:
    return {f.attname: getattr(user, f.attname) for f in User._meta.concrete_fields}


def test_it_loads_every_field_as_the_orm_does(member):
    member.email_verified_at = datetime.datetime(2030, 5, 1, 8, 30, 15, 123456, tzinfo=datetime.UTC)
    member.languages = ["en", "fr"]
    member.skills = ["backend", "ussd-sms"]
    member.roles = ["designer"]
    member.timezone = "Africa/Nairobi"
    member.is_staff = True
    member.save()
    loaded = person_by_pk(member.pk)
    assert fields(loaded) == fields(User.objects.get(pk=member.pk))
    assert loaded.email_verified_at.tzinfo is not None
    assert loaded.is_staff is True
    assert loaded.languages == ["en", "fr"]
    assert loaded._state.adding is False
    assert loaded._state.db == "default"


def test_it_finds_nobody_for_an_unknown_key(member):
    assert person_by_pk(member.pk + 1000) is None
    assert EmailOrPhoneBackend().get_user(member.pk + 1000) is None


def test_it_refuses_an_inactive_person(member):
    member.is_active = False
    member.save()
    assert EmailOrPhoneBackend().get_user(member.pk) is None


def test_it_signs_a_person_out_everywhere_when_the_password_changes(client, member):
    client.force_login(member)
    assert client.get(reverse("accounts:profile")).status_code == 200
    member.set_password("another-long-password")
    member.save()
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_it_gives_the_signed_in_person_to_the_request(rf, client, member):
    client.force_login(member)
    request = rf.get("/")
    request.session = client.session
    user = get_user(request)
    assert user.pk == member.pk
    assert user.name == member.name
