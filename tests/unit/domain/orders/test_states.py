"""The transition table itself: complete, consistent, and the only description of the lifecycle."""

from __future__ import annotations

from collections import deque

from portal.domain.orders.states import (
    ACTION_LABELS,
    ROLES,
    TERMINAL,
    TRANSITIONS,
    Action,
    OrderState,
    allowed_actions,
)


def test_every_state_is_reachable_from_the_cart():
    seen, todo = {OrderState.DRAFT}, deque([OrderState.DRAFT])
    while todo:
        state = todo.popleft()
        for (src, _), t in TRANSITIONS.items():
            if src == state and t.to_state not in seen:
                seen.add(t.to_state)
                todo.append(t.to_state)
    assert seen == set(OrderState)


def test_terminal_states_have_no_way_out_and_others_do():
    sources = {src for src, _ in TRANSITIONS}
    assert not (sources & TERMINAL)
    assert sources | TERMINAL == set(OrderState)


def test_every_action_is_used_and_every_role_is_known():
    assert {a for _, a in TRANSITIONS} == set(Action)
    for t in TRANSITIONS.values():
        assert t.roles and t.roles <= set(ROLES)


def test_every_action_has_a_button_word():
    assert set(ACTION_LABELS) == set(Action)  # state words per audience: test_wording.py


def test_customers_cancel_only_before_confirmation():
    cancellable = {src for (src, a) in TRANSITIONS if a == Action.CANCEL_BY_CUSTOMER}
    assert cancellable == {
        OrderState.SUBMITTED,
        OrderState.CHANGES_REQUESTED,
        OrderState.AWAITING_APPROVAL,
        OrderState.CONFIRMATION_SENT,
    }
    staff = {src for (src, a) in TRANSITIONS if a == Action.CANCEL_BY_STAFF}
    assert OrderState.SHIPPED not in staff and OrderState.IN_PRODUCTION in staff


def test_allowed_actions_per_role():
    assert allowed_actions("confirmation_sent", ["customer"]) == [
        Action.ACCEPT_CONFIRMATION,
        Action.DECLINE_CONFIRMATION,
        Action.CANCEL_BY_CUSTOMER,
    ]
    assert Action.APPROVE in allowed_actions("submitted", ["reviewer"])
    assert allowed_actions("submitted", ["logistics"]) == []
    # admin may do what any staff role may, never what only the customer or the system may
    admin = allowed_actions("confirmation_sent", ["admin"])
    assert Action.CANCEL_BY_STAFF in admin and Action.ACCEPT_CONFIRMATION not in admin
    assert Action.COMPLETE not in allowed_actions("delivered", ["admin"])
