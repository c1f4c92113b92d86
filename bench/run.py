"""Run every bench/bench_*.py, one after another, each in its own process, and sum up.

    python bench/run.py            # all of them (what `make bench` does)
    python bench/run.py pages      # only those whose name contains "pages"

Each script prints its measurements and `BUDGET ...` lines (format: bench/README.md) and
exits non-zero when a budget fails. This prints everything as it comes, then a summary of
every budget, and exits 1 if any budget failed, any script failed or a BUDGET line was
malformed.
"""

from __future__ import annotations

import contextlib
import os
import platform
import re
import signal
import subprocess
import sys
import sysconfig
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
TIMEOUT = int(os.environ.get("BENCH_TIMEOUT", "1200"))  # seconds per script

BUDGET = re.compile(
    r"^BUDGET (?P<name>[A-Za-z0-9_./-]+): (?P<figure>-?[0-9][0-9.,eE+-]*) (?P<unit>[^(]*?) ?"
    r"\(budget (?P<op><=|>=|<|>) (?P<limit>-?[0-9][0-9.,eE+-]*)\) (?P<verdict>PASS|FAIL)$"
)


@dataclass
class Result:
    script: str
    returncode: int | None = None
    seconds: float = 0.0
    budgets: list[re.Match] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return (
            self.returncode != 0
            or bool(self.malformed)
            or any(b["verdict"] == "FAIL" for b in self.budgets)
        )


def run(script: Path) -> Result:
    result = Result(script.name)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    env["PYTHONUNBUFFERED"] = "1"
    print(f"=== {script.relative_to(ROOT)}", flush=True)
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, str(script)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        start_new_session=True,  # its own process group: a timeout or ^C reaches its children
    )
    timed_out = threading.Event()

    def stop_on_timeout() -> None:
        timed_out.set()
        _signal_group(proc, signal.SIGTERM)

    timer = threading.Timer(TIMEOUT, stop_on_timeout)
    timer.daemon = True
    timer.start()
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
            line = line.rstrip("\n")
            if line.startswith("BUDGET"):
                match = BUDGET.match(line)
                if match:
                    result.budgets.append(match)
                else:
                    result.malformed.append(line)
        result.returncode = proc.wait()
    finally:
        timer.cancel()
        if proc.poll() is None:  # interrupted: stop the script, it cleans up after itself
            _signal_group(proc, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                _signal_group(proc, signal.SIGKILL)
    result.seconds = time.monotonic() - started
    if timed_out.is_set():
        print(f"{script.name}: stopped after {TIMEOUT} s (BENCH_TIMEOUT)", flush=True)
    return result


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)


def summary(results: list[Result]) -> int:
    print("\n=== Budgets")
    passed = failed = 0
    for result in results:
        for b in result.budgets:
            ok = b["verdict"] == "PASS"
            passed, failed = passed + ok, failed + (not ok)
            unit = f" {b['unit']}" if b["unit"] else ""
            print(
                f"  {b['verdict']}  {b['name']:32} {b['figure']}{unit} "
                f"(budget {b['op']} {b['limit']})  [{result.script}]"
            )
        for line in result.malformed:
            failed += 1
            print(f"  BAD   malformed budget line from {result.script}: {line}")
        if not result.budgets and not result.malformed:
            print(f"  ----  {result.script} printed no budget")
    print()
    for result in results:
        verdict = "failed" if result.failed else "ok"
        print(f"  {result.script:32} {verdict:6} exit {result.returncode}, {result.seconds:.0f} s")
        if result.returncode and not any(b["verdict"] == "FAIL" for b in result.budgets):
            failed += 1
            print(
                f"  {'':32} exited with {result.returncode} without a failed budget: "
                "the measurement itself broke (see its output above)"
            )
    print(f"\n{passed} budgets passed, {failed} failed.")
    return 1 if failed or any(r.failed for r in results) else 0


def interpreter() -> str:
    """Which Python runs the benches, and whether it was built as servers run one."""
    flags = str(sysconfig.get_config_var("CONFIG_ARGS") or "")
    optimised = "--enable-optimizations" in flags and "--with-lto" in flags
    build = (
        "profile-guided and link-time optimised"
        if optimised
        else "NOT optimised (no PGO/LTO), slower than a server's: see bin/optimised-python"
    )
    version = f"{platform.python_implementation()} {platform.python_version()}"
    return f"{version} ({sys.executable}), {build}"


def main(argv: list[str]) -> int:
    print(f"Interpreter: {interpreter()}", flush=True)
    scripts = sorted(BENCH.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if any(word in s.stem for word in argv)]
    if not scripts:
        print("No bench/bench_*.py script to run.")
        return 1
    # A ^C or a TERM stops the running script (in `run`'s finally) and then this runner.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results = []
    try:
        for script in scripts:
            results.append(run(script))
    except KeyboardInterrupt:
        print("\nInterrupted.")
        return 130
    return summary(results)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
