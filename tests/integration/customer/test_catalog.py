"""The catalog: search, filter, pages, availability and the account's prices, in few statements."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

from sqlalchemy import event

from portal.db.catalog import AccountPrice
from tests.helpers import make_customer, make_product, sign_in, text_of

CARD = 'class="product-card"'


def _skus(page: str) -> list[str]:
    return re.findall(r'<span class="product-sku">([^<]+)</span>', page)


def _next_url(page: str) -> str | None:
    found = re.search(r'<a class="button primary" rel="next" href="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else None


@contextmanager
def counting_statements(client) -> Iterator[list[str]]:
    """Every SQL statement the app's engine sends while the block runs."""
    engine = client.app.state[client.app.state.db_engine_key].sync_engine
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


async def _signed_in(client, db):
    buyer = await make_customer(db)
    await sign_in(client, buyer.email)
    return buyer


async def test_search_by_sku_is_case_insensitive_substring(client, db):
    await _signed_in(client, db)
    await make_product(db, sku="VLV-2040-SS")
    await make_product(db, sku="PMP-1000")
    page = (await client.get("/catalog", params={"q": "2040-ss"})).text
    assert _skus(page) == ["VLV-2040-SS"]


async def test_search_by_chinese_name(client, db):
    await _signed_in(client, db)
    await make_product(db, sku="A-1", name_zh="不锈钢球阀", name_en="Stainless ball valve")
    await make_product(db, sku="A-2", name_zh="离心泵", name_en="Centrifugal pump")
    page = (await client.get("/catalog", params={"q": "球阀"})).text
    assert _skus(page) == ["A-1"]


async def test_search_by_english_name_ignores_case(client, db):
    await _signed_in(client, db)
    await make_product(db, sku="A-1", name_en="Stainless Ball Valve")
    await make_product(db, sku="A-2", name_en="Centrifugal pump")
    page = (await client.get("/catalog", params={"q": "BALL valve"})).text
    assert _skus(page) == ["A-1"]
    assert "Stainless Ball Valve" in text_of(page)


async def test_percent_and_underscore_are_taken_literally(client, db):
    await _signed_in(client, db)
    await make_product(db, sku="AB_1")
    await make_product(db, sku="ABX1")
    assert _skus((await client.get("/catalog", params={"q": "b_1"})).text) == ["AB_1"]
    page = (await client.get("/catalog", params={"q": "%"})).text
    assert _skus(page) == [] and "No products match your search." in text_of(page)


async def test_category_filter_and_its_choices(client, db):
    await _signed_in(client, db)
    await make_product(db, sku="P-1", category="pumps")
    await make_product(db, sku="V-1", category="valves")
    await make_product(db, sku="X-1", category="retired", is_active=False)
    page = (await client.get("/catalog", params={"category": "valves"})).text
    assert _skus(page) == ["V-1"]
    options = re.findall(r'<option value="([^"]*)"', page)
    assert options == ["", "pumps", "valves"]  # only categories with active products
    assert '<option value="valves" selected>' in page


async def test_pages_of_24_continue_after_the_last_sku(client, db):
    await _signed_in(client, db)
    for n in range(30):
        await make_product(db, sku=f"FLG-{n:03d}", category="flanges")
    await make_product(db, sku="ZZZ-OTHER", category="other")
    first = (await client.get("/catalog", params={"category": "flanges"})).text
    assert first.count(CARD) == 24
    next_url = _next_url(first)
    assert next_url and "category=flanges" in next_url and "after=FLG-023" in next_url
    second = (await client.get(next_url)).text
    assert second.count(CARD) == 6 and _next_url(second) is None
    assert set(_skus(first)).isdisjoint(_skus(second))
    assert sorted(_skus(first) + _skus(second)) == [f"FLG-{n:03d}" for n in range(30)]


async def test_availability_wording(client, db):
    await _signed_in(client, db)
    await make_product(db, sku="S-1", stock_on_hand=12, lead_time_days=5)
    await make_product(db, sku="S-2", stock_on_hand=0, lead_time_days=7)
    await make_product(db, sku="S-3", stock_on_hand=50, lead_time_days=20, made_to_order=True)
    page = text_of((await client.get("/catalog")).text)
    cards = re.findall(
        r"(S-\d) .*?(in stock|made to order, ships in about \d+ days|ships in about \d+ days)", page
    )
    assert cards == [
        ("S-1", "in stock"),
        ("S-2", "ships in about 7 days"),
        ("S-3", "made to order, ships in about 20 days"),
    ]
    assert page.count("in stock") == 1


async def test_prices_are_the_accounts_own(client, db):
    buyer = await _signed_in(client, db)
    product = await make_product(db, sku="PR-1", list_price=Decimal("120.00"))
    db.add(AccountPrice(account_id=buyer.account_id, product_id=product.id, price=Decimal("98.50")))
    await db.commit()
    for path in ("/catalog", "/catalog/PR-1"):
        page = text_of((await client.get(path)).text)
        assert "CN¥98.50" in page and "List price CN¥120.00" in page, path

    other = await make_customer(db)
    await sign_in(client, other.email)
    for path in ("/catalog", "/catalog/PR-1"):
        page = text_of((await client.get(path)).text)
        assert "CN¥120.00" in page and "98.50" not in page, path


async def test_product_page_offers_its_spec_options(client, db):
    await _signed_in(client, db)
    await make_product(
        db,
        sku="MTR-7",
        name_zh="三相电机",
        name_en="Three-phase motor",
        description_en="IE3 efficiency, cast iron frame.",
        description_zh="IE3能效，铸铁机壳。",
        unit="set",
        min_order_qty=2,
        max_order_qty=40,
        spec_options={"voltage": ["220V", "380V"], "mounting": ["B3", "B5"]},
    )
    r = await client.get("/catalog/MTR-7")
    assert r.status_code == 200
    page = r.text
    shown = text_of(page)
    assert "三相电机" in shown and "Three-phase motor" in shown
    assert "IE3 efficiency" in shown and "铸铁机壳" not in shown
    form = re.search(r'<form class="form add-to-cart".*?</form>', page, re.S).group(0)
    assert (
        'action="/cart/lines"' in form
        and 'hx-post="/cart/lines"' in form
        and 'hx-target="#cart-status"' in form
    )
    assert 'name="_csrf_token"' in form and '<input type="hidden" name="sku" value="MTR-7">' in form
    quantity = re.search(r'<input id="quantity"[^>]*>', form, re.S).group(0)
    for attr in ('name="quantity"', 'min="2"', 'max="40"', 'step="1"', 'value="2"'):
        assert attr in quantity, attr
    assert re.search(r'<label for="spec-1">voltage</label>\s*<select id="spec-1" name="spec_voltage"', form)
    assert re.findall(
        r'name="spec_mounting".*?<option value="(\w+)">.*?<option value="(\w+)">', form, re.S
    ) == [("B3", "B5")]
    assert '<div id="cart-status" aria-live="polite"></div>' in page


async def test_names_follow_the_viewers_language(client, db):
    await _signed_in(client, db)
    await make_product(db, sku="L-1", name_zh="闸阀", name_en="Gate valve")
    client.headers["accept-language"] = "zh-CN"
    page = text_of((await client.get("/catalog")).text)
    assert "闸阀" in page and "Gate valve" not in page


async def test_inactive_product_is_hidden_and_its_page_is_404(client, db):
    await _signed_in(client, db)
    await make_product(db, sku="OLD-1", name_en="Discontinued pump", is_active=False)
    await make_product(db, sku="NEW-1")
    assert _skus((await client.get("/catalog", params={"q": "pump"})).text) == []
    assert _skus((await client.get("/catalog")).text) == ["NEW-1"]
    assert (await client.get("/catalog/OLD-1")).status_code == 404
    assert (await client.get("/catalog/NO-SUCH-SKU")).status_code == 404


async def test_signed_out_visitor_is_sent_to_sign_in(client, db):
    await make_product(db, sku="P-1")
    r = await client.get("/catalog?q=pump", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fcatalog%3Fq%3Dpump"
    r = await client.get("/catalog/P-1", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fcatalog%2FP-1"


async def test_htmx_search_gets_only_the_results_block(client, db):
    await _signed_in(client, db)
    await make_product(db, sku="H-1", name_en="Hose clamp")
    r = await client.get(
        "/catalog", params={"q": "hose"}, headers={"HX-Request": "true", "HX-Target": "results"}
    )
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<section id="results"') and "<html" not in r.text
    assert _skus(r.text) == ["H-1"]


async def test_statement_count_does_not_grow_with_the_results(client, db):
    await _signed_in(client, db)
    for n in range(5):
        await make_product(db, sku=f"BLT-{n:03d}", name_en=f"Hex bolt M{n}")
    await client.get("/catalog")  # warm up: connection set-up statements are not the page's
    with counting_statements(client) as few:
        page = (await client.get("/catalog", params={"q": "hex bolt"})).text
    assert page.count(CARD) == 5
    for n in range(5, 60):
        await make_product(db, sku=f"BLT-{n:03d}", name_en=f"Hex bolt M{n}")
    with counting_statements(client) as many:
        page = (await client.get("/catalog", params={"q": "hex bolt"})).text
    assert page.count(CARD) == 24
    assert len(few) == len(many) == 1, many  # the page and its category filter in one statement
