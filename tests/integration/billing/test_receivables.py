"""Credit exposure that is true (what is owed and committed, not every order ever completed), and
finance's receivables and work queues on the dashboard."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from portal import clock
from portal.db.billing import BankStatementImport, BankStatementLine
from portal.domain.billing import receivables
from portal.domain.orders import checks
from portal.formatting import money
from portal.i18n import using_locale
from tests.helpers import (
    as_staff,
    make_account,
    make_customer,
    make_product,
    place_orders,
    text_of,
)
from tests.settlement_helpers import invoice_row, pay


async def _credit(db, order) -> checks.Check:  # noqa: ANN001
    found = await checks.run_checks(db, order, today=clock.today())
    return next(c for c in found if c.key == "credit")


async def test_the_review_credit_check_weighs_an_unpaid_invoice_but_not_a_paid_one(db):
    today = clock.today()
    account = await make_account(db, credit_limit=Decimal("1000"))
    buyer = await make_customer(db, account=account)
    # long completed orders: under the old rule each still counted in full, for ever
    for done in await place_orders(db, buyer, 5, status="completed"):
        settled = await invoice_row(db, done, str(done.total), issued_on=today - timedelta(days=90))
        paid_on = today - timedelta(days=60)
        await pay(db, account.id, str(done.total), received_on=paid_on, to=((settled, str(done.total)),))
    await db.commit()
    [unpaid_order] = await place_orders(db, buyer, 1, status="completed")
    unpaid = await invoice_row(db, unpaid_order, "800.00", issued_on=today - timedelta(days=10))
    await db.commit()
    # the order in review: 300 + VAT, within the limit alone, over it with the unpaid invoice
    [order] = await place_orders(db, buyer, 1, product=await make_product(db, list_price=Decimal("300.00")))

    exposed = await receivables.exposure(db, account.id, excluding_order_id=order.id)
    assert (exposed.invoiced, exposed.uninvoiced, exposed.unapplied) == (Decimal("800.00"), 0, 0)

    check = await _credit(db, order)
    assert check.status == "fail" and check.params["used"] == Decimal("800.00") + order.total
    assert "over the credit limit" in check.message

    await pay(db, account.id, "800.00", received_on=today, to=((unpaid, "800.00"),))
    await db.commit()
    check = await _credit(db, order)
    assert check.status == "pass" and check.params["used"] == order.total


async def test_exposure_counts_confirmed_orders_not_yet_invoiced_less_unapplied_credit(db):
    today = clock.today()
    buyer = await make_customer(db)
    [confirmed] = await place_orders(db, buyer, 1, status="confirmed")
    [shipping] = await place_orders(db, buyer, 1, status="partially_shipped")
    [in_review] = await place_orders(db, buyer, 1, status="submitted")  # not committed to yet
    await invoice_row(db, shipping, "50.00", issued_on=today)
    await pay(db, buyer.account_id, "30.00", received_on=today)  # nothing allocated: unapplied
    await db.commit()
    exposed = await receivables.exposure(db, buyer.account_id)
    assert exposed.invoiced == Decimal("50.00") and exposed.unapplied == Decimal("30.00")
    assert exposed.uninvoiced == confirmed.total + shipping.total - Decimal("50.00")
    assert exposed.total == confirmed.total + shipping.total - Decimal("30.00")
    leaving_out = await receivables.exposure(db, buyer.account_id, excluding_order_id=confirmed.id)
    assert leaving_out.uninvoiced == shipping.total - Decimal("50.00") and in_review.total > 0


async def test_finance_sees_receivables_and_its_work_queues(client, db):
    today = clock.today()
    buyer = await make_customer(db)
    [order] = await place_orders(db, buyer, 1, status="completed")
    overdue = await invoice_row(
        db, order, "300.00", issued_on=today - timedelta(days=40), due_on=today - timedelta(days=10)
    )
    await invoice_row(db, order, "200.00", issued_on=today, due_on=today + timedelta(days=30))
    await pay(db, buyer.account_id, "250.00", received_on=today, to=((overdue, "100.00"),))  # 150 unapplied
    statement_file = BankStatementImport(sha256="0" * 64, filename="bank.csv")
    db.add(statement_file)
    await db.flush()
    for n, status in enumerate(("unmatched", "unmatched", "matched")):
        db.add(
            BankStatementLine(
                import_id=statement_file.id,
                booked_on=today,
                amount=Decimal("1.00"),
                fingerprint=f"f{n}",
                status=status,
            )
        )
    await db.commit()

    shown = await receivables.finance_overview(db, today)
    assert (shown.open_receivables, shown.overdue_receivables) == (Decimal("400.00"), Decimal("200.00"))
    assert (shown.overdue_invoices, shown.unmatched_lines, shown.credit_accounts) == (1, 2, 1)
    assert [(h.account_id, h.unapplied) for h in shown.credit_holders] == [
        (buyer.account_id, Decimal("150.00"))
    ]

    await as_staff(client, db, "finance")
    page = await client.get("/staff/")
    text = text_of(page.text)
    assert "No work queues for your roles" not in text
    for label in ("Overdue invoices", "Unmatched bank statement lines", "Accounts with unapplied credit"):
        assert label in text
    with using_locale("en"):
        assert money(Decimal("400.00")) in text and money(Decimal("200.00")) in text
    assert f'href="/staff/finance/accounts/{buyer.account_id}/statement"' in page.text
    assert 'href="/staff/finance/invoices?status=overdue"' in page.text

    client.cookies.clear()
    await as_staff(client, db, "production")
    assert "Receivables" not in text_of((await client.get("/staff/")).text)
