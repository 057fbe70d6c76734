"""Small helpers shared by tests: data factories and signed-in clients."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import TYPE_CHECKING

from litestar.testing import AsyncTestClient
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.passwords import hash_password
from portal.db.catalog import Product
from portal.db.customers import Address, CustomerAccount, CustomerUser
from portal.db.staff import StaffUser
from portal.db.surveys import EmailPreference
from portal.domain.catalog.products import ProductOffer
from portal.domain.orders.actors import Actor

if TYPE_CHECKING:
    from portal.db.orders import Order, OrderAttachment, OrderEvent, OrderLine

PASSWORD = "correct-horse-battery"
_PW_HASH = hash_password(PASSWORD)
_seq = count(1)
CSRF_COOKIE = "portal_csrf"


async def make_account(db: AsyncSession, **kw: object) -> CustomerAccount:
    n = next(_seq)
    account = CustomerAccount(**{"name": f"Account {n}", "credit_limit": Decimal("100000"), **kw})
    db.add(account)
    await db.flush()
    return account


async def make_customer(
    db: AsyncSession, account: CustomerAccount | None = None, *, milestones: bool = False, **kw: object
) -> CustomerUser:
    """A buyer; ``milestones``: they opted in to production milestone e-mails (off by default)."""
    account = account or await make_account(db)
    n = next(_seq)
    user = CustomerUser(
        **{
            "account_id": account.id,
            "email": f"buyer{n}@example.test",
            "name": f"Buyer {n}",
            "password_hash": _PW_HASH,
            **kw,
        }
    )
    db.add(user)
    await db.flush()
    if milestones:
        db.add(EmailPreference(user_id=user.id, milestones=True))
    await db.commit()
    return user


def an_offer(**changes: object) -> ProductOffer:
    """A product offer for the line rule alone: SKU P-1, 1 to 100 a line, voltage 220V or 380V,
    10.00 each, active and unlabelled; every other field None unless ``changes`` sets it."""
    fields: dict[str, object] = dict.fromkeys(ProductOffer.__dataclass_fields__)
    fields |= {"sku": "P-1", "min_order_qty": 1, "max_order_qty": 100, "is_active": True}
    fields |= {"spec_options": {"voltage": ["220V", "380V"]}, "price": Decimal("10.00"), "labels": {}}
    return ProductOffer(**(fields | changes))


def an_address(account_id: int, **kw: object) -> Address:
    """A delivery address of the account, not yet added: Wang, Shanghai, Rd 1 unless ``kw`` says otherwise."""
    return Address(
        **{"account_id": account_id, "recipient": "Wang", "city": "Shanghai", "street": "Rd 1", **kw}
    )


async def buyer_with_address(db: AsyncSession, **kw: object) -> CustomerUser:
    """A buyer (``kw`` as for ``make_customer``) whose account has one delivery address (Wang, phone 1,
    Shanghai, Rd 1), as checkout and the order edit page need; committed."""
    buyer = await make_customer(db, **kw)
    db.add(an_address(buyer.account_id, phone="1"))
    await db.commit()
    return buyer


async def make_staff(db: AsyncSession, *roles: str, **kw: object) -> StaffUser:
    n = next(_seq)
    user = StaffUser(
        **{
            "email": f"staff{n}@example.test",
            "name": f"Staff {n}",
            "roles": list(roles),
            "password_hash": _PW_HASH,
            **kw,
        }
    )
    db.add(user)
    await db.commit()
    return user


async def make_product(db: AsyncSession, **kw: object) -> Product:
    n = next(_seq)
    product = Product(
        **{
            "sku": f"SKU-{n:04d}",
            "name_zh": f"产品 {n}",
            "name_en": f"Product {n}",
            "category": "pumps",
            "list_price": Decimal("100.00"),
            "stock_on_hand": 10,
            "lead_time_days": 5,
            **kw,
        }
    )
    db.add(product)
    await db.commit()
    return product


async def csrf_token(client: AsyncTestClient, path: str = "/login") -> str:
    """The CSRF cookie is only set on safe requests: GET a page first."""
    names = (CSRF_COOKIE, "__Host-" + CSRF_COOKIE)  # the second outside dev mode
    if not any(n in client.cookies for n in names):
        await client.get(path)
    return next(client.cookies[n] for n in names if n in client.cookies)


async def sign_in(client: AsyncTestClient, email: str, password: str = PASSWORD, *, staff: bool = False):
    path = "/staff/login" if staff else "/login"
    token = await csrf_token(client, path)
    return await client.post(
        path, data={"email": email, "password": password, "_csrf_token": token}, follow_redirects=False
    )


async def as_staff(
    client: AsyncTestClient, db: AsyncSession, *roles: str, **kw: object
) -> tuple[StaffUser, str]:
    """A new staff member with ``roles``, signed in on ``client``, and the CSRF token to post with."""
    user = await make_staff(db, *roles, **kw)
    await sign_in(client, user.email, staff=True)
    return user, await csrf_token(client, "/staff/login")


async def post_form(client: AsyncTestClient, path: str, token: str, **fields: str):
    """POST ``fields`` as a form with the CSRF ``token``; a redirect is returned, not followed."""
    return await client.post(path, data={"_csrf_token": token, **fields}, follow_redirects=False)


def field_value(page: str, name: str) -> str:
    """The value of the first ``name="{name}" value="..."`` field on ``page`` (a hidden form field)."""
    return page.split(f'name="{name}" value="')[1].split('"')[0]


async def checkout_form(client: AsyncTestClient, token: str, **fields: str) -> dict[str, str]:
    """The signed-in buyer's checkout form, ready to post: the page's idempotency key and first
    address, the CSRF ``token``, invoice title Acme and a delivery date 30 days out; ``fields`` add
    fields or replace these."""
    from portal import clock

    page = (await client.get("/checkout")).text
    return {
        "_csrf_token": token,
        "idempotency_key": field_value(page, "idempotency_key"),
        "shipping_address_id": field_value(page, "shipping_address_id"),
        "invoice_title": "Acme",
        "requested_delivery_date": (clock.today() + timedelta(days=30)).isoformat(),
        **fields,
    }


def customer_actor(user: CustomerUser) -> Actor:
    """The buyer ``user`` as the domain's actor, for calling verbs directly."""
    return Actor.customer(user_id=user.id, name=user.name, account_id=user.account_id)


def staff_actor(user: StaffUser) -> Actor:
    """The staff member ``user`` as the domain's actor, for calling verbs directly."""
    return Actor.staff(user_id=user.id, name=user.name, roles=user.roles)


async def approve_as(db: AsyncSession, staff: StaffUser, order: Order, **kw: object) -> OrderEvent:
    """``staff`` approves ``order`` through the service verb, at whatever version it stands."""
    from portal.domain.orders import service

    return await service.approve(db, staff_actor(staff), order, expected_version=None, **kw)


def text_of(html: str) -> str:
    """Visible text of a page, tags removed, for assertions on what a user reads."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def make_order(
    db: AsyncSession,
    *,
    customer: CustomerUser | None = None,
    status: str = "draft",
    quantity: int = 2,
    unit_price: Decimal = Decimal("100.00"),
    **kw: object,
):
    """A draft order (the cart) with one line; ``status`` other than draft is set directly."""
    from portal.db.orders import Order
    from portal.domain.orders import pricing

    customer = customer or await make_customer(db)
    product = await make_product(db, list_price=unit_price)
    # "phone": entered for the customer, so one buyer may have many drafts (a web cart is one per buyer)
    order = Order(
        account_id=customer.account_id,
        contact_user_id=customer.id,
        status=status,
        **{"channel": "phone", **kw},
    )
    db.add(order)
    await db.flush()
    line = product_line(order, product, quantity)
    db.add(line)
    pricing.apply_totals(order, [line])
    await db.commit()
    return order


def product_line(order: Order, product: Product, quantity: int, **kw: object) -> OrderLine:
    """A line of ``quantity`` of ``product`` on ``order``, not yet added: the product's SKU, names and
    unit, its list price (or ``unit_price=``) and the line total at that price; ``kw`` sets any other
    column (``position``, ``specs``, ``allocation``...) or overrides a copied one."""
    from portal.db.orders import OrderLine
    from portal.domain.orders import pricing

    price = kw.pop("unit_price", product.list_price)
    copied = {k: getattr(product, k) for k in ("sku", "name_zh", "name_en", "unit")}
    total = pricing.line_total(price, quantity)
    return OrderLine(
        **{"order_id": order.id, "product_id": product.id, "quantity": quantity, **copied, **kw},
        unit_price=price,
        line_total=total,
    )


async def lines_of(db: AsyncSession, order: Order) -> list[OrderLine]:
    """The order's lines as stored now, in their order on the order (position, then id)."""
    from sqlalchemy import select

    from portal.db.orders import OrderLine

    stmt = (
        select(OrderLine)
        .where(OrderLine.order_id == order.id)
        .order_by(OrderLine.position, OrderLine.id)
        .execution_options(populate_existing=True)
    )
    return list(await db.scalars(stmt))


async def add_attachment(db: AsyncSession, order: Order, *, storage_key: str) -> OrderAttachment:
    """A one-byte PDF record attached to ``order`` by its buyer, committed (no file is stored)."""
    from portal.db.orders import OrderAttachment

    attachment = OrderAttachment(
        order_id=order.id,
        filename="d.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        storage_key=storage_key,
        uploaded_by_kind="customer",
    )
    db.add(attachment)
    await db.commit()
    return attachment


async def place_orders(
    db: AsyncSession,
    customer: CustomerUser,
    n: int,
    *,
    product: Product | None = None,
    start: datetime = datetime(2026, 3, 1, tzinfo=UTC),
    status: str = "submitted",
    **kw: object,
):
    """``n`` placed orders of one line each, an hour apart from ``start``, with ``status`` set directly."""
    from portal.db.orders import Order
    from portal.domain.orders import pricing

    product = product or await make_product(db)
    orders = [
        Order(
            account_id=customer.account_id,
            contact_user_id=customer.id,
            status=status,
            submitted_at=start + timedelta(hours=i),
            **kw,
        )
        for i in range(n)
    ]
    db.add_all(orders)
    await db.flush()
    for order in orders:
        order.number = f"SO-2026-{order.id:06d}"
        line = product_line(order, product, 1, name_zh="x", name_en="x")
        db.add(line)
        pricing.apply_totals(order, [line])
    await db.commit()
    return orders


class StatementCounter:
    """Counts the SQL statements the app sends while active (for "no N+1" assertions)."""

    def __init__(self, app) -> None:
        self.engine = app.state[app.state.db_engine_key].sync_engine
        self.count = 0

    def _on_execute(self, *args: object) -> None:
        self.count += 1

    def _on_raw(self, engine: object, _sql: str) -> None:
        if engine is self.engine:
            self.count += 1

    def __enter__(self) -> StatementCounter:
        from sqlalchemy import event

        from portal.db.engine import RAW_STATEMENT_LISTENERS

        event.listen(self.engine, "before_cursor_execute", self._on_execute)
        RAW_STATEMENT_LISTENERS.append(self._on_raw)  # statements sent straight to asyncpg count too
        return self

    def __exit__(self, *exc: object) -> None:
        from sqlalchemy import event

        from portal.db.engine import RAW_STATEMENT_LISTENERS

        event.remove(self.engine, "before_cursor_execute", self._on_execute)
        RAW_STATEMENT_LISTENERS.remove(self._on_raw)
