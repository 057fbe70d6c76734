"""Shipments (full and partial), carrier webhooks, manual events, exceptions and delivery."""

from __future__ import annotations

import hashlib
import hmac
import json

from sqlalchemy import func, select

from portal import clock
from portal.db.fulfilment import Carrier, CarrierEvent, LogisticsCase, Shipment
from portal.db.orders import Order
from portal.db.outbox import OutboxMessage
from tests.fulfilment_helpers import ready_to_ship
from tests.helpers import as_staff, csrf_token, lines_of, post_form, text_of

SECRET = "carrier-test-secret"


async def _carrier(db):
    db.add(Carrier(code="acme", name="Acme Express", webhook_secret=SECRET))
    await db.commit()


async def test_partial_shipments_sum_to_the_order(client, db):
    await _carrier(db)
    _, order = await ready_to_ship(db, quantity=10)
    line = (await lines_of(db, order))[0]
    _, token = await as_staff(client, db, "logistics")

    async def ship(tracking: str, quantity: str):  # noqa: ANN202
        fields = {"carrier": "acme", "tracking_number": tracking, f"qty_{line.id}": quantity}
        return await post_form(client, f"/staff/orders/{order.number}/shipments", token, **fields)

    r = await ship("T1", "11")
    assert r.status_code == 422 and "At most the quantity still to ship." in r.text
    assert (await ship("T1", "4")).status_code == 303
    assert (await db.scalar(select(Order.status).where(Order.id == order.id))) == "partially_shipped"
    assert (await ship("T2", "7")).status_code == 422  # only 6 are left
    assert (await ship("T2", "6")).status_code == 303
    assert (await db.scalar(select(Order.status).where(Order.id == order.id))) == "shipped"
    assert (await lines_of(db, order))[0].shipped_qty == 10
    mails = (await db.scalars(select(OutboxMessage).where(OutboxMessage.template == "order_shipped"))).all()
    assert len(mails) == 2 and {m.context["tracking_number"] for m in mails} == {"T1", "T2"}
    assert all(m.context["carrier"] == "Acme Express" for m in mails)


def _signed(payload: dict, secret: str = SECRET) -> tuple[bytes, dict]:
    """The payload as the carrier signs it; an event without a time happened just now."""
    body = json.dumps({"occurred_at": clock.now().isoformat(), **payload}).encode()
    return body, {
        "x-signature": "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest(),
        "content-type": "application/json",
    }


async def _shipped(client, db, quantity=2):
    await _carrier(db)
    buyer, order = await ready_to_ship(db, quantity=quantity)
    line = (await lines_of(db, order))[0]
    _, token = await as_staff(client, db, "logistics")
    await client.post(
        f"/staff/orders/{order.number}/shipments",
        data={
            "_csrf_token": token,
            "carrier": "acme",
            "tracking_number": "TRK-1",
            f"qty_{line.id}": str(quantity),
        },
    )
    return buyer, order


EVENT = {
    "event_id": "e-1",
    "tracking_number": "TRK-1",
    "status": "in_transit",
    "location": "Shanghai hub",
    "note": "",
}


async def test_webhook_signature_is_required(client, db):
    await _shipped(client, db)
    body, headers = _signed(EVENT)
    r = await client.post(
        "/webhooks/carriers/acme", content=body, headers={"content-type": "application/json"}
    )
    assert r.status_code == 401
    bad = {**headers, "x-signature": "sha256=" + "0" * 64}
    assert (await client.post("/webhooks/carriers/acme", content=body, headers=bad)).status_code == 401
    other = _signed(EVENT, "another-secret")[1]
    assert (await client.post("/webhooks/carriers/acme", content=body, headers=other)).status_code == 401
    assert (await client.post("/webhooks/carriers/nobody", content=body, headers=headers)).status_code == 401
    assert await db.scalar(select(func.count()).select_from(CarrierEvent)) == 0


async def test_webhook_malformed_unknown_and_repeated(client, db):
    await _shipped(client, db)
    body = b"{not json"
    headers = _signed({})[1] | {
        "x-signature": "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    }
    assert (await client.post("/webhooks/carriers/acme", content=body, headers=headers)).status_code == 422
    body, headers = _signed({**EVENT, "tracking_number": "NOPE"})
    assert (await client.post("/webhooks/carriers/acme", content=body, headers=headers)).status_code == 404
    body, headers = _signed({**EVENT, "occurred_at": "yesterday"})
    assert (await client.post("/webhooks/carriers/acme", content=body, headers=headers)).status_code == 422
    body, headers = _signed(EVENT)
    first = await client.post("/webhooks/carriers/acme", content=body, headers=headers)
    again = await client.post("/webhooks/carriers/acme", content=body, headers=headers)
    assert first.json()["status"] == "recorded" and again.json()["status"] == "duplicate"
    assert await db.scalar(select(func.count()).select_from(CarrierEvent)) == 1


async def test_delivered_event_delivers_the_order(client, db):
    _, order = await _shipped(client, db)
    body, headers = _signed({**EVENT, "event_id": "e-9", "status": "delivered"})
    assert (await client.post("/webhooks/carriers/acme", content=body, headers=headers)).status_code == 200
    assert (await db.scalar(select(Order.status).where(Order.id == order.id))) == "delivered"
    assert (
        await db.scalar(select(OutboxMessage.id).where(OutboxMessage.template == "order_delivered"))
        is not None
    )


async def test_exception_opens_a_case_until_staff_resolve_it(client, db):
    buyer, order = await _shipped(client, db)
    body, headers = _signed(
        {**EVENT, "event_id": "e-5", "status": "exception", "exception": "damaged", "note": "crate broken"}
    )
    assert (await client.post("/webhooks/carriers/acme", content=body, headers=headers)).status_code == 200
    case = await db.scalar(select(LogisticsCase))
    assert case.kind == "damaged" and case.resolved_at is None
    assert await db.scalar(select(OutboxMessage.id).where(OutboxMessage.template == "delivery_exception"))
    page = text_of((await client.get("/staff/")).text)
    assert order.number in page  # open case on the dashboard
    token = await csrf_token(client, "/staff/login")
    r = await post_form(client, f"/staff/cases/{case.id}/resolve", token, resolution="Resent")
    assert r.status_code == 303
    assert (await db.get(LogisticsCase, case.id, populate_existing=True)).resolved_at is not None


async def manual_event(client, db, status: str, occurred_at: str | None = None, **fields):
    """A carrier event as logistics staff enter it on the order page (time to the minute, Shanghai)."""
    shipment = await db.scalar(select(Shipment))
    when = occurred_at or clock.now().astimezone(clock.BUSINESS_TZ).strftime("%Y-%m-%dT%H:%M")
    return await client.post(
        f"/staff/shipments/{shipment.id}/events",
        data={
            "_csrf_token": await csrf_token(client, "/staff/login"),
            "status": status,
            "occurred_at": when,
            **fields,
        },
        follow_redirects=False,
    )


async def test_logistics_record_events_by_hand(client, db):
    _, order = await _shipped(client, db)
    r = await manual_event(client, db, "out_for_delivery", note="van 7")
    assert r.status_code == 303
    event = await db.scalar(select(CarrierEvent))
    assert (event.status, event.source) == ("out_for_delivery", "staff")
