"""Finance's payment pages (record, allocate, reverse, unapplied credit) and what the buyer then reads."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from portal.db.billing import Payment
from tests.helpers import as_staff, sign_in, text_of
from tests.payment_helpers import invoiced, standing


async def test_finance_records_allocates_and_reverses_a_payment_and_the_buyer_reads_it(client, db):
    buyer, order, invoice = await invoiced(db)
    invoice_id, number, total = invoice.id, invoice.number, invoice.total
    _, token = await as_staff(client, db, "finance")

    form = await client.get(f"/staff/finance/payments/new?account={buyer.account_id}")
    assert form.status_code == 200 and f'<option value="{buyer.account_id}" selected' in form.text
    refused = await client.post(
        "/staff/finance/payments",
        data={"_csrf_token": token, "account_id": str(buyer.account_id), "amount": "abc", "received_on": ""},
        follow_redirects=False,
    )
    assert refused.status_code == 422
    assert "Enter an amount above 0 with at most two decimals." in refused.text
    assert (
        "Enter a date as YYYY-MM-DD." in refused.text
        or "Enter the date the money was received" in refused.text
    )

    sent = {
        "_csrf_token": token,
        "account_id": str(buyer.account_id),
        "received_on": "2026-11-30",
        "amount": "1,000.00",
        "method": "cheque",
        "reference": "Cheque 000123",
    }
    r = await client.post("/staff/finance/payments", data=sent, follow_redirects=False)
    assert r.status_code == 303, r.text
    payment = await db.scalar(select(Payment))
    assert r.headers["location"] == f"/staff/finance/payments/{payment.id}"
    detail = await client.get(r.headers["location"])
    assert f'name="alloc_{invoice_id}"' in detail.text and "Cheque 000123" in text_of(detail.text)

    allocations = f"/staff/finance/payments/{payment.id}/allocations"
    too_much = {"_csrf_token": token, f"alloc_{invoice_id}": str(total + 1)}
    r = await client.post(allocations, data=too_much, follow_redirects=False)
    assert r.status_code == 422 and "is still owed on this invoice" in r.text
    r = await client.post(
        allocations, data={"_csrf_token": token, f"alloc_{invoice_id}": "400"}, follow_redirects=False
    )
    assert r.status_code == 303
    assert await standing(db, invoice) == (total - Decimal("400"), "partly_paid")

    listed = text_of((await client.get("/staff/finance/payments?open=1")).text)
    assert f"Payment {payment.id}" in listed and "unapplied: CN¥600.00" in listed
    credit = text_of((await client.get("/staff/finance/credit")).text)
    assert "CN¥600.00" in credit and "1 payment to allocate" in credit

    reverse = f"/staff/finance/payments/{payment.id}/reverse"
    r = await client.post(reverse, data={"_csrf_token": token, "reason": " "}, follow_redirects=False)
    assert r.status_code == 422 and "Say why the payment is reversed." in r.text
    r = await client.post(
        reverse, data={"_csrf_token": token, "reason": "Cheque bounced"}, follow_redirects=False
    )
    assert r.status_code == 303
    assert await standing(db, invoice) == (total, "open")
    page = text_of((await client.get(f"/staff/finance/payments/{payment.id}")).text)
    assert "reversed" in page and "Reverse this payment" not in page

    # the buyer reads both steps on the order's timeline, in their words
    await sign_in(client, buyer.email)
    timeline = text_of((await client.get(f"/orders/{order.number}")).text)
    assert f"We received your payment for invoice {number}" in timeline
    assert f"A payment entry for invoice {number} was corrected" in timeline
    staff_view = text_of((await client.get(f"/staff/orders/{order.number}")).text)
    assert f"Payment received for invoice {number}" in staff_view
