"""A carrier's webhook event (signature checked by the door): about one of our shipments, or about the
parcel of a return coming back to us (``aftersales.return_tracking``). NotFound when the carrier's
tracking number is neither; ValidationFailed for a malformed payload; False for a repeated event.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from portal.domain.aftersales import return_tracking
from portal.domain.errors import NotFound
from portal.domain.fulfilment import shipping


async def record(db: AsyncSession, carrier_code: str, payload: dict) -> bool:
    """Record the event; True when new, False when this event id was recorded before."""
    tracking_number, event = shipping.parse_webhook(payload)
    shipment = await shipping.find_shipment(db, carrier_code, tracking_number)
    if shipment is not None:
        return await shipping.record_event(db, shipment, event, source="webhook")
    parcel = await return_tracking.find_parcel(db, carrier_code, tracking_number)
    if parcel is None:
        raise NotFound()
    return await return_tracking.record_event(db, parcel, event, source="webhook")
