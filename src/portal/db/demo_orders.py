"""Demo orders in every state of the lifecycle, made by the service verbs the pages call.

Each order goes through checkout and then the same steps a reviewer, the buyer, production and
logistics would take, so its events, timeline, confirmation, stock reservations and e-mails (outbox,
shown at /dev/mailbox by ``make run``) are real. On a fresh database the orders are numbered in the
order of ``PLAN`` (the README lists them).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.customers import Address, CustomerUser
from portal.db.fulfilment import Shipment
from portal.db.orders import Order, OrderLine
from portal.db.staff import StaffUser
from portal.domain.aftersales import cases, receipt
from portal.domain.fulfilment import packing, production, qc, shipping
from portal.domain.fulfilment.milestones import IN_PRODUCTION, MATERIALS_READY, MILESTONES, PLANNED
from portal.domain.orders import cart, checkout, confirmation, confirmation_docs, pricing, service, states
from portal.domain.orders.actors import Actor
from portal.domain.orders.states import OrderState
from portal.domain.settings import config
from portal.settings import load_settings

S = OrderState
DEMO_BUYER = "buyer@example.com"
STAFF_EMAILS = [
    f"{role}@example.com" for role in ("reviewer", "approver", "production", "logistics", "admin")
]
DEMO_CARRIER = "democarrier"


@dataclass(frozen=True)
class DemoOrder:
    """One demo order: the state it ends in, its lines (sku, quantity, specs) and a buyer's note."""

    state: OrderState
    lines: tuple[tuple[str, int, dict[str, str]], ...]
    note: str = ""


# fmt: off
PLAN = (
    DemoOrder(S.SUBMITTED, (("SEN-PT100", 20, {"length": "200mm"}), ("SEN-PRS10", 5, {"output": "4-20mA"}))),
    DemoOrder(S.AWAITING_APPROVAL, (("MTR-5K5", 30, {"poles": "4", "mounting": "B35"}),), "Line 3 retrofit."),
    DemoOrder(S.CHANGES_REQUESTED, (("VLV-BF100", 12, {"actuator": "electric"}),)),
    DemoOrder(S.CONFIRMATION_SENT, (("BRG-22216", 40, {"cage": "brass"}),)),
    DemoOrder(S.CONFIRMED, (("CTL-VFD7", 4, {"input": "380V 3ph"}),)),
    DemoOrder(S.IN_PRODUCTION, (("PMP-350", 2, {"voltage": "380V", "stages": "6"}),), "Witness test requested."),
    DemoOrder(S.READY_TO_SHIP, (("GBX-R37", 6, {"ratio": "20:1"}),)),
    DemoOrder(S.PARTIALLY_SHIPPED, (("BRG-6205", 500, {"seal": "2RS"}), ("HYD-CYL63", 4, {"mounting": "flange"}))),
    DemoOrder(S.SHIPPED, (("PIP-SS50", 60, {"grade": "316L"}), ("PIP-FLG50", 20, {"standard": "GB/T 9119"}))),
    DemoOrder(S.DELIVERED, (("SPR-KIT100", 3, {}),)),
    DemoOrder(S.COMPLETED, (("VLV-DN80", 10, {"material": "cast iron", "pressure": "PN16"}),)),
    DemoOrder(S.CANCELLED, (("MTR-45K", 1, {"protection": "Ex d IIB T4"}),)),
)
# fmt: on
STATES = tuple(o.state for o in PLAN)


@dataclass
class _Cast:
    """Who acts in the demo: the buyer and one staff member per role, with the buyer's default address."""

    buyer: Actor
    staff: dict[str, Actor]
    address_id: int
    policy: pricing.PricePolicy

    def role(self, name: str) -> Actor:
        return self.staff[name]


async def _cast(db: AsyncSession) -> _Cast:
    user = await db.scalar(select(CustomerUser).where(CustomerUser.email == DEMO_BUYER))
    address_id = await db.scalar(
        select(Address.id).where(Address.account_id == user.account_id, Address.is_default.is_(True))
    )
    staff = {}
    for member in (await db.scalars(select(StaffUser).where(StaffUser.email.in_(STAFF_EMAILS)))).all():
        role = "admin" if "admin" in member.roles else member.roles[0]
        staff[role] = Actor.staff(user_id=member.id, name=member.name, roles=member.roles)
    return _Cast(
        buyer=Actor.customer(user_id=user.id, name=user.name, account_id=user.account_id),
        staff=staff,
        address_id=address_id,
        policy=pricing.policy_from(load_settings()),
    )


async def _place(db: AsyncSession, cast: _Cast, plan: DemoOrder) -> Order:
    """The buyer fills the cart and checks out, as on the checkout page."""
    for sku, quantity, specs in plan.lines:
        line = cart.LineInput(0, sku, quantity, dict(specs))
        await cart.add_line(db, cast.buyer, line=line, policy=cast.policy)
    draft = await cart.get_cart(db, cast.buyer)
    earliest = await checkout.earliest_delivery(db, cast.buyer, draft, clock.today())
    number = await checkout.checkout(
        db,
        cast.buyer,
        checkout.CheckoutInput(
            requested_delivery_date=earliest.day + timedelta(days=7),
            shipping_address_id=str(cast.address_id),
            invoice_title="演示制造有限公司",
            tax_id="91310000MA1FL8XQ37",
            special_requirements=plan.note,
            idempotency_key=f"demo-{uuid.uuid4().hex}",
        ),
        policy=cast.policy,
        today=clock.today(),
        limits=checkout.Limits(storage=Path("var"), max_files=0, max_bytes=0),
    )
    return await service.load_order(db, cast.buyer, number=number)


async def _approve(db: AsyncSession, cast: _Cast, order: Order) -> None:
    """Review, then as many approval levels as the amount needs, each by another person."""
    thresholds = (await config.load(db)).approval_thresholds
    promised = (order.requested_delivery_date or clock.today()) + timedelta(days=3)
    deciders = [cast.role("reviewer"), cast.role("approver"), cast.role("admin")]
    while order.status in states.IN_REVIEW:
        await service.approve(
            db, deciders.pop(0), order, expected_version=None, promised_date=promised, thresholds=thresholds
        )


async def _accept(db: AsyncSession, cast: _Cast, order: Order) -> None:
    doc = (await confirmation_docs.versions(db, order.id))[0]
    signature = confirmation.Signature(
        signer_name="王伟", agree=True, document_hash=doc.content_hash, user_agent="demo data"
    )
    await confirmation.accept(db, cast.buyer, order, signature)


async def _produce(db: AsyncSession, cast: _Cast, order: Order, *, finish: bool) -> None:
    """Plan every milestone (production starts), materials ready; with ``finish``: made, inspected, packed."""
    worker, today = cast.role("production"), clock.today()
    plan = {m: today + timedelta(days=2 * i) for i, m in enumerate(MILESTONES)}
    for report in (
        production.MilestoneReport(PLANNED, planned=plan),
        production.MilestoneReport(MATERIALS_READY, done=True),
        production.MilestoneReport(IN_PRODUCTION, progress=100 if finish else 40),
    ):
        await production.record_milestone(db, worker, order, report)
    if finish:
        await qc.inspect(db, worker, order, result="pass")
        lines = await _lines(db, order)
        await packing.pack(db, worker, order, quantities={ln.id: ln.quantity for ln in lines}, done=True)


async def _lines(db: AsyncSession, order: Order) -> list[OrderLine]:
    stmt = select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.position)
    return list((await db.scalars(stmt)).all())


async def _ship(db: AsyncSession, cast: _Cast, order: Order, *, first_line_only: bool) -> Shipment:
    """Logistics hands goods to the demo carrier, which reports them on the way."""
    lines = await _lines(db, order)
    todo = lines[:1] if first_line_only else lines
    shipment = await shipping.ship(
        db,
        cast.role("logistics"),
        order,
        carrier_code=DEMO_CARRIER,
        tracking_number=f"DE{order.number.replace('-', '')}{len(todo)}",
        quantities={ln.id: ln.quantity - ln.shipped_qty for ln in todo},
    )
    await _carrier_event(db, shipment, "in_transit", "上海分拨中心 Shanghai hub")
    return shipment


async def _carrier_event(db: AsyncSession, shipment: Shipment, status: str, location: str) -> None:
    event = shipping.EventInput(status=status, occurred_at=clock.now(), location=location)
    await shipping.record_event(db, shipment, event, source="webhook")


async def _stop_in_review(db: AsyncSession, cast: _Cast, order: Order, state: OrderState) -> None:
    """The orders that stay in review: asked to change, cancelled by the buyer, or passed on to approval."""
    if state == S.CHANGES_REQUESTED:
        message = "电动执行器请确认电压（220V 或 380V）。Please confirm the actuator voltage."
        await service.request_changes(
            db, cast.role("reviewer"), order, expected_version=None, message=message
        )
    elif state == S.CANCELLED:
        await service.cancel(
            db, cast.buyer, order, expected_version=None, reason="项目推迟。Project postponed."
        )
    elif state == S.AWAITING_APPROVAL:
        thresholds = (await config.load(db)).approval_thresholds
        await service.approve(db, cast.role("reviewer"), order, expected_version=None, thresholds=thresholds)


async def _fulfil(db: AsyncSession, cast: _Cast, order: Order, state: OrderState) -> None:
    """From the signed confirmation on: production, QC, packing, shipping, delivery, receipt."""
    await _produce(db, cast, order, finish=state != S.IN_PRODUCTION)
    if state in states.SOMETHING_SHIPPED:
        shipment = await _ship(db, cast, order, first_line_only=state == S.PARTIALLY_SHIPPED)
        if state in states.RECEIVED:
            await _carrier_event(db, shipment, "delivered", "苏州工业园区 Suzhou")
        if state == S.COMPLETED:  # one item short: the demo's after-sales case (售后工单)
            first = (await _lines(db, order))[0]
            short = receipt.ReceiptReport(
                lines=(receipt.LineReport(first.id, short=1),),
                note="少了一件。One item missing.",
                itemised=True,
            )
            await receipt.confirm(
                db,
                cast.buyer,
                order,
                short,
                expected_version=None,
                photo_root=cases.photo_root(load_settings().data_dir),
            )


async def _walk(db: AsyncSession, cast: _Cast, plan: DemoOrder) -> Order:
    """Take one order from checkout to the state the plan asks for."""
    order = await _place(db, cast, plan)
    if plan.state == S.CANCELLED or (
        plan.state in states.BEFORE_CONFIRMED and plan.state != S.CONFIRMATION_SENT
    ):
        await _stop_in_review(db, cast, order, plan.state)
        return order
    await _approve(db, cast, order)
    if plan.state == S.CONFIRMATION_SENT:
        return order
    await _accept(db, cast, order)
    if plan.state != S.CONFIRMED:
        await _fulfil(db, cast, order, plan.state)
    return order


async def seed_orders(db: AsyncSession) -> list[Order]:
    """Create the demo orders of ``PLAN`` (the demo people and products must exist); returns them."""
    cast = await _cast(db)
    orders = []
    for plan in PLAN:
        order = await _walk(db, cast, plan)
        if order.status != plan.state:  # the lifecycle changed and this plan no longer reaches its state
            raise RuntimeError(f"demo order {order.number} is {order.status}, not {plan.state}")
        orders.append(order)
    return orders
