"""`minga tally`: the JSON of DESIGN.md, and exit status 2 with a one-line message."""

import json
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from .conftest import DATA, DROOP


def tally(*args: str) -> dict:
    out = StringIO()
    call_command("tally", *args, stdout=out)
    return json.loads(out.getvalue())


def test_it_prints_the_result_as_json():
    out = tally("--method", "stv-scottish", str(DROOP / "blt" / "42t.blt"))
    assert out["method"] == "stv-scottish"
    assert out["seats"] == 2
    assert out["candidates"] == ["Castor", "Pollux", "Helen"]
    assert out["ballots"] == 6
    assert out["elected"] == ["Castor", "Helen"]
    assert out["ranking"] is None
    assert out["rounds"][0]["quota"] == "3.00000"


def test_it_takes_seats_from_the_file_unless_told():
    path = str(DATA / "votelib" / "gnome_26.blt")
    assert len(tally("--method", "plurality", path)["elected"]) == 7
    out = tally("--method", "schulze", "--seats", "1", path)
    assert out["seats"] == 1
    assert out["elected"] == [out["ranking"][0][0]]


def test_it_exits_2_naming_the_line_of_a_malformed_file(tmp_path):
    path = tmp_path / "bad.blt"
    path.write_text("3 1\n1 1 2 0\n1 1 9 0\n0\n")
    with pytest.raises(CommandError) as caught:
        tally("--method", "irv", str(path))
    assert caught.value.returncode == 2
    assert str(caught.value) == f"{path}: line 3: candidate number 9 is not between 1 and 3"


def test_it_exits_2_when_the_method_cannot_count_the_file():
    with pytest.raises(CommandError, match="IRV fills one seat, not 2") as caught:
        tally("--method", "irv", str(DROOP / "blt" / "42.blt"))
    assert caught.value.returncode == 2


def test_the_installed_command_writes_one_line_to_stderr(tmp_path):
    path = tmp_path / "bad.blt"
    path.write_text("2 1\n1 1 0\n")
    minga = os.path.join(os.path.dirname(sys.executable), "minga")
    done = subprocess.run(
        [minga, "tally", "--method", "plurality", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "DEBUG": "1"},
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().count("\n") == 0
    assert "bad.blt: line 2: the file ends where a ballot or the 0 that ends" in done.stderr


def test_the_installed_command_needs_no_deployment_configuration():
    minga = os.path.join(os.path.dirname(sys.executable), "minga")
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    done = subprocess.run(
        [minga, "tally", "--method", "schulze", str(DROOP / "blt" / "42.blt")],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["method"] == "schulze"
