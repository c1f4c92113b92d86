"""Plurality, approval, score, IRV and Schulze on known elections, and how each breaks ties."""

import json

import pytest

from minga.decisions import tally
from minga.decisions.tally import Ballot, Election, TallyError
from minga.decisions.tally.schulze import pairwise

from .conftest import DATA, DROOP

VOTELIB = json.loads((DATA / "votelib" / "votelib-expected.json").read_text())["elections"]


def election(candidates, ballots, seats=1, **extra):
    return Election(list(candidates), seats, [Ballot(w, tuple(r)) for w, r in ballots], **extra)


@pytest.mark.parametrize("case", VOTELIB, ids=[e["file"] for e in VOTELIB])
@pytest.mark.parametrize("method", ["stv-scottish", "stv-meek"])
def test_it_elects_the_published_winners_of_real_blt_elections(case, method):
    """GNOME 2018, Maemo 2018 and RationalMedia 2020, as votelib's tests assert them."""
    e = tally.blt.read_file(DATA / "votelib" / case["file"])
    assert e.candidates == case["candidates"]
    result = tally.count(method, e)
    if case["order_is_asserted"]:
        assert result.elected_names == case["expected_winners_in_order"]
    else:
        assert sorted(result.elected_names) == sorted(case["expected_winners"])


def test_it_counts_empty_ballots_as_no_valid_vote():
    """Maemo has 51 ballots of which 4 are empty: the Scottish quota counts the 47 valid."""
    e = tally.blt.read_file(DATA / "votelib" / "maemo.blt")
    assert sum(b.weight for b in e.ballots) == 51
    result = tally.count("stv-scottish", e)
    assert result.ballots == 47
    assert result.rounds[0].quota == 47 // 4 + 1


def test_it_ranks_the_wikipedia_schulze_example():
    case = json.loads((DATA / "schulze-wikipedia-45.json").read_text())
    names = case["candidates"]
    e = election(
        names, [(g["count"], [names.index(x) for x in g["ranking"]]) for g in case["ballot_groups"]]
    )
    result = tally.count("schulze", e)
    assert result.elected_names == [case["expected_winner"]]
    assert [[names[c] for c in tier] for tier in result.ranking] == [
        [x] for x in case["expected_ranking"]
    ]
    assert result.rounds[0].detail["pairwise"] == case["pairwise_d"]
    assert result.rounds[0].detail["strongest_paths"] == case["strongest_paths_p"]


def test_it_tells_winning_votes_from_margins():
    """A cycle B > A (7:4), A > C (10:4), C > B (8:6), checked by hand.

    Winning votes: the weakest defeat is B > A (7), so A wins. Margins: the weakest is C > B
    (8 - 6 = 2), so B wins.
    """
    e = election("ABC", [(6, [1, 0, 2]), (3, [2]), (1, [2, 1]), (4, [0, 2])])
    assert pairwise(e.prepared(), [0, 1, 2]) == [[0, 4, 10], [7, 0, 6], [4, 8, 0]]
    assert tally.count("schulze", e).elected_names == ["A"]
    assert tally.count("schulze-margin", e).elected_names == ["B"]


def test_it_reads_truncated_ballots_as_ranking_the_rest_equal_and_last():
    e = election("ABC", [(1, [0])])
    assert pairwise(e.prepared(), [0, 1, 2]) == [[0, 1, 1], [0, 0, 0], [0, 0, 0]]
    assert tally.count("schulze", e).ranking == [[0], [1, 2]]


def test_it_counts_plurality_from_first_preferences_and_approval_from_every_rank():
    e = election("ABC", [(3, [0, 1]), (2, [1, 2]), (2, [2, 1]), (1, [frozenset({0, 2})])])
    plurality = tally.count("plurality", e)
    assert plurality.elected_names == ["A"]
    assert plurality.rounds[0].votes == {0: 3, 1: 2, 2: 2}
    assert plurality.rounds[0].exhausted == 1  # the equal first preference is void
    assert plurality.ranking == [[0], [1, 2]]
    approval = tally.count("approval", e, seats=2)
    assert approval.rounds[0].votes == {0: 4, 1: 7, 2: 5}
    assert approval.elected_names == ["B", "C"]


def test_it_breaks_single_round_ties_by_the_tie_order():
    ballots = [(2, [0]), (2, [1]), (1, [2])]
    assert tally.count("plurality", election("ABC", ballots)).elected_names == ["A"]
    reordered = election("ABC", ballots, tie_order=(1, 0, 2))
    assert tally.count("plurality", reordered).elected_names == ["B"]


def test_it_adds_up_scores():
    result = tally.score(["A", "B", "C"], [{0: 5, 1: 3}, {1: 5, 2: 1}, {0: 2}], seats=1)
    assert result.rounds[0].votes == {0: 7, 1: 8, 2: 1}
    assert result.elected_names == ["B"]
    assert result.as_json()["ranking"] == [["B"], ["A"], ["C"]]
    with pytest.raises(TallyError, match="scores candidate 3"):
        tally.score(["A"], [{3: 1}])
    with pytest.raises(TallyError, match="gives candidate 0 the score 11"):
        tally.score(["A"], [{0: 11}], max_score=10)


def test_it_runs_instant_runoff_rounds():
    """Wikipedia's Tennessee capital example: Knoxville wins by instant runoff."""
    cities = ["Memphis", "Nashville", "Chattanooga", "Knoxville"]
    e = election(
        cities, [(42, [0, 1, 2, 3]), (26, [1, 2, 3, 0]), (15, [2, 3, 1, 0]), (17, [3, 2, 1, 0])]
    )
    result = tally.count("irv", e)
    assert result.elected_names == ["Knoxville"]
    assert [r.excluded for r in result.rounds] == [[], [2], [1]]
    assert result.rounds[-1].votes == {0: 42, 1: 0, 2: 0, 3: 58}


def test_it_excludes_by_earlier_rounds_before_the_tie_order():
    # After C goes, A and B tie at 4; A had fewer at the first round, so A goes.
    e = election("ABCD", [(3, [0]), (4, [1]), (1, [2, 0]), (6, [3])])
    result = tally.count("irv", e)
    assert result.rounds[1].excluded == [2]
    assert result.rounds[2].excluded == [0]
    assert result.rounds[2].tie == "decided by the votes at stage 1"
    assert result.elected_names == ["D"]


def test_it_exhausts_an_irv_ballot_at_an_equal_rank_of_continuing_candidates():
    e = election("ABC", [(3, [0]), (2, [1]), (1, [2, frozenset({0, 1})]), (1, [frozenset({2, 1})])])
    result = tally.count("irv", e)
    assert result.rounds[0].detail["void"] == 1
    assert result.rounds[1].exhausted == 1
    assert result.elected_names == ["A"]


def test_it_refuses_what_it_cannot_count():
    e = tally.blt.read_file(DROOP / "blt" / "SC.blt")
    with pytest.raises(TallyError, match="IRV fills one seat, not 4"):
        tally.count("irv", e)
    with pytest.raises(TallyError, match="Unknown method 'borda'"):
        tally.count("borda", e)
    with pytest.raises(TallyError, match="at least 1"):
        tally.count("schulze", e, seats=0)
    with pytest.raises(TallyError, match="ranks candidate 5 twice"):
        tally.count("irv", election("ABCDEF", [(1, [5, 5])]))
    with pytest.raises(TallyError, match="nobody to elect"):
        tally.count("irv", election("A", [(1, [0])], withdrawn=frozenset({0})))


def test_it_elects_everyone_standing_when_there_are_fewer_candidates_than_seats():
    e = election("AB", [(3, [0]), (1, [1])], seats=3)
    for method in ("stv-scottish", "stv-meek"):
        assert sorted(tally.count(method, e).elected_names) == ["A", "B"]


def test_it_prints_the_design_json_shape():
    e = tally.blt.read_file(DROOP / "blt" / "42.blt")
    out = tally.count("stv-scottish", e).as_json()
    assert list(out) == ["method", "seats", "candidates", "ballots", "elected", "ranking", "rounds"]
    assert out["elected"] == ["Castor", "Helen"]
    assert out["ranking"] is None
    assert out["rounds"][0]["votes"] == {
        "Castor": "4.00000",
        "Pollux": "0.00000",
        "Helen": "2.00000",
    }
    assert tally.count("schulze", e).as_json()["ranking"] == [["Castor"], ["Pollux"], ["Helen"]]
    json.dumps(tally.count("stv-meek", e).as_json())


def test_it_writes_exact_decimals_without_exponents():
    e = tally.blt.read_file(DROOP / "blt" / "SC-Vm-12.blt")
    rounds = tally.count("stv-meek", e).as_json()["rounds"]
    assert rounds[2]["votes"]["Z"] == "0.000000000"
    assert rounds[2]["votes"]["X"] == "667.166666770"
    assert all("E" not in v for r in rounds for v in r["votes"].values())
