"""The one transition table of the order lifecycle, and the button words for each action.

``TRANSITIONS[(from_state, action)] = Transition(to_state, roles)``. Services apply it,
templates ask it which buttons to show, tests walk it. Nothing else encodes the lifecycle.
``admin`` may fire every staff action; ``system`` is a worker or a carrier webhook.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from portal.i18n import N_


class OrderState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    AWAITING_APPROVAL = "awaiting_approval"
    CONFIRMATION_SENT = "confirmation_sent"
    CONFIRMED = "confirmed"
    IN_PRODUCTION = "in_production"
    READY_TO_SHIP = "ready_to_ship"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CLOSED = "closed"
    REJECTED = "rejected"
    CANCELLED = "cancelled"


class Action(StrEnum):
    SUBMIT = "submit"
    REQUEST_CHANGES = "request_changes"
    RESUBMIT = "resubmit"
    APPROVE = "approve"  # passes one level and needs another
    SEND_CONFIRMATION = "send_confirmation"  # the last approval: confirmation v(k) goes to the customer
    REJECT = "reject"
    ACCEPT_CONFIRMATION = "accept_confirmation"
    DECLINE_CONFIRMATION = "decline_confirmation"
    CANCEL_BY_CUSTOMER = "cancel_by_customer"
    CANCEL_BY_STAFF = "cancel_by_staff"
    START_PRODUCTION = "start_production"
    READY_TO_SHIP = "ready_to_ship"
    SHIP_PARTIAL = "ship_partial"
    SHIP_FULL = "ship_full"
    DELIVER = "deliver"
    CONFIRM_RECEIPT = "confirm_receipt"
    COMPLETE = "complete"
    CLOSE = "close"
    OPEN_REPLACEMENT = "open_replacement"  # a return resolved with a replacement: confirmed, free of charge


CUSTOMER = "customer"
SYSTEM = "system"
ROLES = (
    "customer",
    "sales",
    "reviewer",
    "approver",
    "production",
    "logistics",
    "finance",
    "aftersales",
    "admin",
    "system",
)
STAFF_ROLES = frozenset(ROLES) - {CUSTOMER, SYSTEM}


@dataclass(frozen=True)
class Transition:
    to_state: OrderState
    roles: frozenset[str]


S, A = OrderState, Action


def _t(to_state: OrderState, *roles: str) -> Transition:
    return Transition(to_state, frozenset(roles))


# Named groups of states: every "is the order ...?" question asks one of these (templates too, as
# Jinja globals). Nowhere else lists states; tests/unit/domain/orders/test_state_groups_in_one_place.py
# fails on a literal group outside this file. Tuples are in lifecycle order (filters show them so).
PLACED = tuple(s for s in S if s is not S.DRAFT)  # a cart is not an order yet: every list shows these
TERMINAL = frozenset({S.CLOSED, S.REJECTED, S.CANCELLED})  # nothing more happens
OPEN = tuple(s for s in PLACED if s not in TERMINAL)  # placed and still going: its value is owed or will be
IN_REVIEW = (S.SUBMITTED, S.AWAITING_APPROVAL)  # staff decide: review checks and the approval form show
AWAITING_CUSTOMER = (S.CHANGES_REQUESTED, S.CONFIRMATION_SENT)  # the buyer has to answer
BEFORE_CONFIRMED = (S.SUBMITTED, S.CHANGES_REQUESTED, S.AWAITING_APPROVAL, S.CONFIRMATION_SENT)
REVISABLE = (S.SUBMITTED,)  # staff may revise; later, approvals already given were for the old amount
CONFIRMED_UNSHIPPED = (S.CONFIRMED, S.IN_PRODUCTION, S.READY_TO_SHIP)  # a backorder choice still counts
TO_PRODUCE = (S.CONFIRMED, S.IN_PRODUCTION)  # the production queue
TO_SHIP = (S.READY_TO_SHIP, S.PARTIALLY_SHIPPED)  # the shipping queue
SHIPPABLE = (S.IN_PRODUCTION, S.READY_TO_SHIP, S.PARTIALLY_SHIPPED)  # a shipment may leave (early: stock)
FULLY_SHIPPED = (S.SHIPPED, S.DELIVERED, S.COMPLETED)  # everything left: after-sales looks after these
RECEIVED = (S.DELIVERED, S.COMPLETED)  # at the customer: finance settles these
AFTER_DELIVERY = (*RECEIVED, S.CLOSED)  # the goods arrived: the satisfaction survey may be answered
SOMETHING_SHIPPED = (S.PARTIALLY_SHIPPED, *FULLY_SHIPPED)  # at least one shipment left
ON_THE_WAY = (S.PARTIALLY_SHIPPED, S.SHIPPED, S.DELIVERED)  # a tracking page has news
COMMITTED = (*CONFIRMED_UNSHIPPED, *SOMETHING_SHIPPED)  # confirmed, not closed: owed, or about to be invoiced
CONFIRMED_ONWARD = (*COMMITTED, S.CLOSED)  # production shows, as a record later
CONFIRMATION_ISSUED = (S.CONFIRMATION_SENT, *CONFIRMED_ONWARD)  # the buyer can read the confirmation
_STAFF_CANCELLABLE = (*BEFORE_CONFIRMED, *CONFIRMED_UNSHIPPED)

TRANSITIONS: dict[tuple[OrderState, Action], Transition] = {
    (S.DRAFT, A.SUBMIT): _t(S.SUBMITTED, CUSTOMER, "sales"),
    (S.SUBMITTED, A.REQUEST_CHANGES): _t(S.CHANGES_REQUESTED, "reviewer"),
    (S.AWAITING_APPROVAL, A.REQUEST_CHANGES): _t(S.CHANGES_REQUESTED, "approver"),
    (S.CHANGES_REQUESTED, A.RESUBMIT): _t(S.SUBMITTED, CUSTOMER, "sales"),
    (S.SUBMITTED, A.APPROVE): _t(S.AWAITING_APPROVAL, "reviewer"),
    (S.AWAITING_APPROVAL, A.APPROVE): _t(S.AWAITING_APPROVAL, "approver"),
    (S.SUBMITTED, A.SEND_CONFIRMATION): _t(S.CONFIRMATION_SENT, "reviewer"),
    (S.AWAITING_APPROVAL, A.SEND_CONFIRMATION): _t(S.CONFIRMATION_SENT, "approver"),
    (S.SUBMITTED, A.REJECT): _t(S.REJECTED, "reviewer"),
    (S.AWAITING_APPROVAL, A.REJECT): _t(S.REJECTED, "approver"),
    (S.CONFIRMATION_SENT, A.ACCEPT_CONFIRMATION): _t(S.CONFIRMED, CUSTOMER),
    # a declined confirmation goes back to review; staff revise and send version k+1
    (S.CONFIRMATION_SENT, A.DECLINE_CONFIRMATION): _t(S.SUBMITTED, CUSTOMER),
    **{(s, A.CANCEL_BY_CUSTOMER): _t(S.CANCELLED, CUSTOMER) for s in BEFORE_CONFIRMED},
    **{(s, A.CANCEL_BY_STAFF): _t(S.CANCELLED, "sales", "reviewer", "approver") for s in _STAFF_CANCELLABLE},
    (S.CONFIRMED, A.START_PRODUCTION): _t(S.IN_PRODUCTION, "production", SYSTEM),
    (S.IN_PRODUCTION, A.READY_TO_SHIP): _t(S.READY_TO_SHIP, "production", "logistics"),
    # part shipped early: the rest is produced, inspected and packed; packing it is recorded here
    (S.PARTIALLY_SHIPPED, A.READY_TO_SHIP): _t(S.PARTIALLY_SHIPPED, "production", "logistics"),
    (S.IN_PRODUCTION, A.SHIP_PARTIAL): _t(S.PARTIALLY_SHIPPED, "logistics"),
    (S.READY_TO_SHIP, A.SHIP_PARTIAL): _t(S.PARTIALLY_SHIPPED, "logistics"),
    (S.PARTIALLY_SHIPPED, A.SHIP_PARTIAL): _t(S.PARTIALLY_SHIPPED, "logistics"),
    (S.READY_TO_SHIP, A.SHIP_FULL): _t(S.SHIPPED, "logistics"),
    (S.PARTIALLY_SHIPPED, A.SHIP_FULL): _t(S.SHIPPED, "logistics"),
    (S.SHIPPED, A.DELIVER): _t(S.DELIVERED, "logistics", SYSTEM),
    (S.SHIPPED, A.CONFIRM_RECEIPT): _t(S.COMPLETED, CUSTOMER),
    (S.DELIVERED, A.CONFIRM_RECEIPT): _t(S.COMPLETED, CUSTOMER),
    (S.DELIVERED, A.COMPLETE): _t(S.COMPLETED, SYSTEM),
    (S.COMPLETED, A.CLOSE): _t(S.CLOSED, "finance", SYSTEM),
    # after-sales resolve a return with new goods: agreed already, so it starts confirmed (allocation next)
    (S.DRAFT, A.OPEN_REPLACEMENT): _t(S.CONFIRMED, "aftersales"),
}


# the groups templates ask by name (Jinja globals of the same names)
GROUPS: dict[str, tuple[OrderState, ...] | frozenset[OrderState]] = {
    "PLACED": PLACED,
    "TERMINAL": TERMINAL,
    "OPEN": OPEN,
    "IN_REVIEW": IN_REVIEW,
    "AWAITING_CUSTOMER": AWAITING_CUSTOMER,
    "BEFORE_CONFIRMED": BEFORE_CONFIRMED,
    "REVISABLE": REVISABLE,
    "CONFIRMED_UNSHIPPED": CONFIRMED_UNSHIPPED,
    "TO_PRODUCE": TO_PRODUCE,
    "TO_SHIP": TO_SHIP,
    "SHIPPABLE": SHIPPABLE,
    "FULLY_SHIPPED": FULLY_SHIPPED,
    "RECEIVED": RECEIVED,
    "AFTER_DELIVERY": AFTER_DELIVERY,
    "SOMETHING_SHIPPED": SOMETHING_SHIPPED,
    "ON_THE_WAY": ON_THE_WAY,
    "COMMITTED": COMMITTED,
    "CONFIRMED_ONWARD": CONFIRMED_ONWARD,
    "CONFIRMATION_ISSUED": CONFIRMATION_ISSUED,
}


def sources(action: Action) -> tuple[OrderState, ...]:
    """The states ``action`` may fire from, in lifecycle order."""
    return tuple(s for s in S if (s, action) in TRANSITIONS)


def role_may(role: str, allowed: frozenset[str]) -> bool:
    return role in allowed or (role == "admin" and bool(allowed & STAFF_ROLES))


def find(state: str, action: str) -> Transition | None:
    try:
        return TRANSITIONS.get((OrderState(state), Action(action)))
    except ValueError:
        return None


def allowed_actions(state: str, roles: list[str] | tuple[str, ...] | frozenset[str]) -> list[Action]:
    """Actions any of ``roles`` may fire from ``state``, in table order (for buttons)."""
    out: list[Action] = []
    for (from_state, action), transition in TRANSITIONS.items():
        if from_state == state and any(role_may(r, transition.roles) for r in roles) and action not in out:
            out.append(action)
    return out


# the words for each state, per audience, are in ``wording.STATE_WORDING``
ACTION_LABELS: dict[str, str] = {
    A.SUBMIT: N_("Place order"),
    A.REQUEST_CHANGES: N_("Request changes"),
    A.RESUBMIT: N_("Resubmit"),
    A.APPROVE: N_("Approve"),
    A.SEND_CONFIRMATION: N_("Approve and send confirmation"),
    A.REJECT: N_("Reject"),
    A.ACCEPT_CONFIRMATION: N_("Accept and sign"),
    A.DECLINE_CONFIRMATION: N_("Decline"),
    A.CANCEL_BY_CUSTOMER: N_("Cancel order"),
    A.CANCEL_BY_STAFF: N_("Cancel order"),
    A.START_PRODUCTION: N_("Start production"),
    A.READY_TO_SHIP: N_("Ready to ship"),
    A.SHIP_PARTIAL: N_("Ship part"),
    A.SHIP_FULL: N_("Ship all"),
    A.DELIVER: N_("Mark delivered"),
    A.CONFIRM_RECEIPT: N_("Confirm receipt"),
    A.COMPLETE: N_("Complete"),
    A.CLOSE: N_("Close"),
    A.OPEN_REPLACEMENT: N_("Send a replacement"),
}
