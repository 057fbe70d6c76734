"""Every state and every event action the code writes has its own words for buyer, staff and public page."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from portal.domain.fulfilment.milestones import MILESTONES
from portal.domain.orders import wording
from portal.domain.orders.states import Action, OrderState
from portal.i18n import using_locale

SRC = Path(__file__).resolve().parents[4] / "src" / "portal"
TEMPLATES = SRC.parents[1] / "templates" / "emails"
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")
# calls that write an order event, and where their action is when passed by position
WRITERS = {"OrderEvent": None, "write_event": 3}
# the only writers whose action is not a literal: they pass an Action or a caller's literal through
PASS_THROUGH = {"domain/orders/service.py", "domain/fulfilment/production.py"}


def _written_actions() -> set[str]:
    """Every action literal handed to an event writer anywhere in src/."""
    found: set[str] = set()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in WRITERS:
                continue
            arg = next((k.value for k in node.keywords if k.arg == "action"), None)
            if arg is None and WRITERS[name] is not None and len(node.args) > WRITERS[name]:
                arg = node.args[WRITERS[name]]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                found.add(arg.value)
            elif name == "OrderEvent":
                assert str(path.relative_to(SRC)) in PASS_THROUGH, f"{path}: word this event's action"
    return found


def _wording_keys(action: str) -> set[str]:
    if action == "milestone":
        return {wording.MILESTONE_PROGRESS, wording.MILESTONE_UPDATED} | {
            f"milestone.reached.{m}" for m in MILESTONES
        }
    if action == Action.APPROVE:
        return {action, wording.REVIEW_PASSED}
    return {action}


def test_the_scan_finds_the_events_outside_the_transition_table():
    assert {
        "claimed",
        "backorder_choice",
        "delivery_exception",
        "case_resolved",
        "milestone",
    } <= _written_actions()


def test_every_written_event_has_words_for_every_audience():
    keys = set().union(*(_wording_keys(a) for a in _written_actions() | set(Action)))
    missing = sorted(k for k in keys if k not in wording.EVENT_WORDING)
    assert not missing, f"no wording for event actions: {missing}"
    for key in keys:
        for audience in wording.AUDIENCES:
            assert wording.EVENT_WORDING[key].of(audience).strip(), (key, audience)


def test_every_state_has_words_for_every_audience():
    assert set(wording.STATE_WORDING) == set(OrderState)
    for words in wording.STATE_WORDING.values():
        assert all(words.of(a).strip() for a in wording.AUDIENCES)


def test_every_mail_template_has_a_label_for_the_notification_list():
    templates = {p.stem for p in TEMPLATES.glob("*.html") if not p.stem.startswith("_")}
    assert templates == set(wording.MESSAGE_LABELS)


def test_staff_and_public_words_do_not_address_the_buyer():
    for key, words in {**wording.STATE_WORDING, **wording.EVENT_WORDING}.items():
        for text in (words.staff, words.public):
            assert not re.search(r"\b(your?|us|we)\b", text, re.IGNORECASE), (key, text)
            assert "%(name)s" not in text, key  # names of customer users only on the buyer's own page


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_no_wording_reads_as_a_key(locale):
    data = {"level": 1, "progress": 40, "position": 2, "result": "pass", "choice": "partial", "kind": "lost"}
    with using_locale(locale):
        for action in _written_actions() | set(Action):
            for audience in wording.AUDIENCES:
                text = wording.event_text(action, audience, from_state="submitted", data=data, name="Li Lei")
                assert not SNAKE.search(text), (action, audience, text)
        for state in OrderState:
            for audience in wording.AUDIENCES:
                assert not SNAKE.search(wording.state_label(state, audience))
