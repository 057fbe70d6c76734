"""Every form that carries the order's version is refused (409) without a valid one, like a stale version."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from portal.db.orders import Order, OrderEvent
from portal.domain.orders import service
from tests.fulfilment_helpers import confirmed, customer_actor
from tests.helpers import as_staff, csrf_token, make_order, sign_in

STAFF_ROUTES = ("approve", "reject", "request-changes", "cancel", "revise", "production", "qc", "pack")
CUSTOMER_ROUTES = ("cancel", "receipt", "edit")
BAD_VERSIONS = (None, "", "abc", "1e3", "99999999999999999999", "١")
FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', re.S)


def versioned_actions(html: str) -> set[str]:
    """The action of every form on the page that carries a version field."""
    return {action.rsplit("/", 1)[1] for action, body in FORM.findall(html) if 'name="version"' in body}


async def _state(db, order: Order) -> tuple[int, int]:
    version = await db.scalar(
        select(Order.version).where(Order.id == order.id).execution_options(populate_existing=True)
    )
    events = await db.scalar(
        select(func.count()).select_from(OrderEvent).where(OrderEvent.order_id == order.id)
    )
    return version, events


async def _refused_without_version(client, db, order: Order, path: str, token: str) -> None:
    before = await _state(db, order)
    for bad in BAD_VERSIONS:
        data = {"_csrf_token": token, "reason": "r", "message": "m", "note": "n", "milestone": "planned"}
        if bad is not None:
            data["version"] = bad
        r = await client.post(path, data=data, follow_redirects=False)
        assert r.status_code == 409, (path, bad, r.status_code)
    assert await _state(db, order) == before, path


@pytest.fixture
async def orders(db):
    buyer, in_production = await confirmed(db)
    submitted = await make_order(db, customer=buyer)
    await service.submit(db, customer_actor(buyer), submitted)
    await db.commit()
    return buyer, submitted, in_production


async def test_staff_versioned_forms_refuse_a_missing_version(client, db, orders):
    _, submitted, in_production = orders
    admin, token = await as_staff(client, db, "admin")
    shown = versioned_actions((await client.get(f"/staff/orders/{submitted.number}")).text)
    shown |= versioned_actions((await client.get(f"/staff/orders/{in_production.number}")).text)
    assert {"approve", "reject", "request-changes", "cancel", "revise", "production"} <= shown
    assert shown <= set(STAFF_ROUTES), shown - set(STAFF_ROUTES)
    for route in STAFF_ROUTES:
        order = in_production if route in ("production", "qc", "pack") else submitted
        await _refused_without_version(client, db, order, f"/staff/orders/{order.number}/{route}", token)


async def test_customer_versioned_forms_refuse_a_missing_version(client, db, orders):
    buyer, submitted, _ = orders
    await sign_in(client, buyer.email)
    token = await csrf_token(client, "/orders")
    shown = versioned_actions((await client.get(f"/orders/{submitted.number}")).text)
    assert "cancel" in shown and shown <= set(CUSTOMER_ROUTES), shown
    for route in CUSTOMER_ROUTES:
        await _refused_without_version(client, db, submitted, f"/orders/{submitted.number}/{route}", token)
