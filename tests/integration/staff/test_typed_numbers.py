"""Staff revise reads amounts in the reviewer's language: "1,5" is refused, never stored as 15.00."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from portal.db.orders import Order, OrderLine
from portal.domain.orders import service
from tests.fulfilment_helpers import customer_actor
from tests.helpers import csrf_token, make_customer, make_order, make_staff, sign_in


async def _submitted(db):  # noqa: ANN001, ANN202
    buyer = await make_customer(db)
    order = await make_order(db, customer=buyer, channel="web")
    await service.submit(db, customer_actor(buyer), order)
    await db.commit()
    line = await db.scalar(select(OrderLine).where(OrderLine.order_id == order.id))
    return order, line


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
async def test_revise_refuses_1_comma_5_and_reads_grouped_amounts(client, db, locale):
    order, line = await _submitted(db)
    reviewer = await make_staff(db, "reviewer")
    await sign_in(client, reviewer.email, staff=True)
    client.cookies.set("portal_lang", locale)
    token = await csrf_token(client, "/staff/login")
    url = f"/staff/orders/{order.number}/revise"
    form = {"_csrf_token": token, "version": str(order.version), f"rqty_{line.id}": "2", "shipping_fee": "0"}
    for field in (f"price_{line.id}", "shipping_fee"):
        r = await client.post(url, data={**form, f"price_{line.id}": "90", field: "1,5"})
        assert r.status_code == 422, field
    stored = await db.scalar(
        select(OrderLine.unit_price).where(OrderLine.id == line.id).execution_options(populate_existing=True)
    )
    assert stored == Decimal("100.00")  # neither 15.00 nor 1.50
    r = await client.post(url, data={**form, f"price_{line.id}": "1,234.5"}, follow_redirects=False)
    assert r.status_code == 303
    fresh = await db.get(Order, order.id, populate_existing=True)
    assert fresh.subtotal == Decimal("2469.00")
