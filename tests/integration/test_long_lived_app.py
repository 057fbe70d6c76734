"""One app instance serving many requests over a single pooled connection, as a server does for days.

PostgreSQL plans a prepared statement generically from its 6th execution on a connection; a
statement whose meaning depends on a value it receives as a bind parameter (an ON CONFLICT
partial-index predicate) breaks only then. Each test here therefore drives one app whose pool
holds exactly one connection, well past that point, over HTTP.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from decimal import Decimal

import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import event, func, select

from portal import clock
from portal.db.fulfilment import Carrier
from portal.db.orders import Order
from tests.helpers import (
    buyer_with_address,
    checkout_form,
    csrf_token,
    field_value,
    make_product,
    make_staff,
    sign_in,
)

ROUNDS = 20
SECRET = "carrier-test-secret"


@pytest.fixture
async def one_connection_client(settings, clean) -> AsyncIterator[AsyncTestClient]:
    """A client of one app whose engine holds one connection; every response is kept in ``.seen``."""
    from portal.app import create_app

    app = create_app(settings.with_overrides(db_pool_size=1, db_max_overflow=0))
    seen: list[tuple[str, int]] = []

    async def keep(response) -> None:  # noqa: ANN001
        seen.append((f"{response.request.method} {response.request.url.path}", response.status_code))

    async with AsyncTestClient(app=app, base_url="http://testserver.local") as c:
        c.headers["accept-language"] = "en"
        c.event_hooks["response"].append(keep)
        c.seen = seen
        c.engine = app.state[app.state.db_engine_key]
        yield c


def _force_generic_plans(engine) -> list[str]:
    """Every statement on the app's connections is planned generically from its first run, not its 6th.

    Returns the list to which each new connection adds the plan_cache_mode it then runs with.
    """
    assert engine.pool.checkedin() == engine.pool.checkedout() == 0, "no connection opened before"
    opened: list[str] = []

    def on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        cursor = dbapi_connection.cursor()
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        cursor.execute("SHOW plan_cache_mode")
        opened.append(cursor.fetchone()[0])
        cursor.close()

    event.listen(engine.sync_engine, "connect", on_connect)
    return opened


def _failures(client) -> list[tuple[str, int]]:
    return [(what, status) for what, status in client.seen if status >= 500]


async def test_add_to_cart_and_reorder_keep_working_on_one_connection(one_connection_client, db):
    client = one_connection_client
    product = await make_product(db, stock_on_hand=10_000)
    buyer = await buyer_with_address(db, locale="en")
    await sign_in(client, buyer.email)
    token = await csrf_token(client)
    for _ in range(8):
        r = await client.post("/cart/lines", data={"_csrf_token": token, "sku": product.sku, "quantity": "1"})
        assert r.status_code == 200, r.text
    number = await _checkout(client, token)
    for _ in range(8):
        assert (
            await client.post(f"/orders/{number}/reorder", data={"_csrf_token": token})
        ).status_code == 200
    assert _failures(client) == []
    assert client.engine.pool.checkedout() == 0 and client.engine.pool.size() == 1
    cart = await db.scalar(select(Order).where(Order.status == "draft", Order.channel == "web"))
    assert cart.subtotal == Decimal("6400.00")  # 8 reorders of 8 pieces at 100.00


async def test_no_upsert_sends_its_conflict_predicate_as_parameters(one_connection_client, db):
    """The kind, not the instance: every ON CONFLICT target the app sends names its predicate literally."""
    client = one_connection_client
    sent: list[str] = []
    event.listen(client.engine.sync_engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    product = await make_product(db)
    await sign_in(client, (await buyer_with_address(db, locale="en")).email)
    token = await csrf_token(client)
    await client.post("/cart/lines", data={"_csrf_token": token, "sku": product.sku, "quantity": "1"})
    number = await _checkout(client, token)  # numbering upserts too
    await client.post(f"/orders/{number}/reorder", data={"_csrf_token": token})
    upserts = [sql for sql in sent if "ON CONFLICT" in sql]
    assert len(upserts) >= 3, "adding, checking out and reordering each send an upsert"
    for sql in upserts:
        target = sql.split("ON CONFLICT", 1)[1].split(" DO ", 1)[0]
        assert "$" not in target and "%(" not in target, sql
    assert _failures(client) == []


async def _checkout(client, token: str) -> str:
    data = await checkout_form(client, token)
    r = await client.post("/checkout", data=data, follow_redirects=False)
    assert r.status_code == 303, r.text
    return r.headers["location"].rsplit("/", 1)[1]


async def _staff_step(client, db, token: str, number: str, path: str, **fields: object) -> None:
    """Post one staff form with the order's current version (the form's hidden field)."""
    version = await db.scalar(
        select(Order.version).where(Order.number == number).execution_options(populate_existing=True)
    )
    data = {"_csrf_token": token, "version": str(version), **{k: str(v) for k, v in fields.items()}}
    r = await client.post(f"/staff/orders/{number}/{path}", data=data, follow_redirects=False)
    assert r.status_code == 303, (path, r.status_code, r.text[:2000])


async def _accept(client, token: str, number: str) -> None:
    page = (await client.get(f"/orders/{number}/confirmation")).text
    r = await client.post(
        f"/orders/{number}/confirmation/accept",
        data={
            "_csrf_token": token,
            "document_hash": field_value(page, "document_hash"),
            "signer_name": "Wang Wei",
            "agree": "on",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text


async def _deliver(client, tracking_number: str) -> None:
    body = json.dumps(
        {
            "event_id": f"ev-{tracking_number}",
            "tracking_number": tracking_number,
            "status": "delivered",
            "occurred_at": clock.now().isoformat(),
            "location": "Suzhou",
            "note": "",
        }
    ).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    headers = {"x-signature": signature, "content-type": "application/json"}
    assert (await client.post("/webhooks/carriers/acme", content=body, headers=headers)).status_code == 200


async def _one_order(client, db, token: str, sku: str, previous: str | None) -> str:
    """Cart (a new line, or a reorder), checkout, approval, acceptance, production, QC, packing, shipping."""
    if previous is None:
        data = {"_csrf_token": token, "sku": sku, "quantity": "1"}
        assert (await client.post("/cart/lines", data=data)).status_code == 200
    else:
        r = await client.post(f"/orders/{previous}/reorder", data={"_csrf_token": token})
        assert r.status_code == 200
    assert sku in (await client.get("/cart")).text
    number = await _checkout(client, token)
    assert number in (await client.get("/staff/review")).text
    await _staff_step(client, db, token, number, "approve")
    await _accept(client, token, number)
    packed_on = (clock.today() + timedelta(days=10)).isoformat()
    for path, fields in [
        ("production", {"milestone": "planned", "planned_packed": packed_on}),
        ("production", {"milestone": "materials_ready", "done": "on"}),
        ("production", {"milestone": "in_production", "done": "on"}),
        ("qc", {"result": "pass"}),
    ]:
        await _staff_step(client, db, token, number, path, **fields)
    page = (await client.get(f"/staff/orders/{number}")).text
    line = re.search(r'name="pack_(\d+)"', page).group(1)
    await _staff_step(
        client, db, token, number, "pack", **{f"pack_{line}": 1, "weight_kg": "5", "done": "on"}
    )
    shipment = {"carrier": "acme", "tracking_number": f"T-{number}", f"qty_{line}": 1}
    await _staff_step(client, db, token, number, "shipments", **shipment)
    await _deliver(client, f"T-{number}")
    assert (await client.get(f"/orders/{number}")).status_code == 200
    return number


async def test_the_main_journey_twenty_times_through_one_app_and_one_connection(one_connection_client, db):
    """Each statement runs 20 times on the one connection; generic plans are forced so that a statement
    PostgreSQL would keep planning custom (its cost estimate decides) cannot hide the fault."""
    client = one_connection_client
    connections = _force_generic_plans(client.engine)
    db.add(Carrier(code="acme", name="Acme Express", webhook_secret=SECRET))
    product = await make_product(db, stock_on_hand=10_000)
    buyer = await buyer_with_address(db, locale="en")
    staff = await make_staff(db, "reviewer", "production", "logistics")
    await sign_in(client, buyer.email)
    await sign_in(client, staff.email, staff=True)
    token = await csrf_token(client)  # one CSRF cookie serves both sessions
    number = None
    for i in range(ROUNDS):
        number = await _one_order(client, db, token, product.sku, number if i % 2 else None)
    assert _failures(client) == []
    delivered = select(func.count()).select_from(Order).where(Order.status == "delivered")
    assert await db.scalar(delivered) == ROUNDS
    assert connections == ["force_generic_plan"]  # one connection served the whole run
