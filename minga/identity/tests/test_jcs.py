"""RFC 8785 (JCS) vectors, run through the `rfc8785` package and `minga.core.jcs`.

Log entries, DID history and eddsa-jcs-2022 proofs are only verifiable elsewhere
if our canonical bytes equal everyone else's; these vectors pin that down.
"""

import hashlib
import json
import struct
from pathlib import Path

import pytest
import rfc8785

from minga.core.jcs import canonical_json

JCS = Path(__file__).parent / "data" / "jcs"
NAMES = sorted(p.stem for p in (JCS / "input").glob("*.json"))


def test_it_has_all_six_vectors():
    assert NAMES == ["arrays", "french", "structures", "unicode", "values", "weird"]


@pytest.mark.parametrize("name", NAMES)
def test_it_canonicalizes_the_input_to_the_expected_bytes(name):
    data = json.loads((JCS / "input" / f"{name}.json").read_text(encoding="utf-8"))
    expected = (JCS / "output" / f"{name}.json").read_bytes()
    assert rfc8785.dumps(data) == expected
    assert canonical_json(data) == expected  # the fast path, where it applies, and the fallback


@pytest.mark.parametrize("name", NAMES)
def test_it_matches_the_hex_form_of_the_output(name):
    data = json.loads((JCS / "input" / f"{name}.json").read_text(encoding="utf-8"))
    expected = bytes.fromhex("".join((JCS / "outhex" / f"{name}.txt").read_text().split()))
    assert rfc8785.dumps(data) == expected


def test_it_has_the_published_number_file():
    digest = hashlib.sha256((JCS / "es6-numbers-10k.txt").read_bytes()).hexdigest()
    published = json.loads((JCS / "es6-numbers.json").read_text())
    assert digest == "b9f7a8e75ef22a835685a52ccba7f7d6bdc99e34b010992cbc5864cd12be6892"
    assert digest in json.dumps(published)


def _double(hex_ieee: str) -> float:
    return struct.unpack(">d", int(hex_ieee, 16).to_bytes(8, "big"))[0]


def test_it_serializes_ten_thousand_numbers_like_ecmascript():
    failures = []
    lines = (JCS / "es6-numbers-10k.txt").read_text().splitlines()
    assert len(lines) == 10_000
    for line in lines:
        hex_ieee, expected = line.split(",")
        got = rfc8785.dumps(_double(hex_ieee)).decode()
        if got != expected:
            failures.append((hex_ieee, expected, got))
    assert failures == []


def test_it_serializes_the_readme_samples():
    samples = json.loads((JCS / "es6-numbers.json").read_text())["sample_lines_from_readme"]
    assert samples
    for sample in samples:
        assert rfc8785.dumps(_double(sample["hex_ieee"])).decode() == sample["expected"]
