"""Order events are written in one place: ``events.record``, named by ``EventKind``, one rule for the role."""

from __future__ import annotations

import ast
from pathlib import Path

from portal.domain.orders import events
from portal.domain.orders.events import EventKind

SRC = Path(__file__).resolve().parents[4] / "src" / "portal"
EVENTS_PY = SRC / "domain" / "orders" / "events.py"


def _calls(path: Path) -> list[ast.Call]:
    return [n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Call)]


def _name(call: ast.Call) -> str | None:
    return getattr(call.func, "id", None) or getattr(call.func, "attr", None)


def _record_calls() -> list[tuple[Path, ast.Call]]:
    """Every ``events.record(...)`` in src/."""
    return [
        (path, call)
        for path in SRC.rglob("*.py")
        for call in _calls(path)
        if isinstance(call.func, ast.Attribute)
        and call.func.attr == "record"
        and getattr(call.func.value, "id", None) == "events"
    ]


def _kind_arg(call: ast.Call) -> ast.expr | None:
    return next(
        (k.value for k in call.keywords if k.arg == "kind"), call.args[3] if len(call.args) > 3 else None
    )


def test_no_order_event_is_built_outside_events_py():
    builders = [
        f"{path.relative_to(SRC)}:{call.lineno}"
        for path in SRC.rglob("*.py")
        if path != EVENTS_PY
        for call in _calls(path)
        if _name(call) == "OrderEvent"
    ]
    assert not builders, f"write order events with events.record(): {builders}"


def test_every_recorded_kind_is_named_by_the_enum():
    literal = [
        f"{path.relative_to(SRC)}:{call.lineno}"
        for path, call in _record_calls()
        if isinstance(_kind_arg(call), ast.Constant)
    ]
    assert not literal, f"name the event kind by EventKind, not a string: {literal}"


def test_every_step_outside_the_table_has_a_writer_and_roles():
    named = {
        arg.attr
        for _, call in _record_calls()
        if isinstance(arg := _kind_arg(call), ast.Attribute) and ast.unparse(arg.value).endswith("EventKind")
    }
    steps = set(EventKind) - events.TRANSITIONS
    assert {k.name for k in steps} <= named, "an event kind nothing records"
    assert set(events.STEP_ROLES) == steps


def test_the_acting_role_is_chosen_in_one_place():
    defined = [
        f"{path.relative_to(SRC)}:{node.lineno}"
        for path in SRC.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef) and node.name == "acting_role"
    ]
    assert len(defined) == 1, defined
