"""What the apps above coops add to a cooperative's founding, registered at start-up.

Identity gives every new cooperative its first signing key, and identity sits above coops (its
keys belong to cooperatives), so coops does not import it: identity registers the step in its
`AppConfig.ready`, and `create_cooperative` runs every registered step inside its own
transaction, after the founder became the first administrator. Each step is an audited action
of its app, called with the cooperative and the founder as actor.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_founding: dict[str, Callable[..., Any]] = {}


def register_founding_step(name: str, step: Callable[..., Any]) -> None:
    """`step(*, coop, actor)` runs when a cooperative is created (idempotent by name)."""
    _founding[name] = step


def founding_steps() -> list[Callable[..., Any]]:
    return list(_founding.values())
