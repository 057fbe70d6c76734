"""What the public tracking page may show about one order: progress, never prices or personal data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, bindparam, exists, func, select
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.util import await_, greenlet_spawn

from portal.db.customers import CustomerUser
from portal.db.engine import raw_statement_sent
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


Fingerprint = (
    tuple  # (link version, order version, last event id, last carrier event id, last milestone update)
)


def _fingerprint_statement() -> Select:
    """The fingerprint of the order ``:order_id``, as one statement of scalar subqueries."""
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
    return select(
        Order.tracking_link_version, Order.version, last_event, last_carrier_event, last_milestone
    ).where(Order.id == bindparam("order_id"))


FINGERPRINT = _fingerprint_statement()
_compiled: dict[type, str] = {}  # dialect class -> the statement's SQL, compiled once per process


def _fingerprint_sql(dialect: Dialect) -> str:
    sql = _compiled.get(type(dialect))
    if sql is None:
        compiled = FINGERPRINT.compile(dialect=dialect)
        if list(compiled.positiontup or ()) != ["order_id"]:  # the driver call passes exactly one value
            raise RuntimeError(f"unexpected parameters in the fingerprint statement: {compiled.positiontup}")
        sql = _compiled[type(dialect)] = str(compiled)
    return sql


async def fingerprint(db: AsyncSession, order_id: int) -> Fingerprint | None:
    """One cheap statement that changes whenever anything the tracking page shows changes.

    (link version, order version, last event, last carrier event, last milestone update); None when
    the order does not exist. A page rendered for one fingerprint can be served again until it moves.
    """
    row = (await db.execute(FINGERPRINT, {"order_id": order_id})).first()
    return tuple(row) if row else None


async def current_fingerprint(engine: AsyncEngine, order_id: int) -> Fingerprint | None:
    """``fingerprint`` read without an ORM session: the hot path of every tracking-page request.

    The same statement, compiled once, sent by asyncpg itself on a connection borrowed from the
    engine's pool (asyncpg prepares it once per connection and reuses it); checkout, query and
    return happen in one greenlet hop. The connection is outside any transaction: one statement,
    one snapshot. A connection that fails or is interrupted mid-statement is discarded, not
    returned to the pool. SQLAlchemy's ``before_cursor_execute`` event does not see it, so it is
    announced to ``RAW_STATEMENT_LISTENERS`` (the statement counters). Raises what asyncpg raises (a database failure).
    """
    record = await greenlet_spawn(_fetch_fingerprint, engine.sync_engine, order_id)
    return tuple(record) if record is not None else None


def _fetch_fingerprint(engine: Engine, order_id: int) -> Any:
    """Inside a greenlet: check a connection out, run the statement on asyncpg, check it back in."""
    pooled = engine.raw_connection()
    sql = _fingerprint_sql(engine.dialect)
    raw_statement_sent(engine, sql)  # counted like any other statement
    try:
        return await_(pooled.driver_connection.fetchrow(sql, order_id))
    except BaseException:
        pooled.invalidate()  # returns the slot to the pool without the connection
        raise
    finally:
        if pooled.is_valid:
            pooled.close()


async def tracking_snapshot(
    engine: AsyncEngine, *, order_id: int, link_version: int
) -> tuple[Fingerprint, TrackingView] | None:
    """(fingerprint, view) read in one REPEATABLE READ snapshot, so the view is what that fingerprint
    names (a render cached under it never shows a newer or older state); None like ``tracking_view``."""
    async with AsyncSession(engine, expire_on_commit=False, autoflush=False) as db:
        await db.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        fp = await fingerprint(db, order_id)
        if fp is None or fp[0] != link_version:
            return None
        view = await tracking_view(db, order_id=order_id, link_version=link_version)
        return (fp, view) if view is not None else None
