"""Tally speed and memory: Scottish STV against two published counters, IRV at a million ballots.

1. Scottish STV of the 21 Glasgow City Council wards of 2007 (188,376 ballots, the BLT files
   and Droop's reference counts in minga/decisions/tests/tally/data), counted by
   `minga.decisions.tally`, by `pref_voting` (`stv_scottish`) and by `stvpoll`
   (`calculate_scottish_stv`), the two Python packages of the `bench` extra, on the same
   ballots in the same process. Each counter gets its own input built in advance (parsing
   and building are not timed; names have runs of white space collapsed, which pref_voting
   needs) and counts all 21 wards; the figure is the best of 5 runs. Every ward must elect the
   same set with all three counters and the set Droop's reference elects; otherwise the
   budget `tally-glasgow-same-winners` fails.
2. IRV of 1,000,000 ballots generated deterministically (seed 2007): 12 candidates of unequal
   popularity, each voter ranks 1 to 12 of them, drawn one after another in proportion to
   popularity (a Plackett-Luce model), so most ballots are distinct. Timed: `tally.count`
   from the list of `Ballot` objects (grouping included, generation excluded), best of 3.
3. Peak memory: a child process reads a BLT file of those 1,000,000 ballots (one per line),
   builds the election and counts it by IRV; its peak resident set size (getrusage) counts.

4. `minga tally --method stv-scottish` on the largest Glasgow ward as a whole process (the
   installed console script beside this interpreter: start-up, imports, reading, counting,
   printing), against a bare `python -c pass` on the same interpreter, alternating the two,
   median of 15 runs each. People run the command by hand, one file at a time.

Budgets (bench/README.md): `tally-scottish-vs-pref-voting` and `tally-scottish-vs-stvpoll`
(our time / theirs, < 1), `tally-glasgow-same-winners` (wards whose elected sets differ, <= 0),
`tally-process-vs-bare-start` (median process time / bare interpreter start, <= 5),
`tally-irv-1m-ballots` (s, < 2), `tally-1m-ballots-peak-rss` (MB, < 1000). Exits 1 when a
budget fails, 2 when a measurement cannot be made.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from minga.decisions import tally  # noqa: E402

DATA = ROOT / "minga" / "decisions" / "tests" / "tally" / "data" / "droop"
WARDS = sorted((DATA / "blt" / "scotland").glob("*-2007.blt"))
MILLION = 1_000_000
SEED = 2007
CANDIDATES = 12


def budget_line(name: str, figure: float, unit: str, op: str, limit: float, ok: bool) -> str:
    return f"BUDGET {name}: {figure:.3g} {unit} (budget {op} {limit:g}) {'PASS' if ok else 'FAIL'}"


def best_of(runs: int, work: Callable[[], object]) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        best = min(best, time.perf_counter() - start)
    return best, result


def collapse(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip()


# --- Glasgow --------------------------------------------------------------------------------


def glasgow() -> tuple[list[str], bool]:
    from pref_voting.profiles_with_ties import ProfileWithTies
    from pref_voting.proportional_methods import stv_scottish
    from stvpoll.scottish_stv import calculate_scottish_stv

    elections = [tally.blt.read_file(path) for path in WARDS]
    ballots = sum(sum(b.weight for b in e.ballots) for e in elections)
    references = {
        Path(r["ballot_file"]).name: {collapse(n) for n in r["elected_in_order"]}
        for r in json.loads((DATA / "droop-expected-winners.json").read_text())["results"]
        if r["rule_name"] == "scotland"
    }

    def ours() -> list[set[str]]:
        return [
            {collapse(n) for n in tally.count("stv-scottish", e).elected_names} for e in elections
        ]

    profiles = []
    polls = []
    for e in elections:
        names = [collapse(n) for n in e.candidates]
        rankings, counts = [], []
        for weight, ranking in e.prepared():
            rankings.append({names[c]: i + 1 for i, c in enumerate(ranking)})
            counts.append(weight)
        profiles.append((ProfileWithTies(rankings, rcounts=counts, candidates=names), e.seats))
        polls.append(
            (
                tuple(names),
                [(tuple(names[c] for c in ranking), w) for w, ranking in e.prepared()],
                e.seats,
            )
        )

    def pref_voting() -> list[set[str]]:
        rng = random.Random(SEED)
        return [set(stv_scottish(p, num_seats=seats, rng=rng)) for p, seats in profiles]

    def stvpoll() -> list[set[str]]:
        return [
            set(
                calculate_scottish_stv(
                    names, votes, seats, allow_random=False, random_shuffle=False
                ).elected_as_set()
            )
            for names, votes, seats in polls
        ]

    ours_s, ours_r = best_of(5, ours)
    pv_s, pv_r = best_of(5, pref_voting)
    sp_s, sp_r = best_of(5, stvpoll)
    differing = 0
    for i, path in enumerate(WARDS):
        sets = [ours_r[i], pv_r[i], sp_r[i], references[path.name]]
        if any(s != sets[0] for s in sets):
            differing += 1
            print(f"  {path.name}: ours {sets[0]} pref_voting {sets[1]} stvpoll {sets[2]}")
    print(f"Scottish STV, 21 Glasgow 2007 wards, {ballots:,} ballots (best of 5, counting only):")
    print(f"  minga.decisions.tally  {ours_s:8.3f} s  {ballots / ours_s:12,.0f} ballots/s")
    print(f"  pref_voting            {pv_s:8.3f} s  {ballots / pv_s:12,.0f} ballots/s")
    print(f"  stvpoll                {sp_s:8.3f} s  {ballots / sp_s:12,.0f} ballots/s")
    meek_s, _ = best_of(1, lambda: [tally.count("stv-meek", e) for e in elections])
    print(f"  (Meek STV, no budget:  {meek_s:8.3f} s  {ballots / meek_s:12,.0f} ballots/s)")
    lines = [
        budget_line(
            "tally-scottish-vs-pref-voting", ours_s / pv_s, "x pref_voting", "<", 1, ours_s < pv_s
        ),
        budget_line("tally-scottish-vs-stvpoll", ours_s / sp_s, "x stvpoll", "<", 1, ours_s < sp_s),
        f"BUDGET tally-glasgow-same-winners: {differing} wards differing (budget <= 0) "
        + ("PASS" if differing == 0 else "FAIL"),
    ]
    return lines, differing == 0 and ours_s < pv_s and ours_s < sp_s


# --- a million ballots ----------------------------------------------------------------------


def million_ballots() -> list[tally.Ballot]:
    rng = random.Random(SEED)
    popularity = [1.0 / (k + 1) ** 0.8 for k in range(CANDIDATES)]
    lengths = list(range(1, CANDIDATES + 1))
    length_weights = [24, 18, 14, 11, 8, 6, 5, 4, 3, 3, 2, 2]
    ballots = []
    for length in rng.choices(lengths, length_weights, k=MILLION):
        left = list(range(CANDIDATES))
        weights = list(popularity)
        ranking = []
        for _ in range(length):
            (i,) = rng.choices(range(len(left)), weights)
            ranking.append(left.pop(i))
            weights.pop(i)
        ballots.append(tally.Ballot(1, tuple(ranking)))
    return ballots


CHILD = """
import resource, sys, time
from minga.decisions import tally
start = time.perf_counter()
election = tally.blt.read_file(sys.argv[1])
read = time.perf_counter() - start
result = tally.count("irv", election, seats=1)
print(len(election.ballots), result.elected[0], round(read, 2),
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def million() -> tuple[list[str], bool]:
    start = time.perf_counter()
    ballots = million_ballots()
    made = time.perf_counter() - start
    election = tally.Election([f"Candidate {k + 1}" for k in range(CANDIDATES)], 1, ballots)
    distinct = len({b.ranking for b in ballots})
    irv_s, result = best_of(3, lambda: tally.count("irv", election))
    rounds = len(result.rounds)
    print(f"IRV, {MILLION:,} ballots ({distinct:,} distinct; generated in {made:.1f} s):")
    print(
        f"  count (grouping included)  {irv_s:.3f} s  {MILLION / irv_s:,.0f} ballots/s, "
        f"{rounds} rounds"
    )
    with tempfile.TemporaryDirectory(prefix="bench-tally-") as tmp:
        path = Path(tmp) / "million.blt"
        election.title = "A million ballots"
        path.write_text(tally.blt.write(election), encoding="utf-8")
        size = path.stat().st_size
        child = subprocess.run(
            [sys.executable, "-c", CHILD, str(path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=600,
            check=False,
        )
    if child.returncode != 0:
        raise RuntimeError(f"the memory child failed: {child.stderr.strip()}")
    count, winner, read_s, rss_kb = child.stdout.split()
    if int(count) != MILLION or int(winner) != result.elected[0]:
        raise RuntimeError("the memory child counted something else")
    rss_mb = int(rss_kb) / 1024
    print(
        f"  child: read a {size / 1e6:.1f} MB BLT file in {read_s} s, counted; "
        f"peak RSS {rss_mb:.0f} MB"
    )
    lines = [
        budget_line("tally-irv-1m-ballots", irv_s, "s", "<", 2, irv_s < 2),
        budget_line("tally-1m-ballots-peak-rss", rss_mb, "MB", "<", 1000, rss_mb < 1000),
    ]
    return lines, irv_s < 2 and rss_mb < 1000


PROCESS_RUNS = 15


def whole_process() -> tuple[list[str], bool]:
    """`minga tally` as people run it, against a bare interpreter start, alternating."""
    import statistics

    minga = Path(sys.executable).parent / "minga"
    if not minga.exists():
        raise RuntimeError(f"{minga} is missing: install the project first")
    ward = max(WARDS, key=lambda path: path.stat().st_size)
    runs = {"tally": [], "bare": []}
    commands = {
        "tally": [str(minga), "tally", "--method", "stv-scottish", str(ward)],
        "bare": [sys.executable, "-c", "pass"],
    }
    for _ in range(PROCESS_RUNS):
        for name, command in commands.items():
            start = time.perf_counter()
            done = subprocess.run(command, capture_output=True, cwd="/", check=False, timeout=60)
            runs[name].append(time.perf_counter() - start)
            if done.returncode != 0:
                raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.decode()[-300:]}")
    tally_s, bare_s = statistics.median(runs["tally"]), statistics.median(runs["bare"])
    ratio = tally_s / bare_s
    print(
        f"`minga tally --method stv-scottish {ward.name}` as a process: {tally_s * 1000:.0f} ms "
        f"(median of {PROCESS_RUNS}); bare `python -c pass`: {bare_s * 1000:.0f} ms"
    )
    return [budget_line("tally-process-vs-bare-start", ratio, "x", "<=", 5, ratio <= 5)], ratio <= 5


def main() -> int:
    try:
        process_lines, process_ok = whole_process()
        glasgow_lines, glasgow_ok = glasgow()
        million_lines, million_ok = million()
    except (ImportError, RuntimeError, OSError, subprocess.TimeoutExpired) as error:
        print(f"bench_tally: the measurement could not be made: {error}", file=sys.stderr)
        return 2
    for line in process_lines + glasgow_lines + million_lines:
        print(line)
    return 0 if process_ok and glasgow_ok and million_ok else 1


if __name__ == "__main__":
    sys.exit(main())
