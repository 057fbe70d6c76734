"""Service verbs on real PostgreSQL: each writes one event and its notifications, or changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.db.orders import Order, OrderEvent
from portal.db.outbox import OutboxMessage
from portal.domain.errors import Forbidden, InvalidTransition, NotFound, OrderChanged, ValidationFailed
from portal.domain.orders import service
from portal.domain.orders.actors import Actor
from tests.helpers import make_customer, make_order, make_staff

THRESHOLDS = [Decimal("100000"), Decimal("1000000")]


def customer_actor(user) -> Actor:
    return Actor.customer(user_id=user.id, name=user.name, account_id=user.account_id, ip="203.0.113.7")


def staff_actor(user) -> Actor:
    return Actor.staff(user_id=user.id, name=user.name, roles=user.roles, ip="198.51.100.2")


async def events(db, order) -> list[OrderEvent]:
    return list(
        (
            await db.scalars(
                select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id)
            )
        ).all()
    )


async def test_submit_numbers_the_order_and_queues_the_receipt_notice(db):
    buyer = await make_customer(db, locale="en")
    order = await make_order(db, customer=buyer)
    event = await service.submit(db, customer_actor(buyer), order, now=datetime(2026, 5, 4, tzinfo=UTC))
    await db.commit()
    assert order.number == "SO-2026-000001" and order.status == "submitted"
    assert order.total == Decimal("226.00")  # 2 x 100 + 13 % VAT
    assert (event.from_state, event.to_state, event.role, str(event.ip)) == (
        "draft",
        "submitted",
        "customer",
        "203.0.113.7",
    )
    mail = (await db.scalars(select(OutboxMessage))).one()
    assert (mail.template, mail.recipient, mail.locale, mail.status) == (
        "order_received",
        buyer.email,
        "en",
        "pending",
    )
    assert mail.context["number"] == "SO-2026-000001" and mail.message_id.startswith("<")


async def test_numbers_are_sequential_per_year(db):
    buyer = await make_customer(db)
    numbers = []
    for when in (
        datetime(2026, 12, 31, tzinfo=UTC),
        datetime(2026, 12, 31, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    ):
        order = await make_order(db, customer=buyer)
        await service.submit(db, customer_actor(buyer), order, now=when)
        await db.commit()
        numbers.append(order.number)
    assert numbers == ["SO-2026-000001", "SO-2026-000002", "SO-2027-000001"]


async def test_a_refused_action_changes_nothing(db):
    buyer = await make_customer(db)
    order = await make_order(db, customer=buyer)
    logistics = staff_actor(await make_staff(db, "logistics"))
    me, order_id, version = customer_actor(buyer), order.id, order.version
    with pytest.raises(Forbidden):  # the right state, the wrong role
        await service.submit(db, logistics, order)
    await db.rollback()
    order = await db.get(Order, order_id)
    with pytest.raises(InvalidTransition):  # the right role, the wrong state
        await service.confirm_receipt(db, me, order)
    await db.rollback()
    fresh = await db.get(Order, order_id, populate_existing=True)
    assert fresh.status == "draft" and fresh.number is None and fresh.version == version
    assert await events(db, fresh) == []


async def test_a_stale_version_is_refused(db):
    buyer = await make_customer(db)
    reviewer = await make_staff(db, "reviewer")
    order = await make_order(db, customer=buyer)
    await service.submit(db, customer_actor(buyer), order)
    await db.commit()
    with pytest.raises(OrderChanged):
        await service.reject(
            db, staff_actor(reviewer), order, expected_version=order.version - 1, reason="old page"
        )


async def test_another_accounts_order_is_not_found(db):
    owner = await make_customer(db)
    stranger = await make_customer(db)
    order = await make_order(db, customer=owner)
    with pytest.raises(NotFound):
        await service.load_order(db, customer_actor(stranger), order_id=order.id)
    with pytest.raises(NotFound):
        await service.submit(db, customer_actor(stranger), order)


async def test_reasons_are_required(db):
    buyer = await make_customer(db)
    reviewer = await make_staff(db, "reviewer")
    order = await make_order(db, customer=buyer)
    await service.submit(db, customer_actor(buyer), order)
    with pytest.raises(ValidationFailed) as err:
        await service.reject(db, staff_actor(reviewer), order, expected_version=None, reason="  ")
    assert "reason" in err.value.errors
    with pytest.raises(ValidationFailed):
        await service.request_changes(db, staff_actor(reviewer), order, expected_version=None, message="")


@pytest.mark.parametrize(
    ("unit_price", "levels"), [(Decimal("1000"), 0), (Decimal("50000"), 1), (Decimal("500000"), 2)]
)
async def test_approval_levels_follow_the_amount(db, unit_price, levels):
    buyer = await make_customer(db)
    reviewer = await make_staff(db, "reviewer")
    approvers = [await make_staff(db, "approver") for _ in range(2)]
    order = await make_order(db, customer=buyer, unit_price=unit_price)  # x2 + VAT
    await service.submit(db, customer_actor(buyer), order)
    await service.approve(
        db, staff_actor(reviewer), order, expected_version=order.version, thresholds=THRESHOLDS
    )
    for approver in approvers[:levels]:
        assert order.status == "awaiting_approval"
        await service.approve(
            db, staff_actor(approver), order, expected_version=order.version, thresholds=THRESHOLDS
        )
    await db.commit()
    assert order.status == "confirmation_sent"
    actions = [e.action for e in await events(db, order)]
    assert actions == [
        "submit",
        *["approve"] * (1 if levels else 0),
        *["approve"] * max(levels - 1, 0),
        "send_confirmation",
    ]
    assert (
        await db.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.template == "confirmation_ready")
        )
    ) == 1


async def test_the_same_person_cannot_approve_twice(db):
    buyer = await make_customer(db)
    boss = await make_staff(db, "reviewer", "approver")
    order = await make_order(db, customer=buyer, unit_price=Decimal("60000"))
    await service.submit(db, customer_actor(buyer), order)
    await service.approve(db, staff_actor(boss), order, expected_version=None, thresholds=THRESHOLDS)
    with pytest.raises(Forbidden):
        await service.approve(db, staff_actor(boss), order, expected_version=None, thresholds=THRESHOLDS)


async def test_declined_confirmation_returns_to_review_and_can_be_sent_again(db):
    buyer = await make_customer(db)
    reviewer = await make_staff(db, "reviewer")
    order = await make_order(db, customer=buyer)
    await service.submit(db, customer_actor(buyer), order)
    await service.approve(db, staff_actor(reviewer), order, expected_version=None)
    await service.decline_confirmation(
        db, customer_actor(buyer), order, expected_version=None, reason="price too high"
    )
    assert order.status == "submitted"
    await service.approve(db, staff_actor(reviewer), order, expected_version=None)  # the reviewer may send v2
    assert order.status == "confirmation_sent"
