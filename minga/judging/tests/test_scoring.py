"""The pure judging algorithms: assignment, normalisation, ties, members' choice."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minga.judging import scoring
from minga.judging.scoring import Mark, assign, standings

# --- assignment ---

affiliation_sets = st.frozensets(st.sampled_from([f"coop:{n}" for n in range(6)]), max_size=2)


@st.composite
def juries(draw):
    jurors = draw(st.dictionaries(st.integers(1, 40), affiliation_sets, max_size=12))
    teams = draw(st.dictionaries(st.integers(1, 200), affiliation_sets, max_size=25))
    return jurors, teams, draw(st.integers(1, 5))


def _assigned(plan: scoring.Plan) -> dict[int, list[int]]:
    result: dict[int, list[int]] = {}
    for juror, proposal in plan.pairs:
        result.setdefault(proposal, []).append(juror)
    return result


@given(juries())
@settings(max_examples=200, deadline=None)
def test_it_never_assigns_a_juror_in_conflict(jury):
    jurors, teams, per = jury
    plan = assign(jurors=jurors, teams=teams, per_proposal=per)
    for juror, proposal in plan.pairs:
        assert not scoring.in_conflict(jurors[juror], teams[proposal])


@given(juries())
@settings(max_examples=200, deadline=None)
def test_it_gives_each_proposal_enough_jurors_or_says_why_not(jury):
    jurors, teams, per = jury
    plan = assign(jurors=jurors, teams=teams, per_proposal=per)
    assigned = _assigned(plan)
    for proposal, affiliations in teams.items():
        eligible = [j for j in jurors if not scoring.in_conflict(jurors[j], affiliations)]
        got = assigned.get(proposal, [])
        assert len(got) == len(set(got)) == min(per, len(eligible))
        if len(eligible) < per:
            assert plan.short[proposal] == len(eligible)
        else:
            assert proposal not in plan.short


@given(juries())
@settings(max_examples=100, deadline=None)
def test_it_decides_the_same_whatever_the_input_order(jury):
    jurors, teams, per = jury
    once = assign(jurors=jurors, teams=teams, per_proposal=per)
    again = assign(
        jurors=dict(reversed(list(jurors.items()))),
        teams=dict(reversed(list(teams.items()))),
        per_proposal=per,
    )
    assert once.pairs == again.pairs and once.short == again.short and once.load == again.load


@given(st.integers(3, 15), st.integers(0, 60), st.integers(3, 5))
@settings(max_examples=100, deadline=None)
def test_it_balances_the_load_within_one_without_conflicts(n_jurors, n_proposals, per):
    jurors = {j: frozenset({f"person:{j}"}) for j in range(1, n_jurors + 1)}
    teams = {p: frozenset({f"coop:team-{p}"}) for p in range(1, n_proposals + 1)}
    plan = assign(jurors=jurors, teams=teams, per_proposal=per)
    loads = list(plan.load.values())
    assert max(loads) - min(loads) <= 1
    assert len(plan.pairs) == n_proposals * min(per, n_jurors)


def test_it_explains_a_proposal_with_too_few_jurors_without_conflicts():
    jurors = {1: frozenset({"coop:a"}), 2: frozenset({"coop:a"}), 3: frozenset({"coop:b"})}
    teams = {10: frozenset({"coop:a"}), 11: frozenset({"coop:c"})}
    plan = assign(jurors=jurors, teams=teams, per_proposal=3)
    assert plan.short == {10: 1}
    assert _assigned(plan) == {10: [3], 11: [1, 2, 3]}


def test_it_keeps_scored_pairs_and_drops_new_conflicts():
    jurors = {1: frozenset({"coop:a"}), 2: frozenset(), 3: frozenset(), 4: frozenset()}
    teams = {10: frozenset({"coop:a"})}
    plan = assign(
        jurors=jurors, teams=teams, per_proposal=3, existing=[(1, 10), (2, 10)], locked=[]
    )
    assert plan.dropped == [(1, 10)] and plan.kept == [(2, 10)]
    assert plan.pairs == [(2, 10), (3, 10), (4, 10)]
    locked = assign(jurors=jurors, teams=teams, per_proposal=3, locked=[(1, 10)])
    assert (1, 10) in locked.kept  # already scored: kept, the organisers decide


# --- normalisation ---

WEIGHTS = {1: 1.0}


def test_it_ranks_the_strict_jurors_favourite_above_the_lenient_jurors_second():
    """Lenient L gives A 5 and B 4; strict S gives C 3 and D 2. By raw means the order is
    A, B, C, D; compared with each juror's own habits, C is as good as A, and better than B."""
    marks = [Mark(1, 1, 1, 5), Mark(1, 2, 1, 4), Mark(2, 3, 1, 3), Mark(2, 4, 1, 2)]
    ranked = standings(marks, weights=WEIGHTS, submitted={})
    assert [s.proposal for s in ranked] == [1, 3, 2, 4]
    assert ranked[0].score == pytest.approx(1) and ranked[1].score == pytest.approx(1)
    assert ranked[1].tie_break == scoring.TIE_RAW  # A and C tie; A's raw mean is higher
    assert ranked[2].tie_break is None


def test_it_gives_no_weight_to_a_juror_who_scores_everything_alike():
    marks = [Mark(1, 1, 1, 5), Mark(1, 2, 1, 5), Mark(2, 1, 1, 2), Mark(2, 2, 1, 4)]
    ranked = standings(marks, weights=WEIGHTS, submitted={})
    assert [s.proposal for s in ranked] == [2, 1]
    assert ranked[0].normalised == {1: pytest.approx(0.5)}  # (0 + 1) / 2


def test_it_weighs_the_criteria():
    # Juror 1 prefers proposal 1 on criterion 1, proposal 2 on criterion 2 (weight 3).
    marks = [Mark(1, 1, 1, 5), Mark(1, 1, 2, 1), Mark(1, 2, 1, 1), Mark(1, 2, 2, 5)]
    ranked = standings(marks, weights={1: 1, 2: 3}, submitted={})
    assert [s.proposal for s in ranked] == [2, 1]
    assert ranked[0].raw == pytest.approx((1 * 1 + 5 * 3) / 4)
    assert ranked[0].criteria == {1: 1, 2: 5}


marks_strategy = st.lists(
    st.builds(
        Mark,
        juror=st.integers(1, 5),
        proposal=st.integers(1, 8),
        criterion=st.integers(1, 3),
        value=st.integers(1, 5),
    ),
    max_size=80,
    unique_by=lambda m: (m.juror, m.proposal, m.criterion),
)
weights_strategy = st.fixed_dictionaries(
    {1: st.integers(1, 50), 2: st.integers(1, 50), 3: st.integers(1, 50)}
)


@given(marks_strategy, weights_strategy, st.randoms())
@settings(max_examples=200, deadline=None)
def test_it_ranks_everyone_once_whatever_the_order_of_marks(marks, weights, rng):
    once = standings(marks, weights=weights, submitted={})
    shuffled = list(marks)
    rng.shuffle(shuffled)
    again = standings(shuffled, weights=weights, submitted={})
    assert [s.rank for s in once] == list(range(1, len(once) + 1))
    assert [s.proposal for s in once] == [s.proposal for s in again]
    assert {s.proposal for s in once} == {m.proposal for m in marks}
    scores = [round(s.score, scoring.PLACES) for s in once]
    assert scores == sorted(scores, reverse=True)


@given(marks_strategy, weights_strategy, st.integers(1, 5), st.integers(-3, 3), st.integers(1, 4))
@settings(max_examples=200, deadline=None)
def test_it_is_blind_to_how_lenient_or_strict_a_juror_is(marks, weights, juror, shift, factor):
    """Shifting or stretching all of one juror's scores changes nobody's normalised score."""
    changed = [
        Mark(m.juror, m.proposal, m.criterion, m.value * factor + shift) if m.juror == juror else m
        for m in marks
    ]
    before = {s.proposal: s.score for s in standings(marks, weights=weights, submitted={})}
    after = {s.proposal: s.score for s in standings(changed, weights=weights, submitted={})}
    assert before.keys() == after.keys()
    for proposal, score in before.items():
        assert math.isclose(score, after[proposal], abs_tol=1e-9)


# --- ties ---


def test_it_breaks_a_tie_by_criteria_won():
    # Same score (0) and raw mean (3); proposal 1 is better on two criteria of three.
    marks = [Mark(1, 1, c, v) for c, v in ((1, 4), (2, 4), (3, 1))]
    marks += [Mark(1, 2, c, 3) for c in (1, 2, 3)]
    ranked = standings(marks, weights={1: 1, 2: 1, 3: 1}, submitted={1: 20, 2: 10})
    assert [s.proposal for s in ranked] == [1, 2]
    assert [s.criteria_won for s in ranked] == [2, 1]
    assert ranked[1].tie_break == scoring.TIE_CRITERIA


def test_it_breaks_a_tie_by_the_earlier_submission_then_the_first_saved():
    # Same score, raw mean and criteria won (one each).
    marks = [Mark(1, 1, 1, 5), Mark(1, 1, 2, 1), Mark(1, 2, 1, 3), Mark(1, 2, 2, 3)]
    weights = {1: 1, 2: 1}
    ranked = standings(marks, weights=weights, submitted={1: 20, 2: 10})
    assert [s.proposal for s in ranked] == [2, 1]
    assert ranked[1].tie_break == scoring.TIE_SUBMITTED
    ranked = standings(marks, weights=weights, submitted={1: 10, 2: 10})
    assert [s.proposal for s in ranked] == [1, 2]
    assert ranked[1].tie_break == scoring.TIE_ORDER


# --- members' choice ---


def test_it_shares_ranks_between_equal_approval_counts():
    assert scoring.approval_ranking({5: 3, 7: 9, 2: 3, 1: 0}) == [
        (7, 9, 1),
        (2, 3, 2),
        (5, 3, 2),
        (1, 0, 4),
    ]


def test_it_awards_one_prize_per_rank():
    ranked = standings(
        [Mark(1, p, 1, v) for p, v in ((1, 5), (2, 4), (3, 3))], weights=WEIGHTS, submitted={}
    )
    assert [s.proposal for s in scoring.winners(ranked, 2)] == [1, 2]
    assert [s.proposal for s in scoring.winners(ranked, 0)] == [1]
