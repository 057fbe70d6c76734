"""The one place that words order states, timeline events and messages for each audience.

A signed-in buyer ("customer"), the seller's clerks ("staff") and whoever opens a tracking link
("public") read the same order: the buyer is addressed as "you", staff read who did what in the
third person, and the public page names nobody. Every state and every ``events.EventKind`` has a
wording for all three (``tests/unit/domain/orders/test_wording.py`` holds the code to it);
badges, lists, timelines and notification lists ask here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from portal.domain.fulfilment.milestones import MILESTONES, QC_RESULT_LABELS, REACHED_WORDING
from portal.domain.orders.events import EventKind
from portal.domain.orders.states import OrderState
from portal.i18n import N_, gettext

CUSTOMER, STAFF, PUBLIC = "customer", "staff", "public"
AUDIENCES = (CUSTOMER, STAFF, PUBLIC)


@dataclass(frozen=True)
class Words:
    """One msgid per audience; ``%(name)s`` is the customer user who acted (customer wording only)."""

    customer: str
    staff: str
    public: str

    def of(self, audience: str) -> str:
        return getattr(self, audience if audience in AUDIENCES else PUBLIC)


def _same(text: str) -> Words:
    """One wording every audience reads."""
    return Words(text, text, text)


def _words_of(named: str, public: str) -> Words:
    """Buyer and staff read ``named`` (it names the document); the public page reads ``public``."""
    return Words(named, named, public)


def _outside(text: str, staff: str) -> Words:
    """The buyer and the public read ``text`` alike; staff read ``staff``."""
    return Words(text, staff, text)


S = OrderState

STATE_WORDING: dict[str, Words] = {
    S.DRAFT: Words(N_("cart"), N_("draft, not placed"), N_("not placed")),
    S.SUBMITTED: _outside(N_("received"), N_("to review")),
    S.CHANGES_REQUESTED: Words(
        N_("waiting for your changes"), N_("waiting for the customer's changes"), N_("changes requested")
    ),
    S.AWAITING_APPROVAL: _outside(N_("in review"), N_("awaiting approval")),
    S.CONFIRMATION_SENT: Words(
        N_("awaiting your confirmation"),
        N_("waiting for the customer to confirm"),
        N_("awaiting confirmation"),
    ),
    S.CONFIRMED: _same(N_("confirmed")),
    S.IN_PRODUCTION: _same(N_("in production")),
    S.READY_TO_SHIP: _same(N_("ready to ship")),
    S.PARTIALLY_SHIPPED: _same(N_("partially shipped")),
    S.SHIPPED: _same(N_("shipped")),
    S.DELIVERED: _same(N_("delivered")),
    S.COMPLETED: _same(N_("completed")),
    S.CLOSED: _outside(N_("closed"), N_("closed and settled")),
    S.REJECTED: _outside(N_("not accepted"), N_("rejected")),
    S.CANCELLED: _same(N_("cancelled")),
}

K = EventKind
EVENT_WORDING: dict[EventKind, Words] = {
    K.SUBMIT: _outside(N_("Order received"), N_("Order placed")),
    K.REQUEST_CHANGES: Words(
        N_("We asked for changes"), N_("Changes requested from the customer"), N_("Changes requested")
    ),
    K.RESUBMIT: Words(
        N_("Order changed and resubmitted by %(name)s"),
        N_("Order changed and resubmitted"),
        N_("Order changed and resubmitted"),
    ),
    K.APPROVE: _outside(N_("Approval step passed"), N_("Approved (level %(level)s)")),
    K.SEND_CONFIRMATION: Words(
        N_("Reviewed: the order confirmation is waiting for you"),
        N_("Approved; order confirmation sent to the customer"),
        N_("Reviewed: order confirmation sent"),
    ),
    K.REJECT: _outside(N_("The order could not be accepted"), N_("Order rejected")),
    K.ACCEPT_CONFIRMATION: Words(
        N_("Order confirmation accepted and signed by %(name)s"),
        N_("The customer accepted and signed the order confirmation"),
        N_("Order confirmation accepted and signed"),
    ),
    K.DECLINE_CONFIRMATION: Words(
        N_("Order confirmation declined by %(name)s"),
        N_("The customer declined the order confirmation"),
        N_("Order confirmation declined"),
    ),
    K.CANCEL_BY_CUSTOMER: Words(
        N_("Cancelled by %(name)s"), N_("Cancelled by the customer"), N_("Cancelled by the customer")
    ),
    K.CANCEL_BY_STAFF: Words(
        N_("Cancelled by us"), N_("Cancelled by staff"), N_("Cancelled by the supplier")
    ),
    K.START_PRODUCTION: _same(N_("Production started")),
    K.READY_TO_SHIP: _outside(N_("Packed and ready to ship"), N_("Marked ready to ship")),
    K.SHIP_PARTIAL: _outside(N_("Part of the order shipped"), N_("Partial shipment handed to the carrier")),
    K.SHIP_FULL: _outside(N_("Shipped"), N_("Everything handed to the carrier")),
    K.DELIVER: _same(N_("Delivered")),
    K.CONFIRM_RECEIPT: Words(
        N_("Receipt confirmed by %(name)s"), N_("The customer confirmed receipt"), N_("Receipt confirmed")
    ),
    K.COMPLETE: _same(N_("Completed")),
    K.CLOSE: Words(N_("Closed and settled"), N_("Closed and settled"), N_("Closed")),
    K.CLAIMED: Words(
        N_("A clerk took on your order"), N_("Assigned to %(actor)s"), N_("A clerk took on the order")
    ),
    K.REVISED: Words(
        N_("Prices or quantities revised"), N_("Prices or quantities revised"), N_("Order revised")
    ),
    K.BACKORDERED: Words(
        N_("Some items are not in stock yet: please choose how to proceed"),
        N_("Stock short: lines on backorder"),
        N_("Some items are not in stock yet"),
    ),
    K.BACKORDER_CHOICE: Words(
        N_("%(name)s chose: %(choice)s"),
        N_("The customer chose: %(choice)s"),
        N_("Choice for the missing items: %(choice)s"),
    ),
    K.NOTIFICATION_RESENT: Words(
        N_("A message was sent to you again"), N_("Notification resent"), N_("A message was sent again")
    ),
    K.DELIVERY_EXCEPTION: _outside(
        N_("Delivery problem: the goods are %(kind)s"), N_("Carrier reported an exception: goods %(kind)s")
    ),
    K.CASE_RESOLVED: _outside(N_("Delivery problem resolved"), N_("Logistics case resolved")),
    K.TRACKING_LINKS_REVOKED: _outside(N_("Tracking links renewed"), N_("Tracking links revoked")),
    K.QC_INSPECTION: _same(N_("Quality inspection: %(result)s")),
    K.PACKED: _same(N_("Package %(position)s packed")),
    K.MILESTONE: _same(N_("Production plan updated")),
    # the public tracking page names no document: numbers lead to amounts
    K.INVOICE_ISSUED: Words(
        N_("Invoice %(document)s issued"), N_("Invoice %(document)s issued"), N_("Invoice issued")
    ),
    K.CREDIT_NOTE_ISSUED: Words(
        N_("Credit note %(document)s issued"), N_("Credit note %(document)s issued"), N_("Credit note issued")
    ),
    K.PAYMENT_RECEIVED: Words(
        N_("We received your payment for invoice %(document)s"),
        N_("Payment received for invoice %(document)s"),
        N_("Payment received"),
    ),
    K.PAYMENT_REVERSED: Words(
        N_("A payment entry for invoice %(document)s was corrected"),
        N_("Payment for invoice %(document)s reversed"),
        N_("Payment entry corrected"),
    ),
    K.AFTERSALES_CASE_OPENED: Words(
        N_("After-sales case %(document)s opened"),
        N_("After-sales case %(document)s opened"),
        N_("After-sales case opened"),
    ),
    K.AFTERSALES_CASE_RESOLVED: Words(
        N_("After-sales case %(document)s resolved"),
        N_("After-sales case %(document)s resolved"),
        N_("After-sales case resolved"),
    ),
    K.SURVEY_ANSWERED: Words(
        N_("Satisfaction survey answered by %(name)s: thank you"),
        N_("Satisfaction survey answered: overall %(csat)s/5, NPS %(nps)s"),
        N_("Satisfaction survey answered"),
    ),
    K.OPEN_REPLACEMENT: _words_of(N_("Replacement order opened, free of charge"), N_("Replacement order")),
    K.RETURN_STEP: _words_of(N_("Return %(document)s updated"), N_("Return updated")),
}

# each step of a return (``return_states.RmaMove``) reads its own way: (K.RETURN_STEP, "return.<move>")
RETURN_WORDING: dict[str, Words] = {
    "request": Words(
        N_("%(name)s requested a return: %(document)s"),
        N_("The customer requested a return: %(document)s"),
        N_("Return requested"),
    ),
    "approve": Words(
        N_("Return %(document)s approved: please send the goods back quoting %(rma)s"),
        N_("Return %(document)s approved as %(rma)s"),
        N_("Return approved"),
    ),
    "reject": Words(
        N_("Return request %(document)s was declined"),
        N_("Return request %(document)s rejected"),
        N_("Return request declined"),
    ),
    "cancel": Words(
        N_("%(name)s cancelled return %(document)s"),
        N_("The customer cancelled return %(document)s"),
        N_("Return cancelled"),
    ),
    "ship": Words(
        N_("Return %(document)s is on its way back"),
        N_("Return shipment of %(document)s recorded"),
        N_("Return on its way back"),
    ),
    "receive": _words_of(N_("Returned goods of %(document)s received"), N_("Returned goods received")),
    "inspect": _words_of(N_("Returned goods of %(document)s inspected"), N_("Returned goods inspected")),
    "resolve": _words_of(N_("Return %(document)s resolved"), N_("Return resolved")),
    "close": _words_of(N_("Return %(document)s closed"), N_("Return closed")),
}

# where one kind reads several ways: (kind, variant) -> words; see ``event_words``
REVIEW_PASSED, PROGRESS, RECEIPT_CASE, LOW_SCORE = "review_passed", "progress", "case.receipt", "low_score"
VARIANT_WORDING: dict[tuple[EventKind, str], Words] = {
    (K.APPROVE, REVIEW_PASSED): _outside(N_("Review passed"), N_("Review passed; sent for approval")),
    (K.MILESTONE, PROGRESS): _same(N_("Production progress: %(progress)s%%")),
    **{(K.MILESTONE, f"reached.{m}"): _same(REACHED_WORDING[m]) for m in MILESTONES},
    (K.AFTERSALES_CASE_OPENED, RECEIPT_CASE): Words(
        N_("%(name)s reported short or damaged goods: after-sales case %(document)s"),
        N_("The customer reported short or damaged goods: case %(document)s"),
        N_("Short or damaged goods reported"),
    ),
    **{(K.RETURN_STEP, f"return.{move}"): words for move, words in RETURN_WORDING.items()},
    (K.SURVEY_ANSWERED, LOW_SCORE): Words(
        N_("Satisfaction survey answered by %(name)s: thank you"),
        N_(
            "Satisfaction survey answered with a low score: overall %(csat)s/5, NPS %(nps)s; follow-up opened"
        ),
        N_("Satisfaction survey answered"),
    ),
}

# notes a buyer may read on their order page; every other note is internal
CUSTOMER_NOTES = frozenset(
    {
        K.REQUEST_CHANGES,
        K.RESUBMIT,
        K.REJECT,
        K.DECLINE_CONFIRMATION,
        K.CANCEL_BY_CUSTOMER,
        K.CANCEL_BY_STAFF,
        K.CONFIRM_RECEIPT,
        K.BACKORDER_CHOICE,
        K.CASE_RESOLVED,
        K.AFTERSALES_CASE_OPENED,
        K.AFTERSALES_CASE_RESOLVED,
        K.RETURN_STEP,  # why a return was declined, what the inspection found
    }
)
PUBLIC_NOTES = frozenset({K.CASE_RESOLVED})  # how a delivery problem was resolved, on the tracking page

EXCEPTION_LABELS = {"delayed": N_("delayed"), "lost": N_("lost"), "damaged": N_("damaged")}
BACKORDER_CHOICE_LABELS = {
    "wait": N_("Wait for the complete order"),
    "partial": N_("Ship what is in stock now, the rest later (partial shipment)"),
    "substitute": N_("Take a substitute product"),
}

# the staff notification list: what each e-mail template is about
MESSAGE_LABELS: dict[str, str] = {
    "order_received": N_("Order received (to the customer)"),
    "changes_requested": N_("Changes requested (to the customer)"),
    "confirmation_ready": N_("Order confirmation ready (to the customer)"),
    "order_confirmed": N_("Order confirmation accepted (to sales)"),
    "confirmation_declined": N_("Order confirmation declined (to the reviewer)"),
    "order_rejected": N_("Order rejected (to the customer)"),
    "order_cancelled": N_("Order cancelled (to the customer)"),
    "order_shipped": N_("Shipment sent (to the customer)"),
    "order_delivered": N_("Order delivered (to the customer)"),
    "delivery_exception": N_("Delivery problem (to the customer)"),
    "case_resolved": N_("Delivery problem resolved (to the customer)"),
    "backorder": N_("Items on backorder (to the customer)"),
    "production_milestone": N_("Production progress (to the customer)"),
    "review_sla_breached": N_("Review overdue (to reviewers)"),
    "invitation": N_("Invitation to the portal"),
    "invoice_issued": N_("Invoice issued (to the customer)"),
    "invoice_reminder": N_("Payment reminder (to the customer)"),
    "credit_note_issued": N_("Credit note issued (to the customer)"),
    "payment_received": N_("Payment received (to the customer)"),
    "aftersales_case_opened": N_("Short or damaged goods reported (to after-sales)"),
    "aftersales_case_resolved": N_("After-sales case resolved (to the customer)"),
    "complaint_message": N_("New message on a complaint ticket (to the other side)"),
    "aftersales_sla_breached": N_("First response overdue (to after-sales)"),
    "complaint_resolved": N_("Complaint ticket resolved (to the customer)"),
    "survey_invitation": N_("Satisfaction survey invitation (to the customer)"),
    "return_requested": N_("Return requested (to after-sales)"),
    "return_approved": N_("Return approved, with its RMA number (to the customer)"),
    "return_rejected": N_("Return request declined (to the customer)"),
    "return_resolved": N_("Return resolved (to the customer)"),
}


def state_label(state: str, audience: str) -> str:
    """The state in the reader's language and voice; an unknown state is never shown as its key."""
    words = STATE_WORDING.get(state)
    return gettext(words.of(audience)) if words else gettext("unknown state")


def message_label(template: str) -> str:
    label = MESSAGE_LABELS.get(template)
    return gettext(label) if label else gettext("Message")


def variant(kind: str, from_state: str | None, data: dict[str, Any]) -> str:
    """Which way an event of ``kind`` reads ("" for its plain wording): approve passing review, milestones,
    the kind of after-sales case opened."""
    if kind == K.APPROVE and from_state == S.SUBMITTED:
        return REVIEW_PASSED
    if kind == K.MILESTONE:
        if data.get("reached") and data.get("milestone") in REACHED_WORDING:
            return f"reached.{data['milestone']}"
        return PROGRESS if data.get("progress") is not None else ""
    if kind == K.AFTERSALES_CASE_OPENED and data.get("case_kind") == "receipt":
        return RECEIPT_CASE
    if kind == K.RETURN_STEP and data.get("move") in RETURN_WORDING:
        return f"return.{data['move']}"
    if kind == K.SURVEY_ANSWERED and data.get("low"):
        return LOW_SCORE
    return ""


def event_words(kind: str, from_state: str | None, data: dict[str, Any]) -> Words | None:
    """The words of one event, by its kind and variant; None for an action no kind names."""
    try:
        kind = EventKind(kind)
    except ValueError:
        return None
    return VARIANT_WORDING.get((kind, variant(kind, from_state, data))) or EVENT_WORDING.get(kind)


def _params(data: dict[str, Any], name: str, actor: str) -> dict[str, Any]:
    """Every value a wording may name, already in the reader's language."""

    def label(labels: dict[str, str], key: Any) -> str:
        return gettext(labels[key]) if key in labels else ""

    return {
        "name": name,
        "actor": actor,
        "level": data.get("level", ""),
        "progress": data.get("progress", ""),
        "position": data.get("position", ""),
        "result": label(QC_RESULT_LABELS, data.get("result")),
        "choice": label(BACKORDER_CHOICE_LABELS, data.get("choice")),
        "kind": label(EXCEPTION_LABELS, data.get("kind")),
        "document": data.get("number", ""),  # an invoice's or credit note's number
        "csat": data.get("csat_overall", ""),
        "nps": data.get("nps", ""),
        "rma": data.get("rma", ""),  # a return's RMA number, once approved
    }


def event_text(
    action: str,
    audience: str,
    *,
    from_state: str | None = None,
    data: dict[str, Any] | None = None,
    name: str = "",
    actor: str = "",
) -> str:
    """One event as ``audience`` reads it; ``name`` is the acting customer user (customer wording)."""
    words = event_words(action, from_state, data or {})
    if words is None:
        return gettext("Order updated")
    msgid = words.of(audience)
    if "%(name)s" in msgid and not name:  # a clerk acted for the buyer: say it without a name
        msgid = words.public
    return gettext(msgid, **_params(data or {}, name, actor))
