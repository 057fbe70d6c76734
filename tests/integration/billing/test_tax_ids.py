"""A tax ID is a unified social credit code wherever it is typed, refused beside its field in the reader's words."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from portal.db.customers import CustomerAccount
from portal.db.demo import ACCOUNTS
from portal.db.orders import Order, OrderEvent
from portal.domain import tax_ids
from portal.domain.orders import confirmation
from tests.fulfilment_helpers import awaiting_confirmation
from tests.helpers import (
    as_staff,
    buyer_with_address,
    checkout_form,
    csrf_token,
    customer_actor,
    field_value,
    make_product,
    sign_in,
)

VALID = "91310000MA1FL8XQ37"
WRONG_CHECK_DIGIT = "91310000MA1FL8XQ3K"
ZH_MESSAGE = "请输入营业执照上的 18 位统一社会信用代码（最后一位为校验码）。"
ZH = {"accept-language": "zh-CN"}


@pytest.mark.parametrize(
    ("typed", "stored"),
    [(VALID, VALID), ("9131 0000 ma1f-l8xq37", VALID), ("", ""), ("  ", "")],
)
def test_a_valid_code_is_stored_compact_and_empty_stays_empty(typed, stored):
    assert tax_ids.normalized(typed) == stored


@pytest.mark.parametrize(
    "typed", [WRONG_CHECK_DIGIT, "9131000", "A1310000MA1FL8XQ37", "91310000MA1FL8XQ3I", "9" * 40]
)
def test_anything_else_is_refused(typed):
    with pytest.raises(tax_ids.InvalidTaxId):
        tax_ids.normalized(typed)


def test_the_demo_accounts_tax_ids_are_valid():
    assert all(tax_ids.is_valid(row[2]) and row[2] for row in ACCOUNTS)


async def _checkout(client, db, tax_id: str):  # noqa: ANN001, ANN202
    buyer = await buyer_with_address(db)
    product = await make_product(db)
    await sign_in(client, buyer.email)
    token = await csrf_token(client)
    await client.post("/cart/lines", data={"_csrf_token": token, "sku": product.sku, "quantity": "1"})
    form = await checkout_form(client, token, tax_id=tax_id)
    return await client.post("/checkout", data=form, headers=ZH, follow_redirects=False)


async def test_checkout_refuses_a_wrong_check_digit_beside_the_field(client, db):
    r = await _checkout(client, db, WRONG_CHECK_DIGIT)
    assert r.status_code == 422
    assert f'<p class="field-error" id="tax_id-error">{ZH_MESSAGE}</p>' in r.text
    assert await db.scalar(select(Order.number).where(Order.number.is_not(None))) is None


async def test_checkout_stores_the_code_compact(client, db):
    r = await _checkout(client, db, "9131 0000 MA1F L8XQ 37")
    assert r.status_code == 303
    assert await db.scalar(select(Order.tax_id).where(Order.number.is_not(None))) == VALID


async def test_the_account_form_refuses_an_invalid_tax_id(client, db):
    _, token = await as_staff(client, db, "admin")
    form = {
        "_csrf_token": token,
        "name": "Acme Pumps Ltd.",
        "tax_id": WRONG_CHECK_DIGIT,
        "credit_limit": "1000",
        "payment_terms": "net",
        "payment_days": "30",
        "default_locale": "en",
        "is_active": "on",
    }
    r = await client.post("/staff/admin/accounts", data=form, headers=ZH)
    assert r.status_code == 422 and ZH_MESSAGE in r.text
    assert (
        await db.scalar(select(CustomerAccount.id).where(CustomerAccount.name == "Acme Pumps Ltd.")) is None
    )
    r = await client.post("/staff/admin/accounts", data={**form, "tax_id": ""}, follow_redirects=False)
    assert r.status_code == 303  # no tax ID stays allowed


async def test_revise_corrects_the_invoice_details_and_refuses_a_wrong_code(client, db):
    buyer, order = await awaiting_confirmation(db)
    await db.commit()
    await confirmation.decline(db, customer_actor(buyer), order, reason="Wrong tax ID", document_hash="")
    await db.commit()
    _, token = await as_staff(client, db, "reviewer")
    page = (await client.get(f"/staff/orders/{order.number}")).text
    version = page.split('action="/staff/orders/' + order.number + '/revise"')[1]
    form = {"_csrf_token": token, "version": field_value(version, "version")}
    path = f"/staff/orders/{order.number}/revise"

    refused = await client.post(
        path, data={**form, "invoice_title": "Acme", "tax_id": WRONG_CHECK_DIGIT}, headers=ZH
    )
    assert refused.status_code == 422 and ZH_MESSAGE in refused.text

    r = await client.post(
        path, data={**form, "invoice_title": "Acme Ltd", "tax_id": VALID}, follow_redirects=False
    )
    assert r.status_code == 303
    order = await db.get(Order, order.id, populate_existing=True)
    assert (order.invoice_title, order.tax_id) == ("Acme Ltd", VALID)
    event = await db.scalar(select(OrderEvent).where(OrderEvent.action == "revised"))
    assert event.data["invoice"]["after"] == {"invoice_title": "Acme Ltd", "tax_id": VALID}
