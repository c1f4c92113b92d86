import pytest

from minga.challenges.regions import WorldRegion, world_region


@pytest.mark.parametrize(
    ("country", "region"),
    [
        ("RW", WorldRegion.AFRICA),
        ("ke", WorldRegion.AFRICA),
        ("BR", WorldRegion.AMERICAS),
        ("CA", WorldRegion.AMERICAS),
        ("IN", WorldRegion.ASIA_PACIFIC),
        ("NZ", WorldRegion.ASIA_PACIFIC),
        ("ES", WorldRegion.EUROPE),
        ("BE", WorldRegion.EUROPE),
    ],
)
def test_it_places_countries_in_world_regions(country, region):
    assert world_region(country) == region
