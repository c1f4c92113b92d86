"""The BLT reader and writer: Droop's extensions, errors that name the line, round trips."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from minga.decisions.tally import Ballot, Election, TallyError, blt

from .conftest import DATA, DROOP

ALL_FILES = sorted(DATA.rglob("*.blt"))


def test_it_reads_the_original_format():
    election = blt.read(
        "4 2\n-2\n3 1 3 4 0\n4 1 3 2 0\n2 4 1 3 0\n1 2 0\n2 2 4 3 1 0\n1 3 4 2 0\n0\n"
        '"Adam"\n"Basil"\n"Charlotte"\n"Donald"\n"Title"\n'
    )
    assert election.candidates == ["Adam", "Basil", "Charlotte", "Donald"]
    assert election.seats == 2
    assert election.withdrawn == frozenset({1})
    assert election.title == "Title"
    assert election.ballots[0] == Ballot(3, (0, 2, 3))
    assert election.ballots[3] == Ballot(1, (1,))
    assert election.tie_order is None


def test_it_reads_droops_extensions():
    election = blt.read(
        "# a comment line\n"
        "3 1 /* three candidates,\n one seat */\n"
        "[nick a b c]\n"
        "[tie c a b]\n"
        "[withdrawn b]\n"
        "[droop rule=meek]\n"
        "2 a b=c 0  # equal second\n"
        "(ballot-7) 3 1 0\n"
        "1 0\n"
        "0\n"
        '"Ann  Smith" "Bo # not a comment" "Cy /* nor this */"\n'
        '"The title" "a source" "a comment"\n'
    )
    assert election.tie_order == (2, 0, 1)
    assert election.withdrawn == frozenset({1})
    assert election.ballots == [
        Ballot(2, (0, frozenset({1, 2}))),
        Ballot(1, (2, 0)),
        Ballot(1, ()),
    ]
    assert election.candidates == ["Ann  Smith", "Bo # not a comment", "Cy /* nor this */"]
    assert election.title == "The title"


def test_it_reads_droops_withdrawn_line_and_option_alike():
    line = blt.read_file(DROOP / "blt" / "SCw.blt")
    option = blt.read_file(DROOP / "blt" / "SCwopt.blt")
    assert line.withdrawn == option.withdrawn == frozenset({3})
    assert line.ballots == option.ballots


def test_it_strips_a_byte_order_mark_and_reads_unicode_names():
    election = blt.read('\ufeff2 1\n1 2 0\n0\n"Cåstor" "Pøllüx" "Tïtle"')
    assert election.candidates == ["Cåstor", "Pøllüx"]
    assert (DROOP / "blt" / "42u.blt").exists()
    assert blt.read_file(DROOP / "blt" / "42u.blt").candidates[0] == "Cåstor"


MALFORMED = [
    ("", 1, "the file ends where the number of candidates was expected"),
    ("x 2\n", 1, "expected the number of candidates, found 'x'"),
    ("3\n\n", 2, "the number of seats was expected"),
    ("3 0\n0\n", 1, "the number of seats must be at least 1"),
    ("3 1\n1 1 2 0\n2 1 4 0\n0\n", 3, "candidate number 4 is not between 1 and 3"),
    ("3 1\n1 1 2 1 0\n0\n", 2, "candidate 1 is ranked twice"),
    ("3 1\n1.5 1 2 0\n0\n", 2, "expected a ballot weight (a whole number)"),
    ("3 1\n1 1 2 0\n1 2\n0\n", 4, "the file ends where a ballot or the 0 that ends the"),
    ("3 1\n1 1 2\n", 2, "the file ends where the 0 that ends a ballot was expected"),
    ('3 1\n1 1 0\n0\n"A"\n"B"\nC\n', 6, "expected the quoted name of candidate 3, found 'C'"),
    ('3 1\n1 1 0\n0\n"A"\n"B\n', 5, "a quoted string is not closed on this line"),
    ("3 1\n[tie 1 2]\n1 1 0\n0\n", 2, "[tie] must list every candidate exactly once"),
    ("3 1\n[colour 1]\n", 2, "unknown option [colour]"),
    ("3 1\n1 1=x 0\n", 2, "unknown candidate 'x'"),
    ("3 1\n1 1== 0\n0\n", 2, "is not a candidate or candidates joined by '='"),
    ("3 1\n-7\n", 2, "candidate number 7 is not between 1 and 3"),
    ("99999999999999 1\n", 1, "the number of candidates 99999999999999 is too large"),
    ('2 1\n1 1 0\n0\n"A" "B"\nnot-a-title\n', 5, "expected the quoted title"),
]


@pytest.mark.parametrize(("text", "line", "message"), MALFORMED)
def test_it_names_the_line_of_a_malformed_file(text, line, message):
    with pytest.raises(blt.BLTError) as caught:
        blt.read(text)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"line {line}: ")
    assert message in str(caught.value)


def test_it_refuses_a_file_that_is_not_utf8(tmp_path):
    path = tmp_path / "latin1.blt"
    path.write_bytes('2 1\n1 1 0\n0\n"A"\n"Bé"\n'.encode("latin-1"))
    with pytest.raises(blt.BLTError, match="line 5: the file is not UTF-8 text"):
        blt.read_file(path)


@pytest.mark.parametrize("path", ALL_FILES, ids=[p.name for p in ALL_FILES])
def test_it_writes_back_every_data_file_as_it_read_it(path):
    election = blt.read_file(path)
    assert blt.read(blt.write(election)) == election


def test_it_writes_the_gnome_election_as_published():
    """votelib's test: the GNOME file survives a read and a write byte for byte."""
    text = (DATA / "votelib" / "gnome_26.blt").read_text()
    assert blt.write(blt.read(text)).strip() == text.strip()


def test_it_refuses_to_write_a_name_it_could_not_read_back():
    election = Election(['Say "hi"', "B"], 1, [Ballot(1, (0,))])
    with pytest.raises(TallyError, match="quotes or line breaks"):
        blt.write(election)


# --- properties ---------------------------------------------------------------------------

names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters='"'),
    max_size=12,
).filter(lambda s: s == " ".join(s.splitlines()) and len(s.splitlines()) <= 1)


@st.composite
def elections(draw):
    n = draw(st.integers(1, 6))
    ballots = []
    for _ in range(draw(st.integers(0, 12))):
        order = draw(st.permutations(range(n)))[: draw(st.integers(0, n))]
        ranking = []
        i = 0
        while i < len(order):
            size = draw(st.integers(1, len(order) - i))
            group = order[i : i + size]
            ranking.append(group[0] if size == 1 else frozenset(group))
            i += size
        ballots.append(Ballot(draw(st.integers(1, 1000)), tuple(ranking)))
    tie = draw(st.none() | st.permutations(range(n)).map(tuple))
    return Election(
        candidates=draw(st.lists(names, min_size=n, max_size=n)),
        seats=draw(st.integers(1, n)),
        ballots=ballots,
        withdrawn=frozenset(draw(st.sets(st.integers(0, n - 1)))),
        title=draw(names),
        tie_order=None if tie == tuple(range(n)) else tie,
    )


@given(elections())
def test_it_reads_back_whatever_it_writes(election):
    assert blt.read(blt.write(election)) == election


@settings(max_examples=300)
@given(st.text(max_size=200) | st.text(alphabet='0123456789 -=\n"[]()#/*abtie', max_size=120))
def test_it_raises_only_its_own_error_on_arbitrary_text(text):
    try:
        blt.read(text)
    except blt.BLTError as error:
        assert str(error).startswith("line ")
