"""The systemd units in deploy/ are valid: `systemd-analyze verify` accepts them once their paths
point at real files (a temporary directory stands for /srv/minga and /etc/minga)."""

import shutil
import subprocess
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
UNITS = ["minga-web.service", "minga-worker.service"]


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
@pytest.mark.parametrize("unit", UNITS)
def test_it_ships_units_systemd_accepts(unit, tmp_path):
    root = tmp_path / "srv"
    for program in ("granian", "minga"):
        binary = root / ".venv" / "bin" / program
        binary.parent.mkdir(parents=True, exist_ok=True)
        binary.write_text("#!/bin/sh\n")
        binary.chmod(0o755)
    (root / "var").mkdir()
    env = tmp_path / "minga.env"
    env.write_text("SECRET_KEY=x\n")
    text = (DEPLOY / unit).read_text()
    assert "/srv/minga" in text and "/etc/minga/minga.env" in text
    text = text.replace("/etc/minga/minga.env", str(env)).replace("/srv/minga", str(root))
    text = text.replace("User=minga", "User=root").replace("Group=minga", "Group=root")
    (tmp_path / unit).write_text(text)
    done = subprocess.run(  # noqa: S603
        ["systemd-analyze", "verify", "--man=no", str(tmp_path / unit)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    problems = [
        line
        for line in (done.stdout + done.stderr).splitlines()
        if unit in line or "Failed" in line or "Invalid" in line or "Unknown" in line
    ]
    assert done.returncode == 0 and not problems, done.stdout + done.stderr


def test_it_ships_a_worker_unit_that_runs_minga_worker():
    text = (DEPLOY / "minga-worker.service").read_text()
    assert "ExecStart=/srv/minga/.venv/bin/minga worker\n" in text
    assert "Restart=always" in text
