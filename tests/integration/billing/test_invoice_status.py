"""The buyer's /invoices shows each of the five statuses (open, partly paid, paid, overdue, credited),
filters by each, and the database's status (``views.status_sql``) agrees with ``balances.status_of``."""

from __future__ import annotations

from datetime import timedelta

from portal import clock
from portal.domain.billing import views
from portal.domain.billing.balances import InvoiceStatus, status_of
from portal.i18n import gettext, using_locale
from tests.helpers import customer_actor, make_customer, place_orders, sign_in, text_of
from tests.settlement_helpers import credit_note_row, invoice_row, pay


async def test_the_buyer_reads_and_filters_every_status(client, db):
    today = clock.today()
    buyer = await make_customer(db)
    [order] = await place_orders(db, buyer, 1, status="completed")

    async def invoice(due_in: int):  # noqa: ANN202
        due = today + timedelta(days=due_in)
        return await invoice_row(db, order, "100.00", issued_on=due - timedelta(days=30), due_on=due)

    wanted = {
        InvoiceStatus.OPEN: await invoice(10),
        InvoiceStatus.PARTLY_PAID: await invoice(10),
        InvoiceStatus.PAID: await invoice(-5),
        InvoiceStatus.OVERDUE: await invoice(-1),
        InvoiceStatus.CREDITED: await invoice(-40),
    }
    await pay(
        db, buyer.account_id, "30.00", received_on=today, to=((wanted[InvoiceStatus.PARTLY_PAID], "30.00"),)
    )
    await pay(db, buyer.account_id, "100.00", received_on=today, to=((wanted[InvoiceStatus.PAID], "100.00"),))
    await credit_note_row(db, wanted[InvoiceStatus.CREDITED], "100.00", issued_on=today)
    partly_credited = await invoice(10)  # a credit note, no payment: open, never "partly paid"
    await credit_note_row(db, partly_credited, "40.00", issued_on=today)
    await db.commit()

    # the database's status is the one rule's
    rows = {
        r.number: r for r in (await views.invoice_list(db, customer_actor(buyer), views.InvoiceFilter())).rows
    }
    for status, inv in wanted.items():
        row = rows[inv.number]
        assert row.status == status == status_of(row.total, row.paid, row.credited, row.due_on, today)
    row = rows[partly_credited.number]
    assert row.status == InvoiceStatus.OPEN == status_of(row.total, row.paid, row.credited, row.due_on, today)

    # each status is shown in the buyer's words, and the list filters by it
    await sign_in(client, buyer.email)
    for status, inv in wanted.items():
        with using_locale("en"):
            label = gettext(views.STATUS_LABELS[status])
        shown = text_of((await client.get("/invoices", params={"status": status.value})).text)
        assert inv.number in shown and label in shown, status
        others = [i.number for s, i in wanted.items() if s != status]
        assert (partly_credited.number in shown) == (status == InvoiceStatus.OPEN), status
        assert not any(n in shown for n in others), status
