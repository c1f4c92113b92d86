"""The installed `minga` command without the deployment's configuration.

Every command either works or prints one line naming what to set and exits 2; `minga tally`
does not start Django at all.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

MINGA = os.path.join(os.path.dirname(sys.executable), "minga")
WARD = (
    Path(__file__).resolve().parents[2]
    / "decisions/tests/tally/data/droop/blt/scotland/Craigton-2007.blt"
)
DID_KEY = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"


def bare_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """No Minga or Django setting at all, a fresh variable directory, outside any checkout."""
    keep = {"PATH", "HOME", "LANG", "PYTHONPATH", "SYSTEMROOT"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    return {**env, "MINGA_VAR_DIR": str(tmp_path / "var"), **extra}


def minga(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [MINGA, *args],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=bare_env(tmp_path, **extra),
        check=False,
        timeout=120,
    )


def assert_one_line(done: subprocess.CompletedProcess, *words: str) -> None:
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().count("\n") == 0, done.stderr
    for word in words:
        assert word in done.stderr


def test_it_prints_help_without_configuration(tmp_path):
    done = minga(tmp_path, "--help")
    assert done.returncode == 0, done.stderr
    assert "tally" in done.stdout and "demo" in done.stdout
    assert "Traceback" not in done.stderr


def test_it_names_the_missing_secret_key_in_one_line(tmp_path):
    assert_one_line(minga(tmp_path, "log", "verify"), "SECRET_KEY")


def test_it_names_an_unusable_database_in_one_line(tmp_path):
    done = minga(tmp_path, "log", "verify", SECRET_KEY="k" + os.urandom(40).hex())
    assert_one_line(done, "DATABASE_URL", "minga migrate")


def test_it_resolves_a_did_key_without_configuration(tmp_path):
    done = minga(tmp_path, "did", "resolve", DID_KEY)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["id"] == DID_KEY


def test_it_counts_without_configuration(tmp_path):
    done = minga(tmp_path, "tally", "--method", "stv-scottish", str(WARD))
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["elected"]) == 4


def test_it_resolves_a_did_key_without_starting_django():
    script = (
        "import sys\n"
        f"sys.argv = ['minga', 'did', 'resolve', '{DID_KEY}']\n"
        "from minga import cli\n"
        "try:\n    cli.main()\nexcept SystemExit as done:\n    code = done.code\n"
        "print('DJANGO' if any(m.startswith('django') for m in sys.modules) else 'NO-DJANGO', code,"
        " file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert done.stderr.strip().endswith("NO-DJANGO 0"), done.stderr
    assert json.loads(done.stdout)["id"] == DID_KEY


def test_it_counts_without_starting_django():
    script = (
        "import sys\n"
        "sys.argv = ['minga', 'tally', '--method', 'irv', '--seats', '1', sys.argv[1]]\n"
        "from minga import cli\n"
        "try:\n    cli.main()\nexcept SystemExit as done:\n    code = done.code\n"
        "print('DJANGO' if any(m.startswith('django') for m in sys.modules) else 'NO-DJANGO', code,"
        " file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(WARD)], capture_output=True, text=True, check=False
    )
    assert done.stderr.strip().endswith("NO-DJANGO 0"), done.stderr


@pytest.mark.parametrize("args", [["--method", "irv"], ["--method", "nope", "x.blt"]])
def test_it_exits_2_on_bad_tally_arguments(tmp_path, args):
    done = minga(tmp_path, "tally", *args)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
