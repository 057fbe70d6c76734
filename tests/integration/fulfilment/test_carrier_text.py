"""Text from carriers (webhook and the manual event form) is cleaned and cut like the staff form's."""

from __future__ import annotations

import hashlib
import hmac
import json

from sqlalchemy import select

from portal.auth.tracking_links import TrackingLinks
from portal.db.fulfilment import Carrier, CarrierEvent, LogisticsCase, Shipment
from portal.db.orders import OrderEvent, OrderLine
from portal.domain.fulfilment.shipping import TEXT_LIMITS
from tests.fulfilment_helpers import ready_to_ship
from tests.helpers import as_staff

SECRET = "carrier-text-secret"
LONG_LOCATION = "L" * 50_000


def _signed(payload: dict) -> tuple[bytes, dict]:
    body = json.dumps(payload).encode()
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return body, {"x-signature": f"sha256={digest}", "content-type": "application/json"}


async def _shipment(client, db):  # noqa: ANN001, ANN202
    db.add(Carrier(code="acme", name="Acme Express", webhook_secret=SECRET))
    await db.commit()
    _, order = await ready_to_ship(db, quantity=2)
    line_id = await db.scalar(select(OrderLine.id).where(OrderLine.order_id == order.id))
    user, token = await as_staff(client, db, "logistics")
    r = await client.post(
        f"/staff/orders/{order.number}/shipments",
        data={"_csrf_token": token, "carrier": "acme", "tracking_number": "TXT-1", f"qty_{line_id}": "2"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    return order, await db.scalar(select(Shipment).where(Shipment.order_id == order.id)), token


async def test_a_50000_character_location_is_cut_on_the_public_tracking_page(client, db, settings):
    order, _, _ = await _shipment(client, db)
    event = {
        "event_id": "e-long",
        "tracking_number": "TXT-1",
        "status": "exception",
        "exception": "delayed",
        "occurred_at": "2026-05-01T08:00:00+08:00",
        "location": LONG_LOCATION,
        "note": "N" * 12_000,
    }
    body, headers = _signed(event)
    assert (await client.post("/webhooks/carriers/acme", content=body, headers=headers)).status_code == 200
    stored = await db.scalar(select(CarrierEvent).where(CarrierEvent.event_id == "e-long"))
    assert len(stored.location) == TEXT_LIMITS["location"] and len(stored.note) == TEXT_LIMITS["note"]
    case = await db.scalar(select(LogisticsCase).where(LogisticsCase.order_id == order.id))
    assert len(case.note) == TEXT_LIMITS["note"]
    notes = await db.scalars(select(OrderEvent.note).where(OrderEvent.order_id == order.id))
    assert max(len(n or "") for n in notes) <= TEXT_LIMITS["note"]
    links = TrackingLinks(settings.secret_key, ttl_days=settings.tracking_link_days)
    page = (await client.get(links.path(order.id, order.tracking_link_version))).text
    assert "L" * TEXT_LIMITS["location"] in page and "L" * (TEXT_LIMITS["location"] + 1) not in page


async def test_webhook_text_postgresql_cannot_store_is_refused_not_a_500(client, db):
    await _shipment(client, db)
    for n, odd in enumerate(("a\x00b", "\ud800")):
        for key in ("event_id", "tracking_number", "location", "note"):
            payload = {
                "event_id": f"e-{n}-{key}",
                "tracking_number": "TXT-1",
                "status": "in_transit",
                "occurred_at": "2026-05-01T08:00:00+08:00",
                key: odd,
            }
            body, headers = _signed(payload)
            r = await client.post("/webhooks/carriers/acme", content=body, headers=headers)
            assert r.status_code == 422, (key, odd, r.status_code)


async def test_the_manual_event_form_cuts_text_like_the_webhook(client, db):
    order, shipment, token = await _shipment(client, db)
    r = await client.post(
        f"/staff/shipments/{shipment.id}/events",
        data={"_csrf_token": token, "status": "in_transit", "location": LONG_LOCATION, "note": "N" * 12_000},
        follow_redirects=False,
    )
    assert r.status_code == 303
    stored = await db.scalar(select(CarrierEvent).where(CarrierEvent.shipment_id == shipment.id))
    assert len(stored.location) == TEXT_LIMITS["location"] and len(stored.note) <= TEXT_LIMITS["note"]
