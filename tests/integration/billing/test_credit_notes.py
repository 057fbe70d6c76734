"""Credit notes against an invoice: units or an amount, never more than is left, tax by the same rule."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from portal import clock
from portal.db.billing import CreditNote, Invoice, InvoiceLine
from portal.db.orders import OrderEvent
from portal.db.outbox import OutboxMessage
from portal.domain.billing.balances import InvoiceStatus, invoices_with_balances, status_of
from portal.domain.billing.credit_notes import issue_credit_note
from portal.domain.errors import Forbidden, ValidationFailed
from tests.billing_helpers import shipped_in_three
from tests.helpers import make_staff, staff_actor


async def _finance(db):  # noqa: ANN001, ANN202
    return staff_actor(await make_staff(db, "finance"))


async def _lines(db, invoice) -> list[InvoiceLine]:  # noqa: ANN001
    stmt = select(InvoiceLine).where(InvoiceLine.invoice_id == invoice.id).order_by(InvoiceLine.position)
    return list(await db.scalars(stmt))


async def _after_rollback(db, invoice) -> Invoice:  # noqa: ANN001
    """Roll the refused attempt back and read the invoice again (a rollback expires what was loaded)."""
    invoice_id = invoice.id
    await db.rollback()
    return await db.get(Invoice, invoice_id)


async def _status(db, invoice) -> InvoiceStatus:  # noqa: ANN001
    _inv, paid, credited, _balance = (
        await db.execute(invoices_with_balances().where(Invoice.id == invoice.id))
    ).one()
    return status_of(invoice.total, paid, credited, invoice.due_on, clock.today())


async def test_crediting_every_unit_in_two_parts_gives_back_exactly_the_invoice(db):
    _, order, issued = await shipped_in_three(db)
    invoice = issued[1]  # the middle one: its tax share starts where the first ends
    finance = await _finance(db)
    lines = await _lines(db, invoice)

    first = await issue_credit_note(db, invoice, lines={lines[0].id: 1}, reason="One damaged", actor=finance)
    await db.commit()
    rest = {ln.id: ln.quantity - (1 if ln.id == lines[0].id else 0) for ln in lines}
    second = await issue_credit_note(db, invoice, lines=rest, reason="Returned", actor=finance)
    await db.commit()

    year = clock.today().year
    assert (first.number, second.number) == (f"CN-{year}-000001", f"CN-{year}-000002")
    assert first.subtotal == lines[0].unit_price
    assert first.subtotal + second.subtotal == invoice.subtotal
    assert first.tax_amount + second.tax_amount == invoice.tax_amount
    assert first.total + second.total == invoice.total
    assert await _status(db, invoice) == InvoiceStatus.CREDITED


async def test_never_more_units_than_invoiced_minus_credited(db):
    _, _, issued = await shipped_in_three(db)
    invoice, finance = issued[0], await _finance(db)
    line = (await _lines(db, invoice))[0]
    other_line_id = (await _lines(db, issued[1]))[0].id
    await issue_credit_note(db, invoice, lines={line.id: line.quantity - 1}, reason="Returned", actor=finance)
    await db.commit()
    with pytest.raises(ValidationFailed) as refused:
        await issue_credit_note(db, invoice, lines={line.id: 2}, reason="Again", actor=finance)
    assert refused.value.errors == {
        f"cn_qty_{line.id}": "At most %(left)s units of this line can still be credited."
    }
    assert refused.value.params_of(f"cn_qty_{line.id}") == {"left": 1}
    invoice = await _after_rollback(db, invoice)
    # a line of another invoice is no line of this one
    with pytest.raises(ValidationFailed):
        await issue_credit_note(db, invoice, lines={other_line_id: 1}, reason="Wrong invoice", actor=finance)


async def test_an_amount_is_capped_by_what_is_left_and_the_rest_credits_exactly(db):
    _, _, issued = await shipped_in_three(db)
    invoice, finance = issued[0], await _finance(db)
    allowance = await issue_credit_note(
        db, invoice, amount=Decimal("100.00"), reason="Price allowance", actor=finance
    )
    await db.commit()
    assert allowance.total == Decimal("100.00")
    assert allowance.subtotal == Decimal("88.50") and allowance.tax_amount == Decimal("11.50")  # 100 / 1.13
    assert await _status(db, invoice) == InvoiceStatus.OPEN  # nothing paid: not "partly paid"

    left = invoice.total - allowance.total
    taken = (allowance.subtotal, allowance.tax_amount)
    with pytest.raises(ValidationFailed) as refused:
        await issue_credit_note(db, invoice, amount=left + Decimal("0.01"), reason="Too much", actor=finance)
    assert "cn_amount" in refused.value.errors
    invoice = await _after_rollback(db, invoice)

    rest = await issue_credit_note(db, invoice, amount=left, reason="Cancelled", actor=finance)
    await db.commit()
    assert taken[0] + rest.subtotal == invoice.subtotal + invoice.shipping_fee
    assert taken[1] + rest.tax_amount == invoice.tax_amount
    assert await _status(db, invoice) == InvoiceStatus.CREDITED


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"amount": Decimal("10"), "reason": ""}, "reason"),
        ({"reason": "Neither lines nor amount"}, "lines"),
        ({"amount": Decimal("-5"), "reason": "Negative"}, "cn_amount"),
        ({"amount": Decimal("1.005"), "reason": "Sub-cent"}, "cn_amount"),
    ],
)
async def test_a_credit_note_needs_a_reason_and_one_way_of_crediting(db, kw, field):
    _, _, issued = await shipped_in_three(db)
    with pytest.raises(ValidationFailed) as refused:
        await issue_credit_note(db, issued[0], actor=await _finance(db), **kw)
    assert field in refused.value.errors
    assert await db.scalar(select(CreditNote.id)) is None


async def test_the_credit_note_is_on_the_timeline_and_mailed_unless_told_not_to(db):
    buyer, order, issued = await shipped_in_three(db)
    finance = await _finance(db)
    mailed = await issue_credit_note(db, issued[0], amount=Decimal("5.00"), reason="Late", actor=finance)
    quiet = await issue_credit_note(
        db, issued[0], amount=Decimal("5.00"), reason="RMA", actor=finance, source="return",
        source_ref="RMA-2026-000001", mail=False,
    )  # fmt: skip
    await db.commit()
    events = (
        await db.scalars(
            select(OrderEvent).where(
                OrderEvent.order_id == order.id, OrderEvent.action == "credit_note_issued"
            )
        )
    ).all()
    assert [e.data["number"] for e in events] == [mailed.number, quiet.number]
    assert events[0].role == "finance" and events[0].public
    mails = (
        await db.scalars(select(OutboxMessage).where(OutboxMessage.template == "credit_note_issued"))
    ).all()
    assert [(m.recipient, m.context["credit_note_number"]) for m in mails] == [(buyer.email, mailed.number)]
    assert quiet.source == "return" and quiet.source_ref == "RMA-2026-000001"


async def test_only_finance_after_sales_and_the_system_issue_credit_notes(db):
    _, _, issued = await shipped_in_three(db)
    sales = staff_actor(await make_staff(db, "sales"))
    with pytest.raises(Forbidden):
        await issue_credit_note(db, issued[0], amount=Decimal("5.00"), reason="Goodwill", actor=sales)
