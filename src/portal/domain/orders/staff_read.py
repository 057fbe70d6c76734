"""The staff order page in one SQL statement: the order and its lines, every event, the mail sent
about it, its files, the customer's other orders, the confirmations, production (milestones,
inspections, packages), shipping (shipments, cases, carriers), the address book, the invoices and
what keeps it from closing.

Like the buyer's page (``order_read``), PostgreSQL nests each collection as a JSON array in its own
column, so the page costs one round trip whatever the order holds. The statement is built with Core
once per process (on first use), so the billing rules it reuses (what an invoice has been paid and credited, the
closing conditions) are the same expressions the rest of the portal runs; it is then compiled once to
SQL text, so a request neither builds nor compiles nor computes a cache key for it.

For an order in review the statement also reads what the automatic review checks weigh (the
lines' products as the account sees them, the account's credit exposure; the approval thresholds
always): for any other order those columns are NULL and PostgreSQL does not compute them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import TextClause, and_, case, literal_column, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.customers import CustomerAccount, CustomerUser
from portal.db.orders import Order
from portal.domain.aftersales import surveys
from portal.domain.aftersales import views as aftersales_views
from portal.domain.billing import closing, receivables
from portal.domain.billing import views as billing_views
from portal.domain.errors import NotFound
from portal.domain.fulfilment.packing import LinePacking, PackageView, PackedItem
from portal.domain.fulfilment.qc import InspectionView
from portal.domain.fulfilment.views import CaseView, ShipmentView
from portal.domain.json_rows import day, instant, json_list, money_text
from portal.domain.orders import checks, line_rule, order_read, queries, states
from portal.domain.orders.actors import Actor
from portal.domain.orders.queries import OrderRow
from portal.domain.orders.timeline import EventRecord
from portal.domain.orders.views import LineView, NotificationView, OrderView
from portal.domain.settings import config


class StaffLine(NamedTuple):
    """An order line as the staff page's panels read it: the order view, packing and shipping."""

    view: LineView
    product_id: int | None
    shipped_qty: int
    reserved_qty: int
    allocation: str
    stock_on_hand: int | None

    # what the shipping panel reads besides (``fulfilment.views.shipping_panel_of``)
    @property
    def id(self) -> int:
        return self.view.id

    @property
    def sku(self) -> str:
        return self.view.sku

    @property
    def quantity(self) -> int:
        return self.view.quantity


class ReviewLine(NamedTuple):
    """A line as the review checks read it (``checks.CheckedLine``)."""

    product_id: int | None
    sku: str
    quantity: int
    specs: dict[str, Any]
    unit_price: Decimal


# an event as ``timeline.staff_timeline`` reads it, every field read (an OrderEvent fits as well)
StaffEvent = EventRecord


class Milestone(NamedTuple):
    """A recorded production milestone, as ``production.staff_view`` reads it."""

    planned_date: date | None
    actual_date: date | None
    progress: int
    note: str
    updated_by: str


@dataclass(frozen=True)
class ConfirmationRow:
    version: int
    created_at: datetime
    status: str
    signer_name: str
    responded_at: datetime | None
    decline_reason: str


@dataclass(frozen=True)
class AddressRow:
    id: int
    label: str
    recipient: str
    phone: str
    country: str
    province: str
    city: str
    district: str
    street: str
    postal_code: str
    is_default: bool


@dataclass(frozen=True)
class StaffRead:
    """Everything the staff order page reads, decoded; ``history`` without this order."""

    order: OrderView
    approval_level: int
    backorder_choice: str
    delivery_estimate: date | None
    lines: list[StaffLine]
    events: list[StaffEvent]
    notifications: list[NotificationView]
    attachments: list[order_read.AttachmentView]
    history: list[OrderRow]
    confirmations: list[ConfirmationRow]
    milestones: dict[str, Milestone]
    inspections: list[InspectionView]
    packages: list[PackageView]
    shipments: list[ShipmentView]
    cases: list[CaseView]
    carriers: list[tuple[str, str]]
    addresses: list[AddressRow]
    invoices: Any  # the JSON column of ``billing.views.order_invoices_json``
    closable: tuple[bool, bool, bool, bool]  # fully invoiced, paid, no open delivery exception nor case
    thresholds: Any  # the approval thresholds as stored (config.thresholds_of reads them)
    review: checks.ReviewFacts | None  # what the review checks weigh, for an order in review
    aftersales: list[aftersales_views.CaseView]
    survey: surveys.SurveyView | None  # the customer's satisfaction survey answer, once given

    def packing_lines(self) -> list[LinePacking]:
        packed: dict[int, int] = {}
        for p in self.packages:
            for item in p.items:
                packed[item.line_id] = packed.get(item.line_id, 0) + item.quantity
        return [
            LinePacking(
                v.id,
                v.sku,
                v.name_zh,
                v.name_en,
                v.quantity,
                v.unit,
                v.labels,
                packed=packed.get(v.id, 0),
                shipped=ln.shipped_qty,
            )  # fmt: skip
            for ln in self.lines
            for v in (ln.view,)
        ]


_HISTORY = 5  # the customer's other orders shown beside this one

_LINES = order_read.lines_json(
    "orders",
    extra="l.product_id, l.shipped_qty, l.reserved_qty, l.allocation, p.stock_on_hand",
    join="LEFT JOIN products p ON p.id = l.product_id",
)
_COLLECTIONS = """
    (SELECT json_agg(json_build_array(e.at, e.actor_kind, e.actor_name, e.action, e.from_state,
                                      e.data, e.note, e.public, e.role, e.to_state) ORDER BY e.id)
       FROM order_events e WHERE e.order_id = orders.id) AS events,
    (SELECT json_agg(json_build_array(n.id, n.template, n.recipient, n.locale, n.status, n.attempts,
                                      n.last_error, n.created_at, n.sent_at, n.subject) ORDER BY n.id DESC)
       FROM outbox n WHERE n.order_id = orders.id) AS notifications,
    (SELECT json_agg(json_build_array(h.id, h.number, h.status, h.channel, h.submitted_at,
                                      h.requested_delivery_date, h.promised_delivery_date, h.total::text,
                                      h.currency,
                                      (SELECT count(hl.id) FROM order_lines hl WHERE hl.order_id = h.id))
                     ORDER BY h.submitted_at DESC, h.id DESC)
       FROM (SELECT * FROM orders h
              WHERE h.account_id = orders.account_id AND h.id <> orders.id
                AND h.number IS NOT NULL AND h.submitted_at IS NOT NULL
              ORDER BY h.submitted_at DESC, h.id DESC LIMIT {history}) h) AS history,
    (SELECT json_agg(json_build_array(v.version, v.created_at, v.status, v.signer_name, v.responded_at,
                                      v.decline_reason) ORDER BY v.version DESC)
       FROM confirmations v WHERE v.order_id = orders.id) AS confirmations,
    (SELECT json_agg(json_build_array(m.milestone, m.planned_date, m.actual_date, m.progress, m.note,
                                      m.updated_by))
       FROM production_milestones m WHERE m.order_id = orders.id) AS milestones,
    (SELECT json_agg(json_build_array(q.at, q.result, q.note, q.inspector_name) ORDER BY q.id)
       FROM qc_inspections q WHERE q.order_id = orders.id) AS inspections,
    (SELECT json_agg(json_build_array(k.position, k.weight_kg, k.dimensions, k.packed_at, k.contents)
                     ORDER BY k.position)
       FROM packages k WHERE k.order_id = orders.id) AS packages,
    (SELECT json_agg(json_build_array(c.code, c.name) ORDER BY c.name) FROM carriers c) AS carriers,
    (SELECT json_agg(json_build_array(d.id, d.label, d.recipient, d.phone, d.country, d.province, d.city,
                                      d.district, d.street, d.postal_code, d.is_default)
                     ORDER BY d.is_default DESC, d.id)
       FROM addresses d WHERE d.account_id = orders.account_id) AS addresses,
    orders.approval_level, orders.backorder_choice, orders.delivery_estimate, orders.contact_user_id,
    a.payment_terms AS account_terms, a.credit_limit,"""


def _review_facts(account: Any) -> list[Any]:
    """For an order in review only (NULL otherwise): its products as the account sees them, and the
    account's exposure unless it pays in advance (``checks``)."""
    in_review = Order.status.in_(states.IN_REVIEW)
    offers = line_rule.order_offers_json()
    on_credit = and_(in_review, account.c.payment_terms != checks.PREPAID)
    sums = receivables.exposure_sums(Order.account_id, Order.id)
    return [
        case((in_review, offers)).label("offers"),
        *(case((on_credit, money_text(v))).label(n) for n, v in zip(_SUMS, sums, strict=True)),
    ]


_SUMS = ("invoiced", "uninvoiced", "unapplied")


@cache
def _statement(scope: str) -> TextClause:
    """The page's statement for one scope condition on ``orders`` (staff: ``true``), as SQL text."""
    account = CustomerAccount.__table__.alias("a")
    contact = CustomerUser.__table__.alias("u")
    columns = order_read.ORDER_COLUMNS.format(o="orders")
    collections = ",".join(
        c.format(o="orders") for c in (order_read.ATTACHMENTS, order_read.SHIPMENTS, aftersales_views.CASES)
    )
    stmt = (
        select(
            literal_column(
                columns + "," + _LINES + "," + _COLLECTIONS.format(history=_HISTORY) + collections
            ),
            billing_views.order_invoices_json().label("invoices"),
            surveys.answer_json().label("survey"),
            closing.fully_invoiced().label("fully_invoiced"),
            closing.paid().label("paid"),
            closing.nothing_open().label("nothing_open"),
            closing.no_open_aftersales().label("no_open_aftersales"),
            config.stored("approval_thresholds").label("thresholds"),
            *_review_facts(account),
        )
        .select_from(
            Order.__table__.join(account, account.c.id == Order.account_id).outerjoin(
                contact, contact.c.id == Order.contact_user_id
            )
        )
        .where(literal_column(scope), Order.number == literal_column(":number"))  # binds stay binds
    )
    compiled = stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    return text(str(compiled))


def _line(row: list) -> StaffLine:
    (
        i,
        sku,
        zh,
        en,
        specs,
        labels,
        qty,
        unit,
        price,
        total,
        product_id,
        shipped,
        reserved,
        allocation,
        stock,
    ) = row
    view = LineView(i, sku, zh, en, specs or {}, labels or {}, qty, unit, Decimal(price), Decimal(total))
    return StaffLine(view, product_id, shipped, reserved, allocation, stock)


def _packages(rows: list, lines: list[StaffLine]) -> list[PackageView]:
    by_id = {ln.view.id: ln.view for ln in lines}
    return [
        PackageView(
            position,
            weight,
            dimensions,
            instant(packed_at),
            [
                PackedItem(v.id, v.sku, v.name_zh, v.name_en, int(i["quantity"]), v.unit, v.labels)
                for i in contents or []
                if (v := by_id.get(int(i["line_id"]))) is not None
            ],
        )  # fmt: skip
        for position, weight, dimensions, packed_at, contents in rows
    ]


def _history(row: list) -> OrderRow:
    i, number, status, channel, at, requested, promised, total, currency, count = row
    return OrderRow(
        i,
        number,
        status,
        channel,
        instant(at),
        day(requested),
        day(promised),
        Decimal(total),
        currency,
        count,
    )


async def staff_order(db: AsyncSession, actor: Actor, number: str) -> StaffRead:
    """The order ``number`` as the staff member ``actor`` reads it (none: NotFound), in one statement."""
    scope, params = queries.readable_where(actor, "orders")
    row = (await db.execute(_statement(scope), {**params, "number": number})).mappings().first()
    if row is None:
        raise NotFound()
    lines = [_line(r) for r in json_list(row["lines"])]
    order = OrderView(**{f: row[f] for f in order_read.ORDER_FIELDS}, lines=[ln.view for ln in lines])
    return StaffRead(
        order=order,
        approval_level=row["approval_level"],
        backorder_choice=row["backorder_choice"] or "",
        delivery_estimate=row["delivery_estimate"] or row["promised_delivery_date"],
        lines=lines,
        events=[StaffEvent(instant(at), *rest) for at, *rest in json_list(row["events"])],
        notifications=[
            NotificationView(i, t, to, lang, status, n, error, instant(created), instant(sent), subject)
            for i, t, to, lang, status, n, error, created, sent, subject in json_list(row["notifications"])
        ],
        attachments=[order_read.AttachmentView(*f) for f in json_list(row["attachments"])],
        history=[_history(h) for h in json_list(row["history"])],
        confirmations=[
            ConfirmationRow(v, instant(created), status, signer, instant(responded), reason)
            for v, created, status, signer, responded, reason in json_list(row["confirmations"])
        ],
        milestones={
            m: Milestone(day(planned), day(actual), progress, note, by)
            for m, planned, actual, progress, note, by in json_list(row["milestones"])
        },
        inspections=[InspectionView(instant(at), *rest) for at, *rest in json_list(row["inspections"])],
        packages=_packages(json_list(row["packages"]), lines),
        shipments=order_read.shipments(json_list(row["shipments"])),
        cases=order_read.cases(json_list(row["cases"])),
        carriers=[(code, name) for code, name in json_list(row["carriers"])],
        addresses=[AddressRow(*a) for a in json_list(row["addresses"])],
        invoices=row["invoices"],
        closable=(row["fully_invoiced"], row["paid"], row["nothing_open"], row["no_open_aftersales"]),
        aftersales=aftersales_views.case_views(json_list(row["aftersales"])),
        thresholds=row["thresholds"],
        review=_facts(row, order, lines) if order.status in states.IN_REVIEW else None,
        survey=surveys.answer_of(row["survey"]),
    )


def _facts(row: Any, order: OrderView, lines: list[StaffLine]) -> checks.ReviewFacts:
    offers = line_rule.order_offers(row["offers"])
    prepaid = row["account_terms"] == checks.PREPAID
    return checks.ReviewFacts(
        total=order.total,
        requested_delivery_date=order.requested_delivery_date,
        shipping_address=order.shipping_address,
        invoice_title=order.invoice_title,
        tax_id=order.tax_id,
        contact_user_id=row["contact_user_id"],
        credit_limit=row["credit_limit"],
        lines=[
            ReviewLine(ln.product_id, ln.view.sku, ln.view.quantity, ln.view.specs, ln.view.unit_price)
            for ln in lines
        ],
        offers=offers,
        exposure=None if prepaid else receivables.Exposure(*(Decimal(row[n]) for n in _SUMS)),
    )
