"""The database's own guarantees on the books, on SQLite and PostgreSQL alike.

- An entry's header is written after its lines and seals them: its insertion is refused unless
  those lines number `line_count`, sum to zero, have debits summing to `total`, belong to the
  header's cooperative (accounts included) and date; unless the date is in an open period of an
  open fiscal year whose counter just gave this number; and unless `prev_hash` is the hash of
  the entry numbered one less (zeros for the first). Lines whose header never comes are refused
  at commit by their (deferred) foreign key.
- A line cannot be added to a sealed entry; lines, headers and share movements are never
  updated or deleted.
- Each line adds itself to its account's movement of the day and to the member's sub-ledger
  balance, so the balances the reports read cannot disagree with the lines.

On SQLite, Django alters a field by rebuilding its table, which drops the table's triggers and
breaks those of other tables that name it: a later migration that alters one of these tables
must run this one's statements again (`SQLITE` below) after it. The attack tests in
`treasury/tests/test_database_guards.py` fail if a trigger is missing.
"""

from django.db import migrations

STRIDE = 1_000_000_000
IMMUTABLE = ("treasury_line", "treasury_journalentry", "treasury_sharemovement")

SQLITE = [
    f"""
CREATE TRIGGER treasury_entry_seal BEFORE INSERT ON treasury_journalentry
BEGIN
  SELECT RAISE(ABORT, 'treasury: the lines of this entry do not balance')
  WHERE (SELECT COUNT(*) FROM treasury_line WHERE entry_id = NEW.id) != NEW.line_count
     OR (SELECT COALESCE(SUM(amount), 0) FROM treasury_line WHERE entry_id = NEW.id) != 0
     OR (SELECT COALESCE(SUM(amount), 0) FROM treasury_line
         WHERE entry_id = NEW.id AND amount > 0) != NEW.total
     OR EXISTS (SELECT 1 FROM treasury_line l JOIN treasury_account a ON a.id = l.account_id
                WHERE l.entry_id = NEW.id
                  AND (l.coop_id != NEW.coop_id OR a.coop_id != NEW.coop_id OR l.date != NEW.date));
  SELECT RAISE(ABORT, 'treasury: this period is closed')
  WHERE EXISTS (SELECT 1 FROM treasury_period WHERE fiscal_year_id = NEW.fiscal_year_id
                AND closed_at IS NOT NULL AND NEW.date BETWEEN start AND "end");
  SELECT RAISE(ABORT, 'treasury: not the next number of an open fiscal year')
  WHERE NOT EXISTS (SELECT 1 FROM treasury_fiscalyear WHERE id = NEW.fiscal_year_id
                    AND coop_id = NEW.coop_id AND status = 'open' AND last_number = NEW.number
                    AND NEW.date BETWEEN start AND "end")
     OR NEW.id != NEW.fiscal_year_id * {STRIDE} + NEW.number;
  SELECT RAISE(ABORT, 'treasury: the hash chain is broken')
  WHERE NEW.prev_hash != COALESCE(
      (SELECT hash FROM treasury_journalentry
       WHERE fiscal_year_id = NEW.fiscal_year_id AND number = NEW.number - 1),
      zeroblob(32));
END
""",
    """
CREATE TRIGGER treasury_line_sealed BEFORE INSERT ON treasury_line
WHEN EXISTS (SELECT 1 FROM treasury_journalentry WHERE id = NEW.entry_id)
BEGIN
  SELECT RAISE(ABORT, 'treasury: this entry is posted and takes no more lines');
END
""",
    """
CREATE TRIGGER treasury_line_balances AFTER INSERT ON treasury_line
BEGIN
  INSERT INTO treasury_dailybalance (coop_id, account_id, date, movement, debits, credits)
  VALUES (NEW.coop_id, NEW.account_id, NEW.date, NEW.amount,
          MAX(NEW.amount, 0), MAX(-NEW.amount, 0))
  ON CONFLICT (account_id, date) DO UPDATE SET
    movement = movement + excluded.movement,
    debits = debits + excluded.debits,
    credits = credits + excluded.credits;
  INSERT INTO treasury_memberbalance (member_id, account_id, balance)
  SELECT NEW.member_id, NEW.account_id, NEW.amount WHERE NEW.member_id IS NOT NULL
  ON CONFLICT (member_id, account_id) DO UPDATE SET balance = balance + excluded.balance;
END
""",
    *(
        f"""
CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table}
BEGIN
  SELECT RAISE(ABORT, 'treasury: posted books never change ({op} refused)');
END
"""
        for table in IMMUTABLE
        for op in ("UPDATE", "DELETE")
    ),
]

POSTGRESQL = [
    """
CREATE FUNCTION treasury_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'treasury: posted books never change (% refused)', TG_OP
    USING ERRCODE = 'integrity_constraint_violation';
END $$
""",
    f"""
CREATE FUNCTION treasury_entry_seal() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  n bigint; s numeric; d numeric; bad boolean;
BEGIN
  SELECT COUNT(*), COALESCE(SUM(l.amount), 0),
         COALESCE(SUM(l.amount) FILTER (WHERE l.amount > 0), 0),
         COALESCE(BOOL_OR(l.coop_id <> NEW.coop_id OR a.coop_id <> NEW.coop_id
                          OR l.date <> NEW.date), false)
    INTO n, s, d, bad
    FROM treasury_line l JOIN treasury_account a ON a.id = l.account_id
   WHERE l.entry_id = NEW.id;
  IF n <> NEW.line_count OR s <> 0 OR d <> NEW.total OR bad THEN
    RAISE EXCEPTION 'treasury: the lines of this entry do not balance'
      USING ERRCODE = 'check_violation';
  END IF;
  IF EXISTS (SELECT 1 FROM treasury_period WHERE fiscal_year_id = NEW.fiscal_year_id
             AND closed_at IS NOT NULL AND NEW.date BETWEEN start AND "end") THEN
    RAISE EXCEPTION 'treasury: this period is closed' USING ERRCODE = 'check_violation';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM treasury_fiscalyear WHERE id = NEW.fiscal_year_id
                 AND coop_id = NEW.coop_id AND status = 'open' AND last_number = NEW.number
                 AND NEW.date BETWEEN start AND "end")
     OR NEW.id <> NEW.fiscal_year_id::bigint * {STRIDE} + NEW.number THEN
    RAISE EXCEPTION 'treasury: not the next number of an open fiscal year'
      USING ERRCODE = 'check_violation';
  END IF;
  IF NEW.prev_hash IS DISTINCT FROM COALESCE(
       (SELECT hash FROM treasury_journalentry
         WHERE fiscal_year_id = NEW.fiscal_year_id AND number = NEW.number - 1),
       decode(repeat('00', 32), 'hex')) THEN
    RAISE EXCEPTION 'treasury: the hash chain is broken' USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$
""",
    """
CREATE TRIGGER treasury_entry_seal BEFORE INSERT ON treasury_journalentry
FOR EACH ROW EXECUTE FUNCTION treasury_entry_seal()
""",
    """
CREATE FUNCTION treasury_line_sealed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM treasury_journalentry WHERE id = NEW.entry_id) THEN
    RAISE EXCEPTION 'treasury: this entry is posted and takes no more lines'
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$
""",
    """
CREATE TRIGGER treasury_line_sealed BEFORE INSERT ON treasury_line
FOR EACH ROW EXECUTE FUNCTION treasury_line_sealed()
""",
    """
CREATE FUNCTION treasury_line_balances() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO treasury_dailybalance AS b (coop_id, account_id, date, movement, debits, credits)
  VALUES (NEW.coop_id, NEW.account_id, NEW.date, NEW.amount,
          GREATEST(NEW.amount, 0), GREATEST(-NEW.amount, 0))
  ON CONFLICT (account_id, date) DO UPDATE SET
    movement = b.movement + EXCLUDED.movement,
    debits = b.debits + EXCLUDED.debits,
    credits = b.credits + EXCLUDED.credits;
  IF NEW.member_id IS NOT NULL THEN
    INSERT INTO treasury_memberbalance AS m (member_id, account_id, balance)
    VALUES (NEW.member_id, NEW.account_id, NEW.amount)
    ON CONFLICT (member_id, account_id) DO UPDATE SET balance = m.balance + EXCLUDED.balance;
  END IF;
  RETURN NULL;
END $$
""",
    """
CREATE TRIGGER treasury_line_balances AFTER INSERT ON treasury_line
FOR EACH ROW EXECUTE FUNCTION treasury_line_balances()
""",
    *(
        f"""
CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION treasury_refuse()
"""
        for table in IMMUTABLE
    ),
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS treasury_entry_seal",
    "DROP TRIGGER IF EXISTS treasury_line_sealed",
    "DROP TRIGGER IF EXISTS treasury_line_balances",
    *(f"DROP TRIGGER IF EXISTS {t}_no_{op}" for t in IMMUTABLE for op in ("update", "delete")),
]
POSTGRESQL_DROP = [
    *(f"DROP TRIGGER IF EXISTS {t}_no_change ON {t}" for t in IMMUTABLE),
    "DROP TRIGGER IF EXISTS treasury_entry_seal ON treasury_journalentry",
    "DROP TRIGGER IF EXISTS treasury_line_sealed ON treasury_line",
    "DROP TRIGGER IF EXISTS treasury_line_balances ON treasury_line",
    "DROP FUNCTION IF EXISTS treasury_refuse()",
    "DROP FUNCTION IF EXISTS treasury_entry_seal()",
    "DROP FUNCTION IF EXISTS treasury_line_sealed()",
    "DROP FUNCTION IF EXISTS treasury_line_balances()",
]


def _run(statements: dict[str, list[str]]):
    def run(apps, schema_editor):
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [("treasury", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP}),
        )
    ]
