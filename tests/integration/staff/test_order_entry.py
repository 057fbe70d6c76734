"""Sales enter an order taken by phone for a customer: placed at once, the customer sees it and is told."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.db.catalog import AccountPrice, Product
from portal.db.customers import Address, CustomerAccount, CustomerUser
from portal.db.orders import Order, OrderEvent
from portal.db.outbox import OutboxMessage
from portal.db.staff import StaffUser
from tests.helpers import csrf_token, make_account, make_customer, make_product, make_staff, sign_in, text_of

pytestmark = pytest.mark.business_midnight


@dataclass
class World:
    account: CustomerAccount
    contact: CustomerUser
    address: Address
    other_contact: CustomerUser
    other_address: Address
    pump: Product
    valve: Product
    sales: StaffUser


async def _address(db, account_id: int, street: str) -> Address:
    address = Address(account_id=account_id, recipient="Wang", phone="123", city="Shanghai", street=street)
    db.add(address)
    await db.commit()
    return address


@pytest.fixture
async def world(db) -> World:
    account = await make_account(
        db, name="Acme Pumps Ltd", is_key_account=True, tax_id="91310000ACME00000C", payment_days=60
    )
    contact = await make_customer(db, account, name="Li Lei")  # no own locale: the account's zh_CN
    other = await make_customer(db, name="Somebody Else")
    pump = await make_product(
        db,
        list_price=Decimal("5000.00"),
        lead_time_days=7,
        spec_options={"voltage": ["220V", "380V"], "seal": ["mechanical", "packing"]},
    )
    valve = await make_product(db, list_price=Decimal("680.00"), lead_time_days=3)
    db.add(AccountPrice(account_id=account.id, product_id=pump.id, price=Decimal("4500.00")))
    await db.commit()
    return World(
        account=account,
        contact=contact,
        address=await _address(db, account.id, "Zhangjiang Rd 88"),
        other_contact=other,
        other_address=await _address(db, other.account_id, "Elsewhere 1"),
        pump=pump,
        valve=valve,
        sales=await make_staff(db, "sales", locale="en"),
    )


async def _signed_in_staff(client, staff: StaffUser) -> str:
    await sign_in(client, staff.email, staff=True)
    return await csrf_token(client, "/staff/login")


async def _form(client, world: World) -> dict[str, str]:
    """What a clerk sends: the page's idempotency key, two lines (one with specs), a date in 10 days."""
    page = (await client.get(f"/staff/orders/new?customer_id={world.account.id}")).text
    key = page.split('name="idempotency_key" value="')[1].split('"')[0]
    return {
        "_csrf_token": client.cookies["portal_csrf"],
        "idempotency_key": key,
        "customer_id": str(world.account.id),
        "contact_id": str(world.contact.id),
        "channel": "phone",
        "priority": "urgent",
        "sku_1": world.pump.sku,
        "qty_1": "2",
        "specs_1": "voltage=380V; seal=mechanical",
        "sku_2": world.valve.sku.lower(),
        "qty_2": "3",
        "requested_delivery_date": (clock.today() + timedelta(days=10)).isoformat(),
        "shipping_address_id": str(world.address.id),
        "invoice_title": "Acme Pumps Ltd",
        "tax_id": "91310000ACME00000C",
        "special_requirements": "Call Mr Li before delivery",
    }


async def _placed(db) -> int:
    return await db.scalar(select(func.count()).select_from(Order).where(Order.number.is_not(None)))


async def test_the_form_lists_accounts_and_follows_the_chosen_one(client, db, world):
    await _signed_in_staff(client, world.sales)
    page = await client.get("/staff/orders/new")
    assert page.status_code == 200 and 'href="/staff/orders/new"' in page.text
    assert "Acme Pumps Ltd · key account" in text_of(page.text) and 'name="contact_id"' not in page.text
    block = await client.get(
        f"/staff/orders/new?customer_id={world.account.id}",
        headers={"hx-request": "true", "hx-target": "account-fields"},
    )
    assert block.status_code == 200 and "<html" not in block.text and 'id="account-fields"' in block.text
    assert world.contact.name in block.text and "Zhangjiang Rd 88" in block.text
    assert 'value="91310000ACME00000C"' in block.text and "net 60 days" in block.text
    assert world.other_contact.name not in block.text and "Elsewhere 1" not in block.text


async def test_choose_without_javascript_keeps_what_was_typed(client, db, world):
    token = await _signed_in_staff(client, world.sales)
    r = await client.post(
        "/staff/orders/new",
        data={"_csrf_token": token, "action": "choose", "customer_id": str(world.account.id), "sku_1": "X-1"},
    )
    assert r.status_code == 200 and world.contact.name in r.text and 'value="X-1"' in r.text
    assert await _placed(db) == 0


async def test_sales_enters_a_phone_order_the_customer_sees_and_is_told(client, db, world):
    await _signed_in_staff(client, world.sales)
    r = await client.post("/staff/orders/new", data=await _form(client, world), follow_redirects=False)
    assert r.status_code == 303, r.text
    number = r.headers["location"].rsplit("/", 1)[1]
    assert r.headers["location"] == f"/staff/orders/{number}"
    order = await db.scalar(select(Order).where(Order.number == number))
    assert order.status == "submitted" and order.channel == "phone" and order.priority == "urgent"
    assert order.entered_by_staff_id == world.sales.id and order.contact_user_id == world.contact.id
    assert order.payment_days == 60 and order.shipping_address["street"] == "Zhangjiang Rd 88"
    assert order.subtotal == Decimal("11040.00")  # 2 × 4,500 agreed price + 3 × 680 list price
    event = await db.scalar(select(OrderEvent).where(OrderEvent.order_id == order.id))
    assert (event.actor_kind, event.actor_id, event.role) == ("staff", world.sales.id, "sales")
    mail = await db.scalar(select(OutboxMessage).where(OutboxMessage.order_id == order.id))
    assert mail.template == "order_received" and mail.recipient == world.contact.email
    assert mail.locale == "zh_CN"
    staff_page = text_of((await client.get(f"/staff/orders/{number}")).text)
    assert "voltage: 380V" in staff_page and "seal: mechanical" in staff_page

    await sign_in(client, world.contact.email)
    listing = text_of((await client.get("/orders")).text)
    assert number in listing and "phone" in listing
    detail = await client.get(f"/orders/{number}")
    assert detail.status_code == 200 and "Call Mr Li before delivery" in detail.text


async def test_admin_may_enter_orders_too(client, db, world):
    admin = await make_staff(db, "admin")
    await _signed_in_staff(client, admin)
    r = await client.post("/staff/orders/new", data=await _form(client, world), follow_redirects=False)
    assert r.status_code == 303
    event = await db.scalar(select(OrderEvent))
    assert event.actor_id == admin.id and event.role == "admin"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"sku_1": "NO-SUCH-SKU"}, "sku_1", "There is no product with this SKU."),
        ({"qty_2": "1.5"}, "qty_2", "Enter a whole number of at least 1."),
        (
            {"specs_1": "voltage=999V; seal=mechanical"},
            "specs_1",
            "choose one of the offered options for voltage.",
        ),
        ({"specs_1": "voltage=380V; seal=mechanical; colour=pink"}, "specs_1", "has no option colour."),
        ({"specs_1": "just some words"}, "specs_1", "Write options as name=value; name=value."),
        ({"requested_delivery_date": "EARLY"}, "requested_delivery_date", "lead time of 7 days"),
        ({"requested_delivery_date": "9999-12-31"}, "requested_delivery_date", "This date is too far ahead."),
        ({"contact_id": "OTHER"}, "contact_id", "Choose a contact of this customer."),
        (
            {"shipping_address_id": "OTHER"},
            "shipping_address_id",
            "Choose one of the customer&#39;s addresses.",
        ),
        ({"customer_id": "999999"}, "customer_id", "Choose a customer account."),
        ({"channel": "web"}, "channel", "Choose how the order came in."),
        ({"tax_id": "91310000MA1FL8XQ3K"}, "tax_id", "unified social credit code of 18 characters"),
        (
            {"sku_1": "", "qty_1": "", "specs_1": "", "sku_2": "", "qty_2": ""},
            "lines",
            "at least one order line",
        ),
    ],
)
async def test_bad_input_gets_422_beside_the_field_and_saves_nothing(
    client, db, world, change, field, message
):
    await _signed_in_staff(client, world.sales)
    data = await _form(client, world)
    for key, value in change.items():
        if value == "EARLY":
            value = (clock.today() + timedelta(days=3)).isoformat()
        elif value == "OTHER":
            value = str(world.other_contact.id if key == "contact_id" else world.other_address.id)
        data[key] = value
    r = await client.post("/staff/orders/new", data=data, follow_redirects=False)
    assert r.status_code == 422
    assert f'id="{field}-error"' in r.text and message in r.text
    assert await _placed(db) == 0
    assert await db.scalar(select(func.count()).select_from(Order)) == 0
    assert await db.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert 'value="Call Mr Li before delivery"' in r.text or "Call Mr Li before delivery" in r.text


async def test_a_reviewer_may_not_enter_orders(client, db, world):
    reviewer = await make_staff(db, "reviewer")
    token = await _signed_in_staff(client, reviewer)
    assert (await client.get("/staff/orders/new")).status_code == 403
    assert 'href="/staff/orders/new"' not in (await client.get("/staff/")).text
    data = {
        "_csrf_token": token,
        "customer_id": str(world.account.id),
        "sku_1": world.valve.sku,
        "qty_1": "1",
    }
    assert (await client.post("/staff/orders/new", data=data, follow_redirects=False)).status_code == 403
    assert await db.scalar(select(func.count()).select_from(Order)) == 0


async def test_new_is_not_taken_for_an_order_number(client, db, world):
    await _signed_in_staff(client, world.sales)
    r = await client.get("/staff/orders/new")
    assert r.status_code == 200 and 'name="customer_id"' in r.text


async def test_a_replayed_form_leads_to_the_same_order(client, db, world):
    await _signed_in_staff(client, world.sales)
    data = await _form(client, world)
    first = await client.post("/staff/orders/new", data=data, follow_redirects=False)
    again = await client.post("/staff/orders/new", data=data, follow_redirects=False)
    assert first.status_code == again.status_code == 303
    assert first.headers["location"] == again.headers["location"]
    assert await _placed(db) == 1


async def test_concurrent_posts_of_one_form_make_one_order(client, db, world):
    await _signed_in_staff(client, world.sales)
    data = await _form(client, world)
    results = await asyncio.gather(
        *[client.post("/staff/orders/new", data=data, follow_redirects=False) for _ in range(4)]
    )
    assert {r.status_code for r in results} == {303}
    assert len({r.headers["location"] for r in results}) == 1
    assert await _placed(db) == 1
    assert await db.scalar(select(func.count()).select_from(OutboxMessage)) == 1
