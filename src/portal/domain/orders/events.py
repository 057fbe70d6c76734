"""Every kind of order event, and the one writer of the order's timeline.

An event is either a transition of ``states.TRANSITIONS`` (written by ``service.apply``) or a
step that leaves the state as it is (a clerk claimed the order, production reached a milestone,
a carrier reported a problem...). ``record`` writes both the same way: the actor's kind, id, name
and IP, and the role they act in, chosen by one rule (``Actor.acting_role``) from the roles the
kind allows. The stored ``action`` strings are the enum's values; wording lives in ``wording``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.orders import Order, OrderEvent
from portal.domain.errors import Forbidden, InvalidTransition
from portal.domain.orders import states
from portal.domain.orders.actors import Actor
from portal.domain.orders.states import Action

# steps that leave the state as it is; the transitions are the members of ``states.Action``
_STEPS = {
    "CLAIMED": "claimed",  # a clerk assigned the order to themself
    "REVISED": "revised",  # prices, quantities, address or promise changed in review
    "BACKORDERED": "backordered",  # stock short at confirmation
    "BACKORDER_CHOICE": "backorder_choice",  # the buyer chose how to proceed with the missing items
    "NOTIFICATION_RESENT": "notification_resent",
    "TRACKING_LINKS_REVOKED": "tracking_links_revoked",
    "DELIVERY_EXCEPTION": "delivery_exception",  # a carrier reported goods delayed, lost or damaged
    "CASE_RESOLVED": "case_resolved",  # logistics resolved a delivery exception
    "MILESTONE": "milestone",  # production plan, progress or a milestone reached
    "QC_INSPECTION": "qc_inspection",
    "PACKED": "packed",  # one package packed
    "INVOICE_ISSUED": "invoice_issued",  # an invoice (发票) was issued for a shipment or a prepayment
    "CREDIT_NOTE_ISSUED": "credit_note_issued",  # a credit note (贷项通知单) against one of its invoices
    "PAYMENT_RECEIVED": "payment_received",  # finance allocated a payment (收款) to one of its invoices
    "PAYMENT_REVERSED": "payment_reversed",  # a wrong payment was reversed by a reversing entry
    "AFTERSALES_CASE_OPENED": "aftersales_case_opened",  # short or damaged goods reported: a case (售后工单)
    "AFTERSALES_CASE_RESOLVED": "aftersales_case_resolved",  # after-sales resolved one of its cases
    "SURVEY_ANSWERED": "survey_answered",  # the buyer answered the satisfaction survey (满意度调查)
    "RETURN_STEP": "return_step",  # a return (退换货) of the order moved: requested, approved, received...
}
# every event kind: one per ``states.Action`` (the transitions of the table), then the steps
EventKind = StrEnum("EventKind", {**{a.name: a.value for a in Action}, **_STEPS}, module=__name__)


TRANSITIONS = frozenset(EventKind(a) for a in Action)

# who may record each step that is not a transition (a transition's roles are in its table row);
# the same roles as the routes that record them, admin included by ``Actor.acting_role``
K = EventKind
STEP_ROLES: dict[EventKind, frozenset[str]] = {
    K.CLAIMED: frozenset({"reviewer", "approver", "sales"}),
    K.REVISED: frozenset({"reviewer", "approver", "sales"}),
    K.BACKORDERED: frozenset({states.SYSTEM}),
    K.BACKORDER_CHOICE: frozenset({states.CUSTOMER}),
    K.NOTIFICATION_RESENT: frozenset({"sales", "reviewer", "logistics", "aftersales"}),
    K.TRACKING_LINKS_REVOKED: frozenset({"sales", "logistics", "reviewer"}),
    K.DELIVERY_EXCEPTION: frozenset({states.SYSTEM}),
    K.CASE_RESOLVED: frozenset({"logistics"}),
    K.MILESTONE: frozenset({"production"}),
    K.QC_INSPECTION: frozenset({"production"}),
    K.PACKED: frozenset({"production", "logistics"}),
    # invoices are issued by the system when a shipment leaves or a prepaid order is confirmed
    K.INVOICE_ISSUED: frozenset({states.SYSTEM, "finance"}),
    # finance by hand; after-sales and the system when a return is resolved with a credit
    K.CREDIT_NOTE_ISSUED: frozenset({"finance", "aftersales", states.SYSTEM}),
    # finance records, allocates (核销) and reverses payments, by hand or from a bank statement line
    K.PAYMENT_RECEIVED: frozenset({"finance"}),
    K.PAYMENT_REVERSED: frozenset({"finance"}),
    # the buyer's receipt report opens one; after-sales, sales and the system open later kinds
    K.AFTERSALES_CASE_OPENED: frozenset({states.CUSTOMER, "aftersales", "sales", states.SYSTEM}),
    K.AFTERSALES_CASE_RESOLVED: frozenset({"aftersales"}),
    # in the portal, or through the e-mailed link as the order's contact it was sent to
    K.SURVEY_ANSWERED: frozenset({states.CUSTOMER}),
    # the buyer asks, cancels and ships back; after-sales decide, receive, inspect, resolve
    K.RETURN_STEP: frozenset({states.CUSTOMER, "aftersales", states.SYSTEM}),
}


def allowed_roles(kind: EventKind, from_state: str) -> frozenset[str]:
    """The roles that may record ``kind`` from ``from_state``: the table's row, or the step's roles."""
    if kind not in TRANSITIONS:
        return STEP_ROLES[kind]
    transition = states.find(from_state, kind)
    if transition is None:
        raise InvalidTransition()
    return transition.roles


def record(
    db: AsyncSession,
    order: Order,
    actor: Actor,
    kind: EventKind | Action,
    *,
    note: str | None = "",
    data: dict[str, Any] | None = None,
    public: bool = True,
    from_state: str | None = None,
    to_state: str | None = None,
) -> OrderEvent:
    """Add one event to the order's timeline (no flush); refused when the actor holds no allowed role."""
    kind = EventKind(kind)
    from_state = from_state or order.status
    role = actor.acting_role(allowed_roles(kind, from_state))
    if role is None:
        raise Forbidden()
    event = OrderEvent(
        order_id=order.id,
        actor_kind=actor.kind,
        actor_id=actor.id,
        actor_name=actor.name,
        role=role,
        action=kind.value,
        from_state=from_state,
        to_state=to_state or from_state,
        note=(note or "").strip(),
        ip=actor.ip,
        public=public,
        data=data or {},
    )
    db.add(event)
    return event
