"""Carrier events at times that cannot be true are refused with a clear message, never a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.db.fulfilment import CarrierEvent
from portal.db.orders import Order
from tests.integration.fulfilment.test_shipping import EVENT, _shipped, _signed, manual_event

pytestmark = pytest.mark.business_midnight

WEBHOOK = "/webhooks/carriers/acme"


async def _events(db) -> int:
    return await db.scalar(select(func.count()).select_from(CarrierEvent))


@pytest.mark.parametrize(
    "occurred_at",
    ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00", "FUTURE", "2026-05-01T08:00:00"],
)
async def test_webhook_times_that_cannot_be_true_get_422(client, db, occurred_at):
    await _shipped(client, db)
    if occurred_at == "FUTURE":
        occurred_at = (clock.now() + timedelta(hours=2)).isoformat()
    body, headers = _signed({**EVENT, "occurred_at": occurred_at})
    r = await client.post(WEBHOOK, content=body, headers=headers)
    assert r.status_code == 422, r.text
    assert await _events(db) == 0


async def test_a_delivery_before_the_shipment_left_is_refused_but_an_early_scan_is_kept(client, db):
    _, order = await _shipped(client, db)
    before = (clock.now() - timedelta(days=2)).isoformat()
    body, headers = _signed({**EVENT, "event_id": "d-1", "status": "delivered", "occurred_at": before})
    assert (await client.post(WEBHOOK, content=body, headers=headers)).status_code == 422
    assert await db.scalar(select(Order.status).where(Order.id == order.id)) == "shipped"
    # the carrier may scan a parcel before staff register the shipment here
    body, headers = _signed({**EVENT, "event_id": "s-1", "status": "in_transit", "occurred_at": before})
    assert (await client.post(WEBHOOK, content=body, headers=headers)).status_code == 200


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (timedelta(days=-1), "This time is before the shipment left"),
        (timedelta(hours=3), "This time is in the future."),
        ("9999-12-31T23:59", "Enter a date and time."),
    ],
)
async def test_a_manual_event_at_an_impossible_time_is_refused_beside_the_field(client, db, when, message):
    _, order = await _shipped(client, db)
    if isinstance(when, timedelta):
        when = (clock.now() + when).astimezone(clock.BUSINESS_TZ).strftime("%Y-%m-%dT%H:%M")
    r = await manual_event(client, db, "delivered", when)
    assert r.status_code == 422 and message in r.text
    assert await _events(db) == 0
    assert await db.scalar(select(Order.status).where(Order.id == order.id)) == "shipped"


async def test_a_delivery_entered_to_the_minute_right_after_shipping_is_accepted(client, db):
    _, order = await _shipped(client, db)
    assert (await manual_event(client, db, "delivered")).status_code == 303
    assert await db.scalar(select(Order.status).where(Order.id == order.id)) == "delivered"
