"""Pages and e-mails use the word that fits where it stands: logistics card, check lists, audit, footers."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from portal import clock
from portal.db.outbox import OutboxMessage
from portal.db.staff import StaffUser
from portal.domain.notifications.render import EmailRenderer
from portal.domain.orders import service, watchdog
from portal.domain.people import invitations
from portal.jinja import make_environment
from tests.fulfilment_helpers import confirmed, customer_actor, ready_to_ship, staff_actor
from tests.helpers import as_staff, make_customer, make_order, make_staff, sign_in, text_of

ZH = {"accept-language": "zh-CN"}
CUSTOMER_FOOTER = "contact your sales representative"


def _heading(html: str, element_id: str) -> str:
    return re.search(rf'<h2 id="{element_id}">(.*?)</h2>', html, re.S).group(1).strip()


async def test_staff_order_page_in_chinese_titles_the_logistics_card_not_the_fee(client, db):
    _, order = await ready_to_ship(db)
    clerk = await make_staff(db, "logistics", locale="zh_CN")
    await sign_in(client, clerk.email, staff=True)
    html = (await client.get(f"/staff/orders/{order.number}", headers=ZH)).text
    assert '<html lang="zh-CN">' in html
    assert _heading(html, "shipping-h") == "发货与物流"
    assert "<dt>运费</dt>" in html  # the fee in the totals keeps its word


async def test_review_checks_list_missing_fields_with_the_enumeration_comma(client, db):
    buyer = await make_customer(db)
    order = await make_order(db, customer=buyer)  # no address, date, invoice title or tax ID
    await service.submit(db, customer_actor(buyer), order)
    await db.commit()
    reviewer = await make_staff(db, "reviewer", locale="zh_CN")
    await sign_in(client, reviewer.email, staff=True)
    page = text_of((await client.get(f"/staff/orders/{order.number}", headers=ZH)).text)
    assert "缺少：收货地址、期望交货日期、发票抬头、税号。" in page
    reviewer.locale = "en"
    await db.commit()
    await sign_in(client, reviewer.email, staff=True)
    page = text_of((await client.get(f"/staff/orders/{order.number}")).text)
    assert "Missing: delivery address, requested date, invoice title, tax ID." in page


async def test_audit_log_calls_an_accounts_name_the_company_name(client, db):
    admin, token = await as_staff(client, db, "admin", locale="zh_CN")
    form = {
        "name": "甲乙机械有限公司",
        "credit_limit": "1000",
        "payment_terms": "prepaid",
        "payment_days": "0",
    }
    form |= {
        "default_locale": "zh_CN",
        "is_active": "on",
        "invoice_title": "甲乙机械",
        "tax_id": "91310000MA1FL8XQ37",
    }
    r = await client.post("/staff/admin/accounts", data={**form, "_csrf_token": token}, headers=ZH)
    assert r.status_code < 400, r.text
    log = (await client.get("/staff/admin/audit?entity=customer_account", headers=ZH)).text
    assert re.search(r"<dt>公司名称</dt>\s*<dd><ins>甲乙机械有限公司</ins>", log)
    assert "<dt>姓名</dt>" not in log


async def _mails_to_staff_and_customer(db) -> tuple[list[OutboxMessage], list[OutboxMessage]]:
    """One e-mail from each path that writes to staff (order notice, SLA watchdog, invitation)."""
    sales, reviewer = await make_staff(db, "sales"), await make_staff(db, "reviewer")
    await confirmed(db)  # the signed confirmation is announced to sales
    buyer = await make_customer(db)
    late = await make_order(db, customer=buyer)
    await service.submit(db, customer_actor(buyer), late, now=clock.now() - timedelta(hours=30))
    await watchdog.alert_overdue_reviews(db)
    await invitations.invite(db, staff_actor(sales), user_kind="staff", user=reviewer)
    await db.commit()
    rows = (await db.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    staff_mail = set((await db.scalars(select(StaffUser.email))).all())
    return [m for m in rows if m.recipient in staff_mail], [m for m in rows if m.recipient not in staff_mail]


async def test_staff_e_mails_do_not_send_staff_to_a_sales_representative(db):
    to_staff, to_customers = await _mails_to_staff_and_customer(db)
    assert {m.template for m in to_staff} == {"order_confirmed", "review_sla_breached", "invitation"}
    assert to_customers and {m.template for m in to_customers} >= {"order_received", "confirmation_ready"}
    renderer = EmailRenderer(make_environment(), base_url="https://portal.example")
    for message in to_staff:
        zh = renderer.render(message.template, locale="zh_CN", context=message.context).html
        en = renderer.render(message.template, locale="en", context=message.context).html
        assert "此邮件由订单门户自动发送，请勿直接回复。" in zh and "销售代表" not in zh, message.template
        assert "Please do not reply to it." in en and CUSTOMER_FOOTER not in en, message.template
    for message in to_customers:
        en = renderer.render(message.template, locale="en", context=message.context).html
        assert CUSTOMER_FOOTER in en, message.template
