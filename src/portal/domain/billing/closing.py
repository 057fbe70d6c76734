"""Closing settled orders (结案): completed, fully invoiced, paid, and nothing left open about them.

An order may close (``states.Action.CLOSE``, from ``completed`` only) when

- every order line is invoiced in full: the units on its invoices equal the units ordered;
- every invoice of the order is settled: its balance (total − payments − credit notes) is 0 or less;
- no delivery exception (``LogisticsCase``) of it is still open;
- no after-sales case (``AftersalesCase``: a receipt with short or damaged goods...) of it is still open.

``close_settled`` is the settlement worker's cron: it closes every such order as the system, through
``service.close`` (the transition table, its event, in the caller's transaction), skipping rows
another worker holds; a second run finds nothing left to do. ``close_by_hand`` is finance's button
on the staff order page: the same rule, each unmet condition named in a ValidationFailed.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from portal.db.aftersales import AftersalesCase
from portal.db.billing import Invoice, InvoiceLine
from portal.db.fulfilment import LogisticsCase
from portal.db.orders import Order, OrderEvent, OrderLine
from portal.domain.billing.balances import correlated_sum, invoice_balance
from portal.domain.errors import ValidationFailed
from portal.domain.orders import service, states
from portal.domain.orders.actors import Actor
from portal.domain.orders.states import Action
from portal.i18n import N_

BATCH = 200
CLOSER = "settlement"  # the system actor's name on the timeline
# why an order cannot close yet, by the field the staff order page shows it under
NOT_INVOICED = N_("Not everything ordered has been invoiced yet.")
NOT_PAID = N_("An invoice of this order still has an amount due.")
OPEN_CASE = N_("A delivery exception of this order is still open.")
OPEN_AFTERSALES = N_("An after-sales case of this order is still open.")


def fully_invoiced() -> ColumnElement[bool]:
    """No line of ``Order`` has fewer (or more) units on invoices than were ordered; an order free of
    charge (a replacement) has nothing to invoice."""
    invoiced = correlated_sum(
        InvoiceLine.quantity, InvoiceLine.order_line_id == OrderLine.id, outer=OrderLine
    )
    return or_(
        Order.total == 0,
        ~exists().where(OrderLine.order_id == Order.id, OrderLine.quantity != invoiced).correlate(Order),
    )


def paid() -> ColumnElement[bool]:
    """No invoice of ``Order`` has an amount due."""
    return ~exists().where(Invoice.order_id == Order.id, invoice_balance() > 0).correlate(Order)


def nothing_open() -> ColumnElement[bool]:
    """No delivery exception of ``Order`` is unresolved."""
    return ~exists().where(LogisticsCase.order_id == Order.id, LogisticsCase.resolved_at.is_(None)).correlate(
        Order
    )


def no_open_aftersales() -> ColumnElement[bool]:
    """No after-sales case of ``Order`` is unresolved."""
    return ~exists().where(
        AftersalesCase.order_id == Order.id, AftersalesCase.resolved_at.is_(None)
    ).correlate(Order)


def settled() -> ColumnElement[bool]:
    """``Order`` is fully invoiced, paid and has nothing open: what closing asks besides its state."""
    return and_(fully_invoiced(), paid(), nothing_open(), no_open_aftersales())


async def blockers(db: AsyncSession, order_id: int) -> dict[str, str]:
    """Why the order cannot close yet, by field (``close_invoiced``, ``close_paid``, ``close_case``,
    ``close_aftersales``); empty when it is settled. One statement; the state is not looked at here."""
    met = select(fully_invoiced(), paid(), nothing_open(), no_open_aftersales()).where(Order.id == order_id)
    return blockers_of(tuple((await db.execute(met)).one()))


def blockers_of(met: tuple[bool, bool, bool, bool]) -> dict[str, str]:
    """The reasons of ``blockers`` from its four conditions (fully invoiced, paid, no open delivery
    exception, no open after-sales case)."""
    reasons = {
        "close_invoiced": NOT_INVOICED,
        "close_paid": NOT_PAID,
        "close_case": OPEN_CASE,
        "close_aftersales": OPEN_AFTERSALES,
    }
    return {field: message for (field, message), ok in zip(reasons.items(), met, strict=True) if not ok}


async def close_settled(db: AsyncSession, *, limit: int = BATCH) -> int:
    """Close up to ``limit`` completed, settled orders as the system; returns how many. Idempotent."""
    orders = (
        await db.scalars(
            select(Order)
            .where(Order.status.in_(states.sources(Action.CLOSE)), settled())
            .order_by(Order.id)
            .limit(limit)
            .with_for_update(of=Order, skip_locked=True)
        )
    ).all()
    closer = Actor.system(CLOSER)
    for order in orders:
        await service.close(db, closer, order)
    return len(orders)


async def close_by_hand(
    db: AsyncSession, actor: Actor, order: Order, *, expected_version: int | None
) -> OrderEvent:
    """Finance closes ``order``: InvalidTransition unless completed, Forbidden for other roles,
    ValidationFailed naming each condition not met, OrderChanged for a stale version."""
    service.ensure_allowed(order, actor, Action.CLOSE)
    if reasons := await blockers(db, order.id):
        raise ValidationFailed(reasons)
    return await service.close(db, actor, order, expected_version=expected_version)
