"""The hot-path cursor's former address: it now lives in `minga.core.fast.cursor`.

Kept only for the imports of modules being reworked elsewhere at the time of the move
(`decisions.actions`, `treasury.posting`, `treasury.statements`); tests/test_fast_layer.py
fails when anything else imports it, and once those have moved this module goes.
"""

from minga.core.fast.cursor import hot_cursor

__all__ = ["hot_cursor"]
