"""Which notification each order action causes, to whom: written to the outbox with the change."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.customers import CustomerAccount, CustomerUser
from portal.db.orders import Order, OrderEvent
from portal.db.outbox import OutboxMessage
from portal.db.surveys import EmailPreference
from portal.domain.notifications import preferences
from portal.domain.notifications.outbox import queue_email
from portal.domain.notifications.recipients import CUSTOMER_MAIL_LOCALE, staff_recipients
from portal.domain.orders.actors import SYSTEM_NAMES
from portal.domain.orders.states import Action
from portal.formatting import iso

# action -> (template, audience); "customer" is the order's contact, a role name means staff with it
NOTIFICATIONS: dict[Action, tuple[str, str]] = {
    Action.SUBMIT: ("order_received", "customer"),
    Action.RESUBMIT: ("order_received", "customer"),
    Action.REQUEST_CHANGES: ("changes_requested", "customer"),
    Action.SEND_CONFIRMATION: ("confirmation_ready", "customer"),
    Action.ACCEPT_CONFIRMATION: ("order_confirmed", "sales"),
    Action.DECLINE_CONFIRMATION: ("confirmation_declined", "reviewer"),
    Action.REJECT: ("order_rejected", "customer"),
    Action.CANCEL_BY_STAFF: ("order_cancelled", "customer"),
    Action.CANCEL_BY_CUSTOMER: ("order_cancelled", "customer"),
    Action.SHIP_PARTIAL: ("order_shipped", "customer"),
    Action.SHIP_FULL: ("order_shipped", "customer"),
    Action.DELIVER: ("order_delivered", "customer"),
}


def system_msgid(event: OrderEvent | None) -> str:
    """The msgid naming the system actor of ``event``; "" when a person acted (or no event)."""
    if event is None or event.actor_kind != "system":
        return ""
    return SYSTEM_NAMES.get(event.actor_name, "")


def order_context(order: Order, account_name: str, event: OrderEvent | None) -> dict[str, Any]:
    """Plain JSON values only: the message is rendered later, in the recipient's language."""
    return {
        "number": order.number,
        "account_name": account_name,
        "status": order.status,
        "total": str(order.total),
        "currency": order.currency,
        "payment_terms": order.payment_terms,
        "payment_days": order.payment_days,
        "submitted_at": iso(order.submitted_at),
        "requested_delivery_date": iso(order.requested_delivery_date),
        "promised_delivery_date": iso(order.promised_delivery_date),
        "channel": order.channel,
        "note": event.note if event else "",
        # a system actor's name is the msgid of its words, translated when the mail is rendered
        "actor_name": system_msgid(event) or (event.actor_name if event else ""),
        "actor_is_system": bool(system_msgid(event)),
        "delivery_estimate": iso(order.delivery_estimate),
        "order_path": f"/orders/{order.number}",
        # the renderer turns this into a signed tracking link when the mail is sent
        "tracking": {"order_id": order.id, "version": order.tracking_link_version},
        "staff_order_path": f"/staff/orders/{order.number}",
    }


async def _customer_recipient(
    db: AsyncSession, order: Order
) -> tuple[str, str, preferences.Preferences] | None:
    """The order's contact: address, mail language and which optional e-mails they receive."""
    row = (
        await db.execute(
            select(CustomerUser.email, CUSTOMER_MAIL_LOCALE, *preferences.wanted_columns())
            .join(CustomerAccount, CustomerAccount.id == CustomerUser.account_id)
            .outerjoin(EmailPreference, EmailPreference.user_id == CustomerUser.id)
            .where(CustomerUser.id == order.contact_user_id, CustomerUser.is_active.is_(True))
        )
    ).first()
    if row is None:
        return None
    return row.email, row.mail_locale, preferences.from_row(row)


def _responsible(order: Order, role: str) -> int | None:
    """Who on the staff is responsible for this order in ``role``: reviewer mail goes to the assignee,
    sales mail to whoever entered the order; other roles, after-sales among them, hold no responsibility
    on the order itself (None: everyone with the role hears)."""
    return {"reviewer": order.assignee_staff_id, "sales": order.entered_by_staff_id}.get(role)


async def notify(
    db: AsyncSession, order: Order, action: Action, event: OrderEvent, extra: dict[str, Any] | None = None
) -> int:
    """Queue the notifications of ``action``; returns how many were written."""
    spec = NOTIFICATIONS.get(action)
    if spec is None:
        return 0
    template, audience = spec
    return await send(db, order, template, audience, event=event, extra=extra)


async def send(db: AsyncSession, order: Order, template: str, audience: str, **kw: Any) -> int:
    """Queue ``template`` about ``order`` to its contact ("customer") or to staff with a role; how many.

    ``kw``: ``event`` (the OrderEvent the mail follows) and ``extra`` context, as for ``messages``."""
    return len(await messages(db, order, template, audience, **kw))


async def messages(
    db: AsyncSession,
    order: Order,
    template: str,
    audience: str,
    *,
    event: OrderEvent | None = None,
    extra: dict[str, Any] | None = None,
) -> list[OutboxMessage]:
    """``send``, returning the outbox rows written (not yet flushed), one per recipient.

    Customer mail goes to the order's contact as their e-mail preferences say (``preferences``): an
    optional e-mail they switched off is not written at all; transactional ones always are."""
    account_name = (
        await db.scalar(select(CustomerAccount.name).where(CustomerAccount.id == order.account_id)) or ""
    )
    context = {**order_context(order, account_name, event), **(extra or {})}
    context["audience"] = "customer" if audience == "customer" else "staff"  # picks the e-mail footer
    if audience != "customer":
        return [
            queue_email(
                db, template=template, recipient=email, locale=locale, context=context, order_id=order.id
            )
            for email, locale in await staff_recipients(db, audience, _responsible(order, audience))
        ]
    recipient = await _customer_recipient(db, order)
    mail = preferences.customer_mail(template, recipient[2]) if recipient else None
    if recipient is None or mail is None:
        return []
    template, invites = mail
    if invites:  # the renderer turns this into a signed survey link when the mail is sent
        context["survey"] = {"order_id": order.id}
    return [
        queue_email(
            db,
            template=template,
            recipient=recipient[0],
            locale=recipient[1],
            context=context,
            order_id=order.id,
        )
    ]
