"""What the public tracking page may show about one order: progress, never prices or personal data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.customers import CustomerUser
from portal.db.fulfilment import CarrierEvent, ProductionMilestone, Shipment
from portal.db.orders import Order, OrderEvent
from portal.domain.fulfilment import views
from portal.domain.fulfilment.production import milestones_for
from portal.domain.orders import timeline


@dataclass(frozen=True)
class TrackingView:
    number: str
    status: str
    submitted_at: datetime | None
    promised_delivery_date: date | None
    delivery_estimate: date | None
    city: str  # the destination city only: no street, no recipient, no phone
    timeline: list[timeline.TimelineEntry]
    milestones: list
    shipments: list[views.ShipmentView]
    cases: list[views.CaseView]  # open ones, and how the others were resolved


async def tracking_view(db: AsyncSession, *, order_id: int, link_version: int) -> TrackingView | None:
    """None when the order is gone or the link was revoked (its version is no longer current)."""
    row = (
        await db.execute(
            select(
                Order.id,
                Order.number,
                Order.status,
                Order.submitted_at,
                Order.promised_delivery_date,
                Order.delivery_estimate,
                Order.shipping_address,
                Order.tracking_link_version,
            ).where(Order.id == order_id)
        )
    ).first()
    if row is None or row.tracking_link_version != link_version or row.number is None:
        return None
    events = (
        await db.scalars(
            select(OrderEvent)
            .where(OrderEvent.order_id == order_id, OrderEvent.public.is_(True))
            .order_by(OrderEvent.id)
        )
    ).all()
    return TrackingView(
        number=row.number,
        status=row.status,
        submitted_at=row.submitted_at,
        promised_delivery_date=row.promised_delivery_date,
        delivery_estimate=row.delivery_estimate,
        city=(row.shipping_address or {}).get("city", ""),
        timeline=timeline.customer_timeline(events, public_page=True),
        milestones=await milestones_for(db, order_id),
        shipments=await views.shipments_for(db, order_id),
        cases=await views.cases_for(db, order_id),
    )


async def find_for_lookup(db: AsyncSession, *, number: str, email: str) -> tuple[int, int] | None:
    """(order id, link version) when the e-mail belongs to a user of the order's account."""
    row = (
        await db.execute(
            select(Order.id, Order.tracking_link_version).where(
                Order.number == number.strip().upper(),
                exists().where(
                    CustomerUser.account_id == Order.account_id,
                    CustomerUser.is_active.is_(True),
                    func.lower(CustomerUser.email) == email.strip().lower(),
                ),
            )
        )
    ).first()
    return (row[0], row[1]) if row else None


async def fingerprint(db: AsyncSession, order_id: int) -> tuple | None:
    """One cheap statement that changes whenever anything the tracking page shows changes.

    (link version, order version, last event, last carrier event, last milestone update); None when
    the order does not exist. A page rendered for one fingerprint can be served again until it moves.
    """
    last_event = select(func.max(OrderEvent.id)).where(OrderEvent.order_id == Order.id).scalar_subquery()
    last_carrier_event = (
        select(func.max(CarrierEvent.id))
        .join(Shipment, Shipment.id == CarrierEvent.shipment_id)
        .where(Shipment.order_id == Order.id)
        .scalar_subquery()
    )
    last_milestone = (
        select(func.max(ProductionMilestone.updated_at))
        .where(ProductionMilestone.order_id == Order.id)
        .scalar_subquery()
    )
    row = (
        await db.execute(
            select(
                Order.tracking_link_version, Order.version, last_event, last_carrier_event, last_milestone
            ).where(Order.id == order_id)
        )
    ).first()
    return tuple(row) if row else None
