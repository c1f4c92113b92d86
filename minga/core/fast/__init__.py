"""The performance layer: every fast path a budget in `bench/` needs, and nothing else.

Minga's code is plain ORM and public Django everywhere else. A piece belongs here only when a
measured budget (bench/README.md) needs it, and it says which one; where it leans on Django's
internals, tests/test_fast_layer.py asserts each of them, so a Django upgrade that changes
one fails there by name. That test also fails when a module outside this package touches
Django's private API (its `ALLOWED` list names the debts left).

`sqlite`
    The SQLite backend (ENGINE `minga.core.fast.sqlite`): writers queue on a file lock,
    BEGIN goes straight to the driver, server processes checkpoint the WAL in a thread.
    Budgets: `ballots-per-second`, `ballots-per-second-database-url`,
    `close-secret-poll-300k`, `payment-callbacks-per-second`.
    Leans on: the SQLite `DatabaseWrapper`'s transaction hooks
    (`_start_transaction_under_autocommit`, `_commit`, `_rollback`, `_close`),
    `get_new_connection`, `transaction_mode`.
`cursor`
    `hot_cursor`: the driver's cursor, with Django's errors and transaction checks, and
    placeholders converted once per statement text.
    Budgets: `ballots-per-second`, `home-signed-in-server-time`, `notices-enqueue-10k`,
    `payment-callbacks-per-second`, `treasury-postings`, `audit-appends`.
    Leans on: the connection wrapper's `health_check_done`, `wrap_database_errors`,
    `validate_no_broken_transaction`, `queries_logged`; SQLite's `%s` to `?` conversion.
`sessions`
    The session store (SESSION_ENGINE `minga.core.fast.sessions`): Django's table and
    encoding, one plain statement per load or save.
    Budgets: `home-signed-in-server-time`, `ballots-per-second`.
    Leans on: the database store's `_get_session`, `_get_or_create_session_key`,
    `_session_key`, `model`.
`rows`
    Instances from plain rows: `load` (the signed-in person, `accounts.backends`), `build`
    (the signing key, `identity.keys`), `handle` (a key-only poll, `decisions.api`),
    `mark_saved` (after a plain INSERT, `audit.log`).
    Budgets: `home-signed-in-server-time`, `ballots-per-second`,
    `credential-issuances-per-core`, `audit-appends`.
    Leans on: `Model.from_db`, `ModelState`, the ORM's column converters.
`sql`
    Quoted table and column names, values prepared by their field, a model's concrete
    fields: what the apps' own hot statements are written with.
    Budgets: those of the statements using it, each named beside its statement.
    Leans on: public APIs only.
`callbacks`
    Providers' money callbacks (views marked `@callback`) straight to their views after
    SecurityMiddleware, through the host check, the size limit and the NUL check only.
    Budgets: `payment-callbacks-per-second`.
    Leans on: public APIs only.
`rowids`
    Primary keys stored as SQLite's row id (no second b-tree, no AUTOINCREMENT).
    Budgets: `ballots-per-second`, `audit-appends`, `payment-callbacks-per-second`.
    Leans on: `Field.db_type`, `db_type_suffix`.

The hot statements themselves stay in their apps (a ballot's in `decisions`, a log append in
`audit`, a notice burst in `channels`...), since core knows no app above it: each names its
budget beside it, builds its SQL with `sql` and runs it on `cursor`, so none of them touches
Django's internals itself.
"""
