"""The parcel of a return on its way back: carrier events from the carrier's signed webhook.

When the buyer names one of our carriers (``returns.carrier_code``) with the tracking number, that
carrier's webhook reports the parcel like one of our shipments. Its events go to ``carrier_events``
with ``return_id`` instead of ``shipment_id``, under the same rule: a carrier's event id is recorded
once (a repeated event changes nothing), and an event from the future is refused. The events show on
the return's page; receiving the goods stays a person's step (they count what arrived).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.returns import ReturnRequest
from portal.domain.errors import ValidationFailed
from portal.domain.fulfilment.shipping import EventInput, check_status, new_event_row
from portal.i18n import N_


async def find_parcel(db: AsyncSession, carrier_code: str, tracking_number: str) -> ReturnRequest | None:
    """The return whose parcel this carrier carries under this tracking number, if any."""
    return await db.scalar(
        select(ReturnRequest)
        .where(ReturnRequest.carrier_code == carrier_code, ReturnRequest.tracking_number == tracking_number)
        .order_by(ReturnRequest.id.desc())
        .limit(1)
    )


async def record_event(db: AsyncSession, request: ReturnRequest, event: EventInput, *, source: str) -> bool:
    """Store one carrier event of the return's parcel; False when this event id was recorded already."""
    check_status(event)
    if clock.in_the_future(event.occurred_at):
        raise ValidationFailed({"occurred_at": N_("This time is in the future.")})
    await db.refresh(request, with_for_update=True)  # one event of a parcel at a time: the dedupe holds
    row = await new_event_row(db, request.carrier_code, event, source=source, return_id=request.id)
    if row is None:
        return False
    db.add(row)
    await db.flush()
    return True
