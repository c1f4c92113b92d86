"""Federation affiliations change only through `add_affiliation` and `end_affiliation`."""

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from minga.audit.models import Entry
from minga.coops import actions
from minga.coops.models import Affiliation


def entries(kind):
    return [json.loads(bytes(entry.body)) for entry in Entry.objects.filter(kind=kind)]


@pytest.mark.django_db
def test_it_lets_the_federation_add_a_member_and_records_it(federation, coop, organiser):
    affiliation = actions.add_affiliation(federation=federation, member=coop, actor=organiser)
    assert affiliation.is_active
    (entry,) = entries("affiliation.added")
    assert entry["subject"] == f"coop:{federation.slug}"
    assert entry["data"] == {"federation": federation.slug, "member": coop.slug}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["owner", "member", "outsider"])
def test_it_refuses_anyone_but_the_federations_administrators(federation, coop, who, request):
    with pytest.raises(PermissionDenied):
        actions.add_affiliation(
            federation=federation, member=coop, actor=request.getfixturevalue(who)
        )
    assert not Affiliation.objects.exists() and not entries("affiliation.added")


@pytest.mark.django_db
def test_it_refuses_a_cooperative_that_is_no_federation(coop, federation, owner):
    with pytest.raises(ValidationError) as error:
        actions.add_affiliation(federation=coop, member=federation, actor=owner)
    assert error.value.code == "not_federation"
    assert not Affiliation.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_federation_in_itself_and_a_second_affiliation(federation, coop, organiser):
    with pytest.raises(ValidationError):
        actions.add_affiliation(federation=federation, member=federation, actor=organiser)
    actions.add_affiliation(federation=federation, member=coop, actor=organiser)
    with pytest.raises(ValidationError) as error:
        actions.add_affiliation(federation=federation, member=coop, actor=organiser)
    assert error.value.code == "already"
    assert Affiliation.objects.count() == 1 and len(entries("affiliation.added")) == 1


@pytest.mark.django_db
def test_it_lets_either_side_end_it_once_and_the_federation_take_it_up_again(
    federation, coop, organiser, owner, outsider
):
    affiliation = actions.add_affiliation(federation=federation, member=coop, actor=organiser)
    with pytest.raises(PermissionDenied):
        actions.end_affiliation(affiliation=affiliation, actor=outsider)
    actions.end_affiliation(affiliation=affiliation, actor=owner)
    affiliation.refresh_from_db()
    assert not affiliation.is_active
    with pytest.raises(ValidationError):
        actions.end_affiliation(affiliation=affiliation, actor=organiser)
    again = actions.add_affiliation(federation=federation, member=coop, actor=organiser)
    assert again.pk == affiliation.pk and again.is_active
    assert [len(entries(kind)) for kind in ("affiliation.added", "affiliation.ended")] == [2, 1]


@pytest.mark.django_db
def test_it_lets_staff_add_and_end_affiliations(federation, coop, outsider):
    outsider.is_staff = True
    affiliation = actions.add_affiliation(federation=federation, member=coop, actor=outsider)
    actions.end_affiliation(affiliation=affiliation, actor=outsider)
    assert not Affiliation.objects.get().is_active
