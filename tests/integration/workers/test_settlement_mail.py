"""The "invoice issued" and "payment received" e-mails, delivered through the outbox over real SMTP:
each in its reader's language, with the amounts and a link to the invoice."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal.db.engine import make_sessionmaker
from portal.domain.billing.payments import allocate
from portal.domain.notifications import delivery
from portal.domain.notifications.mailer import SmtpMailer
from portal.domain.notifications.render import EmailRenderer
from portal.formatting import money
from portal.i18n import gettext, using_locale
from portal.jinja import make_environment
from tests.helpers import make_customer
from tests.payment_helpers import finance, invoiced, paid
from tests.smtp_sink import body_text

BASE = "https://portal.example"


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_invoice_issued_and_payment_received_mails_in_the_readers_language(
    db, engine, smtp_sink, locale
):
    sink, url = smtp_sink
    # given: a buyer reading in ``locale``, whose order left in one shipment (one invoice)
    buyer, order, invoice = await invoiced(db, buyer=await make_customer(db, locale=locale))
    # and: finance applies 500.00 of a payment to it
    clerk = await finance(db)
    payment = await paid(db, clerk, buyer.account_id, "500.00")
    await allocate(db, clerk, payment.id, {invoice.id: Decimal("500.00")})
    await db.commit()

    # when: the outbox is delivered (twice: nothing goes out twice)
    renderer = EmailRenderer(make_environment(), base_url=BASE)
    mailer = SmtpMailer(url, sender="Portal <billing@portal.test>")
    sessions = make_sessionmaker(engine)
    await delivery.drain(sessions, mailer, renderer)
    await delivery.drain(sessions, mailer, renderer)

    # then: one of each reached the buyer, in the buyer's language, linking to the invoice
    with using_locale(locale):
        issued_subject = gettext(
            "Invoice %(invoice)s for order %(number)s", invoice=invoice.number, number=order.number
        )
        paid_subject = gettext("Payment received for invoice %(invoice)s", invoice=invoice.number)
        total, applied = money(invoice.total), money(Decimal("500.00"))
        left = money(invoice.total - Decimal("500.00"))
    assert (issued_subject == f"Invoice {invoice.number} for order {order.number}") == (locale == "en")
    mails = {}
    for m in sink.messages:
        if invoice.number in m["Subject"]:
            mails.setdefault(m["Subject"], []).append(m)
    assert sorted(mails) == sorted([issued_subject, paid_subject]), list(mails)
    assert all(len(found) == 1 and found[0]["To"] == buyer.email for found in mails.values())
    link = f"{BASE}/invoices/{invoice.number}"
    issued_text = body_text(mails[issued_subject][0])
    assert link in issued_text and total in issued_text
    paid_text = body_text(mails[paid_subject][0])
    assert link in paid_text and applied in paid_text and left in paid_text
    if locale == "zh_CN":
        assert (issued_subject, paid_subject) == (
            f"订单 {order.number} 的发票 {invoice.number}",
            f"发票 {invoice.number} 的付款已到账",
        )
