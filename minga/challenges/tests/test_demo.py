import io

import pytest

from minga.accounts import demo as people_demo
from minga.challenges import demo
from minga.challenges.models import Need
from minga.coops import demo as coops_demo


@pytest.fixture
def world(db):
    people, coops = {}, {}
    people_demo.load(people=people, coops=coops, stdout=io.StringIO())
    coops_demo.load(people=people, coops=coops, stdout=io.StringIO())
    return people, coops


@pytest.mark.django_db
def test_it_loads_believable_needs_once(world):
    people, coops = world
    out = io.StringIO()
    demo.load(people=people, coops=coops, stdout=out)
    demo.load(people=people, coops=coops, stdout=out)
    statuses = list(Need.objects.values_list("status", flat=True))
    assert len(statuses) == len(demo.NEEDS)
    assert statuses.count(Need.Status.ACCEPTED) == 7
    assert {Need.Status.DRAFT, Need.Status.CHANGES_REQUESTED, Need.Status.DECLINED} < set(statuses)
    assert len({need.theme for need in Need.objects.accepted()}) == 5
    assert len({need.world_region for need in Need.objects.accepted()}) == 4
    sacco = Need.objects.get(coop__slug="mwangaza-sacco")
    assert sacco.comments.filter(status="").count() == 2
    coffee = Need.objects.get(coop__slug="twizerane-coffee")
    assert coffee.translations.get().language == "fr"
    declined = Need.objects.get(status=Need.Status.DECLINED)
    assert "internet provider" in declined.review_note
