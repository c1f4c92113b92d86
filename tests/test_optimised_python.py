"""bin/optimised-python: an interpreter already built is found at once; a machine that cannot
build one is told why (the build itself is exercised by `make bench`, not here)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "bin" / "optimised-python"


def run(home: Path, path: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(SCRIPT)],
        env={"MINGA_PYTHON_HOME": str(home), "PATH": path, "HOME": str(home.parent)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_an_interpreter_built_before_is_printed_without_building(tmp_path):
    home = tmp_path / "cpython"
    (home / "bin").mkdir(parents=True)
    (home / "bin" / "python3.13").symlink_to(sys.executable)
    (home / ".complete").touch()
    done = run(home, os.environ["PATH"])
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(home / "bin" / "python3.13")
    assert done.stderr == ""


def test_a_half_built_interpreter_is_not_used(tmp_path):
    home = tmp_path / "cpython"
    (home / "bin").mkdir(parents=True)
    (home / "bin" / "python3.13").symlink_to(sys.executable)  # no .complete: the build stopped
    tools = tmp_path / "tools"  # the usual commands, without apt-get
    tools.mkdir()
    for name in ("mkdir", "dirname", "flock", "bash", "cat", "grep", "id"):
        found = shutil.which(name)
        if found:
            (tools / name).symlink_to(found)
    done = run(home, str(tools))
    assert done.returncode == 1
    assert "apt-get is missing" in done.stderr
    assert done.stdout == ""
