"""A server process's set-up (minga.core.serving)."""

import gc

from minga.core import serving
from minga.core.fast.sqlite import base


def test_a_server_process_checkpoints_in_the_background_and_freezes_its_start_up_heap(
    monkeypatch,
):
    monkeypatch.setattr(base, "_background", False)
    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    serving.prepare_server_process()
    assert base._background is True
    assert frozen == [True]
