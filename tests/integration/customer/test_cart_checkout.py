"""The cart and checkout: lines with specs, totals, the requested date, attachments, exactly one order."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from PIL import Image
from sqlalchemy import func, select

from portal import clock
from portal.db.customers import Address
from portal.db.orders import Order, OrderAttachment
from portal.db.outbox import OutboxMessage
from tests.helpers import an_address, checkout_form, csrf_token, make_customer, make_product, sign_in, text_of

pytestmark = pytest.mark.business_midnight

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _png() -> bytes:
    """A real drawing as a PNG, with markup appended after it (the stored copy must drop it)."""
    out = io.BytesIO()
    Image.new("L", (40, 20), 255).save(out, "PNG")
    return out.getvalue() + b"<script>alert(1)</script>"


PNG = _png()


@pytest.fixture
async def buyer(db):
    user = await make_customer(db, locale="en")
    db.add(
        an_address(user.account_id, label="Plant", phone="123", street="Zhangjiang Rd 88", is_default=True)
    )
    await db.commit()
    return user


async def _signed_in(client, user):
    await sign_in(client, user.email)
    return await csrf_token(client)


async def add(client, token, sku, quantity="1", **specs):
    data = {
        "_csrf_token": token,
        "sku": sku,
        "quantity": quantity,
        **{f"spec_{k}": v for k, v in specs.items()},
    }
    return await client.post("/cart/lines", data=data, follow_redirects=False)


async def test_add_change_and_remove_lines_with_totals(client, db, buyer):
    pump = await make_product(db, list_price=Decimal("4800.00"), spec_options={"voltage": ["220V", "380V"]})
    valve = await make_product(db, list_price=Decimal("680.00"))
    token = await _signed_in(client, buyer)
    assert (await add(client, token, pump.sku, "2", voltage="380V")).status_code == 303
    assert (await add(client, token, valve.sku, "3")).status_code == 303
    assert (await add(client, token, pump.sku, "1", voltage="380V")).status_code == 303  # same spec: merged
    page = text_of((await client.get("/cart")).text)
    assert "voltage: 380V" in page
    cart = await db.scalar(select(Order).where(Order.status == "draft"))
    assert cart.subtotal == Decimal("16440.00") and cart.shipping_fee == Decimal("0.00")  # free above 10,000
    assert cart.tax_amount == Decimal("2137.20") and cart.total == Decimal("18577.20")
    lines = await client.get("/cart")
    line_id = int(lines.text.split('action="/cart/lines/')[1].split('"')[0])
    r = await client.post(
        f"/cart/lines/{line_id}",
        data={"_csrf_token": token, "quantity": "0"},
        headers={"hx-request": "true", "hx-target": "cart"},
    )
    assert r.status_code == 200 and 'id="cart"' in r.text and "<html" not in r.text
    db.expire_all()
    cart = await db.scalar(select(Order).where(Order.status == "draft"))
    assert cart.subtotal == Decimal("2040.00") and cart.shipping_fee == Decimal("200.00")


@pytest.mark.parametrize("quantity", ["0", "-1", "1.5", "abc", "99999999", ""])
async def test_bad_quantities_are_refused_and_nothing_is_saved(client, db, buyer, quantity):
    product = await make_product(db)
    token = await _signed_in(client, buyer)
    r = await add(client, token, product.sku, quantity)
    assert r.status_code == 422 and "whole number" in r.text or "maximum" in r.text
    assert await db.scalar(select(func.count()).select_from(Order)) == 0


async def test_unknown_sku_and_tampered_specs_are_refused(client, db, buyer):
    product = await make_product(db, spec_options={"voltage": ["220V"]})
    token = await _signed_in(client, buyer)
    r = await add(client, token, "NO-SUCH-SKU")
    assert r.status_code == 422 and "There is no product with this SKU." in r.text
    r = await add(client, token, product.sku, voltage="999V")
    assert r.status_code == 422 and f"{product.sku}: choose one of the offered options for voltage." in r.text
    r = await add(client, token, product.sku, voltage="220V", colour="pink")
    assert r.status_code == 422
    r = await client.post(
        "/cart/lines",
        data={"_csrf_token": token, "sku": product.sku, "quantity": "1", "spec_voltage": "220V"},
        headers={"hx-request": "true", "hx-target": "cart-status"},
    )
    assert r.status_code == 200 and "Added to your cart." in r.text and "<html" not in r.text


async def test_the_cart_survives_signing_out_and_in(client, db, buyer):
    product = await make_product(db)
    token = await _signed_in(client, buyer)
    await add(client, token, product.sku, "4")
    await client.post("/logout", data={"_csrf_token": token})
    await sign_in(client, buyer.email)
    assert product.sku in (await client.get("/cart")).text


async def _ready_for_checkout(client, db, buyer, **product_kw):
    """Signed in with one product in the cart: the CSRF token and a valid checkout form."""
    product = await make_product(db, **product_kw)
    token = await _signed_in(client, buyer)
    await add(client, token, product.sku, "1")
    return token, await checkout_form(client, token)


async def test_checkout_places_exactly_one_order_with_attachments(client, db, buyer):
    product = await make_product(db, lead_time_days=7)
    token = await _signed_in(client, buyer)
    await add(client, token, product.sku, "2")
    data = await checkout_form(
        client,
        token,
        requested_delivery_date=(clock.today() + timedelta(days=10)).isoformat(),
        invoice_title="Acme Ltd",
        tax_id="91310000MA1FL8XQ37",
        special_requirements="Deliver to gate 3",
    )
    files = [
        ("attachments", ("drawing.pdf", PDF, "application/pdf")),
        ("attachments", ("photo.png", PNG, "image/png")),
    ]
    r = await client.post("/checkout", data=data, files=files, follow_redirects=False)
    assert r.status_code == 303, r.text
    number = r.headers["location"].rsplit("/", 1)[1]
    # a double-click or a browser retry of the same form: the same order, no second one
    again = await client.post("/checkout", data=data, files=files, follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == f"/orders/{number}"
    order = await db.scalar(select(Order).where(Order.number == number))
    assert order.status == "submitted" and order.channel == "web" and order.invoice_title == "Acme Ltd"
    assert order.shipping_address["street"] == "Zhangjiang Rd 88"
    assert await db.scalar(select(func.count()).select_from(Order).where(Order.number.is_not(None))) == 1
    assert await db.scalar(select(func.count()).select_from(OrderAttachment)) == 2
    mail = await db.scalar(select(OutboxMessage))
    assert mail.template == "order_received" and mail.recipient == buyer.email
    detail = await client.get(f"/orders/{number}")
    assert "drawing.pdf" in detail.text and "Deliver to gate 3" in detail.text
    link = detail.text.split('href="/orders/' + number + "/attachments/")[1].split('"')[0]
    file = await client.get(f"/orders/{number}/attachments/{link}")
    assert file.status_code == 200 and file.content == PDF
    assert file.headers["content-disposition"].startswith("attachment")
    # the PNG is an image: stored re-encoded (domain.images), what was appended to it is gone
    png_id = await db.scalar(select(OrderAttachment.id).where(OrderAttachment.content_type == "image/png"))
    png = await client.get(f"/orders/{number}/attachments/{png_id}")
    assert png.status_code == 200 and b"<script" not in png.content
    assert Image.open(io.BytesIO(png.content)).size == (40, 20)


async def test_concurrent_submissions_of_one_form_make_one_order(client, db, buyer):
    _, data = await _ready_for_checkout(client, db, buyer)
    results = await asyncio.gather(
        *[client.post("/checkout", data=data, follow_redirects=False) for _ in range(5)]
    )
    assert {r.status_code for r in results} == {303}
    assert len({r.headers["location"] for r in results}) == 1
    assert await db.scalar(select(func.count()).select_from(Order).where(Order.number.is_not(None))) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("requested_delivery_date", "yesterday", "Enter a date as YYYY-MM-DD."),
        ("requested_delivery_date", "EARLY", "lead time of 20 days"),
        ("requested_delivery_date", "9999-12-31", "This date is too far ahead."),
        ("requested_delivery_date", "0001-01-01", "Enter a date as YYYY-MM-DD."),
        ("shipping_address_id", "999999", "Choose one of your addresses."),
        ("invoice_title", "", "Enter the invoice title."),
        ("idempotency_key", "x", "This form has expired."),
    ],
)
async def test_bad_checkout_input_gets_422_and_saves_nothing(client, db, buyer, field, value, message):
    _, data = await _ready_for_checkout(client, db, buyer, lead_time_days=20)
    data[field] = (clock.today() + timedelta(days=3)).isoformat() if value == "EARLY" else value
    r = await client.post("/checkout", data=data, follow_redirects=False)
    assert r.status_code == 422 and message in r.text
    assert await db.scalar(select(func.count()).select_from(Order).where(Order.number.is_not(None))) == 0
    assert await db.scalar(select(func.count()).select_from(Address)) == 1


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            [("attachments", ("evil.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"))],
            "Only PDF, PNG, JPEG, DXF and DWG",
        ),
        (
            [("attachments", (f"f{n}.pdf", PDF, "application/pdf")) for n in range(6)],
            "Attach at most 5 files.",
        ),
        ([("attachments", ("big.pdf", PDF + b"0" * (10 * 1024 * 1024), "application/pdf"))], "at most 10 MB"),
    ],
)
async def test_bad_attachments_are_refused(client, db, buyer, files, message):
    _, data = await _ready_for_checkout(client, db, buyer)
    r = await client.post("/checkout", data=data, files=files, follow_redirects=False)
    assert r.status_code == 422 and message in r.text
    assert await db.scalar(select(func.count()).select_from(OrderAttachment)) == 0


async def test_new_address_at_checkout_is_saved_for_next_time(client, db, buyer):
    _, base = await _ready_for_checkout(client, db, buyer)
    data = {
        **base,
        "shipping_address_id": "new",
        "address_recipient": "Li Na",
        "address_phone": "555",
        "address_city": "Suzhou",
        "address_street": "Xinghu St 1",
    }
    r = await client.post("/checkout", data=data, follow_redirects=False)
    assert r.status_code == 303
    assert await db.scalar(select(func.count()).select_from(Address)) == 2
