"""Properties every count must have, on elections hypothesis makes up."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from minga.decisions import tally
from minga.decisions.tally import Ballot, Election


@st.composite
def elections(draw, max_candidates=6, equal_ranks=True, max_seats=3):
    n = draw(st.integers(2, max_candidates))
    ballots = []
    for _ in range(draw(st.integers(1, 25))):
        order = draw(st.permutations(range(n)))[: draw(st.integers(1, n))]
        ranking: list = []
        i = 0
        while i < len(order):
            size = draw(st.integers(1, len(order) - i)) if equal_ranks else 1
            ranking.append(order[i] if size == 1 else frozenset(order[i : i + size]))
            i += size
        ballots.append(Ballot(draw(st.integers(1, 20)), tuple(ranking)))
    return Election(
        candidates=[f"C{k}" for k in range(n)],
        seats=draw(st.integers(1, min(max_seats, n))),
        ballots=ballots,
        withdrawn=frozenset(draw(st.sets(st.integers(0, n - 1), max_size=n - 1))),
        tie_order=draw(st.none() | st.permutations(range(n)).map(tuple)),
    )


def beats(election: Election, x: int, y: int) -> int:
    """Voters ranking x above y, counted the slow, obvious way."""
    total = 0
    for ballot in election.ballots:
        ranks = {}
        for position, rank in enumerate(ballot.ranking):
            for c in [rank] if isinstance(rank, int) else rank:
                ranks[c] = position
        if ranks.get(x, len(ballot.ranking)) < ranks.get(y, len(ballot.ranking)):
            total += ballot.weight
    return total


@given(elections(equal_ranks=True))
def test_a_condorcet_winner_wins_schulze(election):
    election.withdrawn = frozenset()
    n = len(election.candidates)
    winners = [
        x
        for x in range(n)
        if all(beats(election, x, y) > beats(election, y, x) for y in range(n) if y != x)
    ]
    for method in ("schulze", "schulze-margin"):
        result = tally.count(method, election, seats=1)
        if winners:
            assert result.elected == winners
            assert result.ranking[0] == winners


@given(elections(), st.data())
def test_a_ballot_for_the_plurality_winner_never_makes_them_lose(election, data):
    winner = tally.count("plurality", election, seats=1).elected[0]
    election.ballots.append(Ballot(data.draw(st.integers(1, 5)), (winner,)))
    assert tally.count("plurality", election, seats=1).elected == [winner]


@settings(max_examples=150)
@given(elections())
def test_irv_and_scottish_stv_conserve_every_vote_in_every_round(election):
    for method, seats in (("irv", 1), ("stv-scottish", election.seats)):
        result = tally.count(method, election, seats=seats)
        for r in result.rounds:
            assert sum(r.votes.values()) + r.exhausted + r.lost == result.ballots, (method, r)
            assert r.exhausted >= 0
            assert r.lost >= 0
        standing = len(election.eligible())
        assert len(result.elected) == min(seats, standing)
        assert len(set(result.elected)) == len(result.elected)


@settings(max_examples=100)
@given(elections(max_candidates=5))
def test_meek_accounts_for_every_vote_to_within_its_precision(election):
    result = tally.count("stv-meek", election)
    slack = Decimal(len(election.candidates) + 2) * Decimal("1e-9")
    for r in result.rounds:
        assert abs(r.lost) <= slack
        assert r.exhausted >= 0
    assert len(result.elected) == min(election.seats, len(election.eligible()))


@given(elections(equal_ranks=False))
def test_every_method_is_deterministic_and_elects_eligible_candidates(election):
    for method in tally.METHODS:
        seats = 1 if method == "irv" else election.seats
        first = tally.count(method, election, seats=seats).as_json()
        assert tally.count(method, election, seats=seats).as_json() == first
        withdrawn = {election.candidates[c] for c in election.withdrawn}
        assert not withdrawn & set(first["elected"])
