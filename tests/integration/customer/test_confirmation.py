"""The order confirmation: versioned snapshot with a hash, PDF, e-signature, decline and version 2."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from portal import clock
from portal.db.orders import Confirmation, Order
from portal.domain.orders import confirmation_docs, service
from portal.formatting import money
from portal.i18n import using_locale
from tests.helpers import (
    approve_as,
    csrf_token,
    customer_actor,
    make_customer,
    make_order,
    make_staff,
    post_form,
    sign_in,
    text_of,
)
from tests.pdf_reading import read_pdf

pytestmark = pytest.mark.business_midnight


async def confirmation_sent(db):
    buyer = await make_customer(db)
    reviewer = await make_staff(db, "reviewer")
    order = await make_order(db, customer=buyer)
    await service.submit(db, customer_actor(buyer), order)
    await approve_as(db, reviewer, order, promised_date=clock.today() + timedelta(days=20))
    await db.commit()
    return buyer, reviewer, order


async def test_final_approval_issues_version_1_with_a_hash(db):
    _, _, order = await confirmation_sent(db)
    doc = await db.scalar(select(Confirmation).where(Confirmation.order_id == order.id))
    assert doc.version == 1 and doc.status == "sent"
    assert doc.content_hash == confirmation_docs.content_hash(doc.snapshot)
    assert doc.snapshot["lines"][0]["quantity"] == 2 and doc.snapshot["total"] == str(order.total)


async def test_accept_records_the_signature(client, db):
    buyer, _, order = await confirmation_sent(db)
    await sign_in(client, buyer.email)
    page = (await client.get(f"/orders/{order.number}/confirmation")).text
    doc_hash = page.split('name="document_hash" value="')[1].split('"')[0]
    token = await csrf_token(client)
    form = {"_csrf_token": token, "document_hash": doc_hash, "signer_name": "Wang Wei", "agree": "on"}
    r = await client.post(f"/orders/{order.number}/confirmation/accept", data={**form, "agree": ""})
    assert r.status_code == 422 and "Tick the box" in r.text
    r = await client.post(
        f"/orders/{order.number}/confirmation/accept", data={**form, "document_hash": "0" * 64}
    )
    assert r.status_code == 409 and "newer version" in r.text
    r = await client.post(
        f"/orders/{order.number}/confirmation/accept",
        data=form,
        headers={"user-agent": "TestBrowser/1.0"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    doc = await db.scalar(
        select(Confirmation)
        .where(Confirmation.order_id == order.id)
        .execution_options(populate_existing=True)
    )
    assert (doc.status, doc.signer_name, doc.signer_user_agent) == ("accepted", "Wang Wei", "TestBrowser/1.0")
    assert doc.responded_by_user_id == buyer.id and doc.responded_at is not None
    assert (await db.scalar(select(Order.status).where(Order.id == order.id))) == "confirmed"


async def test_decline_then_version_2_shows_what_changed(client, db):
    buyer, reviewer, order = await confirmation_sent(db)
    await sign_in(client, buyer.email)
    token = await csrf_token(client)
    decline = f"/orders/{order.number}/confirmation/decline"
    r = await post_form(client, decline, token, reason="")
    assert r.status_code == 422
    r = await post_form(client, decline, token, reason="We need it 10 days earlier")
    assert r.status_code == 303
    fresh = await db.get(Order, order.id, populate_existing=True)
    assert fresh.status == "submitted"
    new_date = clock.today() + timedelta(days=10)
    await approve_as(db, reviewer, fresh, promised_date=new_date)
    await db.commit()
    page = text_of((await client.get(f"/orders/{order.number}/confirmation")).text)
    assert "What changed since version 1" in page and "Promised delivery date" in page
    docs = (
        await db.scalars(
            select(Confirmation).where(Confirmation.order_id == order.id).order_by(Confirmation.version)
        )
    ).all()
    assert [(d.version, d.status) for d in docs] == [(1, "declined"), (2, "sent")]


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
async def test_the_pdf_is_in_the_readers_language(client, db, locale):
    buyer, _, order = await confirmation_sent(db)
    await sign_in(client, buyer.email)
    r = await client.get(f"/orders/{order.number}/confirmation.pdf", headers={"accept-language": locale})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert r.headers["content-type"] == "application/pdf"
    text = read_pdf(r.content).squeezed()  # read back with PDFium, white space removed
    expected = f"订单确认书{order.number}" if locale == "zh-CN" else f"Orderconfirmation{order.number}"
    assert expected in text


async def test_other_accounts_cannot_see_the_confirmation(client, db):
    _, _, order = await confirmation_sent(db)
    stranger = await make_customer(db)
    await sign_in(client, stranger.email)
    assert (await client.get(f"/orders/{order.number}/confirmation")).status_code == 404
    assert (await client.get(f"/orders/{order.number}/confirmation.pdf")).status_code == 404


async def test_staff_revise_prices_after_a_decline_and_v2_shows_the_change(client, db):
    buyer, reviewer, order = await confirmation_sent(db)
    from portal.domain.orders import confirmation

    await confirmation.decline(
        db,
        customer_actor(buyer),
        order,
        reason="Price too high",
        document_hash="",
    )
    await db.commit()
    await sign_in(client, reviewer.email, staff=True)
    page = (await client.get(f"/staff/orders/{order.number}")).text
    line_id = page.split('name="price_')[1].split('"')[0]
    version = (
        page.split('action="/staff/orders/' + order.number + '/revise"')[1]
        .split('name="version" value="')[1]
        .split('"')[0]
    )
    token = await csrf_token(client, "/staff/login")
    form = {
        "_csrf_token": token,
        "version": version,
        f"price_{line_id}": "-5",
        f"rqty_{line_id}": "2",
        "shipping_fee": "0",
        "note": "discount",
    }
    r = await client.post(f"/staff/orders/{order.number}/revise", data=form)
    assert r.status_code == 422
    r = await client.post(
        f"/staff/orders/{order.number}/revise",
        data={**form, f"price_{line_id}": "90.00"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    fresh = await db.get(Order, order.id, populate_existing=True)
    assert str(fresh.subtotal) == "180.00"
    await approve_as(db, reviewer, fresh)
    await db.commit()
    await sign_in(client, buyer.email)
    text = text_of((await client.get(f"/orders/{order.number}/confirmation", params={"lang": "en"})).text)
    with using_locale("en"):  # the amounts of "what changed" are formatted like every other amount
        assert "What changed since version 1" in text and f"2 pcs × {money(Decimal(90))}" in text
