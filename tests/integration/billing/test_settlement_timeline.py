"""One timeline: invoice issued, payment received, credit note and closed are on the staff timeline,
and, as the public subset, on the buyer's order page and the tracking page (which names no document)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from portal.auth.tracking_links import TrackingLinks
from portal.db.orders import Order, OrderEvent
from portal.domain.billing import closing
from portal.domain.billing.credit_notes import issue_credit_note
from portal.domain.billing.payments import allocate
from portal.domain.orders import service
from portal.domain.orders.actors import Actor
from portal.domain.orders.wording import event_text
from portal.i18n import using_locale
from tests.billing_helpers import shipped_in_three
from tests.helpers import as_staff, sign_in, text_of
from tests.payment_helpers import finance, paid

SETTLEMENT = ("invoice_issued", "credit_note_issued", "payment_received", "close")


def _event(e: OrderEvent, audience: str) -> str:
    with using_locale("en"):
        return event_text(e.action, audience, from_state=e.from_state, data=e.data)


def _words(action: str, audience: str, number: str = "") -> str:
    with using_locale("en"):
        return event_text(action, audience, data={"number": number})


async def test_settlement_steps_are_on_every_timeline_each_reader_its_part(client, db, settings):
    # given: the odd order shipped in three (three invoices), delivered and completed
    buyer, order, issued = await shipped_in_three(db)
    order = await db.get(Order, order.id, populate_existing=True)
    system = Actor.system("settlement")
    await service.deliver(db, system, order)
    await service.complete(db, system, order)
    # and: one invoice credited in part, the rest of all three paid by one payment, the cron closes it
    clerk = await finance(db)
    note = await issue_credit_note(db, issued[2], amount=Decimal("10.00"), reason="Allowance", actor=clerk)
    owed = {i.id: i.total - (note.total if i.id == note.invoice_id else 0) for i in issued}
    payment = await paid(db, clerk, buyer.account_id, str(sum(owed.values())))
    await allocate(db, clerk, payment.id, owed)  # one payment to three invoices at once
    await db.commit()
    assert await closing.close_settled(db) == 1
    await db.commit()
    n, version = order.number, order.tracking_link_version

    # then: the buyer reads each step in the buyer's words, but no internal step (the QC inspection)
    await sign_in(client, buyer.email)
    mine = text_of((await client.get(f"/orders/{n}")).text)
    for invoice in issued:
        assert _words("invoice_issued", "customer", invoice.number) in mine
        assert _words("payment_received", "customer", invoice.number) in mine
    assert _words("credit_note_issued", "customer", note.number) in mine
    assert _words("close", "customer") in mine
    internal = await db.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id, ~OrderEvent.public))
    hidden = {_event(e, "staff") for e in internal}
    assert hidden and not any(h in mine for h in hidden), hidden

    # and: staff read the same steps in theirs, with the internal ones
    await as_staff(client, db, "finance")
    staff = text_of((await client.get(f"/staff/orders/{n}")).text)
    for invoice in issued:
        assert _words("invoice_issued", "staff", invoice.number) in staff
        assert _words("payment_received", "staff", invoice.number) in staff
    assert _words("credit_note_issued", "staff", note.number) in staff
    assert _words("close", "staff") in staff and all(h in staff for h in hidden)

    # and: the tracking link (no sign-in) shows the public subset without naming any document
    client.cookies.clear()
    links = TrackingLinks(settings.secret_key, ttl_days=settings.tracking_link_days)
    public = text_of((await client.get(links.path(order.id, version))).text)
    for action in SETTLEMENT:
        assert _words(action, "public") in public, action
    assert not any(i.number in public for i in issued) and note.number not in public
