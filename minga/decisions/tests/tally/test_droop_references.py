"""Scottish and Meek STV against Droop's own counts of its test files and the Glasgow wards.

Names are compared with runs of white space collapsed: Droop's reader joins a name's words
with single spaces, ours keeps the name as written ("Kevin  LANG" in one ward).
"""

import json
import re
from decimal import Decimal

import pytest

from minga.decisions import tally

from .conftest import DROOP, GLASGOW, droop_references

METHOD = {"scotland": "stv-scottish", "meek": "stv-meek"}
REFERENCES = [r for r in droop_references() if r["rule_name"] in METHOD]


def collapse(name: str) -> str:
    return re.sub(r"\s+", " ", name)


def count(reference: dict) -> tally.Result:
    election = tally.blt.read_file(DROOP / reference["ballot_file"])
    return tally.count(METHOD[reference["rule_name"]], election)


@pytest.mark.parametrize(
    "reference",
    REFERENCES,
    ids=[f"{r['ballot_file']}:{r['rule_name']}:{r['options']['arithmetic']}" for r in REFERENCES],
)
def test_it_elects_whom_droop_elects_in_the_same_order(reference):
    result = count(reference)
    assert [collapse(n) for n in result.elected_names] == [
        collapse(n) for n in reference["elected_in_order"]
    ]
    assert result.ballots == reference["nballots"]


def test_it_covers_every_glasgow_ward_and_droops_tie_cases():
    files = {r["ballot_file"] for r in REFERENCES if r["rule_name"] == "scotland"}
    assert len(GLASGOW) == 21
    assert {f"blt/scotland/{path.name}" for path in GLASGOW} <= files
    for case in ("42", "42t", "42u", "SC", "SCw", "SCwopt", "SC-Vm-12", "M135", "513"):
        assert f"blt/{case}.blt" in files
    glasgow = [tally.blt.read_file(path) for path in GLASGOW]
    assert sum(sum(b.weight for b in e.ballots) for e in glasgow) == 188_376


SCOTTISH = [r for r in REFERENCES if r["rule_name"] == "scotland"]


@pytest.mark.parametrize("reference", SCOTTISH, ids=[r["ballot_file"] for r in SCOTTISH])
def test_it_matches_droops_scottish_count_stage_by_stage(reference):
    """Every candidate's votes after every stage, to the fifth decimal, and the quota."""
    log = json.loads((DROOP / reference["reference_file"]).read_text())
    stages = [a for a in log["actions"] if a["tag"] in ("begin", "transfer")]
    result = count(reference)
    assert len(result.rounds) == len(stages)
    for stage, mine in zip(stages, result.rounds, strict=True):
        assert Decimal(stage["quota"]) == mine.quota
        for cid, state in stage["cstate"].items():
            if state["state"] != "withdrawn":
                assert Decimal(state["vote"]) == mine.votes[int(cid) - 1], (mine.number, cid)


MEEK = [r for r in REFERENCES if r["options"]["arithmetic"] == "guarded"]


@pytest.mark.parametrize("reference", MEEK, ids=[r["ballot_file"] for r in MEEK])
def test_it_matches_droops_guarded_meek_final_votes_and_quota(reference):
    log = json.loads((DROOP / reference["reference_file"]).read_text())
    end = next(a for a in log["actions"] if a["tag"] == "end")
    last = count(reference).rounds[-1]
    nine = Decimal("1e-9")
    assert abs(Decimal(end["quota"]).quantize(nine) - last.quota) <= nine
    for cid, state in end["cstate"].items():
        if state["state"] == "elected":
            assert abs(Decimal(state["vote"]).quantize(nine) - last.votes[int(cid) - 1]) <= nine


def test_it_lets_the_tie_order_alone_change_the_meek_result():
    """Droop's 42 and 42t differ only by `[tie 3 2 1]`: Pollux and Helen tie for exclusion."""
    plain = tally.blt.read_file(DROOP / "blt" / "42.blt")
    ordered = tally.blt.read_file(DROOP / "blt" / "42t.blt")
    assert ordered.tie_order == (2, 1, 0)
    assert tally.count("stv-meek", plain).elected_names == ["Castor", "Helen"]
    meek = tally.count("stv-meek", ordered)
    assert meek.elected_names == ["Castor", "Pollux"]
    assert any(r.tie == "decided by the tie-break order" for r in meek.rounds)
    # Scottish STV looks back to earlier stages first, where Pollux had fewer votes.
    scottish = tally.count("stv-scottish", ordered)
    assert scottish.elected_names == ["Castor", "Helen"]


def test_it_breaks_scottish_ties_by_earlier_stages():
    """Droop's weak-defeat and weak-surplus cases need the look-back of rules 49 and 51."""
    for name, elected in (("weak-defeat", ["D", "E"]), ("weak-surplus", ["A", "B", "C", "D"])):
        election = tally.blt.read_file(DROOP / "blt" / "scotland" / f"{name}.blt")
        result = tally.count("stv-scottish", election)
        assert result.elected_names == elected
        ties = [r.tie for r in result.rounds if r.tie]
        assert any(tie.startswith("decided by the votes at stage") for tie in ties)


def test_it_gives_the_third_seat_of_voting_matters_12_to_z_in_scotland_and_x_in_meek():
    election = tally.blt.read_file(DROOP / "blt" / "SC-Vm-12.blt")
    assert tally.count("stv-scottish", election).elected_names == ["B", "A", "Z"]
    assert tally.count("stv-meek", election).elected_names == ["A", "B", "X"]
