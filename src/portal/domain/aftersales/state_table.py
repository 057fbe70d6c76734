"""What the after-sales transition tables share (tickets: ``ticket_states``, returns: ``return_states``).

A table maps ``(from_state, move)`` to a ``Step``: the state it leads to and the roles that may make it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Step:
    to_state: StrEnum
    roles: frozenset[str]


def step(to_state: StrEnum, *roles: str) -> Step:
    """The row value: ``to_state``, made by any of ``roles``."""
    return Step(to_state, frozenset(roles))


def lookup(table: dict, states: type[StrEnum], state: str, move: StrEnum) -> Step | None:
    """The table's row for a stored ``state`` (a string) and ``move``; None for no row or an unknown state."""
    try:
        return table.get((states(state), move))
    except ValueError:
        return None
