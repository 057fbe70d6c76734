"""Due and overdue reminders (到期提醒 / 逾期催款): one e-mail per invoice and kind, never two.

Kinds, by the days an invoice is past its due date on the Shanghai business day ``today`` (a window,
so a day the cron did not run is caught up the next, but a reminder a week late is not sent):

- ``due_in_3``   due within the next three days (−3 … −1)
- ``overdue_1``  one to six days overdue
- ``overdue_7``  seven to thirteen days overdue

Only invoices with something still to pay are reminded. For each, ``send_reminders`` inserts an
``InvoiceReminder`` row with ON CONFLICT DO NOTHING on the unique (invoice, kind) and, only when the
row is new, writes the e-mail to the outbox — both in the caller's transaction. A second run, or a
concurrent one (it waits on the unique index, then does nothing), sends nothing again; a worker that
dies mid-run rolls back rows and e-mails together, and the next run sends them.

The e-mail (``templates/emails/invoice_reminder.html``) goes to the order's contact, in their
language, with the amount due and a link to the invoice.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import exists, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.billing import Invoice, InvoiceReminder
from portal.db.orders import Order
from portal.domain.billing.balances import invoice_balance
from portal.domain.billing.invoices import mail_context
from portal.domain.orders import notify

BATCH = 500
TEMPLATE = "invoice_reminder"
# kind -> (least, most) days past the due date, both included (negative: not yet due)
KINDS: dict[str, tuple[int, int]] = {"due_in_3": (-3, -1), "overdue_1": (1, 6), "overdue_7": (7, 13)}


async def _claim(db: AsyncSession, invoice_id: int, kind: str) -> int | None:
    """The new reminder row's id, or None when this invoice was already reminded of ``kind``."""
    stmt = (
        insert(InvoiceReminder)
        .values(invoice_id=invoice_id, kind=kind, created_at=clock.now())
        .on_conflict_do_nothing(constraint="uq_invoice_reminders_invoice_kind")
        .returning(InvoiceReminder.id)
    )
    return await db.scalar(stmt)


async def send_reminders(db: AsyncSession, today: date, *, limit: int = BATCH) -> int:
    """Write the reminders due on ``today`` (rows and e-mails, no commit); returns how many were new."""
    sent = 0
    for kind, (least, most) in KINDS.items():
        reminded = exists().where(InvoiceReminder.invoice_id == Invoice.id, InvoiceReminder.kind == kind)
        balance = invoice_balance().label("balance")
        rows = (
            await db.execute(
                select(Invoice, Order, balance)
                .join(Order, Order.id == Invoice.order_id)
                .where(
                    Invoice.due_on.between(today - timedelta(days=most), today - timedelta(days=least)),
                    invoice_balance() > 0,
                    ~reminded,
                )
                .order_by(Invoice.due_on, Invoice.id)
                .limit(limit)
            )
        ).all()
        for invoice, order, owed in rows:
            reminder_id = await _claim(db, invoice.id, kind)
            if reminder_id is None:
                continue  # another run got there first
            extra = {
                **mail_context(invoice),
                "reminder_kind": kind,
                "invoice_balance": str(owed),
                "days_overdue": (today - invoice.due_on).days,
            }
            messages = await notify.messages(db, order, TEMPLATE, "customer", extra=extra)
            await db.flush()
            if messages:
                await db.execute(
                    update(InvoiceReminder)
                    .where(InvoiceReminder.id == reminder_id)
                    .values(outbox_id=messages[0].id)
                )
            sent += 1
    return sent
