"""Credit notes (贷项通知单) against one issued invoice: some of its units, or an amount, with a reason.

``issue_credit_note`` is the one writer, for finance's form on the staff invoice page (source
``manual``) and for the returns work (source ``return``, ``source_ref`` the RMA number). It runs in
the caller's transaction and never commits. The rules:

- the invoice's *creditable* amount is its total minus the credit notes already against it
  (payments do not reduce it: crediting a paid invoice leaves a credit the payments side refunds or
  allocates); a credit note never exceeds it;
- per line, never more units than the invoice line has minus the units already credited;
- a credit of units takes its tax by ``money.tax_share``, anchored where the invoice stands in its
  order, so crediting a whole invoice's units, at once or in parts, gives back exactly its tax; a
  credit of an amount (incl. tax) is split at the invoice's rate (the net rounded half up, the tax
  the rest), and a credit of all that is left gives back exactly the rest of its net and tax;
- the number is ``CN-<year>-NNNNNN`` without gaps; the order's timeline gets a
  ``credit_note_issued`` event, and the buyer an e-mail unless ``mail=False``.

A credit note is not a 红字发票 (the reversal of an official VAT fapiao, raised in the tax system).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.billing import CreditNote, CreditNoteLine, Invoice, InvoiceLine
from portal.db.orders import Order
from portal.domain.billing.invoices import readable
from portal.domain.billing.money import ZERO, money, tax_share
from portal.domain.errors import Forbidden, ValidationFailed
from portal.domain.numbering import Series, next_number
from portal.domain.orders import events, notify
from portal.domain.orders.actors import Actor
from portal.formatting import iso
from portal.i18n import N_

SOURCES = ("manual", "return")
LINE_FIELD = "cn_qty_"  # the form field of a line's credited units: cn_qty_<invoice line id>
AMOUNT_FIELD = "cn_amount"
REASON_REQUIRED = N_("Say why the invoice is credited.")
ONE_WAY = N_("Credit either units of the invoice lines or an amount, not both and not nothing.")
TOO_MANY_UNITS = N_("At most %(left)s units of this line can still be credited.")
TOO_MUCH = N_("At most %(left)s can still be credited on this invoice.")
AMOUNT = N_("Enter an amount above 0 with at most two decimals.")


def readable_credit_notes(actor: Actor) -> Select[tuple[CreditNote]]:
    """The credit notes ``actor`` may read (``invoices.readable``: a customer their own account's only)."""
    return readable(CreditNote, actor)


async def issue_credit_note(
    db: AsyncSession,
    invoice: Invoice,
    *,
    lines: dict[int, int] | None = None,
    amount: Decimal | None = None,
    reason: str,
    actor: Actor,
    source: str = "manual",
    source_ref: str = "",
    mail: bool = True,
) -> CreditNote:
    """Credit ``lines`` ({invoice line id: units}) or ``amount`` (incl. tax, in the invoice's currency).

    Raises ValidationFailed (fields ``reason``, ``lines``, ``cn_qty_<id>``, ``cn_amount``) for a
    missing reason, both or neither of lines and amount, too many units or too much money; Forbidden
    for an actor who may not issue credit notes (finance, after-sales, the system may).
    """
    if actor.acting_role(events.STEP_ROLES[events.EventKind.CREDIT_NOTE_ISSUED]) is None:
        raise Forbidden()  # before a number is drawn
    reason = (reason or "").strip()[:4000]
    wanted = {k: v for k, v in (lines or {}).items() if v}
    errors: dict[str, str] = {} if reason else {"reason": REASON_REQUIRED}
    if bool(wanted) == (amount is not None and amount != 0) or source not in SOURCES:
        errors["lines"] = ONE_WAY
    elif amount is not None and (amount < 0 or amount != money(amount)):
        errors[AMOUNT_FIELD] = AMOUNT
    if errors:
        raise ValidationFailed(errors)
    invoice = await db.scalar(
        select(Invoice)
        .where(Invoice.id == invoice.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )  # credit notes of one invoice queue here: the "already credited" sums below stay true
    done = await _credited(db, invoice.id)
    left = invoice.total - done.total
    if wanted:
        net, tax, credit_lines = await _by_lines(db, invoice, wanted, done)
    else:
        (net, tax), credit_lines = _split(invoice, amount, done), []
    if net + tax > left:
        field = "lines" if wanted else AMOUNT_FIELD
        raise ValidationFailed({field: TOO_MUCH}, params={"left": str(max(left, ZERO))})
    note = await _write(
        db, invoice, net, tax, credit_lines, reason=reason, actor=actor, source=(source, source_ref)
    )
    await _announce(db, invoice, note, actor, mail=mail)
    return note


@dataclass(frozen=True)
class _Credited:
    """What earlier credit notes of one invoice took: net, tax and total, and units per invoice line."""

    net: Decimal
    tax: Decimal
    total: Decimal
    units: dict[int, int]


async def _credited(db: AsyncSession, invoice_id: int) -> _Credited:
    sums = (
        await db.execute(
            select(
                func.coalesce(func.sum(CreditNote.subtotal), 0),
                func.coalesce(func.sum(CreditNote.tax_amount), 0),
                func.coalesce(func.sum(CreditNote.total), 0),
            ).where(CreditNote.invoice_id == invoice_id)
        )
    ).one()
    units = await db.execute(
        select(CreditNoteLine.invoice_line_id, func.sum(CreditNoteLine.quantity))
        .join(CreditNote, CreditNote.id == CreditNoteLine.credit_note_id)
        .where(CreditNote.invoice_id == invoice_id)
        .group_by(CreditNoteLine.invoice_line_id)
    )
    net, tax, total = (Decimal(v) for v in sums)
    return _Credited(net, tax, total, units={k: int(v) for k, v in units.all()})


async def _order_net_before(db: AsyncSession, invoice: Invoice) -> Decimal:
    """The net amount of the order's invoices issued before this one: where its tax share starts."""
    net = await db.scalar(
        select(func.coalesce(func.sum(Invoice.subtotal + Invoice.shipping_fee), 0)).where(
            Invoice.order_id == invoice.order_id, Invoice.id < invoice.id
        )
    )
    return Decimal(net)


async def _by_lines(
    db: AsyncSession, invoice: Invoice, wanted: dict[int, int], done: _Credited
) -> tuple[Decimal, Decimal, list[CreditNoteLine]]:
    """Net, tax and lines of a credit of units; each line's units checked against what is left of it."""
    found = {
        ln.id: ln
        for ln in await db.scalars(
            select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id, InvoiceLine.id.in_(list(wanted)))
        )
    }
    errors: dict[str, str] = {}
    per_field: dict[str, dict[str, object]] = {}
    out: list[CreditNoteLine] = []
    for line_id, units in sorted(wanted.items()):
        line = found.get(line_id)
        left = line.quantity - done.units.get(line_id, 0) if line else 0
        if line is None or units < 0 or units > left:
            errors[f"{LINE_FIELD}{line_id}"], per_field[f"{LINE_FIELD}{line_id}"] = (
                TOO_MANY_UNITS,
                {"left": left},
            )
            continue
        total = money(line.unit_price * units)
        out.append(
            CreditNoteLine(
                invoice_line_id=line.id, quantity=units, unit_price=line.unit_price, line_total=total
            )
        )
    if errors:
        raise ValidationFailed(errors, per_field=per_field)
    net = sum((ln.line_total for ln in out), ZERO)
    start = await _order_net_before(db, invoice) + done.net
    return net, tax_share(invoice.tax_rate, start, net), out


def _split(invoice: Invoice, amount: Decimal, done: _Credited) -> tuple[Decimal, Decimal]:
    """``amount`` (incl. tax) as (net, tax) adding up to it: all that is left of the invoice's net and tax
    when it is all that is left, else the net at the invoice's rate rounded half up, the tax the rest."""
    if amount == invoice.total - done.total:
        return invoice.subtotal + invoice.shipping_fee - done.net, invoice.tax_amount - done.tax
    net = money(amount / (1 + invoice.tax_rate))
    return net, amount - net


async def _write(
    db: AsyncSession,
    invoice: Invoice,
    net: Decimal,
    tax: Decimal,
    lines: list[CreditNoteLine],
    *,
    reason: str,
    actor: Actor,
    source: tuple[str, str],
) -> CreditNote:
    """The credit note row and its lines; ``source`` is (``manual``|``return``, its reference)."""
    issued_on = clock.today()
    note = CreditNote(
        number=await next_number(db, Series.CREDIT_NOTE, issued_on.year),
        invoice_id=invoice.id,
        order_id=invoice.order_id,
        account_id=invoice.account_id,
        reason=reason,
        source=source[0],
        source_ref=(source[1] or "")[:40],
        currency=invoice.currency,
        issued_at=clock.now(),
        issued_on=issued_on,
        subtotal=net,
        tax_rate=invoice.tax_rate,
        tax_amount=tax,
        total=net + tax,
        issued_by=actor.name,
    )
    db.add(note)
    await db.flush()
    for line in lines:
        line.credit_note_id = note.id
    db.add_all(lines)
    await db.flush()
    return note


async def _announce(
    db: AsyncSession, invoice: Invoice, note: CreditNote, actor: Actor, *, mail: bool
) -> None:
    order = await db.get(Order, invoice.order_id)
    event = events.record(
        db,
        order,
        actor,
        events.EventKind.CREDIT_NOTE_ISSUED,
        note=note.reason,
        data={
            "number": note.number,
            "credit_note_id": note.id,
            "invoice": invoice.number,
            "total": str(note.total),
            "source": note.source,
            "source_ref": note.source_ref,
        },
    )
    await db.flush()
    if mail:
        extra = {
            "invoice_number": invoice.number,
            "invoice_currency": invoice.currency,
            "credit_note_number": note.number,
            "credit_note_total": str(note.total),
            "credit_note_issued_on": iso(note.issued_on),
            "credit_note_reason": note.reason,
            "credit_note_path": f"/credit-notes/{note.number}",
        }
        await notify.send(db, order, "credit_note_issued", "customer", event=event, extra=extra)
