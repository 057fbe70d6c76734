"""Issuing invoices (发票), reading them scoped to the actor, and the official fapiao numbers finance records.

When invoices are issued — both calls run inside the caller's transaction and never commit:

- ``issue_for_shipment(db, order, shipment_id)``: from ``fulfilment.shipping.ship`` as the shipment
  leaves. Lines are the shipped quantities at the order lines' snapshotted prices; the order's
  shipping fee goes on the order's first invoice. Nothing for an order invoiced in advance.
- ``issue_prepayment(db, order)``: from ``orders.confirmation.accept`` when an order on prepaid terms
  is confirmed: one invoice for the whole order; its shipments then issue none.

Each invoice: a gap-free number (``INV-2026-000001``, the Shanghai business year), tax by
``money.tax_share`` so the invoices of a fully shipped order add up to ``order.total`` to the cent,
the due date from the order's payment terms (net N: issue date + N days; prepaid: the issue date),
the invoice title, tax ID and address copied from the order, an ``invoice_issued`` event on the
order's timeline (public) and an "invoice issued" e-mail to the order's contact through the outbox.
Issuing is idempotent: a second call for the same shipment (or prepaid order) returns the invoice
already there (unique indexes ``uq_invoices_shipment`` / ``uq_invoices_prepaid_order``).

Issued invoices never change; corrections are credit notes (``credit_notes``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.billing import FapiaoNumber, Invoice, InvoiceLine
from portal.db.fulfilment import ShipmentLine
from portal.db.orders import Order, OrderLine
from portal.domain.audit import trail as audit
from portal.domain.billing.money import ZERO, money, tax_share
from portal.domain.errors import NotFound, ValidationFailed
from portal.domain.numbering import Series, next_number
from portal.domain.orders import events, notify
from portal.domain.orders.actors import Actor
from portal.formatting import iso
from portal.i18n import N_, gettext

SHIPMENT, PREPAYMENT = "shipment", "prepayment"
T = TypeVar("T")
ISSUER = "system"  # ``Invoice.issued_by`` of an invoice issued automatically

FAPIAO_TYPES = ("special", "ordinary", "digital")
FAPIAO_TYPE_LABELS = {
    "special": N_("VAT special invoice"),
    "ordinary": N_("VAT ordinary invoice"),
    "digital": N_("digital invoice"),
}


def fapiao_type_label(kind: str) -> str:
    """The kind of fapiao in the reader's language (an unknown code reads as a digital invoice)."""
    return gettext(FAPIAO_TYPE_LABELS.get(kind, FAPIAO_TYPE_LABELS["digital"]))


FAPIAO_NUMBER = N_("Enter the fapiao number: 8 to 20 digits as printed on the fapiao.")
TAKEN = N_("This fapiao number is already recorded (invoice %(invoice)s).")


def readable(model: type[T], actor: Actor) -> Select[tuple[T]]:
    """The one scoping helper of settlement documents (``Invoice``, ``CreditNote``, …, any model with
    an ``account_id``): a customer reads their own account's only, staff and the system all."""
    if actor.kind == "customer":
        if actor.account_id is None:
            raise NotFound()
        return select(model).where(model.account_id == actor.account_id)  # type: ignore[attr-defined]
    if actor.kind in ("staff", "system"):
        return select(model)
    raise NotFound()


def readable_invoices(actor: Actor) -> Select[tuple[Invoice]]:
    """The invoices ``actor`` may read (see ``readable``)."""
    return readable(Invoice, actor)


async def load_invoice(db: AsyncSession, actor: Actor, number: str, *, lock: bool = False) -> Invoice:
    """The invoice numbered ``number`` if ``actor`` may read it, else NotFound (another account's too).

    ``lock`` takes its row lock: credit notes and fapiao numbers against one invoice queue on it.
    """
    stmt = readable_invoices(actor).where(Invoice.number == number[:40])
    invoice = await db.scalar(stmt.with_for_update() if lock else stmt)
    if invoice is None:
        raise NotFound()
    return invoice


def due_date(issued_on: date, payment_terms: str, payment_days: int) -> date:
    """Net N days: N days after the issue date; prepaid (or no days): due on the issue date."""
    if payment_terms == "prepaid":
        return issued_on
    return issued_on + timedelta(days=max(payment_days, 0))


@dataclass(frozen=True)
class _Charge:
    """``quantity`` units of one order line on the invoice being issued."""

    line: OrderLine
    quantity: int


async def issue_for_shipment(db: AsyncSession, order: Order, shipment_id: int) -> Invoice | None:
    """The invoice of the shipment that just left (its lines must be flushed); None when prepaid, or when
    the order is free of charge (a replacement order).

    An order invoiced at confirmation (its prepayment invoice exists) gets no shipment invoices.
    """
    if existing := await db.scalar(select(Invoice).where(Invoice.shipment_id == shipment_id)):
        return existing
    if order.total == 0:  # free goods (a replacement order): nothing to invoice
        return None
    if await _prepayment_of(db, order.id) is not None:
        return None
    rows = await db.execute(
        select(OrderLine, ShipmentLine.quantity)
        .join(ShipmentLine, ShipmentLine.order_line_id == OrderLine.id)
        .where(ShipmentLine.shipment_id == shipment_id)
        .order_by(OrderLine.position, OrderLine.id)
    )
    charges = [_Charge(line, quantity) for line, quantity in rows.all()]
    return await _issue(db, order, kind=SHIPMENT, shipment_id=shipment_id, charges=charges)


async def issue_prepayment(db: AsyncSession, order: Order) -> Invoice:
    """The one invoice of a prepaid order, for all its lines, its shipping fee and its tax."""
    if existing := await _prepayment_of(db, order.id):
        return existing
    lines = await db.scalars(
        select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.position, OrderLine.id)
    )
    charges = [_Charge(line, line.quantity) for line in lines]
    return await _issue(db, order, kind=PREPAYMENT, shipment_id=None, charges=charges)


async def _prepayment_of(db: AsyncSession, order_id: int) -> Invoice | None:
    return await db.scalar(select(Invoice).where(Invoice.order_id == order_id, Invoice.kind == PREPAYMENT))


async def _invoiced_so_far(db: AsyncSession, order_id: int) -> tuple[int, Decimal]:
    """How many invoices the order has and their net amount (lines and shipping, before tax)."""
    count, net = (
        await db.execute(
            select(func.count(Invoice.id), func.coalesce(func.sum(Invoice.subtotal + Invoice.shipping_fee), 0))
            .where(Invoice.order_id == order_id)
        )
    ).one()  # fmt: skip
    return count, Decimal(net)


async def _issue(
    db: AsyncSession, order: Order, *, kind: str, shipment_id: int | None, charges: list[_Charge]
) -> Invoice:
    """Write one invoice with its lines, its event and its e-mail; a concurrent twin wins and is returned."""
    count, net_before = await _invoiced_so_far(db, order.id)
    issued_on = clock.today()
    line_totals = [money(c.line.unit_price * c.quantity) for c in charges]
    subtotal = sum(line_totals, ZERO)
    shipping_fee = order.shipping_fee if count == 0 else ZERO
    tax = tax_share(order.tax_rate, net_before, subtotal + shipping_fee)
    try:
        # a savepoint: a twin issued meanwhile rolls back this attempt and its number, nothing else
        async with db.begin_nested():
            invoice = Invoice(
                number=await next_number(db, Series.INVOICE, issued_on.year),
                kind=kind,
                order_id=order.id,
                account_id=order.account_id,
                shipment_id=shipment_id,
                currency=order.currency,
                issued_at=clock.now(),
                issued_on=issued_on,
                due_on=due_date(issued_on, order.payment_terms, order.payment_days),
                payment_terms=order.payment_terms,
                payment_days=0 if order.payment_terms == "prepaid" else order.payment_days,
                invoice_title=order.invoice_title,
                tax_id=order.tax_id,
                buyer_address=order.shipping_address,
                subtotal=subtotal,
                shipping_fee=shipping_fee,
                tax_rate=order.tax_rate,
                tax_amount=tax,
                total=subtotal + shipping_fee + tax,
                issued_by=ISSUER,
            )
            db.add(invoice)
            await db.flush()
            db.add_all(_lines(invoice, charges, line_totals))
            await db.flush()
    except IntegrityError:
        twin = Invoice.shipment_id == shipment_id if shipment_id else Invoice.kind == PREPAYMENT
        found = await db.scalar(select(Invoice).where(Invoice.order_id == order.id, twin))
        if found is None:
            raise
        return found
    await _announce(db, order, invoice)
    return invoice


def _lines(invoice: Invoice, charges: list[_Charge], totals: list[Decimal]) -> list[InvoiceLine]:
    return [
        InvoiceLine(
            invoice_id=invoice.id,
            order_line_id=c.line.id,
            position=position,
            sku=c.line.sku,
            name_zh=c.line.name_zh,
            name_en=c.line.name_en,
            unit=c.line.unit,
            quantity=c.quantity,
            unit_price=c.line.unit_price,
            line_total=total,
        )
        for position, (c, total) in enumerate(zip(charges, totals, strict=True), start=1)
        if c.quantity > 0
    ]


async def _announce(db: AsyncSession, order: Order, invoice: Invoice) -> None:
    """The invoice on the order's timeline (the buyer sees it too) and the e-mail to the order's contact."""
    event = events.record(
        db,
        order,
        Actor.system("billing"),
        events.EventKind.INVOICE_ISSUED,
        data={
            "number": invoice.number,
            "invoice_id": invoice.id,
            "kind": invoice.kind,
            "total": str(invoice.total),
            "due_on": iso(invoice.due_on),
            "shipment_id": invoice.shipment_id,
        },
    )
    await db.flush()
    await notify.send(db, order, "invoice_issued", "customer", event=event, extra=mail_context(invoice))


def mail_context(invoice: Invoice) -> dict[str, object]:
    """What an e-mail about ``invoice`` may say (plain JSON values): number, amounts, dates, its link."""
    return {
        "invoice_number": invoice.number,
        "invoice_kind": invoice.kind,
        "invoice_total": str(invoice.total),
        "invoice_currency": invoice.currency,
        "invoice_issued_on": iso(invoice.issued_on),
        "invoice_due_on": iso(invoice.due_on),
        "invoice_path": f"/invoices/{invoice.number}",
    }


@dataclass(frozen=True)
class FapiaoInput:
    """The fapiao form as typed values (the number as typed; the date may be missing)."""

    fapiao_number: str
    fapiao_type: str
    issued_on: date | None


async def record_fapiao(db: AsyncSession, actor: Actor, invoice: Invoice, data: FapiaoInput) -> FapiaoNumber:
    """Record an official fapiao (专票/普票/数电发票) issued in the tax system for ``invoice``; audited.

    The number is 8 to 20 digits (spaces dropped), unique across all invoices; the date is given and
    not in the future. Raises ValidationFailed naming each wrong field.
    """
    number = "".join((data.fapiao_number or "").split())
    errors: dict[str, str] = {}
    params: dict[str, object] = {}
    if not (number.isascii() and number.isdigit() and 8 <= len(number) <= 20):
        errors["fapiao_number"] = FAPIAO_NUMBER
    elif (taken := await _fapiao_holder(db, number)) is not None:
        errors["fapiao_number"] = TAKEN
        params["invoice"] = taken
    if data.fapiao_type not in FAPIAO_TYPES:
        errors["fapiao_type"] = N_("Choose the kind of fapiao.")
    if data.issued_on is None or data.issued_on > clock.today():
        errors["fapiao_issued_on"] = N_("Enter the date the fapiao was issued (not in the future).")
    if errors:
        raise ValidationFailed(errors, params=params)
    fapiao = FapiaoNumber(
        invoice_id=invoice.id,
        fapiao_number=number,
        fapiao_type=data.fapiao_type,
        issued_on=data.issued_on,
        recorded_by=actor.name,
    )
    try:
        async with db.begin_nested():  # the same number recorded at the same moment elsewhere
            db.add(fapiao)
    except IntegrityError:
        raise ValidationFailed(
            {"fapiao_number": TAKEN}, params={"invoice": await _fapiao_holder(db, number)}
        ) from None
    audit.record(
        db,
        actor,
        entity="invoice",
        entity_id=invoice.number,
        action="fapiao_recorded",
        before=None,
        after={"fapiao_number": number, "fapiao_type": data.fapiao_type, "issued_on": data.issued_on},
    )
    await db.flush()
    return fapiao


async def _fapiao_holder(db: AsyncSession, number: str) -> str | None:
    """The invoice number a fapiao number is already recorded against, if any."""
    return await db.scalar(
        select(Invoice.number)
        .join(FapiaoNumber, FapiaoNumber.invoice_id == Invoice.id)
        .where(FapiaoNumber.fapiao_number == number)
    )
