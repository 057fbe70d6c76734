"""Every path that (re)submits lines applies the one line rule; the review checks flag lines that fail it."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.db.customers import Address
from portal.db.orders import Order, OrderLine
from portal.domain.errors import Place, ValidationFailed
from portal.domain.orders import amend, backorder, checks, entry, pricing, service
from portal.web.forms import named, row_names
from tests.fulfilment_helpers import confirmed
from tests.helpers import (
    buyer_with_address,
    checkout_form,
    csrf_token,
    customer_actor,
    field_value,
    make_order,
    make_product,
    make_staff,
    product_line,
    sign_in,
    staff_actor,
    text_of,
)


async def _with_second_line(db, order: Order, **product_kw) -> OrderLine:
    """Add a line of a new product to ``order`` and return it; totals follow."""
    product = await make_product(db, **product_kw)
    line = product_line(order, product, 1, position=2)
    db.add(line)
    await db.flush()
    lines = list(await db.scalars(select(OrderLine).where(OrderLine.order_id == order.id)))
    pricing.apply_totals(order, lines)
    await db.commit()
    return line


async def _deactivate(db, line: OrderLine) -> None:
    from portal.db.catalog import Product

    product = await db.get(Product, line.product_id)
    product.is_active = False
    await db.commit()


async def _submitted_with_two_lines(db, buyer):
    order = await make_order(db, customer=buyer, quantity=2)
    gone = await _with_second_line(db, order)
    await service.submit(db, customer_actor(buyer), order)
    await db.commit()
    return order, gone


async def _placed(db) -> int:
    return await db.scalar(select(func.count()).select_from(Order).where(Order.number.is_not(None)))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"is_active": False}, "{sku} is no longer available."),
        ({"min_order_qty": 5}, "{sku}: the minimum order quantity is 5."),
    ],
)
async def test_checkout_refuses_a_line_that_stopped_passing_after_it_was_carted(client, db, change, message):
    buyer = await buyer_with_address(db, locale="en")
    product = await make_product(db)
    await sign_in(client, buyer.email)
    token = await csrf_token(client)
    await client.post("/cart/lines", data={"_csrf_token": token, "sku": product.sku, "quantity": "2"})
    form = await checkout_form(client, token)
    for key, value in change.items():
        setattr(product, key, value)
    await db.commit()
    r = await client.post("/checkout", data=form, follow_redirects=False)
    assert r.status_code == 422 and message.format(sku=product.sku) in text_of(r.text)
    assert await _placed(db) == 0
    assert message.format(sku=product.sku) in text_of((await client.get("/cart")).text)  # and where to fix it


async def test_resubmission_refuses_a_product_deactivated_meanwhile(client, db):
    buyer = await buyer_with_address(db, locale="en")
    order, gone = await _submitted_with_two_lines(db, buyer)
    reviewer = await make_staff(db, "reviewer")
    await service.request_changes(db, staff_actor(reviewer), order, expected_version=None, message="More")
    await db.commit()
    await _deactivate(db, gone)
    await sign_in(client, buyer.email)
    page = (await client.get(f"/orders/{order.number}/edit")).text
    data = {
        "_csrf_token": await csrf_token(client),
        "version": field_value(page, "version"),
        "shipping_address_id": page.split('<option value="')[1].split('"')[0],
        "requested_delivery_date": (clock.today() + timedelta(days=30)).isoformat(),
        "invoice_title": "Acme",
    }
    r = await client.post(f"/orders/{order.number}/edit", data=data)
    assert r.status_code == 422 and f"{gone.sku} is no longer available." in text_of(r.text)
    assert (await db.get(Order, order.id, populate_existing=True)).status == "changes_requested"
    # removing the line answers the refusal: the order goes back to review without it
    r = await client.post(f"/orders/{order.number}/edit", data={**data, f"qty_{gone.id}": "0"})
    assert r.status_code == 200 and "back in review" in r.text
    fresh = await db.get(Order, order.id, populate_existing=True)
    skus = await db.scalars(select(OrderLine.sku).where(OrderLine.order_id == order.id))
    assert fresh.status == "submitted" and gone.sku not in list(skus)


async def test_staff_entry_refuses_an_inactive_product(db):
    buyer = await buyer_with_address(db, locale="en")
    sales = await make_staff(db, "sales")
    product = await make_product(db, is_active=False)
    address = await db.scalar(select(Address.id).where(Address.account_id == buyer.account_id))
    data = entry.EntryInput(
        customer_id=buyer.account_id,
        contact_id=buyer.id,
        channel="phone",
        lines=[entry.LineInput(1, sku=product.sku, quantity=1)],
        requested_delivery_date=clock.today() + timedelta(days=30),
        shipping_address_id=str(address),
        invoice_title="Acme",
        idempotency_key=uuid.uuid4().hex,
    )
    with pytest.raises(ValidationFailed) as refused:
        await entry.enter_order(
            db, staff_actor(sales), data, policy=pricing.PricePolicy(), today=clock.today()
        )
    assert list(refused.value.errors) == [Place("row", "product", 1)]  # the domain knows no HTML name
    assert named(refused.value, row_names()).translated(lambda m, **p: m % p if p else m) == {
        "sku_1": f"{product.sku} is no longer available."
    }
    await db.rollback()
    assert await _placed(db) == 0


async def test_review_flags_and_revision_refuses_a_line_deactivated_meanwhile(client, db):
    buyer = await buyer_with_address(db, locale="en")
    order, gone = await _submitted_with_two_lines(db, buyer)
    await _deactivate(db, gone)
    found = await checks.run_checks(db, order, today=clock.today())
    assert [(c.status, c.message % c.params) for c in found if c.key == "lines"] == [
        ("fail", f"{gone.sku} is no longer available.")
    ]
    assert checks.overall(found) == "fail"
    reviewer = await make_staff(db, "reviewer")
    await sign_in(client, reviewer.email, staff=True)
    page = (await client.get(f"/staff/orders/{order.number}")).text
    assert f"Order lines: {gone.sku} is no longer available." in text_of(page)
    form = {
        "_csrf_token": await csrf_token(client, "/staff/login"),
        "version": field_value(page, "version"),
        f"rqty_{gone.id}": "1",
        "note": "keep it",
    }
    r = await client.post(f"/staff/orders/{order.number}/revise", data=form)
    assert r.status_code == 422 and f"{gone.sku} is no longer available." in text_of(r.text)
    r = await client.post(f"/staff/orders/{order.number}/revise", data={**form, f"rqty_{gone.id}": "0"})
    assert r.status_code == 200 and "Decision recorded." in r.text
    fresh = await db.get(Order, order.id, populate_existing=True)
    assert fresh.subtotal == Decimal("200.00")
    assert [
        c.status for c in await checks.run_checks(db, fresh, today=clock.today()) if c.key == "lines"
    ] == ["pass"]


async def test_reorder_skips_lines_the_rule_refuses(db):
    buyer = await buyer_with_address(db, locale="en")
    order, gone = await _submitted_with_two_lines(db, buyer)
    await _deactivate(db, gone)
    result = await amend.reorder(db, customer_actor(buyer), order.number, policy=pricing.PricePolicy())
    assert (result.added, result.skipped) == (1, [gone.sku])


async def test_only_substitutes_the_rule_accepts_for_the_line_are_offered(db):
    _, order = await confirmed(db, quantity=3, product_kw={"stock_on_hand": 0, "category": "valves"})
    fits = await make_product(db, category="valves", stock_on_hand=10)
    await make_product(db, category="valves", stock_on_hand=10, min_order_qty=5)
    await make_product(db, category="valves", stock_on_hand=10, spec_options={"voltage": ["220V"]})
    await make_product(db, category="valves", stock_on_hand=10, is_active=False)
    offered = await backorder.substitutes(db, order.id)
    assert [s.sku for s in offered] == [fits.sku]
