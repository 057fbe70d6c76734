"""Groups of order states live only in ``states.py``: a literal list of two or more elsewhere fails."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from portal.domain.orders import states
from portal.domain.orders.states import Action, OrderState
from portal.jinja import make_environment

ROOT = Path(__file__).resolve().parents[4]
STATES_PY = ROOT / "src/portal/domain/orders/states.py"
# migrations are frozen history: they must keep the states of their day, not import today's groups
FROZEN = ROOT / "src/portal/db/migrations"
STATE_VALUES = frozenset(s.value for s in OrderState)
STATE_NAMES = frozenset(s.name for s in OrderState)
QUOTED = re.compile(r"""["']([a-z_]+)["']""")
# a bracketed literal in a template or an SQL string: (...), [...] or {...} with no nesting
BRACKETED = re.compile(r"[\(\[\{]([^\(\)\[\]\{\}]*)[\)\]\}]")


def _is_state(node: ast.expr) -> bool:
    """A string naming a state, or ``OrderState.X`` / ``S.X``."""
    if isinstance(node, ast.Constant):
        return node.value in STATE_VALUES
    if isinstance(node, ast.Attribute) and node.attr in STATE_NAMES:
        owner = node.value
        return isinstance(owner, ast.Name) and owner.id in {"OrderState", "S"}
    return False


def _states_in_text(text: str) -> list[str]:
    """Bracketed literals in ``text`` naming two or more states (templates, SQL)."""
    hits = []
    for match in BRACKETED.finditer(text):
        named = [v for v in QUOTED.findall(match.group(1)) if v in STATE_VALUES]
        if len(named) >= 2:
            hits.append(match.group(0))
    return hits


def python_offences(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.List | ast.Tuple | ast.Set):
            if sum(_is_state(e) for e in node.elts) >= 2:
                out.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)[:80]}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            out.extend(
                f"{path.relative_to(ROOT)}:{node.lineno}: {hit[:80]}" for hit in _states_in_text(node.value)
            )
    return out


def template_offences(path: Path) -> list[str]:
    return [
        f"{path.relative_to(ROOT)}: {hit[:80]}" for hit in _states_in_text(path.read_text(encoding="utf-8"))
    ]


def test_the_scanner_catches_each_form():
    """Guard the guard: each way a group was written before finds its offence."""
    assert _states_in_text("{% if order.status in ('confirmed', 'in_production') %}")
    assert _states_in_text('{% for s in ["submitted", "awaiting_approval"] %}')
    assert _states_in_text("WHERE status IN ('shipped','delivered')")
    assert not _states_in_text('{% for key in ["in_transit", "delivered", "exception"] %}')
    tree = ast.parse(
        "a = (S.SUBMITTED, S.CONFIRMED)\nb in ['draft', 'closed']\nc = {OrderState.DRAFT, OrderState.CLOSED}"
    )
    assert (
        sum(
            isinstance(n, ast.List | ast.Tuple | ast.Set) and sum(map(_is_state, n.elts)) >= 2
            for n in ast.walk(tree)
        )
        == 3
    )


def test_no_literal_group_of_states_outside_states_py():
    offences = [
        hit
        for path in sorted((ROOT / "src").rglob("*.py"))
        if path != STATES_PY and FROZEN not in path.parents
        for hit in python_offences(path)
    ]
    offences += [
        hit for path in sorted((ROOT / "templates").rglob("*.html")) for hit in template_offences(path)
    ]
    offences += [
        hit for path in sorted((ROOT / "templates").rglob("*.txt")) for hit in template_offences(path)
    ]
    assert not offences, "name the group in states.py and use it:\n" + "\n".join(offences)


def test_the_groups_agree_with_the_transition_table():
    """A group that answers "may X happen?" is the set of states the table lets X fire from."""
    assert states.sources(Action.SHIP_PARTIAL) == states.SHIPPABLE
    assert states.sources(Action.CANCEL_BY_CUSTOMER) == states.BEFORE_CONFIRMED
    assert (*states.BEFORE_CONFIRMED, *states.CONFIRMED_UNSHIPPED) == states.sources(Action.CANCEL_BY_STAFF)
    assert states.sources(Action.REJECT) == states.IN_REVIEW
    assert (
        states.sources(Action.RESUBMIT) + states.sources(Action.ACCEPT_CONFIRMATION)
        == states.AWAITING_CUSTOMER
    )
    assert set(states.OPEN) == set(states.PLACED) - states.TERMINAL
    assert set(states.BEFORE_CONFIRMED) == set(states.IN_REVIEW) | set(states.AWAITING_CUSTOMER)


def test_every_group_is_named_for_templates_and_in_lifecycle_order():
    declared = {
        name: value
        for name, value in vars(states).items()
        if name.isupper()
        and not name.startswith("_")
        and isinstance(value, tuple | frozenset)
        and value
        and all(isinstance(v, OrderState) for v in value)
    }
    assert declared == states.GROUPS
    order = list(OrderState)
    for name, group in states.GROUPS.items():
        if isinstance(group, tuple):
            assert list(group) == sorted(group, key=order.index), name
    env_globals = make_environment(auto_reload=False).globals
    assert all(env_globals[name] is group for name, group in states.GROUPS.items())
