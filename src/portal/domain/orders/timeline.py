"""The order's timeline, built from its events: a friendly public subset for customers, everything for staff.

The words come from ``wording``: the same event reads differently to the buyer, to staff and on
the public tracking page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from portal.db.orders import OrderEvent
from portal.domain.orders import wording
from portal.domain.orders.actors import shown_name
from portal.domain.orders.events import EventKind


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    text: str
    note: str
    actor: str = ""
    role: str = ""
    from_state: str | None = None
    to_state: str | None = None


class EventRecord(NamedTuple):
    """What a timeline reads of an event, as a hand-written read returns it (an OrderEvent also fits);
    the buyer's page reads public events without ``role`` and ``to_state``, the staff page every field."""

    at: datetime
    actor_kind: str
    actor_name: str
    action: str
    from_state: str | None
    data: dict[str, Any]
    note: str
    public: bool = True
    role: str = ""
    to_state: str | None = None


def _text(e: OrderEvent | EventRecord, audience: str) -> str:
    name = e.actor_name if e.actor_kind == "customer" and audience == wording.CUSTOMER else ""
    return wording.event_text(
        e.action,
        audience,
        from_state=e.from_state,
        data=e.data or {},
        name=name,
        actor=shown_name(e.actor_kind, e.actor_name),
    )


def customer_timeline(
    events: Sequence[OrderEvent | EventRecord], *, public_page: bool = False
) -> list[TimelineEntry]:
    """Oldest first; only public events, in the viewer's language, no internal notes or staff names.

    ``public_page`` (the tracking link, opened without signing in) also leaves out people's
    names and every note but how a delivery problem was resolved.
    """
    audience = wording.PUBLIC if public_page else wording.CUSTOMER
    notes = wording.PUBLIC_NOTES if public_page else wording.CUSTOMER_NOTES
    out: list[TimelineEntry] = []
    for e in events:
        if not e.public:
            continue
        text = _text(e, audience)
        if e.action == EventKind.MILESTONE and (e.data or {}).get("reached"):
            # reached again after a rework (an internal QC step): show the latest time only
            out = [entry for entry in out if entry.text != text]
        out.append(TimelineEntry(at=e.at, text=text, note=e.note if e.action in notes else ""))
    return out


def staff_timeline(events: Sequence[OrderEvent]) -> list[TimelineEntry]:
    """Every event with who did it, in which role, and the move it made."""
    return [
        TimelineEntry(
            at=e.at,
            text=_text(e, wording.STAFF),
            note=e.note,
            actor=shown_name(e.actor_kind, e.actor_name),
            role=e.role,
            from_state=e.from_state,
            to_state=e.to_state,
        )
        for e in events
    ]
