"""The confirmation PDF is a commercial document: the longest catalog text in full, nothing printed over
anything, seller and buyer, terms, page x of y, Simplified-Chinese glyphs, and the signature once signed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from fontTools.ttLib import TTFont
from sqlalchemy import select

from portal import clock
from portal.db.catalog import Product
from portal.db.customers import CustomerAccount
from portal.db.orders import Confirmation, Order
from portal.domain.catalog.product_edits import MAX_OPTIONS, parse_spec_options
from portal.domain.orders import confirmation_docs, pricing, service
from portal.domain.orders.confirmation_pdf import cjk_font, render_pdf, seller_from
from portal.formatting import moment
from portal.i18n import gettext, using_locale
from tests.helpers import (
    csrf_token,
    customer_actor,
    make_customer,
    make_product,
    make_staff,
    product_line,
    sign_in,
    staff_actor,
)
from tests.pdf_reading import cids_of, overlapping, read_pdf

# the longest values the catalog, checkout and the database allow (String(40)/(200)/(20), spec form limits)
SKU = "VLV-" + "9" * 36
NAME_ZH = "".join(f"不锈钢球阀{i:02d} " for i in range(25))[:200]
NAME_EN = "".join(f"Wide{i:02d}WW " for i in range(25))[:200]
UNIT = "套件" * 10
SPEC_TEXT = "\n".join(
    f"{f'规格{i:02d}' + '径' * 36 if i % 2 else f'Option{i:02d}' + 'W' * 32}: "
    f"{f'值{i:02d}' + '钢' * 57 if i % 2 else ' '.join(['WWWWWWW'] * 7) + f' V{i:02d}' + 'W' * 1}"
    for i in range(MAX_OPTIONS)
)
REGIONAL = "确款"  # in 订单确认书 and 付款: Simplified and Traditional glyphs differ
ADDRESS = {
    "recipient": "收" * 120,
    "phone": "1" * 40,
    "province": "省" * 80,
    "city": "市" * 80,
    "district": "区" * 80,
    "street": "街道" * 150,
    "postal_code": "2" * 20,
}


async def _longest_order(db) -> tuple[Order, Product]:
    buyer = await make_customer(db)
    account = await db.get(CustomerAccount, buyer.account_id)
    account.name = "示例制造" * 50
    options = parse_spec_options(SPEC_TEXT)  # refused if the catalog would not allow it
    assert all(len(k) == 40 and len(v[0]) == 60 for k, v in options.items())
    product = await make_product(
        db, sku=SKU, name_zh=NAME_ZH, name_en=NAME_EN, unit=UNIT, spec_options=options, stock_on_hand=10**6
    )
    price = Decimal("399999.99")  # NUMERIC(14, 2): the total stays below 10^12
    order = Order(
        account_id=buyer.account_id,
        contact_user_id=buyer.id,
        status="draft",
        channel="phone",
        invoice_title="发票抬头" * 50,
        tax_id="9" * 40,
        shipping_address=ADDRESS,
        special_requirements="包装要求：木箱 " * 500,
        requested_delivery_date=clock.today() + timedelta(days=30),
    )
    db.add(order)
    await db.flush()
    specs = {name: choices[0] for name, choices in options.items()}
    lines = [product_line(order, product, 99999, position=n, specs=specs, unit_price=price) for n in range(2)]
    db.add_all(lines)
    pricing.apply_totals(order, lines)
    await db.commit()
    actor = customer_actor(buyer)
    await service.submit(db, actor, order)
    reviewer = await make_staff(db, "reviewer")
    staff = staff_actor(reviewer)
    await service.approve(db, staff, order, expected_version=None, thresholds=[Decimal("10") ** 15])
    await db.commit()
    return order, buyer


async def _pdf(client, number: str, locale: str):
    r = await client.get(f"/orders/{number}/confirmation.pdf", headers={"accept-language": locale})
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    if locale == "zh-CN":
        _assert_simplified_glyphs(r.content)
    return read_pdf(r.content)


def _assert_is_the_document(pdf, snapshot, settings, locale: str) -> None:
    """Everything in full, nothing over anything, seller and page numbers, SC font."""
    assert overlapping(pdf.words) == []
    name = NAME_ZH if locale == "zh_CN" else NAME_EN
    text = pdf.squeezed()
    squeeze = "".join
    expected = [SKU, name, UNIT, snapshot["customer"]["name"], snapshot["customer"]["invoice_title"]]
    expected += [f"{k}:{v}" for k, v in snapshot["lines"][0]["specs"].items()]
    expected += list(ADDRESS.values())
    for value in expected:
        assert squeeze(value.split()) in text, value
    with using_locale(locale):
        footer = squeeze(gettext("Order confirmation %(number)s", number=snapshot["number"]).split())
    body = "".join(page[: page.rfind(footer)] for page in map(pdf.squeezed, range(len(pdf.pages))))
    assert squeeze(snapshot["special_requirements"].split()) in body  # runs on over page breaks
    seller = seller_from(settings, locale)  # the Chinese name and address on a Chinese document
    for value in (seller.name, seller.address, seller.tax_id, seller.phone):
        assert squeeze(value.split()) in text
    pages = len(pdf.pages)
    assert pages > 1
    for n in range(1, pages + 1):
        page = f"第{n}页，共{pages}页" if locale == "zh_CN" else f"Page{n}of{pages}"
        assert page in pdf.squeezed(n - 1)
    assert pdf.fonts and all(font.endswith("+NotoSansCJKSC") for font in pdf.fonts), pdf.fonts


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
async def test_the_longest_order_reads_back_in_full_and_signed(client, db, settings, locale):
    order, buyer = await _longest_order(db)
    doc = (await confirmation_docs.versions(db, order.id))[0]
    await sign_in(client, buyer.email)
    pdf = await _pdf(client, order.number, locale.replace("_", "-"))
    _assert_is_the_document(pdf, doc.snapshot, settings, locale)
    unsigned = "尚未签字" if locale == "zh_CN" else "Notsignedyet"
    assert unsigned in pdf.squeezed() and doc.content_hash in pdf.squeezed()

    token = await csrf_token(client)
    form = {
        "_csrf_token": token,
        "document_hash": doc.content_hash,
        "signer_name": "王伟 Wang Wei",
        "agree": "on",
    }
    r = await client.post(f"/orders/{order.number}/confirmation/accept", data=form, follow_redirects=False)
    assert r.status_code == 303
    signed = await db.scalar(
        select(Confirmation).where(Confirmation.id == doc.id).execution_options(populate_existing=True)
    )
    pdf = await _pdf(client, order.number, locale.replace("_", "-"))
    _assert_is_the_document(pdf, signed.snapshot, settings, locale)
    text = pdf.squeezed()
    with using_locale(locale):
        when = moment(signed.responded_at, "yyyy-MM-dd HH:mm:ss").replace(" ", "")
    shanghai = signed.responded_at.astimezone(clock.BUSINESS_TZ).strftime("%Y-%m-%d%H:%M:%S")
    assert when == shanghai and shanghai in text
    assert "王伟WangWei" in text and unsigned not in text
    # the printed hash is the stored one, and still the hash of the stored snapshot
    assert signed.content_hash in text
    assert signed.content_hash == confirmation_docs.content_hash(signed.snapshot)


async def test_a_snapshot_that_no_longer_matches_its_hash_shows_no_signature(client, db, settings):
    order, buyer = await _longest_order(db)
    doc = (await confirmation_docs.versions(db, order.id))[0]
    doc.status, doc.signer_name, doc.responded_at = "accepted", "Wang Wei", clock.now()
    doc.snapshot = {**doc.snapshot, "total": "1.00"}  # in memory only: what a tampered row would hold
    pdf = read_pdf(render_pdf(doc, locale="en", seller=seller_from(settings)))
    assert "doesnotmatchthesignedfingerprint" in pdf.squeezed() and "WangWei" not in pdf.squeezed()
    await db.rollback()


def _glyphs(family: str) -> dict[int, str]:
    """Character -> glyph name of one face of the font file in use."""
    path, _face = cjk_font()
    for index in range(10):
        face = TTFont(path, fontNumber=index, lazy=True)
        if face["name"].getDebugName(1) == family:
            return face.getBestCmap()
    raise AssertionError(f"{family} is not in {path}")


def test_chinese_is_set_in_the_simplified_chinese_face():
    path, face = cjk_font()
    assert TTFont(path, fontNumber=face, lazy=True)["name"].getDebugName(1) == "Noto Sans CJK SC"
    simplified, traditional = _glyphs("Noto Sans CJK SC"), _glyphs("Noto Sans CJK TC")
    # these are drawn differently in Simplified and Traditional Chinese, so the faces map them apart
    assert all(simplified[ord(c)] != traditional[ord(c)] for c in REGIONAL)


def _assert_simplified_glyphs(content: bytes) -> None:
    """The PDF draws 确, 款 ... with the SC glyphs (CIDs), not the Traditional-Chinese ones."""
    simplified, traditional = _glyphs("Noto Sans CJK SC"), _glyphs("Noto Sans CJK TC")
    for char in REGIONAL:
        assert cids_of(content, char) == {int(simplified[ord(char)][3:])}, char
        assert int(traditional[ord(char)][3:]) not in cids_of(content, char)
