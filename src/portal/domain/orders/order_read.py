"""The buyer's order page in one SQL statement: the order, its lines, public events, files, production
milestones, shipments (with their lines and carrier events), delivery cases, invoices and the survey answer.

PostgreSQL nests each collection as a JSON array of positional values in its own column, so the
page costs one round trip whatever the order holds (a backorder adds the offer's own reads).
The statement is a constant ``text()``: compiled once per process and prepared once per
connection; building the same query with the ORM per request cost more CPU than running it.
It is scoped by ``queries.readable_where`` (the text form of ``readable_orders``).

Decoding keeps the types the ORM gave: money travels as text and becomes ``Decimal``, JSONB
values (specs, labels, event data) decode as ``json.loads`` decodes them, instants come back in UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from sqlalchemy import TextClause, literal_column, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.customers import CustomerAccount, CustomerUser
from portal.db.orders import Order
from portal.domain.aftersales import surveys
from portal.domain.aftersales.views import CUSTOMER_CASES as AFTERSALES_CASES
from portal.domain.aftersales.views import CaseView as AftersalesCaseView
from portal.domain.aftersales.views import case_views
from portal.domain.billing import views as billing_views
from portal.domain.billing.views import InvoiceRow
from portal.domain.errors import NotFound
from portal.domain.fulfilment import production
from portal.domain.fulfilment.views import CaseView, EventView, ShipmentView, tracking_url
from portal.domain.json_rows import day as _day
from portal.domain.json_rows import instant as _instant
from portal.domain.json_rows import json_list as _list
from portal.domain.orders import backorder, queries
from portal.domain.orders.actors import Actor
from portal.domain.orders.timeline import EventRecord
from portal.domain.orders.views import LineView, OrderView


@dataclass(frozen=True)
class AttachmentView:
    """A file of the order as its page lists it; ``size`` in bytes."""

    id: int
    filename: str
    size: int


@dataclass(frozen=True)
class OrderRead:
    """Everything the buyer's order page shows; ``events`` are the public ones, oldest first."""

    order: OrderView
    delivery_estimate: date | None
    events: list[EventRecord]
    attachments: list[AttachmentView]
    milestones: list[production.MilestoneView]
    shipments: list[ShipmentView]
    cases: list[CaseView]
    backorder: backorder.BackorderOffer | None
    invoices: list[InvoiceRow]
    aftersales: list[AftersalesCaseView]
    survey: surveys.SurveyView | None  # the satisfaction survey's answer, once given


# the order's own columns, named as OrderView's fields (lines come from their own column), on the
# orders table named ``{o}``; the staff order page (``staff_read``) reads them and the collections below too
ORDER_COLUMNS = """
    {o}.id, {o}.number, {o}.status, {o}.version, {o}.channel, {o}.priority, {o}.account_id,
    a.name AS account_name, a.is_key_account, coalesce(u.name, '') AS contact_name,
    {o}.currency, {o}.subtotal, {o}.tax_rate, {o}.tax_amount, {o}.shipping_fee, {o}.total,
    {o}.payment_terms, {o}.payment_days, {o}.requested_delivery_date, {o}.promised_delivery_date,
    {o}.shipping_address, {o}.invoice_title, {o}.tax_id, {o}.special_requirements, {o}.submitted_at,
    (SELECT r.number FROM orders r WHERE r.id = {o}.replaces_order_id) AS replaces,
    ARRAY(SELECT r.number FROM orders r WHERE r.replaces_order_id = {o}.id AND r.number IS NOT NULL
          ORDER BY r.id) AS replacements"""
ORDER_FIELDS = [f for f in OrderView.__dataclass_fields__ if f != "lines"]
ATTACHMENTS = """
    (SELECT json_agg(json_build_array(f.id, f.filename, f.size) ORDER BY f.id)
       FROM order_attachments f WHERE f.order_id = {o}.id) AS attachments"""
SHIPMENTS = """
    (SELECT json_agg(json_build_array(
                s.id, s.carrier_code, c.name, c.tracking_url, s.tracking_number, s.status,
                s.shipped_at, s.eta, s.delivered_at,
                (SELECT json_agg(json_build_array(ol.sku, sl.quantity) ORDER BY sl.id)
                   FROM shipment_lines sl JOIN order_lines ol ON ol.id = sl.order_line_id
                  WHERE sl.shipment_id = s.id),
                (SELECT json_agg(json_build_array(ce.status, ce.exception_kind, ce.occurred_at,
                                                  ce.location, ce.note) ORDER BY ce.occurred_at, ce.id)
                   FROM carrier_events ce WHERE ce.shipment_id = s.id))
            ORDER BY s.shipped_at, s.id)
       FROM shipments s JOIN carriers c ON c.code = s.carrier_code WHERE s.order_id = {o}.id) AS shipments,
    (SELECT json_agg(json_build_array(k.id, k.shipment_id, k.kind, k.note, k.opened_at,
                                      k.resolved_at, k.resolution) ORDER BY k.id)
       FROM logistics_cases k WHERE k.order_id = {o}.id) AS cases"""


def lines_json(orders: str = "{o}", *, extra: str = "", join: str = "") -> str:
    """The order's lines as a SQL select item named ``lines``: a JSON array, in position order, of
    ``[id, sku, name_zh, name_en, specs, labels, quantity, unit, unit_price, line_total, *extra]``
    (money as text), for the order row of the table named ``orders`` (``"{o}"``: left to ``format``).

    ``extra`` adds columns (SQL on the line ``l``, comma-separated) after those; ``join`` joins more
    tables to ``order_lines l`` (e.g. ``"LEFT JOIN products p ON p.id = l.product_id"``)."""
    more = f", {extra}" if extra else ""
    return f"""
    (SELECT json_agg(json_build_array(l.id, l.sku, l.name_zh, l.name_en, l.specs, l.labels,
                                      l.quantity, l.unit, l.unit_price::text, l.line_total::text{more})
                     ORDER BY l.position, l.id)
       FROM order_lines l {join} WHERE l.order_id = {orders}.id) AS lines"""


_COLLECTIONS = (
    lines_json()
    + """,
    (SELECT json_agg(json_build_array(e.at, e.actor_kind, e.actor_name, e.action, e.from_state,
                                      e.data, e.note) ORDER BY e.id)
       FROM order_events e WHERE e.order_id = {o}.id AND e.public) AS events,
    (SELECT json_agg(json_build_array(m.milestone, m.planned_date, m.actual_date, m.progress))
       FROM production_milestones m WHERE m.order_id = {o}.id) AS milestones,
    {o}.delivery_estimate,
    EXISTS (SELECT FROM order_lines b WHERE b.order_id = {o}.id AND b.allocation = 'backordered')
      AS backordered,"""
    + ATTACHMENTS
    + ","
    + SHIPMENTS
    + ","
    + AFTERSALES_CASES
)


@cache
def _statement(scope: str) -> TextClause:
    """The page's statement for one scope condition on ``orders`` (there are two: a customer's, and
    everything), built with Core around the text collections and compiled once to SQL text."""
    account = CustomerAccount.__table__.alias("a")
    contact = CustomerUser.__table__.alias("u")
    stmt = (
        select(
            literal_column(ORDER_COLUMNS.format(o="orders") + "," + _COLLECTIONS.format(o="orders")),
            billing_views.order_invoices_json().label("invoices"),
            surveys.answer_json().label("survey"),
        )
        .select_from(
            Order.__table__.join(account, account.c.id == Order.account_id).outerjoin(
                contact, contact.c.id == Order.contact_user_id
            )
        )
        .where(literal_column(scope), Order.number == literal_column(":number"))
    )
    return text(str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})))


def _lines(rows: list) -> list[LineView]:
    return [
        LineView(i, sku, zh, en, specs or {}, labels or {}, qty, unit, Decimal(price), Decimal(total))
        for i, sku, zh, en, specs, labels, qty, unit, price, total in rows
    ]


def shipments(rows: list) -> list[ShipmentView]:
    return [
        ShipmentView(
            sid,
            code,
            name,
            number,
            tracking_url(url, number),
            status,
            _instant(shipped),
            _day(eta),
            _instant(delivered),
            [(sku, qty) for sku, qty in lines or []],
            [EventView(st, kind, _instant(at), place, note) for st, kind, at, place, note in events or []],
        )  # fmt: skip
        for sid, code, name, url, number, status, shipped, eta, delivered, lines, events in rows
    ]


def cases(rows: list) -> list[CaseView]:
    return [
        CaseView(i, sid, kind, note, _instant(opened), _instant(resolved), resolution)
        for i, sid, kind, note, opened, resolved, resolution in rows
    ]


class _Milestone(NamedTuple):
    """A recorded milestone as ``production.public_views`` reads it (no note, no name: not shown)."""

    planned_date: date | None
    actual_date: date | None
    progress: int
    note: str = ""
    updated_by: str = ""


async def customer_order(db: AsyncSession, actor: Actor, number: str) -> OrderRead:
    """The order ``number`` as ``actor`` may read it (another account's, or none: NotFound)."""
    scope, params = queries.readable_where(actor, "orders")
    row = (await db.execute(_statement(scope), {**params, "number": number})).mappings().first()
    if row is None:
        raise NotFound()
    order = OrderView(**{f: row[f] for f in ORDER_FIELDS}, lines=_lines(_list(row["lines"])))
    recorded = {m: _Milestone(_day(p), _day(a), n) for m, p, a, n in _list(row["milestones"])}
    return OrderRead(
        order=order,
        delivery_estimate=row["delivery_estimate"] or row["promised_delivery_date"],
        events=[EventRecord(_instant(at), *rest) for at, *rest in _list(row["events"])],
        attachments=[AttachmentView(*f) for f in _list(row["attachments"])],
        milestones=production.public_views(recorded),
        shipments=shipments(_list(row["shipments"])),
        cases=cases(_list(row["cases"])),
        backorder=await backorder.offer(db, order.id) if row["backordered"] else None,
        invoices=billing_views.order_invoice_rows(
            row["invoices"], order_number=order.number, today=clock.today()
        ),
        aftersales=case_views(_list(row["aftersales"])),
        survey=surveys.answer_of(row["survey"]),
    )
