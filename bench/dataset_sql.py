"""Set-based bulk data for the benchmark: products and orders as ``INSERT … SELECT generate_series``.

Every row is computed by PostgreSQL; Python only sends the shape (the state mix by age, the
event path of each state, the people). Pseudo-random choices come from
``hashint8extended(key, salt)``, so a dataset of the same size is the same on every run.
A million orders (with ~3.5 lines, ~6 events, milestones, shipments and carrier events each,
some 20 million rows) build in a few minutes, in chunks of ``CHUNK`` orders, one transaction each.

Orders get ids and numbers in submission order (``SO-YYYY-NNNNNN`` by Shanghai year, continuing
and advancing ``order_number_counters``). They carry the events, lines, milestones, shipments,
shipment lines and carrier events their state implies (no confirmations, attachments or outbox
rows: the list and order pages read none of them for these states).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from portal.domain.fulfilment.milestones import IN_PRODUCTION, MILESTONES
from portal.domain.orders import states
from portal.domain.orders.states import OrderState as S

CHUNK = 100_000  # orders per transaction
CARRIER = "democarrier"  # created by seed_demo
VAT, SHIPPING_FEE, FREE_SHIPPING_OVER = "0.13", "200.00", "10000.00"
# (sku prefix, zh, en, category): "pump" matches two families of eight, i.e. a quarter of the products
FAMILIES = [
    ("PMP", "离心泵", "Centrifugal pump", "pumps"),
    ("VLV", "闸阀", "Gate valve", "valves"),
    ("MTR", "三相电机", "Three-phase motor", "motors"),
    ("GBX", "减速机", "Gearbox", "gearboxes"),
    ("BRG", "轴承", "Bearing", "bearings"),
    ("SEN", "传感器", "Sensor", "sensors"),
    ("HYD", "液压泵", "Hydraulic pump", "hydraulics"),
    ("PIP", "法兰", "Flange", "piping"),
]
HUBS = ["上海转运中心", "苏州分拨中心", "无锡集散点", "南京转运中心", "杭州分拨中心"]
# (age range in days, weight, {status: weight}); recent orders are still in review, old ones completed.
# The oldest band stretches with the count (OLDEST_PER_DAY orders a day) so no year passes 999,999 numbers.
AGE_BANDS = [
    ((0.0, 2.0), 0.10, {S.SUBMITTED: 70, S.CHANGES_REQUESTED: 8, S.AWAITING_APPROVAL: 10}),
    (
        (2.0, 10.0),
        0.15,
        {S.CONFIRMATION_SENT: 10, S.CONFIRMED: 20, S.IN_PRODUCTION: 50, S.READY_TO_SHIP: 10}
        | {S.CANCELLED: 5, S.REJECTED: 5},
    ),
    ((14.0, 25.0), 0.15, {S.IN_PRODUCTION: 15, S.PARTIALLY_SHIPPED: 15, S.SHIPPED: 35, S.DELIVERED: 35}),
    ((25.0, 365.0), 0.60, {S.DELIVERED: 5, S.COMPLETED: 85, S.CANCELLED: 7, S.REJECTED: 3}),
]
OLDEST_PER_DAY = 1000
# the actions that bring an order to each state: (action, role, to_state)
_MAIN = [
    ("submit", "customer", S.SUBMITTED),
    ("send_confirmation", "reviewer", S.CONFIRMATION_SENT),
    ("accept_confirmation", "customer", S.CONFIRMED),
    ("start_production", "production", S.IN_PRODUCTION),
    ("ready_to_ship", "logistics", S.READY_TO_SHIP),
    ("ship_full", "logistics", S.SHIPPED),
    ("deliver", "system", S.DELIVERED),
    ("confirm_receipt", "customer", S.COMPLETED),
]
PATHS: dict[str, list[tuple[str, str, str]]] = {str(st): _MAIN[: i + 1] for i, (_, _, st) in enumerate(_MAIN)}
PATHS[S.CHANGES_REQUESTED] = [_MAIN[0], ("request_changes", "reviewer", S.CHANGES_REQUESTED)]
PATHS[S.AWAITING_APPROVAL] = [_MAIN[0], ("approve", "reviewer", S.AWAITING_APPROVAL)]
PATHS[S.PARTIALLY_SHIPPED] = [*_MAIN[:5], ("ship_partial", "logistics", S.PARTIALLY_SHIPPED)]
PATHS[S.CANCELLED] = [_MAIN[0], ("cancel_by_customer", "customer", S.CANCELLED)]
PATHS[S.REJECTED] = [_MAIN[0], ("reject", "reviewer", S.REJECTED)]
SHIPPED = [str(s) for s in states.SOMETHING_SHIPPED]
RECEIVED = [str(s) for s in states.RECEIVED]
CONFIRMED = [str(s) for s in (*states.CONFIRMED_UNSHIPPED, *states.SOMETHING_SHIPPED)]
PRODUCED = [s for s in CONFIRMED if s != S.CONFIRMED]  # production milestones exist
IN_REVIEW = [str(s) for s in states.IN_REVIEW]


def rnd(key: str, salt: int) -> str:
    """SQL for a uniform pseudo-random float8 in [0, 1) determined by ``key`` (a bigint expression)."""
    return f"((hashint8extended(({key})::bigint, {salt}) & 2147483647)::float8 / 2147483648.0)"


def padded(value: str, width: int) -> str:
    """SQL: ``value`` zero-padded to at least ``width`` digits (lpad alone would cut longer numbers)."""
    return f"lpad(({value})::text, greatest({width}, length(({value})::text)), '0')"


@dataclass(frozen=True)
class Buyer:
    account_id: int
    user_id: int
    user_name: str
    address: dict[str, str]


# --- products ----------------------------------------------------------------------------------------


async def bulk_products(conn: AsyncConnection, count: int) -> None:
    """``count`` products, the FAMILIES in turn, SKUs ``PMP-B00000``…; 10% made to order, 3% inactive."""
    if count <= 0:
        return
    fam = {k: [f[i] for f in FAMILIES] for i, k in enumerate(("prefix", "zh", "en", "category"))}
    model = f"substr('ABCDEFGHJK', 1 + floor({rnd('g.i', 1)} * 10)::int, 1) || (10 + floor({rnd('g.i', 2)} * 990)::int)"
    await conn.execute(
        text(f"""
        INSERT INTO products (sku, name_zh, name_en, description_zh, description_en, category, unit,
            list_price, stock_on_hand, lead_time_days, made_to_order, min_order_qty, max_order_qty,
            spec_options, labels, is_active)
        SELECT f.prefix || '-B' || {padded("g.i", 5)}, f.zh || ' ' || m.model || '型', f.en || ' ' || m.model,
            f.zh || ' ' || m.model || '型，工业级品质，符合国家标准。',
            f.en || ' ' || m.model || ', industrial grade, to national standards.',
            f.category, 'pcs', round((15 + {rnd("g.i", 3)} * 29985)::numeric, 2),
            CASE WHEN {rnd("g.i", 4)} < 0.1 THEN 0 ELSE floor({rnd("g.i", 5)} * 501)::int END,
            3 + floor({rnd("g.i", 6)} * 43)::int, {rnd("g.i", 4)} < 0.1, 1, 100000,
            CASE WHEN g.i % 3 = 0 THEN '{{"voltage": ["220V", "380V"]}}'::jsonb ELSE '{{}}'::jsonb END,
            '{{}}'::jsonb, {rnd("g.i", 7)} > 0.03
        FROM generate_series(0, :n - 1) AS g(i)
        JOIN unnest(CAST(:prefix AS text[]), CAST(:zh AS text[]), CAST(:en AS text[]),
                    CAST(:category AS text[])) WITH ORDINALITY AS f(prefix, zh, en, category, k)
          ON f.k = g.i % {len(FAMILIES)} + 1
        CROSS JOIN LATERAL (SELECT {model} AS model) AS m
        """),
        {"n": count, **fam},
    )


# --- orders: the plan ----------------------------------------------------------------------------------


def _choices(orders: int) -> list[dict[str, Any]]:
    """The joint (age band, state) distribution as cumulative probability ranges."""
    rows, cumulative = [], 0.0
    for index, ((low, high), weight, mix) in enumerate(AGE_BANDS):
        if index == len(AGE_BANDS) - 1:
            high = max(high, orders * weight / OLDEST_PER_DAY)
        total = sum(mix.values())
        for status, w in mix.items():
            p = weight * w / total
            rows.append(
                {"p_lo": cumulative, "p_hi": cumulative + p, "status": str(status), "lo": low, "hi": high}
            )
            cumulative += p
    rows[-1]["p_hi"] = 2.0  # rounding: every draw in [0, 1) finds a row
    return rows


async def _plan(conn: AsyncConnection, now: datetime, demo: Buyer, demo_orders: int, small: Buyer) -> int:
    """Temp table bench_plan: one row per order to make, ids and numbers assigned; returns the count."""
    await conn.execute(text("DROP TABLE IF EXISTS bench_choice, bench_raw, bench_plan, bench_lines"))
    await conn.execute(
        text("CREATE TEMP TABLE bench_choice (p_lo float8, p_hi float8, status text, lo float8, hi float8)")
    )
    await conn.execute(
        text("INSERT INTO bench_choice VALUES (:p_lo, :p_hi, :status, :lo, :hi)"), _choices(demo_orders)
    )
    await conn.execute(
        text("""CREATE TEMP TABLE bench_raw (i bigint, account_id bigint, user_id bigint, user_name text,
                address jsonb, status text, submitted_at timestamptz)""")
    )
    buyer = {"now": now, "n": demo_orders} | {
        "account": demo.account_id, "user_id": demo.user_id, "name": demo.user_name,
        "address": json.dumps(demo.address, ensure_ascii=False),
    }  # fmt: skip
    await conn.execute(
        text(f"""
        INSERT INTO bench_raw
        SELECT g.i, :account, :user_id, :name, CAST(:address AS jsonb), c.status,
               CAST(:now AS timestamptz) - (c.lo + {rnd("g.i", 12)} * (c.hi - c.lo)) * interval '1 day'
        FROM generate_series(1, :n) AS g(i)
        JOIN bench_choice AS c ON {rnd("g.i", 11)} >= c.p_lo AND {rnd("g.i", 11)} < c.p_hi
        """),
        buyer,
    )
    # the small account: two orders in review, one completed (list pages compared at two sizes)
    await conn.execute(
        text("""
        INSERT INTO bench_raw
        SELECT :n + k, :account, :user_id, :name, CAST(:address AS jsonb), s.status,
               CAST(:now AS timestamptz) - s.age * interval '1 day'
        FROM unnest(CAST(:statuses AS text[]), CAST(:ages AS float8[])) WITH ORDINALITY AS s(status, age, k)
        """),
        {
            "now": now, "n": demo_orders, "account": small.account_id, "user_id": small.user_id,
            "name": small.user_name, "address": json.dumps(small.address, ensure_ascii=False),
            "statuses": [str(S.SUBMITTED), str(S.SUBMITTED), str(S.COMPLETED)], "ages": [0.2, 0.6, 90.0],
        },
    )  # fmt: skip
    base = (await conn.execute(text("SELECT coalesce(max(id), 0) FROM orders"))).scalar_one()
    await conn.execute(
        text(f"""
        CREATE TEMP TABLE bench_plan AS
        SELECT r.*, :base + row_number() OVER (ORDER BY r.submitted_at, r.i) AS order_id,
               'SO-' || y.year || '-' || {
            padded(
                "coalesce(c.last_value, 0) + row_number() OVER "
                "(PARTITION BY y.year ORDER BY r.submitted_at, r.i)",
                6,
            )
        } AS number,
               y.year,
               {rnd("r.i", 13)} < 0.05 AS urgent, {rnd("r.i", 14)} < 0.15 AS phone,
               r.status = :submitted AND {rnd("r.i", 15)} < 0.3 AS claimed,
               1 + floor({rnd("r.i", 16)} * 6)::int AS nlines
        FROM bench_raw AS r
        CROSS JOIN LATERAL (SELECT extract(year FROM r.submitted_at AT TIME ZONE 'Asia/Shanghai')::int AS year) AS y
        LEFT JOIN order_number_counters AS c ON c.year = y.year
        """),
        {"base": base, "submitted": str(S.SUBMITTED)},
    )
    count = (await conn.execute(text("SELECT count(*) FROM bench_plan"))).scalar_one()
    await conn.execute(text("CREATE INDEX ON bench_plan (order_id)"))
    await conn.execute(text("ANALYZE bench_plan"))
    await conn.execute(
        text("SELECT setval(pg_get_serial_sequence('orders', 'id'), :last)"), {"last": base + count}
    )
    await conn.execute(
        text("""
        INSERT INTO order_number_counters (year, last_value)
        SELECT year, max(substr(number, 9)::int) FROM bench_plan GROUP BY year
        ON CONFLICT (year) DO UPDATE SET last_value = excluded.last_value
        """)
    )
    await conn.execute(
        text("""CREATE TEMP TABLE bench_catalog AS SELECT row_number() OVER (ORDER BY id) - 1 AS k,
                id, sku, name_zh, name_en, unit, list_price FROM products""")
    )
    await conn.execute(text("CREATE UNIQUE INDEX ON bench_catalog (k)"))
    path_rows = [
        {"status": status, "step": step, "action": action, "role": role,
         "from_state": str(path[step - 1][2]) if step else str(S.DRAFT), "to_state": str(to_state)}
        for status, path in PATHS.items()
        for step, (action, role, to_state) in enumerate(path)
    ]  # fmt: skip
    await conn.execute(
        text("""CREATE TEMP TABLE bench_path (status text, step int, action text, role text,
                from_state text, to_state text)""")
    )
    await conn.execute(
        text("INSERT INTO bench_path VALUES (:status, :step, :action, :role, :from_state, :to_state)"),
        path_rows,
    )
    return int(count)


# --- orders: one chunk ---------------------------------------------------------------------------------


async def _chunk(
    conn: AsyncConnection, first: int, last: int, staff: dict[str, tuple[int, str]], now: datetime
) -> None:
    """Orders ``first``…``last`` of the plan (by id) with everything their state implies."""
    ids = {"first": first, "last": last, "now": now}
    state_lists = {"shipped": SHIPPED, "received": RECEIVED, "confirmed": CONFIRMED, "produced": PRODUCED}
    cat = (await conn.execute(text("SELECT count(*) FROM bench_catalog"))).scalar_one()
    await conn.execute(text("DROP TABLE IF EXISTS bench_lines"))
    line_key = "p.order_id * 8 + s.pos"
    await conn.execute(
        text(f"""
        CREATE TEMP TABLE bench_lines AS
        SELECT p.order_id, p.status, s.pos - 1 AS position, c.id AS product_id, c.sku, c.name_zh, c.name_en,
               c.unit, q.quantity, q.unit_price, round(q.unit_price * q.quantity, 2) AS line_total
        FROM bench_plan AS p
        CROSS JOIN LATERAL generate_series(1, p.nlines) AS s(pos)
        JOIN bench_catalog AS c ON c.k = (floor({rnd("p.order_id", 17)} * {cat})::bigint + s.pos) % {cat}
        CROSS JOIN LATERAL (SELECT
            (ARRAY[1, 2, 2, 3, 5, 10, 20, 50])[1 + floor({rnd(line_key, 18)} * 8)::int] AS quantity,
            round(c.list_price * (ARRAY[1, 1, 0.95, 0.9])[1 + floor({rnd(line_key, 19)} * 4)::int], 2)
              AS unit_price) AS q
        WHERE p.order_id BETWEEN :first AND :last
        """),
        ids,
    )
    await conn.execute(
        text(f"""
        INSERT INTO orders (id, number, account_id, contact_user_id, channel, entered_by_staff_id, status,
            priority, currency, subtotal, tax_rate, tax_amount, shipping_fee, total, payment_terms, payment_days,
            requested_delivery_date, promised_delivery_date, shipping_address, invoice_title, tax_id,
            special_requirements, assignee_staff_id, approval_level, version, submitted_at, claimed_at,
            review_started_at, tracking_link_version, delivery_estimate, delivered_at, backorder_choice,
            backorder_substitute_sku, created_at, updated_at)
        SELECT p.order_id, p.number, p.account_id, p.user_id, CASE WHEN p.phone THEN 'phone' ELSE 'web' END,
            CASE WHEN p.phone THEN {int(staff["sales"][0])} END, p.status, CASE WHEN p.urgent THEN 'urgent' ELSE 'normal' END,
            'CNY', t.subtotal, {VAT}, t.tax, t.fee, t.subtotal + t.fee + t.tax, 'net', 30,
            (p.submitted_at + interval '21 days')::date,
            CASE WHEN p.status = ANY(:confirmed) THEN (p.submitted_at + interval '20 days')::date END,
            p.address, '演示制造有限公司', '91310000MA1FL8XQ3K', '', CASE WHEN p.claimed THEN {int(staff["reviewer"][0])} END, 0,
            (SELECT count(*) + 1 FROM bench_path AS b WHERE b.status = p.status), p.submitted_at,
            CASE WHEN p.claimed THEN p.submitted_at + interval '30 minutes' END,
            CASE WHEN p.status = ANY(:in_review) THEN p.submitted_at END, 1,
            CASE WHEN p.status = ANY(:confirmed) THEN (p.submitted_at + interval '18 days')::date END,
            CASE WHEN p.status = ANY(:received) THEN least(p.submitted_at + interval '12 days', CAST(:now AS timestamptz)) END, '', '',
            p.submitted_at - (5 + floor({rnd("p.order_id", 20)} * 595)) * interval '1 minute',
            least(p.submitted_at + interval '1 day', CAST(:now AS timestamptz))
        FROM bench_plan AS p
        JOIN (SELECT order_id, sum(line_total) AS subtotal FROM bench_lines GROUP BY order_id) AS l USING (order_id)
        CROSS JOIN LATERAL (SELECT l.subtotal,
            CASE WHEN l.subtotal >= {FREE_SHIPPING_OVER} THEN 0.00 ELSE {SHIPPING_FEE} END AS fee) AS f
        CROSS JOIN LATERAL (SELECT f.subtotal, f.fee, round((f.subtotal + f.fee) * {VAT}, 2) AS tax) AS t
        WHERE p.order_id BETWEEN :first AND :last
        """),
        ids | state_lists | {"in_review": IN_REVIEW},
    )
    shipped_qty = "CASE WHEN status = ANY(:shipped) AND NOT (status = :partial AND position % 2 = 1) THEN quantity ELSE 0 END"
    await conn.execute(
        text(f"""
        INSERT INTO order_lines (order_id, product_id, position, sku, name_zh, name_en, specs, labels, quantity,
            unit, unit_price, line_total, allocation, reserved_qty, shipped_qty)
        SELECT order_id, product_id, position, sku, name_zh, name_en, '{{}}', '{{}}', quantity, unit, unit_price,
            line_total, CASE WHEN status = ANY(:confirmed) THEN 'reserved' ELSE '' END,
            CASE WHEN status = ANY(:confirmed) THEN quantity - {shipped_qty} ELSE 0 END, {shipped_qty}
        FROM bench_lines
        """),
        state_lists | {"partial": str(S.PARTIALLY_SHIPPED)},
    )
    await _timeline(conn, ids, staff)
    await _fulfilment(conn, ids | state_lists, staff)


async def _timeline(conn: AsyncConnection, ids: dict[str, Any], staff: dict[str, tuple[int, str]]) -> None:
    roles = sorted({role for path in PATHS.values() for _, role, _ in path} - {"customer", "system"})
    await conn.execute(
        text("""
        INSERT INTO order_events (order_id, at, actor_kind, actor_id, actor_name, role, action, from_state,
            to_state, note, ip, public, data)
        SELECT p.order_id, least(p.submitted_at + b.step * interval '36 hours', CAST(:now AS timestamptz)),
            CASE b.role WHEN 'customer' THEN 'customer' WHEN 'system' THEN 'system' ELSE 'staff' END,
            CASE b.role WHEN 'customer' THEN p.user_id WHEN 'system' THEN NULL ELSE s.id END,
            CASE b.role WHEN 'customer' THEN p.user_name WHEN 'system' THEN 'carrier' ELSE s.name END,
            b.role, b.action, b.from_state, b.to_state,
            CASE WHEN b.action = 'request_changes' THEN '请补充图纸' ELSE '' END, NULL, b.action <> 'approve', '{}'
        FROM bench_plan AS p
        JOIN bench_path AS b ON b.status = p.status
        LEFT JOIN unnest(CAST(:roles AS text[]), CAST(:ids AS bigint[]), CAST(:names AS text[])) AS s(role, id, name)
          ON s.role = b.role
        WHERE p.order_id BETWEEN :first AND :last
        ORDER BY p.order_id, b.step
        """),
        ids | {"roles": roles, "ids": [staff[r][0] for r in roles], "names": [staff[r][1] for r in roles]},
    )


async def _fulfilment(
    conn: AsyncConnection, params: dict[str, Any], staff: dict[str, tuple[int, str]]
) -> None:
    await conn.execute(
        text("""
        INSERT INTO production_milestones (order_id, milestone, planned_date, actual_date, progress, note,
            updated_at, updated_by)
        SELECT p.order_id, m.milestone, (p.submitted_at + (3 + m.k) * interval '1 day')::date,
            CASE WHEN p.status <> :in_production OR m.k <= 2 THEN (p.submitted_at + (3 + m.k) * interval '1 day')::date END,
            CASE WHEN p.status <> :in_production OR m.k <= 2 THEN 100 WHEN m.milestone = :in_production THEN 40 ELSE 0 END,
            '', least(p.submitted_at + (3 + m.k) * interval '1 day', CAST(:now AS timestamptz)), 'Production Demo 生产'
        FROM bench_plan AS p
        CROSS JOIN unnest(CAST(:milestones AS text[])) WITH ORDINALITY AS m(milestone, k)
        WHERE p.order_id BETWEEN :first AND :last AND p.status = ANY(:produced)
        """),
        params | {"milestones": list(MILESTONES), "in_production": IN_PRODUCTION},
    )
    await conn.execute(
        text(f"""
        INSERT INTO shipments (order_id, carrier_code, tracking_number, status, shipped_at, eta, delivered_at,
            shipped_by)
        SELECT p.order_id, :carrier, 'DX' || {padded("p.order_id", 10)},
            CASE WHEN p.status = ANY(:received) THEN 'delivered' ELSE 'in_transit' END,
            least(p.submitted_at + interval '9 days', CAST(:now AS timestamptz) - interval '3 days'),
            (p.submitted_at + interval '12 days')::date,
            CASE WHEN p.status = ANY(:received) THEN least(p.submitted_at + interval '12 days', CAST(:now AS timestamptz)) END, :by
        FROM bench_plan AS p
        WHERE p.order_id BETWEEN :first AND :last AND p.status = ANY(:shipped)
        """),
        params | {"carrier": CARRIER, "by": staff["logistics"][1]},
    )
    await conn.execute(
        text("""
        INSERT INTO shipment_lines (shipment_id, order_line_id, quantity)
        SELECT s.id, l.id, l.shipped_qty
        FROM shipments AS s JOIN order_lines AS l ON l.order_id = s.order_id
        WHERE s.order_id BETWEEN :first AND :last AND l.shipped_qty > 0
        """),
        params,
    )
    await conn.execute(
        text("""
        INSERT INTO carrier_events (shipment_id, carrier_code, event_id, status, exception_kind, occurred_at,
            location, note, source, recorded_at)
        SELECT s.id, s.carrier_code, 'bulk-' || s.id || '-' || e.k, e.status, '',
            s.shipped_at + e.hours * interval '1 hour', (CAST(:hubs AS text[]))[1 + e.k % :n_hubs], '', 'webhook',
            s.shipped_at + e.hours * interval '1 hour' + interval '1 minute'
        FROM shipments AS s
        CROSS JOIN LATERAL (VALUES (0, 'in_transit', 6), (1, 'in_transit', 30), (2, 'out_for_delivery', 60),
                                   (3, 'delivered', 70)) AS e(k, status, hours)
        WHERE s.order_id BETWEEN :first AND :last AND (e.k < 3 OR s.delivered_at IS NOT NULL)
        """),
        params | {"hubs": HUBS, "n_hubs": len(HUBS)},
    )


async def bulk_orders(
    connect: Callable[[], Any],
    *,
    now: datetime,
    demo: Buyer,
    demo_orders: int,
    small: Buyer,
    staff: dict[str, tuple[int, str]],
    progress: Callable[[str], None] = lambda _m: None,
) -> int:
    """``demo_orders`` orders of the demo buyer and three of the small account; returns how many were made.

    ``connect()`` gives an ``AsyncConnection`` context (``engine.connect()``): one connection keeps
    the temp tables, each chunk is committed. ``staff``: role → (id, name) of one-role staff.
    Foreign-key triggers are skipped while loading when the role may (``session_replication_role``,
    superusers): the rows are made consistent by construction and checked by the tests.
    """
    async with connect() as conn:
        relaxed = await _relax_checks(conn)
        count = await _plan(conn, now, demo, demo_orders, small)
        await conn.commit()
        first, last = (await conn.execute(text("SELECT min(order_id), max(order_id) FROM bench_plan"))).one()
        start = first
        while first is not None and start <= last:
            end = min(start + CHUNK - 1, last)
            await _chunk(conn, start, end, staff, now)
            await conn.commit()
            progress(f"orders {end - first + 1:,} of {count:,}")
            start = end + 1
        if relaxed:
            await conn.execute(text("SET session_replication_role = origin"))
        await conn.execute(
            text(
                "DROP TABLE IF EXISTS bench_choice, bench_raw, bench_plan, bench_lines, bench_catalog, bench_path"
            )
        )
        await conn.commit()
    return count


async def _relax_checks(conn: AsyncConnection) -> bool:
    try:
        async with conn.begin_nested():
            await conn.execute(text("SET session_replication_role = replica"))
    except Exception:  # noqa: BLE001 - not a superuser: load with the triggers, only slower
        return False
    return True
