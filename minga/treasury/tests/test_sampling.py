"""The member sample: the same seed and set always draw the same members."""

import hashlib

from minga.treasury import sampling

MEMBERS = [f"MW{n:04d}" for n in range(1, 41)]


def test_it_draws_the_same_members_from_the_same_seed():
    seed = sampling.seed_from(hashlib.sha256(b"approval entry").digest(), 7)
    first = sampling.draw(seed, MEMBERS, 3)
    assert len(first) == 3
    assert sampling.draw(seed, reversed(MEMBERS), 3) == first
    assert sampling.draw(seed, MEMBERS + MEMBERS[:5], 3) == first


def test_it_draws_by_the_published_rule():
    seed = sampling.seed_from(b"\x01" * 32, 1)
    expected = sorted(
        MEMBERS, key=lambda ref: hashlib.sha256(seed + b"\x00" + ref.encode()).digest()
    )
    assert sampling.draw(seed, MEMBERS, 5) == expected[:5]
    assert seed == hashlib.sha256(sampling.SEED_DOMAIN + b"\x01" * 32 + b"1").digest()


def test_it_depends_on_the_seed():
    draws = {
        tuple(sampling.draw(sampling.seed_from(bytes([n]) * 32, 1), MEMBERS, 3)) for n in range(8)
    }
    assert len(draws) > 1


def test_it_takes_everyone_when_there_are_fewer_than_k():
    assert sorted(sampling.draw(b"s", MEMBERS[:2], 5)) == MEMBERS[:2]
