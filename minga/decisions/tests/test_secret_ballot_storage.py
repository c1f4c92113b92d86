"""Secret ballots against someone holding the database: the attacks of `attacks`, while the
poll is open (no master key) and after closing (with the master key).

Each test fails on storage that keeps ballots in clear while open (row order and the log pair
them), or that leaves the salt and the tokens in the `-wal` file after closing.
"""

import datetime
import io
import itertools
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from conftest import make_person
from minga.audit.log import format_time
from minga.audit.models import Entry
from minga.decisions import actions, queries, secrecy
from minga.decisions.models import PendingCommitment, Poll, SealedBallot
from minga.identity.keys import master_key

from . import attacks
from .attacks import file_database  # noqa: F401 (a fixture)
from .conftest import join, make_poll

VOTERS = 8
RANKINGS = [[[a], [b], [c]] for a, b, c in itertools.permutations(range(4), 3)]


@pytest.fixture
def crowd(coop):
    people = [make_person(f"Storage Voter {i}", f"storage{i}@example.org") for i in range(VOTERS)]
    for person in people:
        join(coop, person)
    return people


def vote_all(poll, crowd, *, offset=0):
    """Each voter a different ranking; returns {elector id: canonical choice}."""
    truth, receipts = {}, {}
    for i, person in enumerate(crowd):
        (elector,) = queries.electors_for(person, poll)
        choice = {"ranking": RANKINGS[(i + offset) % len(RANKINGS)]}
        receipts[elector.pk] = actions.cast_ballot(
            poll=poll, elector=elector, choice=choice, channel="web", actor=person
        )
        truth[elector.pk] = secrecy.canonical(choice)
    return truth, receipts


def later():
    return timezone.now() + datetime.timedelta(seconds=1)


@pytest.mark.django_db(transaction=True)
def test_it_leaves_no_salt_and_no_token_in_the_database_files_after_closing(
    file_database,  # noqa: F811
    discussion,
    owner,
    crowd,
):
    poll = make_poll(discussion, owner, kind="irv", is_secret=True)
    truth, _receipts = vote_all(poll, crowd)
    vote_all(poll, crowd[::2], offset=5)  # some change their vote
    truth.update(vote_all(poll, crowd[::2], offset=7)[0])
    salt = bytes(Poll.objects.get(pk=poll.pk).ballot_salt)
    key = master_key()
    tokens = {f"token {e}": secrecy.ballot_token(salt, e, key) for e in truth}
    before = attacks.database_files(file_database)
    assert attacks.found_in(before, {"salt": salt})  # the files hold it while open

    actions.close_poll(poll=poll, actor=owner, now=later())

    files = attacks.database_files(file_database)
    assert not attacks.found_in(files, {"salt": salt, **tokens})
    assert files[file_database.name + "-wal"] == b""  # truncated by the closing
    assert attacks.key_attack(poll.pk, list(truth), files, salt, key) == {}
    # The same attack on the files as they were while open finds every voter's ballots (the
    # operator's power, see secrecy): the attack works, the files after closing defeat it.
    assert set(attacks.key_attack(poll.pk, list(truth), before, salt, key)) == set(truth)


@pytest.mark.django_db(transaction=True)
def test_it_gives_a_reader_of_the_files_no_pairing_while_the_poll_is_open(
    file_database,  # noqa: F811
    discussion,
    owner,
    crowd,
):
    poll = make_poll(discussion, owner, kind="irv", is_secret=True)
    truth, _receipts = vote_all(poll, crowd)
    files = attacks.database_files(file_database)
    assert attacks.wal_frame_attack(poll, files) == {}
    assert attacks.row_order_attack(poll) == {}
    assert attacks.log_attack(poll) == {}
    # No choice is in clear anywhere in the files, in any page or frame.
    assert not any(attacks._choices(data) for data in files.values())


@pytest.mark.django_db
def test_it_gives_row_order_no_pairing_while_the_poll_is_open(discussion, owner, crowd):
    poll = make_poll(discussion, owner, kind="irv", is_secret=True)
    truth, _receipts = vote_all(poll, crowd)
    assert not attacks.beyond_chance(attacks.row_order_attack(poll), truth)
    assert not attacks.beyond_chance(attacks.log_attack(poll), truth)
    assert attacks.clear_choices_in_tables() == []


@pytest.mark.django_db
def test_it_logs_commitments_in_shuffled_batches_not_one_per_ballot(discussion, owner, crowd):
    poll = make_poll(discussion, owner, kind="irv", is_secret=True)
    _truth, receipts = vote_all(poll, crowd[:3])
    casts = Entry.objects.filter(kind="ballot.cast", subject=f"poll:{poll.pk}")
    assert not casts.exists()
    assert actions.flush_commitments() == 0  # fewer than a batch: they wait
    assert all(actions.check_receipt(poll=poll, code=c) == "pending" for c in receipts.values())
    _truth, more = vote_all(poll, crowd[3:] * 2)  # enough for a batch
    flushed_from = timezone.now()
    assert actions.flush_commitments(minimum=VOTERS) == 3 + 2 * (VOTERS - 3)
    times = [json.loads(bytes(entry.body))["at"] for entry in casts.order_by("index")]
    assert min(times) >= format_time(flushed_from)  # the batch's moment, not each ballot's
    assert all(actions.check_receipt(poll=poll, code=c) is True for c in receipts.values())
    assert attacks.log_attack(poll) == {}


@pytest.mark.django_db
def test_it_stores_sealed_ballots_in_a_table_ordered_by_token(discussion, owner, crowd):
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for table in ("decisions_sealedballot", "decisions_pendingcommitment"):
                cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [table])
                assert "WITHOUT ROWID" in cursor.fetchone()[0].upper(), table
    poll = make_poll(discussion, owner, kind="irv", is_secret=True)
    truth, _receipts = vote_all(poll, crowd)
    with connection.cursor() as cursor:
        position = "" if connection.vendor == "sqlite" else " ORDER BY ctid"
        cursor.execute(f"SELECT token FROM decisions_sealedballot{position}")  # noqa: S608
        stored = [bytes(token) for (token,) in cursor.fetchall()]
    salt = bytes(Poll.objects.get(pk=poll.pk).ballot_salt)
    assert set(stored) == {secrecy.ballot_token(salt, e) for e in truth}
    if connection.vendor == "sqlite":
        assert stored == sorted(stored)  # the token's order, not the voting order


@pytest.mark.django_db(transaction=True)
def test_it_keeps_receipts_and_counts_after_the_wipe(discussion, owner, crowd):
    poll = make_poll(discussion, owner, kind="irv", is_secret=True)
    truth, receipts = vote_all(poll, crowd)
    closed = actions.close_poll(poll=poll, actor=owner, now=later())
    assert closed.result["quorum"]["voters"] == VOTERS
    assert all(actions.check_receipt(poll=closed, code=c) is True for c in receipts.values())
    assert len(actions.logged_commitments(closed)) == VOTERS


@pytest.mark.django_db
def test_it_logs_the_waiting_commitments_on_each_close_due_round(discussion, owner, crowd):
    poll = make_poll(discussion, owner, kind="irv", is_secret=True)
    vote_all(poll, (crowd * 2)[: actions.MIN_BATCH])
    out = io.StringIO()
    call_command("decisions", "close-due", stdout=out)
    assert f"{actions.MIN_BATCH} ballot commitments logged" in out.getvalue()
    assert len(actions.logged_commitments(poll)) == actions.MIN_BATCH


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_it_leaves_no_salt_and_no_token_in_postgresql_pages_after_closing(discussion, owner, crowd):
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's pages: run with DATABASE_URL=postgres://...")
    poll = make_poll(discussion, owner, kind="irv", is_secret=True)
    truth, _receipts = vote_all(poll, crowd)
    vote_all(poll, crowd[::2], offset=5)  # some change their vote: dead row versions
    truth.update(vote_all(poll, crowd[::2], offset=7)[0])
    salt = bytes(Poll.objects.get(pk=poll.pk).ballot_salt)
    key = master_key()
    tokens = {f"token {e}": secrecy.ballot_token(salt, e, key) for e in truth}
    before = attacks.postgres_pages()
    assert attacks.found_in(before, {"salt": salt})

    actions.close_poll(poll=poll, actor=owner, now=later())

    pages = attacks.postgres_pages()
    assert not attacks.found_in(pages, {"salt": salt, **tokens})
    assert attacks.key_attack(poll.pk, list(truth), pages, salt, key) == {}
    # The attack works on the pages as they were while open (the operator's power).
    assert set(attacks.key_attack(poll.pk, list(truth), before, salt, key)) == set(truth)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_transaction_older_than_the_closing_delays_the_wipe_until_close_due_retries(
    discussion, owner, crowd, monkeypatch
):
    """A reader whose snapshot predates the closing would make VACUUM FULL copy the deleted
    sealed rows into the new file: the wipe waits for it, reports it, and close-due retries."""
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's pages: run with DATABASE_URL=postgres://...")
    import psycopg
    from django.core.cache import caches

    from minga.decisions import jobs, sealed

    monkeypatch.setattr(sealed, "HORIZON_TRIES", 3)
    caches["shared"].delete(sealed.WIPE_PENDING)
    poll = make_poll(discussion, owner, kind="irv", is_secret=True)
    truth, _receipts = vote_all(poll, crowd)
    salt = bytes(Poll.objects.get(pk=poll.pk).ballot_salt)
    tokens = {f"token {e}": secrecy.ballot_token(salt, e, master_key()) for e in truth}
    settings_dict = connection.settings_dict
    with psycopg.connect(
        host=settings_dict["HOST"] or None,
        port=settings_dict["PORT"] or None,
        user=settings_dict["USER"],
        dbname=settings_dict["NAME"],
    ) as reader:
        # A snapshot taken now, on another table (a lock on the wiped ones would block the
        # rewrite itself rather than make it copy what this snapshot still sees).
        reader.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        reader.execute("SELECT count(*) FROM django_migrations")
        actions.close_poll(poll=poll, actor=owner, now=later())
        assert caches["shared"].get(sealed.WIPE_PENDING)
        assert attacks.found_in(attacks.postgres_pages(), tokens)
        reader.rollback()

    jobs.close_due(timezone.now())

    assert not caches["shared"].get(sealed.WIPE_PENDING)
    assert not attacks.found_in(attacks.postgres_pages(), {"salt": salt, **tokens})


@pytest.mark.django_db
def test_it_drops_sealed_ballots_and_waiting_commitments_when_a_poll_is_cancelled(
    discussion, owner, crowd
):
    poll = make_poll(discussion, owner, kind="irv", is_secret=True)
    vote_all(poll, crowd)
    actions.cancel_poll(poll=poll, actor=owner, reason="Wrong question")
    assert not SealedBallot.objects.exists() and not PendingCommitment.objects.exists()
    assert bytes(Poll.objects.get(pk=poll.pk).ballot_salt) == b""


@pytest.mark.django_db
def test_it_tells_a_voter_whose_commitment_waits_that_the_ballot_is_stored(
    client, discussion, owner, crowd
):
    poll = make_poll(discussion, owner, kind="irv", is_secret=True)
    _truth, receipts = vote_all(poll, crowd[:2])
    url = reverse("decisions:receipts", args=[poll.coop.slug, poll.pk])
    client.force_login(owner)
    page = client.get(url, {"code": next(iter(receipts.values()))}).content.decode()
    assert "the ballot with this receipt is stored" in page
    actions.flush_commitments(minimum=1)
    page = client.get(url, {"code": next(iter(receipts.values()))}).content.decode()
    assert "the ballot with this receipt is counted" in page


def test_sealed_ballots_do_not_tell_choices_apart_by_their_size():
    """A reader of the files sees each voter's sealed row (the write sits beside their
    participation in the -wal): its length must not say "agree" from "disagree"."""
    sealer = secrecy.Sealer(1, secrecy.new_salt(), key=b"k" * 32)
    token = sealer.token(7)
    choices = [
        {"consent": "agree"},
        {"consent": "disagree"},
        {"consent": "abstain"},
        {"choice": 0},
        {"choice": 11},
        {"approve": [0, 1, 2, 3]},
        {"ranking": [[2], [0], [1], [3]]},
    ]
    sizes = {len(sealer.seal(token, secrecy.uuid.uuid4(), choice, 1)) for choice in choices}
    assert len(sizes) == 1
    sealed = sealer.seal(token, secrecy.uuid.uuid4(), {"consent": "disagree"}, 3)
    assert sealer.open(token, sealed)[1:] == ({"consent": "disagree"}, 3)
