import pytest
from django.urls import reverse

from .conftest import ANNOUNCED, at


@pytest.mark.django_db
def test_it_shows_a_gallery_worth_sharing(event, teams, scored, client):
    with at(ANNOUNCED):
        text = client.get(reverse("judging:winners", args=[event.slug])).text
    assert '<meta property="og:title" content="The winners of Virtual coop-a-thon">' in text
    assert 'property="og:description" content="Team Umoja wins with' in text
    assert 'name="twitter:card"' in text
    assert text.index("Team Umoja") < text.index("Team Sur")
    assert "A .coop domain for one year" in text and "Team Developer" in text
    assert "Team Kaveri" not in text  # two prizes: two winners


@pytest.mark.django_db
def test_it_loads_the_gallery_in_a_fixed_number_of_queries(
    event, scored, client, django_assert_max_num_queries
):
    with at(ANNOUNCED), django_assert_max_num_queries(17):
        client.get(reverse("judging:winners", args=[event.slug]))
