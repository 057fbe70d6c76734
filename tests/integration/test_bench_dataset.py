"""The benchmark's dataset, built small through the same code as `make bench` (set-based SQL in
several chunks), is coherent: counts, totals, timelines, shipments, and readable by the pages."""

from __future__ import annotations

import argparse
from decimal import Decimal

import pytest
from bench import dataset_sql
from bench.dataset import PRESETS, generate, order_count
from sqlalchemy import text

from portal.auth.tracking_links import TrackingLinks
from tests.helpers import sign_in

DEMO_PASSWORD = "demo-password"
ORDERS = 40


def test_order_presets():
    assert order_count("10k") == 10_000 == PRESETS["10k"]
    assert order_count("1M") == 1_000_000
    assert order_count("2_500") == 2500
    with pytest.raises(argparse.ArgumentTypeError):
        order_count("lots")
    with pytest.raises(argparse.ArgumentTypeError):
        order_count("0")


@pytest.fixture
async def dataset(settings, clean, monkeypatch):  # noqa: ANN001
    monkeypatch.setattr(dataset_sql, "CHUNK", 9)  # several chunks, as a million orders are built
    return await generate(settings.database_url, products=48, orders=ORDERS)


async def _scalar(db, sql: str, **params):  # noqa: ANN001, ANN202
    return (await db.execute(text(sql), params)).scalar_one()


async def test_counts_and_numbers(db, dataset):  # noqa: ANN001
    assert dataset.orders == ORDERS
    assert await _scalar(db, "SELECT count(*) FROM products WHERE sku ~ '^[A-Z]{3}-B[0-9]{5}$'") == 48
    assert dataset.products == await _scalar(db, "SELECT count(*) FROM products")
    placed = "number IS NOT NULL"
    assert (
        await _scalar(
            db, f"SELECT count(*) FROM orders WHERE {placed} AND account_id = :a", a=dataset.demo_account_id
        )
        == ORDERS
    )
    small = await db.execute(
        text(f"SELECT status FROM orders WHERE {placed} AND account_id = :a ORDER BY submitted_at"),
        {"a": dataset.small_account_id},
    )
    assert sorted(small.scalars()) == ["completed", "submitted", "submitted"]
    # numbers: unique, and the counter of each year is at its highest number
    assert await _scalar(db, f"SELECT count(DISTINCT number) = count(*) FROM orders WHERE {placed}")
    assert await _scalar(
        db,
        "SELECT bool_and(c.last_value = m.top) FROM order_number_counters c JOIN (SELECT substr(number, 4, 4)::int "
        "AS year, max(substr(number, 9)::int) AS top FROM orders WHERE number IS NOT NULL GROUP BY 1) m USING (year)",
    )
    # ids follow submission order, and the id sequence is past them
    assert await _scalar(
        db,
        "SELECT bool_and(prev <= submitted_at) FROM (SELECT submitted_at, lag(submitted_at) OVER (ORDER BY id) AS prev "
        "FROM orders WHERE id > :t) s",
        t=dataset.tracking_order_id + 1,
    )
    assert await _scalar(db, "SELECT nextval(pg_get_serial_sequence('orders', 'id')) > max(id) FROM orders")
    assert dataset.cart_lines == 5
    # the planner has statistics of the big tables (an ANALYZE that is rolled back leaves none)
    analyzed = (
        "SELECT count(DISTINCT tablename) FROM pg_stats WHERE schemaname = 'public' AND tablename = ANY(:t)"
    )
    assert await _scalar(db, analyzed, t=["orders", "order_lines", "order_events"]) == 3


async def test_rows_agree_with_each_other(db, dataset):  # noqa: ANN001
    # totals: lines + shipping + VAT
    bad_totals = await _scalar(
        db,
        "SELECT count(*) FROM orders o JOIN (SELECT order_id, sum(line_total) s FROM order_lines GROUP BY 1) l "
        "ON l.order_id = o.id WHERE o.number IS NOT NULL AND (o.subtotal <> l.s OR o.total <> "
        "o.subtotal + o.shipping_fee + o.tax_amount OR o.tax_amount <> round((o.subtotal + o.shipping_fee) * 0.13, 2))",
    )
    assert bad_totals == 0
    assert (
        await _scalar(
            db,
            "SELECT count(*) FROM orders o WHERE NOT EXISTS (SELECT FROM order_lines WHERE order_id = o.id)",
        )
        == 0
    )
    # timelines start with submit and end in the order's state
    rows = (
        await db.execute(
            text(
                "SELECT o.status, array_agg(e.action ORDER BY e.id), array_agg(e.to_state ORDER BY e.id) "
                "FROM orders o JOIN order_events e ON e.order_id = o.id WHERE o.id > :t GROUP BY o.id, o.status"
            ),
            {"t": dataset.tracking_order_id},
        )
    ).all()
    assert len(rows) == ORDERS - 1 + 3
    for status, actions, to_states in rows:
        assert actions[0] == "submit" and to_states[-1] == status
    # shipments: only for shipped states, their lines belong to the same order, 3 or 4 carrier events
    shipped = [str(s) for s in dataset_sql.SHIPPED]
    assert (
        await _scalar(
            db,
            "SELECT count(*) FROM shipments s JOIN orders o ON o.id = s.order_id WHERE NOT o.status = ANY(:s)",
            s=shipped,
        )
        == 0
    )
    assert (
        await _scalar(
            db,
            "SELECT count(*) FROM shipment_lines sl JOIN shipments s ON s.id = sl.shipment_id "
            "JOIN order_lines l ON l.id = sl.order_line_id WHERE l.order_id <> s.order_id OR sl.quantity > l.quantity",
        )
        == 0
    )
    counts = (
        await db.execute(
            text("SELECT count(*) FROM carrier_events WHERE event_id LIKE 'bulk-%' GROUP BY shipment_id")
        )
    ).scalars()
    assert set(counts) <= {3, 4}
    # loaded without foreign-key triggers: no row points at nothing
    for child, parent, column in (
        ("order_lines", "products", "product_id"),
        ("order_events", "orders", "order_id"),
        ("production_milestones", "orders", "order_id"),
        ("shipment_lines", "order_lines", "order_line_id"),
        ("carrier_events", "shipments", "shipment_id"),
    ):
        orphans = f"SELECT count(*) FROM {child} c WHERE NOT EXISTS (SELECT FROM {parent} p WHERE p.id = c.{column})"
        assert await _scalar(db, orphans) == 0, child
    assert await _scalar(db, "SELECT min(total) FROM orders WHERE number IS NOT NULL") > Decimal("0")


async def test_the_pages_read_it(client, settings, db, dataset):  # noqa: ANN001
    newest = await _scalar(
        db,
        "SELECT number FROM orders WHERE account_id = :a AND number IS NOT NULL ORDER BY submitted_at DESC LIMIT 1",
        a=dataset.demo_account_id,
    )
    bulk_shipped = await _scalar(
        db,
        "SELECT number FROM orders WHERE id > :t AND account_id = :a AND status = 'completed' ORDER BY id LIMIT 1",
        t=dataset.tracking_order_id,
        a=dataset.demo_account_id,
    )
    await sign_in(client, "buyer@example.com", DEMO_PASSWORD)
    listing = await client.get("/orders")
    assert listing.status_code == 200 and newest in listing.text
    for number in (dataset.tracking_order_number, bulk_shipped):
        page = await client.get(f"/orders/{number}")
        assert page.status_code == 200 and number in page.text
    cart = await client.get("/cart")
    assert cart.status_code == 200 and "PMP-100" in cart.text and "HYD-B00006" in cart.text
    track = TrackingLinks(settings.secret_key).path(dataset.tracking_order_id, dataset.tracking_link_version)
    tracking = await client.get(track)
    assert tracking.status_code == 200 and "DX-BENCH-0002" in tracking.text
    in_review = await _scalar(
        db,
        "SELECT number FROM orders WHERE status = 'submitted' AND account_id = :a LIMIT 1",
        a=dataset.small_account_id,
    )
    await sign_in(client, "reviewer@example.com", DEMO_PASSWORD, staff=True)
    review = await client.get("/staff/review")
    assert review.status_code == 200 and in_review in review.text
