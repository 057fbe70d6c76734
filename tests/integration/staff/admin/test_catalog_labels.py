"""Units, categories and spec options carry zh and en labels; pages show the reader's, else the other."""

from __future__ import annotations

from sqlalchemy import select

from portal.db.catalog import Product
from portal.db.demo import PRODUCTS
from portal.db.demo_labels import labels_for
from portal.domain.catalog.categories import category_label
from portal.domain.catalog.labels import parse_terms, term
from portal.domain.catalog.units import unit_label
from portal.i18n import using_locale
from tests.helpers import csrf_token, make_customer, post_form, sign_in, text_of

FORM = {
    "sku": "HOSE-1",
    "name_zh": "软管",
    "name_en": "Hose",
    "category": "hoses",
    "unit": "roll",
    "list_price": "80.00",
    "stock_on_hand": "50",
    "lead_time_days": "3",
    "min_order_qty": "1",
    "max_order_qty": "500",
    "spec_options": "diameter: 25mm\nlining: rubber, silicone",
    "is_active": "on",
    "unit_zh": "卷",
    "unit_en": "roll",
    "category_zh": "软管",
    "category_en": "",  # only Chinese: English readers get it too rather than a code
    "spec_labels": "diameter = 内径 / Diameter\nlining = 内衬 / Lining\nsilicone = 硅胶 /",
}


async def test_admin_labels_show_in_the_readers_language(client, db, admin):
    _, token = admin
    r = await post_form(client, "/staff/admin/products", token, **FORM)
    assert r.status_code == 303
    product = await db.scalar(select(Product).where(Product.sku == "HOSE-1"))
    assert product.labels["unit"] == {"zh": "卷", "en": "roll"} and product.labels["category"] == {
        "zh": "软管"
    }
    form = text_of((await client.get(r.headers["location"])).text)
    assert "diameter = 内径 / Diameter" in form
    log = text_of((await client.get("/staff/admin/audit", params={"entity": "product", "lang": "en"})).text)
    assert (
        "Chinese and English labels" in log and "Unit: 卷 / roll" in log and "lining = 内衬 / Lining" in log
    )
    buyer = await make_customer(db)
    await sign_in(client, buyer.email)
    zh = text_of((await client.get("/catalog/HOSE-1", params={"lang": "zh_CN"})).text)
    assert "内径" in zh and "内衬" in zh and "硅胶" in zh and "/ 卷" in zh and "软管" in zh
    en = text_of((await client.get("/catalog/HOSE-1", params={"lang": "en"})).text)
    assert "Diameter" in en and "Lining" in en and "/ roll" in en
    assert "硅胶" in en and "软管" in en  # no English label: the Chinese one, not the code
    listing = text_of((await client.get("/catalog", params={"lang": "zh_CN"})).text)
    assert "软管" in listing and "hoses" not in listing
    token = await csrf_token(client, "/catalog/HOSE-1")
    spec = {"spec_diameter": "25mm", "spec_lining": "silicone"}
    r = await client.post(
        "/cart/lines", data={"_csrf_token": token, "sku": "HOSE-1", "quantity": "2", **spec}
    )
    assert r.status_code < 400
    cart = text_of((await client.get("/cart", params={"lang": "zh_CN"})).text)
    assert "内衬：硅胶" in cart and "卷" in cart and "lining" not in cart  # the line keeps the labels


async def test_a_malformed_label_line_is_refused_and_nothing_saved(client, db, admin):
    _, token = admin
    r = await client.post(
        "/staff/admin/products", data={**FORM, "spec_labels": "no equals sign", "_csrf_token": token}
    )
    assert r.status_code == 422
    assert await db.scalar(select(Product.id).where(Product.sku == "HOSE-1")) is None


def test_labels_fall_back_to_the_other_language_then_the_built_in_word_then_the_code():
    own = {"unit": {"en": "roll"}, "terms": parse_terms("lining = 内衬 / Lining")}
    with using_locale("zh_CN"):
        assert unit_label("roll", own) == "roll" and term("lining", own) == "内衬"
        assert unit_label("pcs") == "件" and category_label("pumps") == "泵" and term("380V", own) == "380V"
    with using_locale("en"):
        assert term("lining", own) == "Lining" and unit_label("set") == "set"


def test_every_demo_unit_category_and_spec_name_has_both_labels():
    for _sku, _zh, _en, category, unit, *_rest, specs in PRODUCTS:
        own = labels_for(category, unit, specs)
        assert own["unit"]["zh"] and own["unit"]["en"] and own["category"]["zh"] and own["category"]["en"]
        assert set(specs) <= set(own["terms"]), specs
