import pytest

from minga.coops.models import Cooperative


@pytest.mark.django_db
def test_it_matches_whole_items_only(coop):
    coop.languages = ["rw", "en"]
    coop.save()
    assert Cooperative.objects.filter(languages__has="rw").count() == 1
    assert Cooperative.objects.filter(languages__has="r").count() == 0
    assert Cooperative.objects.filter(languages__has="w,e").count() == 0
    assert Cooperative.objects.filter(languages__has="%").count() == 0


@pytest.mark.django_db
def test_it_round_trips_lists(coop):
    coop.languages = []
    coop.save()
    coop.refresh_from_db()
    assert coop.languages == []
