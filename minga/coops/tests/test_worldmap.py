"""The country overview map: centroid data and the SVG it renders.

Pure functions, no database and no settings: runs with or without pytest-django.
"""

import gzip
import math
import random
import re
import xml.etree.ElementTree as ET

import pytest
from django_countries.data import COUNTRIES

from minga.coops import worldmap
from minga.coops.worldmap import load_centroids, project, render_map

SVG = "{http://www.w3.org/2000/svg}"


def _href(code):
    return f"/coops/?country={code}"


def _render(counts, labels=None, **kwargs):
    kwargs.setdefault("title", "Cooperatives by country")
    return render_map(counts, labels=labels or {}, href=_href, **kwargs)


def _parse(svg):
    """Parse as XML, wrapped the way it sits inside an HTML page."""
    root = ET.fromstring(f"<div>{svg}</div>")
    (svg_el,) = root
    return svg_el


def _dots(svg):
    """{accessible name: (cx, cy, r, href)} for every circle link."""
    dots = {}
    for link in _parse(svg).iter(f"{SVG}a"):
        circle = link.find(f"{SVG}circle")
        name = link.find(f"{SVG}title").text
        dots[name] = (
            float(circle.get("cx")),
            float(circle.get("cy")),
            float(circle.get("r")),
            link.get("href"),
        )
    return dots


# --- centroid data -----------------------------------------------------------


def test_it_has_a_centroid_for_every_iso_country():
    centroids = load_centroids()
    assert set(COUNTRIES) <= set(centroids)
    assert len(centroids) == len(COUNTRIES)


def test_it_keeps_centroids_in_range_and_codes_clean():
    for code, (lat, lon) in load_centroids().items():
        assert re.fullmatch(r"[A-Z]{2}", code)
        assert -90 <= lat <= 90 and -180 <= lon <= 180, code


@pytest.mark.parametrize(
    ("code", "lat", "lon"),
    [
        ("RW", -2.0, 29.9),
        ("KE", 0.2, 37.9),
        ("AR", -34.0, -64.0),
        ("BR", -10.0, -52.0),
        ("IN", 22.0, 79.0),
        ("CA", 60.0, -96.0),
        ("ES", 40.0, -3.7),
        ("IT", 42.8, 12.8),
        ("AU", -25.0, 134.0),
        ("JP", 36.5, 138.5),
        ("ZA", -29.0, 25.0),
        ("MX", 23.6, -102.5),
        ("DE", 51.2, 10.4),
        ("NZ", -41.5, 172.8),
        ("PE", -9.2, -75.0),
        ("FJ", -17.8, 178.0),
    ],
)
def test_it_places_spot_checked_centroids(code, lat, lon):
    got_lat, got_lon = load_centroids()[code]
    assert abs(got_lat - lat) <= 2.0
    assert abs(got_lon - lon) <= 2.0


def test_it_reads_the_file_once_and_hands_out_copies():
    first = load_centroids()
    first["RW"] = (0.0, 0.0)
    assert load_centroids()["RW"] == (-2.0, 29.9)
    assert worldmap._centroids() is worldmap._centroids()


def test_it_projects_into_the_cropped_frame():
    assert project(78, -180) == (0, 0)
    assert project(-58, 180) == (720, 272)
    assert project(-89, 0)[1] == 272  # Antarctica is clamped to the bottom edge
    x, y = project(0, 0, width=360)
    assert (x, y) == (180, 78)  # 1 unit per degree at width 360


# --- rendering ---------------------------------------------------------------


def test_it_places_countries_where_they_are():
    labels = {"RW": "Rwanda", "AR": "Argentina", "CA": "Canada", "BR": "Brazil"}
    dots = _dots(_render({"RW": 3, "AR": 5, "CA": 2, "BR": 8}, labels))
    rw, ar = dots["Rwanda: 3"], dots["Argentina: 5"]
    ca, br = dots["Canada: 2"], dots["Brazil: 8"]
    assert rw[0] > ar[0]  # Rwanda east of Argentina
    assert ca[1] < br[1]  # Canada north of Brazil (SVG y grows downwards)
    assert rw[3] == "/coops/?country=RW"


def test_it_makes_circle_area_proportional_to_count():
    dots = _dots(_render({"ES": 100, "IT": 25, "PT": 4}))
    (_, _, r_es, _), (_, _, r_it, _) = dots["ES: 100"], dots["IT: 25"]
    assert math.isclose((r_es / r_it) ** 2, 4, rel_tol=0.05)
    assert dots["PT: 4"][2] >= 4  # small counts stay visible


def test_it_draws_a_single_cooperative_modestly():
    (dot,) = _dots(_render({"UY": 1})).values()
    assert 4 <= dot[2] <= 8


def test_it_links_each_country_with_an_accessible_name():
    svg = _render({"KE": 2}, {"KE": "Kenya"}, title="Where we are")
    root = _parse(svg)
    title_id = root.get("aria-labelledby")
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}title").text == "Where we are"
    assert root.get("class") == "map"
    assert root.get("viewBox") == "0 0 720 272"
    (link,) = root.iter(f"{SVG}a")
    assert link.get("href") == "/coops/?country=KE"
    assert link.find(f"{SVG}title").text == "Kenya: 2"


def test_it_labels_big_circles_with_their_code():
    root = _parse(_render({"BR": 40, "UY": 1}))
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts == ["BR"]  # Uruguay's circle is too small to hold a label


def test_it_skips_unknown_codes_and_empty_counts():
    dots = _dots(_render({"XX": 4, "": 1, "KE": 0, "UG": -1, "rw": 2, "TZ": 1}))
    assert sorted(dots) == ["RW: 2", "TZ: 1"]


def test_it_renders_an_empty_map():
    root = _parse(_render({}))
    assert list(root.iter(f"{SVG}a")) == []
    assert root.find(f"{SVG}path[@class='map-land']") is not None


def test_it_keeps_edge_countries_inside_the_frame():
    dots = _dots(_render({"AQ": 1, "SJ": 1, "FJ": 1, "WS": 1}))
    for cx, cy, r, _ in dots.values():
        assert r <= cx <= 720 - r
        assert r <= cy <= 272 - r


def test_it_escapes_hostile_text():
    evil = "<script>alert('x')</script> & \"q\" \x00\x1b"
    svg = render_map(
        {"RW": 1},
        labels={"RW": evil},
        href=lambda code: f'/c?x="><script>{code}',
        title=f"</title>{evil}",
    )
    assert "<script" not in svg
    assert svg.count("<title") == 2  # the map's and the link's, nothing injected
    root = _parse(svg)  # still well-formed
    assert root.find(f"{SVG}title").text == "</title><script>alert('x')</script> & \"q\" "
    (link,) = root.iter(f"{SVG}a")
    assert link.get("href") == '/c?x="><script>RW'
    assert link.find(f"{SVG}title").text.startswith("<script>")


def test_it_is_deterministic():
    counts = {"ES": 3, "AR": 3, "KE": 1, "IN": 7}
    labels = {"ES": "Spain", "AR": "Argentina"}
    shuffled = dict(reversed(list(counts.items())))
    assert _render(counts, labels) == _render(shuffled, labels)


def test_it_needs_nothing_external_and_passes_a_strict_csp():
    svg = _render({"ES": 3, "KE": 1}, {"ES": "Spain"})
    assert "style" not in svg.lower()
    assert "<script" not in svg
    assert "<image" not in svg and "<use" not in svg
    assert re.findall(r"https?://[^\"]+", svg) == ["http://www.w3.org/2000/svg"]
    assert " on" not in svg  # no event handler attributes


def test_it_stays_small_for_sixty_countries():
    rng = random.Random(20240601)
    codes = rng.sample(sorted(COUNTRIES), 60)
    counts = {code: rng.choice([1, 1, 2, 3, 5, 8, 13, 40, 120]) for code in codes}
    labels = {code: f"Cooperative country {code}" for code in codes}
    svg = _render(counts, labels)
    size = len(svg.encode())
    assert size < 12_000, size
    assert len(gzip.compress(svg.encode())) < 4_000
    assert len(_dots(svg)) == 60


def test_it_scales_to_another_width():
    root = _parse(_render({"ES": 2}, width=360))
    assert root.get("viewBox") == "0 0 360 136"
    land = root.find(f"{SVG}path[@class='map-land']")
    assert land.get("transform") == "scale(0.5)"
    ((cx, cy, r, _),) = _dots(_render({"ES": 2}, width=360)).values()
    assert (cx, cy) == pytest.approx(project(40.0, -3.7, width=360), abs=0.1)


def test_it_rejects_a_useless_width():
    with pytest.raises(ValueError):
        _render({"ES": 1}, width=0)


def test_it_keeps_the_land_outline_inside_the_frame():
    numbers = re.findall(r"-?\d+", worldmap.LAND_PATH)
    assert len(numbers) > 200 and len(worldmap.LAND_PATH) < 3_000
    # Walk the path: absolute moves, then relative line segments.
    for subpath in re.findall(r"M[^M]+", worldmap.LAND_PATH):
        head, _, rest = subpath[1:].rstrip("z").partition("l")
        x, y = (int(v) for v in head.split())
        steps = [int(v) for v in re.findall(r"-?\d+", rest)]
        for dx, dy in zip(steps[::2], steps[1::2], strict=True):
            x, y = x + dx, y + dy
            assert 0 <= x <= 720 and 0 <= y <= 272
