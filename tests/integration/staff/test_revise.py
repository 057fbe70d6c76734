"""Staff revise an order after a decline: the delivery address and promised date, shown in "what changed"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from babel.dates import format_date
from sqlalchemy import func, select

from portal import clock
from portal.db.customers import Address
from portal.db.orders import Order, OrderEvent
from portal.domain.orders import confirmation, service
from tests.fulfilment_helpers import awaiting_confirmation, customer_actor, staff_actor
from tests.helpers import csrf_token, make_staff, sign_in, text_of

NEW_PLANT = {
    "address_recipient": "Li",
    "address_phone": "138",
    "address_city": "Suzhou",
    "address_street": "Plant 2, Xinghu St 9",
}


async def _declined(db, client):
    """An order whose confirmation v1 the buyer declined, and the revise form as a reviewer sees it."""
    buyer, order = await awaiting_confirmation(db)
    await db.commit()
    await confirmation.decline(
        db,
        customer_actor(buyer),
        order,
        reason="Deliver to our Suzhou plant, two weeks later",
        document_hash="",
    )
    await db.commit()
    reviewer = await make_staff(db, "reviewer")
    await sign_in(client, reviewer.email, staff=True)
    page = (await client.get(f"/staff/orders/{order.number}")).text
    revise = page.split('action="/staff/orders/' + order.number + '/revise"')[1]
    form = {
        "_csrf_token": await csrf_token(client, "/staff/login"),
        "version": revise.split('name="version" value="')[1].split('"')[0],
        "note": "new plant",
    }
    return buyer, reviewer, order, form


async def test_revised_address_and_promised_date_show_in_what_changed(client, db):
    buyer, reviewer, order, form = await _declined(db, client)
    before = (await db.get(Order, order.id)).promised_delivery_date
    later = before + timedelta(days=14)
    data = {**form, "shipping_address_id": "new", "revise_promised_date": later.isoformat(), **NEW_PLANT}
    r = await client.post(f"/staff/orders/{order.number}/revise", data=data, follow_redirects=False)
    assert r.status_code == 303, text_of(r.text)
    fresh = await db.get(Order, order.id, populate_existing=True)
    assert fresh.shipping_address["city"] == "Suzhou" and fresh.promised_delivery_date == later
    saved = await db.scalar(
        select(func.count()).select_from(Address).where(Address.account_id == buyer.account_id)
    )
    assert saved == 1  # the new plant is kept for the customer's next orders
    event = await db.scalar(select(OrderEvent).where(OrderEvent.action == "revised"))
    assert event.data["promised"] == {"before": before.isoformat(), "after": later.isoformat()}
    await service.approve(db, staff_actor(reviewer), fresh, expected_version=None)
    await db.commit()
    await sign_in(client, buyer.email)
    text = text_of((await client.get(f"/orders/{order.number}/confirmation")).text)
    changes = text.split("What changed since version 1")[1].split("Customer")[0]
    assert "Delivery address" in changes and "Li 138 Suzhou Plant 2, Xinghu St 9" in changes
    shown = [format_date(d, format="medium", locale="en") for d in (before, later)]  # as the page reads
    assert f"Promised delivery date {shown[0]} {shown[1]}" in changes


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"revise_promised_date": "YESTERDAY"}, "The promised date cannot be in the past."),
        ({"revise_promised_date": "9999-12-31"}, "This date is too far ahead."),
        ({"revise_promised_date": "31/12/2030"}, "Enter a date as YYYY-MM-DD."),
        (
            {"shipping_address_id": "new", "address_street": ""},
            "Recipient, phone, city and street are needed",
        ),
        ({"shipping_address_id": "999999"}, "Choose one of the customer"),
    ],
)
async def test_a_bad_address_or_promised_date_is_refused_and_nothing_changes(client, db, change, message):
    _, _, order, form = await _declined(db, client)
    if change.get("revise_promised_date") == "YESTERDAY":
        change = {"revise_promised_date": (clock.today() - timedelta(days=1)).isoformat()}
    r = await client.post(f"/staff/orders/{order.number}/revise", data={**form, **NEW_PLANT, **change})
    assert r.status_code == 422 and message in text_of(r.text)
    fresh = await db.get(Order, order.id, populate_existing=True)
    assert fresh.shipping_address is None or fresh.shipping_address.get("city") != "Suzhou"
    assert (
        await db.scalar(select(func.count()).select_from(OrderEvent).where(OrderEvent.action == "revised"))
        == 0
    )
