"""The reputation formula: each rule, determinism, and recomputing from the published JSON."""

import json
import random

import pytest

from minga.credentials import reputation
from minga.credentials.reputation import EARNED, ISSUED, Input, InputError, score

COOP_A = "did:web:minga.example:coops:a"
COOP_B = "did:web:minga.example:coops:b"


def earned(n: int, *, issuer=COOP_A, kind="Course", achievement=None, rank=None) -> Input:
    return Input(
        credential=f"https://minga.example/credentials/{n:04d}",
        issuer=issuer,
        achievement=achievement or f"https://minga.example/achievements/{n}",
        achievement_type=kind,
        rank=rank,
        log_index=n,
    )


def test_it_scores_nothing_as_zero():
    assert score([]).total == 0


def test_it_counts_points_by_achievement_type():
    assert score([earned(1, kind="Award")]).total == 5
    assert score([earned(1, kind="CertificateOfCompletion")]).total == 3
    assert score([earned(1, kind="Membership")]).total == 1


def test_it_counts_an_unlisted_type_at_the_default():
    assert score([earned(1, kind="Diploma")]).total == reputation.DEFAULT_POINTS


def test_it_adds_a_bonus_for_the_first_three_ranks():
    assert score([earned(1, kind="Award", rank=1)]).total == 8
    assert score([earned(1, kind="Award", rank=2)]).total == 7
    assert score([earned(1, kind="Award", rank=3)]).total == 6
    assert score([earned(1, kind="Award", rank=4)]).total == 5


def test_it_counts_the_same_achievement_once():
    same = "https://minga.example/achievements/bookkeeping"
    result = score([earned(1, achievement=same), earned(2, achievement=same)])
    assert result.total == 3
    assert [line.reason for line in result.lines] == ["earned", "same-achievement"]


def test_it_keeps_the_best_of_the_same_achievement():
    same = "https://minga.example/achievements/prize"
    result = score(
        [
            earned(1, kind="Award", achievement=same),
            earned(2, kind="Award", achievement=same, rank=1),
        ]
    )
    assert result.total == 8
    assert {line.credential[-4:]: line.points for line in result.lines} == {"0001": 0, "0002": 8}


def test_it_caps_what_one_issuer_can_give():
    many = [earned(n, kind="Award") for n in range(10)]
    assert score(many).total == reputation.ISSUER_CAP
    reasons = [line.reason for line in score(many).lines]
    assert reasons.count("earned") == 4 and "issuer-cap" in reasons


def test_it_caps_each_issuer_separately():
    many = [earned(n, kind="Award") for n in range(10)]
    more = [earned(100 + n, kind="Award", issuer=COOP_B) for n in range(10)]
    assert score(many + more).total == 2 * reputation.ISSUER_CAP


def test_it_counts_certificates_a_cooperative_issued_up_to_a_cap():
    issued = [
        Input(f"https://minga.example/credentials/{n}", COOP_A, "a", "Course", relation=ISSUED)
        for n in range(60)
    ]
    assert score(issued).total == reputation.ISSUED_CAP
    assert score(issued[:7]).total == 7


def test_it_does_not_depend_on_the_order_of_inputs():
    items = [
        earned(n, kind=kind, issuer=issuer)
        for n, (kind, issuer) in enumerate(
            [("Award", COOP_A), ("Course", COOP_B), ("Award", COOP_A)] * 5
        )
    ]
    expected = score(items)
    for seed in range(5):
        random.Random(seed).shuffle(items)
        assert score(items) == expected


def test_it_ignores_an_input_given_twice():
    assert score([earned(1), earned(1)]).total == 3


def test_it_refuses_an_unknown_relation():
    with pytest.raises(InputError):
        score([Input("c", COOP_A, "a", "Course", relation="bought")])


def test_it_recomputes_the_score_from_the_published_document():
    items = [
        earned(1, kind="Award", rank=1),
        earned(2),
        earned(3, issuer=COOP_B, kind="Competency"),
    ]
    text = json.dumps(reputation.document("did:web:minga.example:coops:a", items))
    assert reputation.recompute(text) == 8 + 3 + 4
    data = json.loads(text)
    data["score"] = 1000
    assert reputation.recompute(json.dumps(data)) == 15


def test_it_publishes_the_formula_with_the_score():
    data = reputation.document("x", [earned(1)])
    assert data["formula"]["name"] == reputation.FORMULA
    assert data["formula"]["type_points"]["Award"] == 5
    assert data["lines"] == [
        {"credential": earned(1).credential, "relation": EARNED, "points": 3, "reason": "earned"}
    ]


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"inputs": {}}',
        '{"formula": {"name": "other-formula"}, "inputs": []}',
        '{"formula": {"name": "minga-reputation-1"}, "inputs": [1]}',
        '{"formula": {"name": "minga-reputation-1"}, "inputs": [{"credential": 1}]}',
        '{"formula": {"name": "minga-reputation-1"}, "inputs": [{"credential": "c", "issuer": "i",'
        ' "achievement": "a", "achievement_type": "Award", "rank": "1"}]}',
        '{"formula": {"name": "minga-reputation-1"}, "inputs": [{"credential": "c", "issuer": "i",'
        ' "achievement": "a", "achievement_type": "Award", "relation": "gift"}]}',
    ],
)
def test_it_refuses_a_malformed_document_clearly(text):
    with pytest.raises(InputError):
        reputation.recompute(text)
