"""The result charts: well-formed, accessible, escaped, small, no script."""

import xml.etree.ElementTree as ET

from minga.decisions import tally
from minga.decisions.tally import svg

from .conftest import GLASGOW

NS = "{http://www.w3.org/2000/svg}"


def parse(text: str) -> ET.Element:
    root = ET.fromstring(text)
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    title, desc = root.find(f"{NS}title"), root.find(f"{NS}desc")
    assert title is not None and title.text
    assert desc is not None and desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert "<script" not in text and "style=" not in text and "href" not in text
    return root


def test_it_draws_every_round_of_a_glasgow_ward():
    calton = next(p for p in GLASGOW if p.name.startswith("Calton"))
    result = tally.count("stv-scottish", tally.blt.read_file(calton))
    chart = svg.rounds_chart(result, ident="calton")
    root = parse(chart)
    texts = [t.text for t in root.iter(f"{NS}text")]
    for r in result.rounds:
        assert any(text and text.startswith(f"Round {r.number}:") for text in texts)
    assert "George Redmond" in texts
    assert len(list(root.iter(f"{NS}line"))) == len(result.rounds)  # the quota in each round
    assert (
        "Elected: George Redmond, Alison E Thewliss, Ruth Simpson." in root.find(f"{NS}desc").text
    )
    assert len(chart.encode()) < 40_000


def test_it_draws_one_round_methods_and_schulze_as_one_bar_chart():
    e = tally.Election(["A", "B"], 1, [tally.Ballot(2, (0, 1)), tally.Ballot(1, (1,))])
    for method in ("plurality", "schulze"):
        root = parse(svg.rounds_chart(tally.count(method, e)))
        assert len(list(root.iter(f"{NS}rect"))) == 2


def test_it_escapes_every_text():
    chart = svg.bar_chart(["<b>&", "B"], [3, 1], 'Votes "<here>"', highlight=[0])
    root = parse(chart)
    assert root.find(f"{NS}title").text == 'Votes "<here>"'
    assert "<b>" not in chart


def test_it_wraps_long_names_and_drops_candidates_once_excluded():
    long = "A candidate whose name is far too long for one line of the chart, even on a desktop"
    e = tally.Election(
        [long, "B", "C"],
        1,
        [tally.Ballot(4, (0,)), tally.Ballot(3, (1,)), tally.Ballot(2, (2, 1))],
    )
    result = tally.count("irv", e)
    root = parse(svg.rounds_chart(result))
    texts = [t.text for t in root.iter(f"{NS}text")]
    lines = [text for text in texts if text and text.startswith("A candidate")]
    assert lines and all(len(line) <= svg.CHARS for line in lines)
    assert "one line of the chart, even on a desktop" in " ".join(texts)  # wrapped, not cut
    assert int(root.get("width")) == svg.WIDTH <= 300  # 12 px text at its own size on a phone
    assert texts.count("C") == 2  # round 1, and round 2 where it is excluded
    assert "excluded" in texts


def test_it_takes_translated_words_and_a_title():
    e = tally.blt.read_file(GLASGOW[0])
    result = tally.count("stv-scottish", e)
    words = {"round": "Ronda {number}: {heading}", "first preferences": "primeras preferencias"}
    root = parse(svg.rounds_chart(result, title="Barrio", words=words))
    texts = [t.text for t in root.iter(f"{NS}text")]
    assert "Ronda 1: primeras preferencias" in texts
    assert root.find(f"{NS}title").text == "Barrio"
    assert set(svg.WORDS) >= set(words)
