"""Every order event names its actor and role by one rule: a role the kind allows, admin for an admin."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.db.orders import OrderEvent
from portal.domain.errors import Forbidden, InvalidTransition
from portal.domain.orders import events, service
from portal.domain.orders.actors import Actor
from portal.domain.orders.events import EventKind
from portal.domain.orders.states import SYSTEM
from tests.helpers import make_order, make_staff

STAFF_STEPS = sorted(
    k for k, roles in events.STEP_ROLES.items() if "customer" not in roles and SYSTEM not in roles
)


def _staff(user, ip: str = "198.51.100.9") -> Actor:  # noqa: ANN001
    return Actor.staff(user_id=user.id, name=user.name, roles=user.roles, ip=ip)


async def _stored(db, order) -> list[OrderEvent]:  # noqa: ANN001
    await db.flush()
    return list((await db.scalars(select(OrderEvent).where(OrderEvent.order_id == order.id))).all())


@pytest.mark.parametrize("kind", STAFF_STEPS)
async def test_a_step_is_recorded_under_the_role_it_allows_or_as_admin(db, kind):
    allowed = sorted(events.STEP_ROLES[kind])[-1]
    order = await make_order(db, status="submitted")
    # "finance" first: a clerk's first role is not the role they act in
    clerk, admin = await make_staff(db, "finance", allowed), await make_staff(db, "admin")
    events.record(db, order, _staff(clerk), kind, note="  why  ", public=False)
    events.record(db, order, _staff(admin), kind)
    first, second = await _stored(db, order)
    assert (first.role, first.actor_kind, first.actor_id, first.actor_name) == (
        allowed,
        "staff",
        clerk.id,
        clerk.name,
    )
    assert (first.action, first.from_state, first.to_state, first.note) == (
        kind,
        "submitted",
        "submitted",
        "why",
    )
    assert (str(first.ip), first.public, first.data) == ("198.51.100.9", False, {})
    assert (second.role, second.actor_id, second.public) == ("admin", admin.id, True)


@pytest.mark.parametrize("kind", STAFF_STEPS)
async def test_a_clerk_holding_no_role_the_step_allows_is_refused(db, kind):
    order = await make_order(db, status="submitted")
    outsider = await make_staff(db, *({"finance", "production"} - events.STEP_ROLES[kind]))
    with pytest.raises(Forbidden):
        events.record(db, order, _staff(outsider), kind)
    assert await _stored(db, order) == []


async def test_carrier_and_system_steps_are_the_systems_and_nobody_elses(db):
    order = await make_order(db, status="shipped")
    events.record(db, order, Actor.system("carrier"), EventKind.DELIVERY_EXCEPTION, data={"kind": "lost"})
    (event,) = await _stored(db, order)
    assert (event.actor_kind, event.actor_id, event.actor_name, event.role) == (
        "system",
        None,
        "carrier",
        "system",
    )
    for kind in (EventKind.DELIVERY_EXCEPTION, EventKind.BACKORDERED, EventKind.BACKORDER_CHOICE):
        with pytest.raises(Forbidden):
            events.record(db, order, _staff(await make_staff(db, "admin")), kind)


async def test_a_transition_is_recorded_only_through_its_table_row(db):
    order = await make_order(db, status="draft")
    reviewer = await make_staff(db, "reviewer")
    with pytest.raises(InvalidTransition):  # approve from draft: no row in the table
        events.record(db, order, _staff(reviewer), EventKind.APPROVE)
    assert await _stored(db, order) == []


async def test_claiming_is_refused_to_a_role_that_cannot_claim_instead_of_recorded_as_admin(db):
    order = await make_order(db, status="submitted")
    producer = await make_staff(db, "production")
    with pytest.raises(Forbidden):
        await service.claim(db, _staff(producer), order)
