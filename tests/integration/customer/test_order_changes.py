"""Cancel before confirmation, reorder, and answering "changes requested" with an edit and resubmission."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.db.customers import Address
from portal.db.orders import Order, OrderEvent
from portal.domain.orders import service
from tests.helpers import (
    buyer_with_address,
    csrf_token,
    customer_actor,
    field_value,
    lines_of,
    make_customer,
    make_order,
    make_product,
    make_staff,
    product_line,
    sign_in,
    staff_actor,
    text_of,
)

pytestmark = pytest.mark.business_midnight


async def _submitted(db, buyer, **kw):
    order = await make_order(db, customer=buyer, **kw)
    await service.submit(db, customer_actor(buyer), order)
    await db.commit()
    return order


async def _sent_back(db, order, message: str) -> None:
    """A new reviewer requests changes to the submitted ``order`` with ``message``; committed."""
    reviewer = await make_staff(db, "reviewer")
    await service.request_changes(db, staff_actor(reviewer), order, expected_version=None, message=message)
    await db.commit()


async def test_cancel_needs_a_reason_and_then_cancels(client, db):
    buyer = await make_customer(db)
    order = await _submitted(db, buyer)
    await sign_in(client, buyer.email)
    form = {"_csrf_token": await csrf_token(client), "version": str(order.version)}
    r = await client.post(f"/orders/{order.number}/cancel", data={**form, "reason": " "})
    assert r.status_code == 422 and "Please give a reason." in r.text
    r = await client.post(f"/orders/{order.number}/cancel", data={**form, "reason": "Ordered twice"})
    assert r.status_code == 200 and "Cancelled by" in text_of(r.text) and "Ordered twice" in r.text
    # once cancelled, cancelling again is a conflict, not a second event
    await db.refresh(order)
    form["version"] = str(order.version)
    r = await client.post(f"/orders/{order.number}/cancel", data={**form, "reason": "again"})
    assert r.status_code == 409


async def test_reorder_copies_lines_and_skips_discontinued_products(client, db):
    buyer = await make_customer(db)
    order = await _submitted(db, buyer, quantity=3)
    gone = await make_product(db, is_active=False)
    db.add(product_line(order, gone, 1, name_zh="旧", name_en="old", unit_price=Decimal("1")))
    await db.commit()
    await sign_in(client, buyer.email)
    token = await csrf_token(client)
    r = await client.post(f"/orders/{order.number}/reorder", data={"_csrf_token": token})
    page = text_of(r.text)
    assert r.status_code == 200 and gone.sku in page and "Not available any more" in page
    cart = await db.scalar(select(Order).where(Order.status == "draft"))
    assert cart is not None and cart.subtotal == Decimal("300.00")


async def test_changes_requested_edit_and_resubmit(client, db):
    buyer = await buyer_with_address(db)
    order = await _submitted(db, buyer, quantity=5)
    await _sent_back(db, order, "Please order 10 pieces, not 5")
    await sign_in(client, buyer.email)
    detail = await client.get(f"/orders/{order.number}")
    assert "Please order 10 pieces, not 5" in detail.text and f"/orders/{order.number}/edit" in detail.text
    form = (await client.get(f"/orders/{order.number}/edit")).text
    assert "Please order 10 pieces, not 5" in form
    line_id = form.split('name="qty_')[1].split('"')[0]
    version = field_value(form, "version")
    address = form.split('<option value="')[1].split('"')[0]
    token = await csrf_token(client)
    when = (clock.today() + timedelta(days=30)).isoformat()
    data = {
        "_csrf_token": token,
        "version": version,
        f"qty_{line_id}": "10",
        "requested_delivery_date": when,
        "shipping_address_id": address,
        "invoice_title": "Acme",
        "message": "Changed to 10 pieces",
    }
    stale = {**data, "version": str(int(version) - 1)}
    assert (await client.post(f"/orders/{order.number}/edit", data=stale)).status_code == 409
    bad = {**data, f"qty_{line_id}": "0"}
    r = await client.post(f"/orders/{order.number}/edit", data=bad)
    assert r.status_code == 422 and "at least one line" in r.text
    wrong_code = {**data, "tax_id": "91310000MA1FL8XQ3K"}  # the check digit is wrong
    r = await client.post(f"/orders/{order.number}/edit", data=wrong_code)
    assert r.status_code == 422 and 'id="tax_id-error"' in r.text and "unified social credit code" in r.text
    r = await client.post(f"/orders/{order.number}/edit", data=data, follow_redirects=False)
    assert r.status_code == 303, text_of(r.text)
    fresh = await db.scalar(
        select(Order).where(Order.id == order.id).execution_options(populate_existing=True)
    )
    assert fresh.status == "submitted" and fresh.subtotal == Decimal("1000.00")
    notes = (
        await db.scalars(
            select(OrderEvent.note).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id)
        )
    ).all()
    assert notes[-2:] == ["Please order 10 pieces, not 5", "Changed to 10 pieces"]
    page = text_of((await client.get(f"/orders/{order.number}")).text)
    assert "Please order 10 pieces, not 5" in page and "Changed to 10 pieces" in page
    # the edit page exists only while changes are requested
    assert (await client.get(f"/orders/{order.number}/edit")).status_code == 409


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


async def _sent_back_with_options(db, buyer):
    """A submitted order whose one line has a voltage option, sent back by the reviewer."""
    from portal.db.catalog import Product
    from portal.db.orders import OrderLine

    order = await make_order(db, customer=buyer, quantity=2)
    line = await db.scalar(select(OrderLine).where(OrderLine.order_id == order.id))
    product = await db.get(Product, line.product_id)
    product.spec_options, line.specs = {"voltage": ["220V", "380V"]}, {"voltage": "220V"}
    await db.commit()
    await service.submit(db, customer_actor(buyer), order)
    await _sent_back(db, order, "Deliver to the new plant, 380V, and add seals")
    return order, line


async def test_edit_offers_what_checkout_offers(client, db):
    from portal.db.orders import OrderAttachment

    buyer = await buyer_with_address(db, locale="en")
    order, line = await _sent_back_with_options(db, buyer)
    seal = await make_product(db, list_price=Decimal("7.50"), spec_options={"material": ["steel", "ptfe"]})
    await sign_in(client, buyer.email)
    form = (await client.get(f"/orders/{order.number}/edit")).text
    assert f'name="spec_{line.id}_voltage"' in form and 'name="add_sku_1"' in form and 'type="file"' in form
    data = {
        "_csrf_token": await csrf_token(client),
        "version": field_value(form, "version"),
        f"spec_{line.id}_voltage": "380V",
        "add_sku_1": seal.sku,
        "add_qty_1": "4",
        "add_specs_1": "material=ptfe",
        "shipping_address_id": "new",
        "address_recipient": "Li",
        "address_phone": "138",
        "address_city": "Suzhou",
        "address_street": "Plant 2",
        "requested_delivery_date": (clock.today() + timedelta(days=30)).isoformat(),
        "invoice_title": "Acme",
    }
    files = [("attachments", ("layout.pdf", PDF, "application/pdf"))]
    for change, message in (
        ({"add_specs_1": "material=rubber"}, f"{seal.sku}: choose one of the offered options for material."),
        ({f"spec_{line.id}_voltage": "999V"}, f"{line.sku}: choose one of the offered options for voltage."),
        ({"add_sku_1": "NO-SUCH-SKU"}, "There is no product with this SKU."),
    ):
        r = await client.post(f"/orders/{order.number}/edit", data={**data, **change}, files=files)
        assert r.status_code == 422 and message in text_of(r.text)
    assert await db.scalar(select(func.count()).select_from(OrderAttachment)) == 0
    r = await client.post(f"/orders/{order.number}/edit", data=data, files=files, follow_redirects=False)
    assert r.status_code == 303, text_of(r.text)
    fresh = await db.get(Order, order.id, populate_existing=True)
    lines = await lines_of(db, order)
    assert [(x.sku, x.specs, x.quantity) for x in lines] == [
        (line.sku, {"voltage": "380V"}, 2),
        (seal.sku, {"material": "ptfe"}, 4),
    ]
    assert fresh.status == "submitted" and fresh.shipping_address["city"] == "Suzhou"
    assert fresh.subtotal == Decimal("230.00")
    assert await db.scalar(select(func.count()).select_from(Address)) == 2
    assert await db.scalar(select(OrderAttachment.filename)) == "layout.pdf"
