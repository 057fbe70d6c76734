"""The one transition table of after-sales cases (complaints' full lifecycle; other kinds use a part).

``TRANSITIONS[(from_state, move)] = Step(to_state, roles)``. ``tickets.move`` applies it, records an
``aftersales_case_events`` row per move and bumps the case's version; templates ask ``allowed`` which
buttons to show. ``admin`` may make every staff move. A buyer's answer to a resolved ticket is the
``reopen`` move, allowed only within the configured number of days (``complaint_reopen_days``).
"""

from __future__ import annotations

from enum import StrEnum

from portal.domain.aftersales import return_states
from portal.domain.aftersales.state_table import Step, lookup, step
from portal.i18n import N_


class CaseState(StrEnum):
    OPEN = "open"
    WAITING_FOR_CUSTOMER = "waiting_for_customer"
    RESOLVED = "resolved"
    CLOSED = "closed"


class Move(StrEnum):
    CUSTOMER_MESSAGE = "customer_message"
    STAFF_MESSAGE = "staff_message"
    RESOLVE = "resolve"
    REOPEN = "reopen"
    CLOSE = "close"


CUSTOMER, AFTERSALES, SYSTEM = "customer", "aftersales", "system"


S, M = CaseState, Move


TRANSITIONS: dict[tuple[CaseState, Move], Step] = {
    (S.OPEN, M.CUSTOMER_MESSAGE): step(S.OPEN, CUSTOMER),
    (S.WAITING_FOR_CUSTOMER, M.CUSTOMER_MESSAGE): step(S.OPEN, CUSTOMER),
    (S.RESOLVED, M.REOPEN): step(S.OPEN, CUSTOMER),  # within complaint_reopen_days of resolving
    (S.OPEN, M.STAFF_MESSAGE): step(S.WAITING_FOR_CUSTOMER, AFTERSALES),
    (S.WAITING_FOR_CUSTOMER, M.STAFF_MESSAGE): step(S.WAITING_FOR_CUSTOMER, AFTERSALES),
    (S.OPEN, M.RESOLVE): step(S.RESOLVED, AFTERSALES),
    (S.WAITING_FOR_CUSTOMER, M.RESOLVE): step(S.RESOLVED, AFTERSALES),
    (S.RESOLVED, M.CLOSE): step(S.CLOSED, AFTERSALES, SYSTEM),
}

# named groups: nowhere else lists case states
# someone still has to act (on a ticket, or on a return: ``return_states``); an order with one cannot close
UNSETTLED = (S.OPEN, S.WAITING_FOR_CUSTOMER, *return_states.UNSETTLED)
STATE_LABELS = {
    S.OPEN: N_("being handled"),
    S.WAITING_FOR_CUSTOMER: N_("waiting for the customer's answer"),
    S.RESOLVED: N_("resolved"),
    S.CLOSED: N_("closed"),
    **return_states.STATE_LABELS,
}
# the buyer reads the same states spoken to them (customer pages say "your")
CUSTOMER_STATE_LABELS = {**STATE_LABELS, S.WAITING_FOR_CUSTOMER: N_("waiting for your answer")}
MOVE_LABELS = {M.RESOLVE: N_("Mark resolved"), M.CLOSE: N_("Close the ticket")}
STAFF_BUTTONS = (M.RESOLVE, M.CLOSE)


def find(state: str, move: Move) -> Step | None:
    return lookup(TRANSITIONS, CaseState, state, move)


def allowed(state: str, move: Move) -> bool:
    return find(state, move) is not None
