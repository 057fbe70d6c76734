"""The order's timeline, built from its events: a friendly public subset for customers, everything for staff."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from portal.db.orders import OrderEvent
from portal.domain.fulfilment.milestones import event_text  # production steps word themselves
from portal.domain.orders.states import Action
from portal.i18n import N_, gettext

# what a customer reads for each action; %(name)s is the customer user who acted
CUSTOMER_WORDING: dict[str, str] = {
    Action.SUBMIT: N_("Order received"),
    Action.REQUEST_CHANGES: N_("We asked for changes"),
    Action.RESUBMIT: N_("Order changed and resubmitted by %(name)s"),
    Action.SEND_CONFIRMATION: N_("Reviewed: the order confirmation is waiting for you"),
    Action.REJECT: N_("The order could not be accepted"),
    Action.ACCEPT_CONFIRMATION: N_("Order confirmation accepted and signed by %(name)s"),
    Action.DECLINE_CONFIRMATION: N_("Order confirmation declined by %(name)s"),
    Action.CANCEL_BY_CUSTOMER: N_("Cancelled by %(name)s"),
    Action.CANCEL_BY_STAFF: N_("Cancelled by us"),
    Action.START_PRODUCTION: N_("Production started"),
    Action.READY_TO_SHIP: N_("Packed and ready to ship"),
    Action.SHIP_PARTIAL: N_("Part of the order shipped"),
    Action.SHIP_FULL: N_("Shipped"),
    Action.DELIVER: N_("Delivered"),
    Action.CONFIRM_RECEIPT: N_("Receipt confirmed by %(name)s"),
    Action.COMPLETE: N_("Completed"),
    Action.CLOSE: N_("Closed and settled"),
}
# notes written for the customer; other notes are internal
CUSTOMER_NOTES = {
    Action.REQUEST_CHANGES,
    Action.RESUBMIT,
    Action.REJECT,
    Action.DECLINE_CONFIRMATION,
    Action.CANCEL_BY_CUSTOMER,
    Action.CANCEL_BY_STAFF,
    Action.CONFIRM_RECEIPT,
}
STAFF_ONLY_WORDING: dict[str, str] = {
    Action.APPROVE: N_("Approved (level %(level)s)"),
    "review_passed": N_("Review passed; sent for approval"),
    "notification_resent": N_("Notification resent"),
    "revised": N_("Prices or quantities revised"),
}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    text: str
    note: str
    actor: str = ""
    role: str = ""
    from_state: str | None = None
    to_state: str | None = None


# the same steps without naming anyone, for the public tracking page
NAMELESS_WORDING: dict[str, str] = {
    Action.RESUBMIT: N_("Order changed and resubmitted"),
    Action.ACCEPT_CONFIRMATION: N_("Order confirmation accepted and signed"),
    Action.DECLINE_CONFIRMATION: N_("Order confirmation declined"),
    Action.CANCEL_BY_CUSTOMER: N_("Cancelled by the customer"),
    Action.CONFIRM_RECEIPT: N_("Receipt confirmed"),
}


def customer_timeline(events: Sequence[OrderEvent], *, public_page: bool = False) -> list[TimelineEntry]:
    """Oldest first; only public events, in the viewer's language, no internal notes or staff names.

    ``public_page`` (the tracking link, opened without signing in) also leaves out people's
    names and every note.
    """
    out = []
    for e in events:
        if e.public and (fulfilment := event_text(e.action, e.data or {})):
            if e.action == "milestone" and (e.data or {}).get("reached"):
                # reached again after a rework (an internal QC step): show the latest time only
                out = [entry for entry in out if entry.text != fulfilment]
            out.append(TimelineEntry(at=e.at, text=fulfilment, note=""))  # milestone notes are internal
            continue
        wording = CUSTOMER_WORDING.get(e.action)
        if not e.public or wording is None:
            continue
        if public_page and e.action in NAMELESS_WORDING:
            wording = NAMELESS_WORDING[e.action]
        name = e.actor_name if e.actor_kind == "customer" else ""
        text = gettext(wording, name=name) if "%(name)s" in wording else gettext(wording)
        note = e.note if e.action in CUSTOMER_NOTES and not public_page else ""
        out.append(TimelineEntry(at=e.at, text=text, note=note))
    return out


def staff_timeline(events: Sequence[OrderEvent]) -> list[TimelineEntry]:
    """Every event with who did it, in which role, and the move it made."""
    out = []
    for e in events:
        key = "review_passed" if e.action == Action.APPROVE and e.from_state == "submitted" else e.action
        wording = STAFF_ONLY_WORDING.get(key) or CUSTOMER_WORDING.get(key)
        if wording is None:
            text = event_text(e.action, e.data or {}) or e.action
        elif "%(level)s" in wording:
            text = gettext(wording, level=e.data.get("level", ""))
        elif "%(name)s" in wording:
            text = gettext(wording, name=e.actor_name)
        else:
            text = gettext(wording)
        out.append(
            TimelineEntry(
                at=e.at,
                text=text,
                note=e.note,
                actor=e.actor_name,
                role=e.role,
                from_state=e.from_state,
                to_state=e.to_state,
            )
        )
    return out
