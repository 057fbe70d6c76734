"""The one transition table of returns (退换货, RMA), stored in the after-sales case's ``state``.

``TRANSITIONS[(from_state, move)] = Step(to_state, roles)``. ``returns.move`` applies it: the case
row, an ``aftersales_case_events`` row, the order's event and any e-mail in one transaction; the
pages ask ``allowed`` which buttons to show. ``admin`` may make every staff move. The buyer may
cancel until the goods are on their way back.

    requested → approved | rejected | cancelled
    approved → in_transit | received | cancelled      (received: the goods came without a tracking number)
    in_transit → received → inspected → resolved → closed
"""

from __future__ import annotations

from enum import StrEnum

from portal.domain.aftersales.state_table import Step, lookup, step
from portal.i18n import N_


class RmaState(StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    IN_TRANSIT = "in_transit"
    RECEIVED = "received"
    INSPECTED = "inspected"
    RESOLVED = "resolved"
    CLOSED = "closed"


class RmaMove(StrEnum):
    REQUEST = "request"  # opens the case in ``requested``: not a row of the table
    APPROVE = "approve"
    REJECT = "reject"
    CANCEL = "cancel"
    SHIP = "ship"
    RECEIVE = "receive"
    INSPECT = "inspect"
    RESOLVE = "resolve"
    CLOSE = "close"


CUSTOMER, AFTERSALES, SYSTEM = "customer", "aftersales", "system"


R, M = RmaState, RmaMove


TRANSITIONS: dict[tuple[RmaState, RmaMove], Step] = {
    (R.REQUESTED, M.APPROVE): step(R.APPROVED, AFTERSALES),
    (R.REQUESTED, M.REJECT): step(R.REJECTED, AFTERSALES),
    (R.REQUESTED, M.CANCEL): step(R.CANCELLED, CUSTOMER),
    (R.APPROVED, M.CANCEL): step(R.CANCELLED, CUSTOMER),
    (R.APPROVED, M.SHIP): step(R.IN_TRANSIT, CUSTOMER, AFTERSALES),
    (R.APPROVED, M.RECEIVE): step(R.RECEIVED, AFTERSALES),
    (R.IN_TRANSIT, M.RECEIVE): step(R.RECEIVED, AFTERSALES),
    (R.RECEIVED, M.INSPECT): step(R.INSPECTED, AFTERSALES),
    (R.INSPECTED, M.RESOLVE): step(R.RESOLVED, AFTERSALES),
    (R.RESOLVED, M.CLOSE): step(R.CLOSED, AFTERSALES, SYSTEM),
}

# named groups: nowhere else lists return states
UNSETTLED = (R.REQUESTED, R.APPROVED, R.IN_TRANSIT, R.RECEIVED, R.INSPECTED)  # someone still has to act
SETTLING = frozenset({R.REJECTED, R.CANCELLED, R.RESOLVED})  # reaching one of these settles the case
HOLDS_UNITS = frozenset(set(RmaState) - {R.REJECTED, R.CANCELLED})  # its units count as asked back
AUTHORISED = frozenset({R.APPROVED, R.IN_TRANSIT, R.RECEIVED, R.INSPECTED, R.RESOLVED, R.CLOSED})

STATE_LABELS = {
    R.REQUESTED: N_("requested"),
    R.APPROVED: N_("approved"),
    R.REJECTED: N_("rejected"),
    R.CANCELLED: N_("cancelled"),
    R.IN_TRANSIT: N_("on its way back"),
    R.RECEIVED: N_("goods received"),
    R.INSPECTED: N_("inspected"),
    R.RESOLVED: N_("resolved"),
    R.CLOSED: N_("closed"),
}
MOVE_LABELS = {
    M.REQUEST: N_("Request a return"),
    M.APPROVE: N_("Approve the return"),
    M.REJECT: N_("Reject the request"),
    M.CANCEL: N_("Cancel the return"),
    M.SHIP: N_("Record the return shipment"),
    M.RECEIVE: N_("Record the goods received"),
    M.INSPECT: N_("Record the inspection"),
    M.RESOLVE: N_("Resolve"),
    M.CLOSE: N_("Close the return"),
}


def find(state: str, move: RmaMove) -> Step | None:
    return lookup(TRANSITIONS, RmaState, state, move)


def allowed(state: str, move: RmaMove) -> bool:
    return find(state, move) is not None
