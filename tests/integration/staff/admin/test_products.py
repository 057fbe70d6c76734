"""Admins create and edit products; a refused form saves nothing; every change is audited."""

from __future__ import annotations

import html
from decimal import Decimal

from sqlalchemy import func, select

from portal.db.admin import AuditEntry
from portal.db.catalog import Product
from tests.helpers import make_product, post_form, text_of

VALID = {
    "sku": "PMP-100",
    "name_zh": "离心泵",
    "name_en": "Centrifugal pump",
    "description_zh": "",
    "description_en": "For clean water.",
    "category": "pumps",
    "unit": "pcs",
    "list_price": "1,250.50",
    "stock_on_hand": "12",
    "lead_time_days": "14",
    "min_order_qty": "1",
    "max_order_qty": "500",
    "spec_options": "voltage: 220V, 380V\ncolour：grey，blue",
    "is_active": "on",
}


async def _count(db, model) -> int:
    return await db.scalar(select(func.count()).select_from(model))


async def test_create_product_and_audit_it(client, db, admin):
    staff, token = admin
    r = await post_form(client, "/staff/admin/products", token, **VALID)
    assert r.status_code == 303
    product = await db.scalar(select(Product).where(Product.sku == "PMP-100"))
    assert r.headers["location"] == f"/staff/admin/products/{product.id}"
    assert product.list_price == Decimal("1250.50") and product.stock_on_hand == 12
    assert product.spec_options == {"voltage": ["220V", "380V"], "colour": ["grey", "blue"]}
    assert product.is_active and not product.made_to_order
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.entity == "product"))
    assert (entry.action, entry.actor_id, entry.before) == ("create", staff.id, None)
    assert entry.after["list_price"] == "1250.50" and entry.after["sku"] == "PMP-100"
    page = text_of((await client.get(f"/staff/admin/products/{product.id}")).text)
    assert "Product PMP-100" in page and "voltage: 220V, 380V" in page


async def test_a_refused_product_form_saves_nothing_and_says_why(client, db, admin):
    _, token = admin
    bad = {
        **VALID,
        "sku": "bad sku/1",
        "name_en": "",
        "list_price": "-3",
        "stock_on_hand": "-1",
        "lead_time_days": "x",
        "min_order_qty": "10",
        "max_order_qty": "5",
        "spec_options": "no colon here",
    }
    r = await client.post("/staff/admin/products", data={**bad, "_csrf_token": token})
    assert r.status_code == 422
    page = html.unescape(text_of(r.text))
    for message in (
        "Use letters, digits, dots, dashes and underscores, at most 40.",
        "This field is required.",
        "Enter a price of 0 or more with at most two decimals.",
        "Enter a whole number of 0 or more.",
        "Enter a number of days from 0 to 365.",
        "The maximum must not be below the minimum.",
        'Write one option per line as "name: choice 1, choice 2".',
    ):
        assert message in page, message
    assert 'value="bad sku/1"' in r.text  # the form comes back as it was typed
    assert await _count(db, Product) == 0 and await _count(db, AuditEntry) == 0


async def test_a_sku_is_unique_and_the_page_speaks_the_users_language(client, db, admin):
    _, token = admin
    await make_product(db, sku="PMP-100")
    r = await client.post(
        "/staff/admin/products",
        data={**VALID, "_csrf_token": token},
        headers={"accept-language": "zh-CN"},
    )
    assert r.status_code == 422
    assert "请更正标出的字段。" in r.text  # "Please correct the highlighted fields."
    assert await _count(db, Product) == 1 and await _count(db, AuditEntry) == 0


async def test_edit_product_keeps_the_sku_and_audits_before_and_after(client, db, admin):
    _, token = admin
    product = await make_product(db, sku="VLV-7", stock_on_hand=10)
    data = {**VALID, "sku": "HACKED", "stock_on_hand": "3", "made_to_order": "on", "is_active": ""}
    r = await post_form(client, f"/staff/admin/products/{product.id}", token, **data)
    assert r.status_code == 303
    await db.refresh(product)
    assert product.sku == "VLV-7" and product.stock_on_hand == 3
    assert product.made_to_order and not product.is_active
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.action == "update"))
    assert entry.before["stock_on_hand"] == 10 and entry.after["stock_on_hand"] == 3
    assert entry.before["is_active"] is True and entry.after["is_active"] is False


async def test_a_refused_edit_changes_nothing(client, db, admin):
    _, token = admin
    product = await make_product(db, name_en="Old name", stock_on_hand=10)
    data = {**VALID, "name_en": "New name", "stock_on_hand": "-4"}
    r = await client.post(f"/staff/admin/products/{product.id}", data={**data, "_csrf_token": token})
    assert r.status_code == 422 and "Enter a whole number of 0 or more." in text_of(r.text)
    await db.refresh(product)
    assert (product.name_en, product.stock_on_hand) == ("Old name", 10)
    assert await _count(db, AuditEntry) == 0


async def test_product_list_searches_and_pages(client, db, admin):
    for n in range(30):
        await make_product(db, sku=f"LIST-{n:02d}", name_en=f"Gear {n}", is_active=n % 2 == 0)
    first = await client.get("/staff/admin/products")
    assert first.status_code == 200 and "LIST-00" in first.text and "LIST-25" not in first.text
    assert "Next page" in first.text
    found = text_of((await client.get("/staff/admin/products", params={"q": "gear 17"})).text)
    assert "LIST-17" in found and "LIST-16" not in found and "inactive" in found
    fragment = await client.get(
        "/staff/admin/products",
        params={"q": "gear 17"},
        headers={"hx-request": "true", "hx-target": "results"},
    )
    assert fragment.status_code == 200 and fragment.text.lstrip().startswith('<div id="results">')
    assert "LIST-17" in fragment.text
    assert (await client.get("/staff/admin/products/999999")).status_code == 404


async def test_saving_a_product_does_not_undo_reservations_made_meanwhile(client, db, admin):
    """The admin's form showed 10; orders reserved 4 meanwhile: saving other fields keeps 6."""
    _, token = admin
    product = await make_product(db, sku="VLV-8", stock_on_hand=10)
    page = (await client.get(f"/staff/admin/products/{product.id}")).text
    assert 'name="stock_seen" value="10"' in page
    product.stock_on_hand = 6  # an order confirmation reserved 4 while the form was open
    await db.commit()
    data = {**VALID, "sku": "VLV-8", "stock_on_hand": "10", "stock_seen": "10", "list_price": "99.00"}
    r = await post_form(client, f"/staff/admin/products/{product.id}", token, **data)
    assert r.status_code == 303
    await db.refresh(product)
    assert product.stock_on_hand == 6 and product.list_price == Decimal("99.00")
    # a deliberate change is applied as a difference: +5 on what is there now
    data = {**data, "stock_on_hand": "15", "stock_seen": "10"}
    await client.post(f"/staff/admin/products/{product.id}", data={**data, "_csrf_token": token})
    await db.refresh(product)
    assert product.stock_on_hand == 11
