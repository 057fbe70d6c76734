"""The customer's answer to an order confirmation: e-signature or decline with a reason."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.orders import Confirmation, Order, OrderEvent
from portal.domain.billing import invoices
from portal.domain.errors import NotFound, ValidationFailed
from portal.domain.orders import allocation, events, notify, service
from portal.domain.orders.actors import Actor
from portal.domain.orders.confirmation_docs import ConfirmationOutdated, versions
from portal.formatting import iso
from portal.i18n import N_


@dataclass(frozen=True)
class Signature:
    signer_name: str
    agree: bool
    document_hash: str
    user_agent: str


async def accept(db: AsyncSession, actor: Actor, order: Order, signature: Signature) -> Confirmation:
    """E-sign the current version: name typed, agreement ticked, and the hash of what was read.

    A prepaid order is invoiced in full here (``billing.invoices.issue_prepayment``)."""
    errors = {}
    if not signature.signer_name.strip():
        errors["signer_name"] = N_("Type your full name to sign.")
    if not signature.agree:
        errors["agree"] = N_("Tick the box to agree to the order confirmation.")
    if errors:
        raise ValidationFailed(errors)
    current = next(iter(await versions(db, order.id)), None)
    if current is None:
        raise NotFound()
    if current.status != "sent" or signature.document_hash != current.content_hash:
        raise ConfirmationOutdated()
    current.status, current.responded_at, current.responded_by_user_id = "accepted", clock.now(), actor.id
    current.signer_name, current.signer_ip = signature.signer_name.strip()[:120], actor.ip
    current.signer_user_agent = signature.user_agent[:500]
    event = await service.accept_confirmation(
        db,
        actor,
        order,
        expected_version=None,
        signature={
            "version": current.version,
            "hash": current.content_hash,
            "signer_name": current.signer_name,
            "user_agent": current.signer_user_agent,
        },
    )
    await allocate_confirmed(db, order, event)
    if order.payment_terms == "prepaid":  # paid before anything ships: invoiced in full now
        await invoices.issue_prepayment(db, order)
    return current


async def allocate_confirmed(db: AsyncSession, order: Order, event: OrderEvent) -> None:
    """Reserve stock for the order just confirmed (``event``: its confirmation, or a replacement opened);
    backorders tell the customer the new date and the choices."""
    today = clock.today()
    result = await allocation.allocate(db, order, today=today)
    order.delivery_estimate = max(filter(None, (order.promised_delivery_date, result.new_date)), default=None)
    if not result.backordered:
        return
    events.record(
        db,
        order,
        Actor.system(),
        events.EventKind.BACKORDERED,
        note=", ".join(result.backordered),
        data={
            "skus": result.backordered,
            "new_date": iso(result.new_date),
        },
    )
    await notify.send(
        db,
        order,
        "backorder",
        "customer",
        extra={
            "skus": list(result.backordered),
            "wait_date": iso(result.new_date),
            "choice_path": f"/orders/{order.number}#backorder",
        },
    )


async def decline(
    db: AsyncSession, actor: Actor, order: Order, *, reason: str, document_hash: str
) -> Confirmation:
    current = next(iter(await versions(db, order.id)), None)
    if current is None:
        raise NotFound()
    if current.status != "sent" or (document_hash and document_hash != current.content_hash):
        raise ConfirmationOutdated()
    await service.decline_confirmation(db, actor, order, expected_version=None, reason=reason)
    current.status, current.responded_at, current.responded_by_user_id = "declined", clock.now(), actor.id
    current.decline_reason = reason.strip()[:4000]
    await db.flush()
    return current
