"""Payments (收款): partial and over-payment, unapplied credit allocated later, reversal, races, the e-mail."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.db.admin import AuditEntry
from portal.db.billing import Payment, PaymentAllocation
from portal.db.engine import make_engine, make_sessionmaker
from portal.db.orders import OrderEvent
from portal.db.outbox import OutboxMessage
from portal.domain.billing import payment_views
from portal.domain.billing.balances import InvoiceStatus
from portal.domain.billing.payments import allocate, reverse_payment, unapplied_of
from portal.domain.errors import Forbidden, ValidationFailed
from portal.domain.notifications import delivery
from portal.domain.notifications.mailer import SmtpMailer
from portal.domain.notifications.render import EmailRenderer
from portal.domain.orders.wording import event_text
from portal.i18n import using_locale
from portal.jinja import make_environment
from tests.helpers import make_customer, make_staff, staff_actor
from tests.payment_helpers import finance, invoiced, paid, standing


async def _events(db, order, action: str) -> list[OrderEvent]:  # noqa: ANN001
    stmt = select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.action == action)
    return list(await db.scalars(stmt.order_by(OrderEvent.id)))


async def _mails(db) -> list[OutboxMessage]:  # noqa: ANN001
    stmt = (
        select(OutboxMessage).where(OutboxMessage.template == "payment_received").order_by(OutboxMessage.id)
    )
    return list(await db.scalars(stmt))


async def test_a_partial_payment_leaves_the_invoice_partly_paid_on_the_timeline_and_in_the_mail(db):
    buyer, order, invoice = await invoiced(db)
    clerk = await finance(db)
    payment = await paid(db, clerk, buyer.account_id, "300.00", reference="HSBC 88123")
    await allocate(db, clerk, payment.id, {invoice.id: Decimal("300.00")})
    await db.commit()

    assert await standing(db, invoice) == (invoice.total - Decimal("300.00"), InvoiceStatus.PARTLY_PAID)
    assert await unapplied_of(db, payment.id) == Decimal("0.00")
    (event,) = await _events(db, order, "payment_received")
    assert event.public and event.role == "finance" and event.data["number"] == invoice.number
    assert event.data["amount"] == "300.00"
    with using_locale("en"):
        words = event_text(event.action, "customer", data=event.data)
    assert words == f"We received your payment for invoice {invoice.number}"
    (mail,) = await _mails(db)
    assert mail.recipient == buyer.email
    assert mail.context["invoice_path"] == f"/invoices/{invoice.number}"
    assert mail.context["payment_amount"] == "300.00"
    assert Decimal(mail.context["invoice_balance"]) == invoice.total - Decimal("300.00")
    actions = list(await db.scalars(select(AuditEntry.action).where(AuditEntry.entity == "payment")))
    assert actions == ["payment_recorded", "payment_allocated"]


async def test_an_overpayment_is_unapplied_credit_that_finance_allocates_later(db):
    buyer, _, first = await invoiced(db)
    _, _, second = await invoiced(db, buyer=buyer)
    (first_id, first_total), (second_id, second_total) = ((i.id, i.total) for i in (first, second))
    clerk = await finance(db)
    payment = await paid(db, clerk, buyer.account_id, str(first_total + Decimal("100.00")))
    payment_id = payment.id
    await allocate(db, clerk, payment_id, {first_id: first_total})
    await db.commit()

    assert (await standing(db, first))[1] == InvoiceStatus.PAID
    assert await unapplied_of(db, payment_id) == Decimal("100.00")
    (credit,) = await payment_views.unapplied_credit(db)
    assert (credit.account_id, credit.unapplied, credit.payments) == (buyer.account_id, Decimal("100.00"), 1)

    # never more than is unapplied, never more than an invoice owes
    with pytest.raises(ValidationFailed) as refused:
        await allocate(db, clerk, payment_id, {second_id: Decimal("100.01")})
    assert refused.value.errors == {"allocations": "At most %(left)s of this payment is still unapplied."}
    assert refused.value.params_of("allocations") == {"left": "100.00"}
    await db.rollback()
    with pytest.raises(ValidationFailed) as refused:
        await allocate(db, clerk, payment_id, {first_id: Decimal("0.01")})
    assert refused.value.errors == {f"alloc_{first_id}": "At most %(left)s is still owed on this invoice."}
    await db.rollback()

    # later: the credit goes to the second invoice
    await allocate(db, clerk, payment_id, {second_id: Decimal("100.00")})
    await db.commit()
    assert await standing(db, second) == (second_total - Decimal("100.00"), InvoiceStatus.PARTLY_PAID)
    assert await unapplied_of(db, payment_id) == Decimal("0.00")
    assert await payment_views.unapplied_credit(db) == []
    assert len(await _mails(db)) == 2  # one per invoice the payment reached


async def test_another_accounts_invoice_and_other_roles_are_refused(db):
    buyer, _, _ = await invoiced(db)
    _, _, foreign = await invoiced(db)
    clerk = await finance(db)
    payment = await paid(db, clerk, buyer.account_id, "50.00")
    await db.commit()
    payment_id, foreign_id, account_id = payment.id, foreign.id, buyer.account_id
    with pytest.raises(ValidationFailed) as refused:
        await allocate(db, clerk, payment_id, {foreign_id: Decimal("50.00")})
    assert refused.value.errors == {
        f"alloc_{foreign_id}": "This invoice is not one of the account's invoices."
    }
    await db.rollback()
    sales = staff_actor(await make_staff(db, "sales"))
    with pytest.raises(Forbidden):
        await paid(db, sales, account_id, "10.00")
    with pytest.raises(Forbidden):
        await allocate(db, sales, payment_id, {foreign_id: Decimal("1.00")})
    with pytest.raises(Forbidden):
        await reverse_payment(db, sales, payment_id, "wrong")


async def test_a_reversal_restores_the_balances_and_keeps_both_rows(db):
    buyer, order, invoice = await invoiced(db)
    clerk = await finance(db)
    payment = await paid(db, clerk, buyer.account_id, str(invoice.total))
    await allocate(db, clerk, payment.id, {invoice.id: invoice.total})
    await db.commit()
    assert (await standing(db, invoice))[1] == InvoiceStatus.PAID

    reversal = await reverse_payment(db, clerk, payment.id, "Booked to the wrong customer")
    await db.commit()

    assert await standing(db, invoice) == (invoice.total, InvoiceStatus.OPEN)
    rows = list(await db.scalars(select(Payment).order_by(Payment.id)))
    assert [(p.id, p.amount, p.reverses_payment_id) for p in rows] == [
        (payment.id, invoice.total, None),
        (reversal.id, -invoice.total, payment.id),
    ]
    allocations = await db.execute(
        select(PaymentAllocation.payment_id, PaymentAllocation.amount).order_by(PaymentAllocation.id)
    )
    assert allocations.all() == [(payment.id, invoice.total), (reversal.id, -invoice.total)]
    assert await payment_views.unapplied_credit(db) == []
    (event,) = await _events(db, order, "payment_reversed")
    with using_locale("zh_CN"):
        assert event_text(event.action, "staff", data=event.data) == f"发票 {invoice.number} 的收款已冲销"
    assert len(await _mails(db)) == 1  # the payment's; a reversal sends none
    reversed_entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "payment_reversed"))
    assert reversed_entry.after["reason"] == "Booked to the wrong customer"

    payment_id, reversal_id, invoice_id = payment.id, reversal.id, invoice.id
    for target, message in (
        (payment_id, "This payment has already been reversed."),
        (reversal_id, "A reversal cannot be reversed: record the payment again instead."),
    ):
        with pytest.raises(ValidationFailed) as refused:
            await reverse_payment(db, clerk, target, "again")
        assert refused.value.errors == {"reason": message}
        await db.rollback()
    with pytest.raises(ValidationFailed) as refused:
        await allocate(db, clerk, payment_id, {invoice_id: Decimal("1.00")})
    assert "allocations" in refused.value.errors
    await db.rollback()
    detail = await payment_views.payment_detail(db, clerk, payment_id)
    assert detail.payment.allocatable == 0 and detail.related.id == reversal_id


@pytest.fixture
async def wide_engine(settings):  # noqa: ANN001, ANN201
    """Enough connections for every clerk to hold their own."""
    engine = make_engine(settings.database_url, pool_size=12)
    yield engine
    await engine.dispose()


async def _race(wide_engine, clerk, jobs: list[tuple[int, dict[int, Decimal]]]) -> list[str]:  # noqa: ANN001
    """Each job (payment id, allocations) on its own connection, all released at once; "ok" or the refusal."""
    start = asyncio.Event()
    sessions = make_sessionmaker(wide_engine)

    async def one(payment_id: int, wanted: dict[int, Decimal]) -> str:
        async with sessions() as s:
            await start.wait()
            try:
                await allocate(s, clerk, payment_id, wanted)
                await s.commit()
            except ValidationFailed as exc:
                return next(iter(exc.errors.values()))
            return "ok"

    tasks = [asyncio.create_task(one(*job)) for job in jobs]
    await asyncio.sleep(0.2)
    start.set()
    return list(await asyncio.gather(*tasks))


async def test_clerks_allocating_at_once_never_over_allocate(db, wide_engine):
    buyer, _, invoice = await invoiced(db)
    _, _, other = await invoiced(db, buyer=buyer)
    clerk = await finance(db)
    payments = [await paid(db, clerk, buyer.account_id, str(invoice.total)) for _ in range(6)]
    await db.commit()

    # six payments, each the whole invoice, allocated to it at once: one gets it
    outcome = await _race(wide_engine, clerk, [(p.id, {invoice.id: invoice.total}) for p in payments])
    assert outcome.count("ok") == 1
    assert set(outcome) - {"ok"} == {"At most %(left)s is still owed on this invoice."}
    total = await db.scalar(
        select(func.sum(PaymentAllocation.amount)).where(PaymentAllocation.invoice_id == invoice.id)
    )
    assert total == invoice.total

    # one payment of 500.00, of which two clerks allocate 300.00 each at once: one gets it
    five_hundred = await paid(db, clerk, buyer.account_id, "500.00")
    await db.commit()
    wanted = {other.id: Decimal("300.00")}
    outcome = await _race(wide_engine, clerk, [(five_hundred.id, wanted), (five_hundred.id, wanted)])
    assert sorted(outcome) == ["At most %(left)s of this payment is still unapplied.", "ok"]
    assert await unapplied_of(db, five_hundred.id) == Decimal("200.00")


async def test_the_payment_received_mail_is_sent_once_in_the_readers_language(db, engine, smtp_sink):
    sink, url = smtp_sink
    buyer, order, invoice = await invoiced(db, buyer=await make_customer(db, locale="en"))
    clerk = await finance(db)
    payment = await paid(db, clerk, buyer.account_id, "500.00")
    await allocate(db, clerk, payment.id, {invoice.id: Decimal("500.00")})
    await db.commit()

    renderer = EmailRenderer(make_environment(), base_url="https://portal.example")
    mailer = SmtpMailer(url, sender="Portal <orders@portal.test>")
    sessions = make_sessionmaker(engine)
    await delivery.drain(sessions, mailer, renderer)
    await delivery.drain(sessions, mailer, renderer)  # a second run finds nothing left to send

    wanted = [m for m in sink.wait_for(1) if "Payment received" in m["Subject"]]
    assert len(wanted) == 1
    (mail,) = wanted
    assert mail["To"] == buyer.email
    assert mail["Subject"] == f"Payment received for invoice {invoice.number}"
    text = mail.get_body(("plain",)).get_content()
    assert f"https://portal.example/invoices/{invoice.number}" in text
    assert f"order {order.number}" in text
