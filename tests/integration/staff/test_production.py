"""Production milestones, QC inspections and packing, through the staff pages; what the customer sees."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import clock
from portal.auth.tracking_links import TrackingLinks
from portal.db.fulfilment import Package, ProductionMilestone, QcInspection
from portal.db.orders import Order, OrderEvent, OrderLine
from portal.db.outbox import OutboxMessage
from portal.domain.fulfilment import production
from portal.domain.fulfilment.milestones import MILESTONES
from portal.domain.notifications.render import EmailRenderer
from portal.jinja import make_environment
from tests.helpers import (
    as_staff,
    make_account,
    make_customer,
    make_order,
    make_staff,
    sign_in,
    staff_actor,
    text_of,
)

pytestmark = pytest.mark.business_midnight

ADDRESS = {
    "recipient": "Li Lei",
    "phone": "13800000000",
    "province": "Jiangsu",
    "city": "Suzhou",
    "district": "SIP",
    "street": "1 Xinghu St",
    "postal_code": "215000",
}
PROMISED = clock.today() + timedelta(days=30)


async def confirmed_order(db, *, buyer=None, quantity=2):
    buyer = buyer or await make_customer(db)
    order = await make_order(
        db,
        customer=buyer,
        status="confirmed",
        quantity=quantity,
        number=None,
        shipping_address=ADDRESS,
        promised_delivery_date=PROMISED,
    )
    order.number = f"SO-2026-{order.id:06d}"
    await db.commit()
    return order


async def current(db, order) -> Order:
    return await db.scalar(
        select(Order).where(Order.id == order.id).execution_options(populate_existing=True)
    )


async def post(client, db, order, token, path, **fields):
    version = (await current(db, order)).version
    data = {"_csrf_token": token, "version": str(version), **{k: str(v) for k, v in fields.items()}}
    return await client.post(f"/staff/orders/{order.number}/{path}", data=data, follow_redirects=False)


async def rows(db, order) -> dict[str, ProductionMilestone]:
    found = await db.scalars(
        select(ProductionMilestone)
        .where(ProductionMilestone.order_id == order.id)
        .execution_options(populate_existing=True)
    )
    return {r.milestone: r for r in found}


async def test_the_whole_way_from_plan_to_ready_to_ship(client, db):
    order = await confirmed_order(
        db, buyer=await make_customer(db, milestones=True)
    )  # opted in to milestone mail
    line_id = await db.scalar(select(OrderLine.id).where(OrderLine.order_id == order.id))
    _, token = await as_staff(client, db, "production")
    packed_on = clock.today() + timedelta(days=20)
    steps = [
        ("production", {"milestone": "planned", "planned_packed": packed_on.isoformat()}),
        ("production", {"milestone": "materials_ready", "done": "on"}),
        ("production", {"milestone": "in_production", "progress": 50, "note": "line 3 only"}),
    ]
    for path, fields in steps:
        assert (await post(client, db, order, token, path, **fields)).status_code == 303
    state = await rows(db, order)
    assert (await current(db, order)).status == "in_production"
    assert state["in_production"].progress == 50 and state["in_production"].actual_date is None
    assert (await current(db, order)).delivery_estimate == packed_on + timedelta(days=production.TRANSIT_DAYS)

    assert (
        await post(client, db, order, token, "production", milestone="in_production", progress=100)
    ).status_code == 303
    r = await post(client, db, order, token, "qc", result="rework", note="burrs on the flange")
    assert r.status_code == 303
    state = await rows(db, order)
    assert state["in_production"].actual_date is None and state["in_production"].progress == 80
    assert "qc" not in state or state["qc"].actual_date is None

    assert (
        await post(client, db, order, token, "production", milestone="in_production", done="on")
    ).status_code == 303
    assert (await post(client, db, order, token, "qc", result="pass")).status_code == 303
    assert (await rows(db, order))["qc"].actual_date == clock.today()

    r = await post(
        client,
        db,
        order,
        token,
        "pack",
        **{f"pack_{line_id}": 1, "weight_kg": "12.5", "dimensions": "60×40×30"},
    )
    assert r.status_code == 303 and (await current(db, order)).status == "in_production"
    r = await post(
        client, db, order, token, "pack", **{f"pack_{line_id}": 1, "weight_kg": "11", "done": "on"}
    )
    assert r.status_code == 303, r.text
    assert (await current(db, order)).status == "ready_to_ship"
    assert (await rows(db, order))["packed"].actual_date == clock.today()
    packages = (
        await db.scalars(select(Package).where(Package.order_id == order.id).order_by(Package.position))
    ).all()
    assert [(p.position, p.contents[0]["quantity"], p.weight_kg) for p in packages] == [
        (1, 1, "12.5"),
        (2, 1, "11"),
    ]
    results = (
        await db.scalars(
            select(QcInspection.result).where(QcInspection.order_id == order.id).order_by(QcInspection.id)
        )
    ).all()
    assert results == ["rework", "pass"]
    # production was finished twice (before and after the rework): the contact heard about it once
    finished_mails = (
        await db.scalars(
            select(OutboxMessage).where(
                OutboxMessage.template == "production_milestone",
                OutboxMessage.context["milestone"].astext == "in_production",
            )
        )
    ).all()
    assert len(finished_mails) == 1
    actions = (
        await db.scalars(
            select(OrderEvent.action).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id)
        )
    ).all()
    assert actions == [
        "start_production",
        "milestone",
        "milestone",
        "milestone",
        "qc_inspection",
        "milestone",
        "qc_inspection",
        "milestone",
        "packed",
        "packed",
        "ready_to_ship",
    ]
    page = text_of((await client.get(f"/staff/orders/{order.number}")).text)
    for words in (
        "Materials ready for production",
        "Quality inspection: rework",
        "burrs on the flange",
        "Marked ready to ship",  # staff words; the buyer reads "Packed and ready to ship"
        "line 3 only",
    ):
        assert words in page, words


async def test_milestones_are_reported_in_order(client, db):
    order = await confirmed_order(db)
    _, token = await as_staff(client, db, "production")
    r = await post(client, db, order, token, "production", milestone="materials_ready", done="on")
    assert r.status_code == 422 and "The earlier milestones are not done yet." in r.text
    assert (await current(db, order)).status == "confirmed"
    assert (await post(client, db, order, token, "production", milestone="planned")).status_code == 303
    r = await post(client, db, order, token, "production", milestone="in_production", progress=30)
    assert r.status_code == 422 and "The earlier milestones are not done yet." in r.text
    r = await post(client, db, order, token, "production", milestone="qc", done="on")
    assert r.status_code == 422 and "completed by a passed inspection" in r.text
    r = await post(client, db, order, token, "qc", result="pass")
    assert r.status_code == 422 and "nothing to inspect" in r.text
    assert set(await rows(db, order)) == {"planned"}


async def test_a_stale_form_gets_409(client, db):
    order = await confirmed_order(db)
    _, token = await as_staff(client, db, "production")
    r = await client.post(
        f"/staff/orders/{order.number}/production",
        follow_redirects=False,
        data={"_csrf_token": token, "version": str(order.version - 1), "milestone": "planned"},
    )
    assert r.status_code == 409 and (await current(db, order)).status == "confirmed"


async def _produce(db, order, *, note="", until="in_production"):
    staff = await make_staff(db, "production")
    actor = staff_actor(staff)
    for m in MILESTONES[: MILESTONES.index(until) + 1]:
        report = production.MilestoneReport(
            m,
            planned={"packed": clock.today() + timedelta(days=9)} if m == "planned" else {},
            done=True,
            note=note,
        )
        await production.record_milestone(db, actor, order, report)
    await db.commit()


async def test_customers_see_milestones_and_estimate_but_no_notes(client, db):
    buyer = await make_customer(db)
    order = await confirmed_order(db, buyer=buyer)
    await _produce(db, order, note="supplier XY was late again", until="materials_ready")
    await sign_in(client, buyer.email)
    page = text_of((await client.get(f"/orders/{order.number}")).text)
    assert "Production progress" in page and "Materials ready" in page and "Quality inspection" in page
    assert "Materials ready for production" in page  # the timeline
    estimate = clock.today() + timedelta(days=9 + production.TRANSIT_DAYS)
    assert f"Current delivery estimate: {estimate.strftime('%b')} {estimate.day}, {estimate.year}" in page
    assert "supplier XY" not in page
    assert "<progress" in (await client.get(f"/orders/{order.number}")).text


async def test_once_delivered_no_delivery_estimate_is_shown(client, db, settings):
    buyer = await make_customer(db)
    order = await confirmed_order(db, buyer=buyer)
    await _produce(db, order, until="materials_ready")
    order = await current(db, order)
    order.status = "delivered"  # as the carrier's last event leaves it
    await db.commit()
    await sign_in(client, buyer.email)
    page = text_of((await client.get(f"/orders/{order.number}")).text)
    assert "Production progress" in page and "Current delivery estimate" not in page
    client.cookies.clear()
    links = TrackingLinks(settings.secret_key, ttl_days=settings.tracking_link_days)
    public = text_of((await client.get(links.path(order.id, order.tracking_link_version))).text)
    assert "Promised delivery date" in public and "Current delivery estimate" not in public


async def test_milestone_mails_go_to_opted_in_contacts_in_their_language(db):
    english = await make_customer(db, locale="en", milestones=True)
    chinese = await make_customer(db, account=await make_account(db, default_locale="zh_CN"), milestones=True)
    quiet = await make_customer(db)  # milestone e-mails are opt-in: not asked for, not sent
    orders = {c.email: await confirmed_order(db, buyer=c) for c in (english, chinese, quiet)}
    for order in orders.values():
        await _produce(db, order, until="materials_ready")
    mails = (
        await db.execute(
            select(OutboxMessage.recipient, OutboxMessage.locale, OutboxMessage.context)
            .where(OutboxMessage.template == "production_milestone")
            .order_by(OutboxMessage.id)
        )
    ).all()
    assert [(m.recipient, m.locale, m.context["milestone"]) for m in mails] == [
        (english.email, "en", "planned"),
        (english.email, "en", "materials_ready"),
        (chinese.email, "zh_CN", "planned"),
        (chinese.email, "zh_CN", "materials_ready"),
    ]
    rendered = EmailRenderer(make_environment(), base_url="https://portal.example").render(
        "production_milestone", locale="en", context=mails[1].context
    )
    assert rendered.subject == f"Order {orders[english.email].number}: Materials ready for production"
    assert "Current delivery estimate" in rendered.text and "/orders/" in rendered.text


async def test_label_and_delivery_note_print_in_both_languages(client, db):
    order = await confirmed_order(db, quantity=7)
    await _produce(db, order)
    line = await db.scalar(select(OrderLine).where(OrderLine.order_id == order.id))
    await as_staff(client, db, "logistics")
    for lang, html_lang, name, qty in (
        ("en", "en", line.name_en, "7 pcs"),
        ("zh_CN", "zh-CN", line.name_zh, "7 件"),  # the unit in the reader's language
    ):
        client.cookies.set("portal_lang", lang)
        for doc in ("label", "delivery-note"):
            r = await client.get(f"/staff/orders/{order.number}/{doc}")
            assert r.status_code == 200, (doc, lang)
            page = text_of(r.text)
            assert f'lang="{html_lang}"' in r.text and order.number in page and name in page
            assert line.sku in page and qty in page
            assert "style=" not in r.text
    client.cookies.set("portal_lang", "en")
    note = text_of((await client.get(f"/staff/orders/{order.number}/delivery-note")).text)
    assert "Delivery note" in note and "Li Lei" in note and "Suzhou" in note and "signature" in note
    label = text_of((await client.get(f"/staff/orders/{order.number}/label")).text)
    assert "Production date" in label and str(clock.today().year) in label


async def test_only_the_right_roles_may_record(client, db):
    order = await confirmed_order(db)
    _, token = await as_staff(client, db, "logistics")
    assert (await post(client, db, order, token, "production", milestone="planned")).status_code == 403
    assert (await post(client, db, order, token, "qc", result="pass")).status_code == 403
    _, token = await as_staff(client, db, "reviewer")
    assert (await post(client, db, order, token, "pack", done="on")).status_code == 403
    assert (await current(db, order)).status == "confirmed"
