"""Returns credited in awkward parts give back exactly what was invoiced for the units, tax included.

The odd order (``tests.billing_helpers``) invoices 7 units at 33.33, 13 at 19.99 and 11 at 7.77 in
three shipments at 13 % VAT, where rounding each document's tax on its own drifts by a cent. Here the
buyer returns every unit in three requests split across lines and invoices; each is resolved with
credit notes. Each credit note's net is its units × the invoiced unit price, and the credit notes of
an invoice without a shipping fee add up to that invoice's net, tax and total to the cent.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select

from portal.db.billing import CreditNote, CreditNoteLine, InvoiceLine
from portal.db.orders import Order
from portal.db.returns import ReturnLine, ReturnRequest
from portal.domain.aftersales import return_steps, returns
from portal.domain.billing.money import ZERO, money
from tests.billing_helpers import lines_of, shipped_in_three
from tests.helpers import customer_actor, make_staff, staff_actor

# (line index, units) per return request: parts that straddle the three invoices of each line
# (rounding each credit note's tax on its own would be a cent off on invoices 2 and 3)
PARTS = (
    ((0, 4), (1, 11), (2, 3)),
    ((0, 3), (1, 1), (2, 6)),
    ((1, 1), (2, 2)),
)


async def _returned_and_credited(db, buyer, order, lines, staff, parts, tmp_path) -> list[CreditNote]:  # noqa: ANN001
    data = returns.ReturnInput(
        {lines[i].id: q for i, q in parts}, "quality_defect", "credit_note", "Cracked housings."
    )
    case = await returns.request_return(
        db, customer_actor(buyer), order.number, data, window_days=30, photo_root=tmp_path
    )
    await return_steps.approve(db, staff, case.id)
    await return_steps.receive(db, staff, case.id)
    request = await db.scalar(select(ReturnRequest).where(ReturnRequest.case_id == case.id))
    found = [
        return_steps.Inspected(ln.id, ln.quantity, 0)
        for ln in await db.scalars(select(ReturnLine).where(ReturnLine.return_id == request.id))
    ]
    await return_steps.inspect(db, staff, case.id, found)
    notes = await return_steps.resolve_with_credit_note(db, staff, case.id)
    await db.commit()
    return notes


async def test_every_unit_credited_in_parts_gives_back_exactly_what_was_invoiced(db, tmp_path):
    buyer, order, invoices = await shipped_in_three(db)
    order = await db.get(Order, order.id, populate_existing=True)
    order.status, order.delivered_at = "delivered", datetime.now(UTC)
    await db.commit()
    lines = await lines_of(db, order)
    staff = staff_actor(await make_staff(db, "aftersales"))
    notes: list[CreditNote] = []
    for parts in PARTS:
        notes += await _returned_and_credited(db, buyer, order, lines, staff, parts, tmp_path)

    invoice_lines = {ln.id: ln for ln in await db.scalars(select(InvoiceLine))}
    for note in notes:  # each note: its units at the invoiced unit price, tax within the note's rate
        credited = list(
            await db.scalars(select(CreditNoteLine).where(CreditNoteLine.credit_note_id == note.id))
        )
        assert note.subtotal == sum(
            (money(invoice_lines[c.invoice_line_id].unit_price * c.quantity) for c in credited), ZERO
        )
        assert all(c.unit_price == invoice_lines[c.invoice_line_id].unit_price for c in credited)
        assert abs(note.tax_amount - note.subtotal * note.tax_rate) <= Decimal("0.01")
        assert note.total == note.subtotal + note.tax_amount

    for invoice in invoices:
        own = [n for n in notes if n.invoice_id == invoice.id]
        net = sum((n.subtotal for n in own), ZERO)
        tax = sum((n.tax_amount for n in own), ZERO)
        assert net == invoice.subtotal  # every invoiced unit came back, none credited twice
        assert net + tax <= invoice.total  # never more than was invoiced
        if invoice.shipping_fee == 0:  # no freight to keep: the credit notes undo the invoice exactly
            assert (tax, net + tax) == (invoice.tax_amount, invoice.total), invoice.number
    assert sum((n.subtotal for n in notes), ZERO) == sum((i.subtotal for i in invoices), ZERO)
