"""Receipt line by line: short and damaged lines open an after-sales case, with photos, mail and timeline."""

from __future__ import annotations

import io
import re

from PIL import Image
from sqlalchemy import func, select

from portal.auth.roles import Role
from portal.db.aftersales import AftersalesCase, AftersalesCaseEvent, AftersalesCaseLine, AftersalesPhoto
from portal.db.orders import Order, OrderEvent
from portal.db.outbox import OutboxMessage
from portal.domain.aftersales import cases
from portal.domain.billing import closing
from portal.domain.notifications.render import EmailRenderer
from portal.jinja import make_environment
from tests.aftersales_helpers import delivered, jpeg_with_gps, open_exception, report, report_damaged
from tests.helpers import csrf_token, make_customer, make_staff, sign_in, text_of


async def _status(db, order) -> str:  # noqa: ANN001
    return await db.scalar(
        select(Order.status).where(Order.id == order.id).execution_options(populate_existing=True)
    )


async def test_a_damaged_and_a_short_line_open_one_case(client, db):
    aftersales = await make_staff(db, "aftersales")
    buyer, order, line = await delivered(db, quantity=4)
    r = await report(
        client,
        order,
        buyer,
        fields={
            f"short_{line.id}": "1",
            f"damaged_{line.id}": "2",
            f"note_{line.id}": "cracked housing",
            "note": "pallet wet",
        },
        photos=[("damage.jpg", jpeg_with_gps())],
    )
    assert r.status_code == 303 and r.headers["location"].endswith("#aftersales")
    assert await _status(db, order) == "completed"
    # the e-mail's receipt link opened again: back to the order, told why, not a bare 409 page
    again = await client.get(f"/orders/{order.number}/receipt", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == f"/orders/{order.number}#aftersales"
    assert "already confirmed" in (await client.get(again.headers["location"])).text
    case = await db.scalar(select(AftersalesCase).where(AftersalesCase.order_id == order.id))
    assert re.fullmatch(r"AS-20\d\d-\d{6}", case.number)
    assert (case.kind, case.state, case.account_id, case.note) == (
        "receipt",
        "open",
        order.account_id,
        "pallet wet",
    )
    row = await db.scalar(select(AftersalesCaseLine).where(AftersalesCaseLine.case_id == case.id))
    assert (row.sku, row.short_qty, row.damaged_qty, row.note) == (line.sku, 1, 2, "cracked housing")
    photo = await db.scalar(select(AftersalesPhoto).where(AftersalesPhoto.case_id == case.id))
    stored = cases.photo_root(client.app.state.settings.data_dir) / photo.storage_key
    assert "static" not in stored.parts and stored.is_file()
    assert not Image.open(io.BytesIO(stored.read_bytes())).getexif()  # GPS gone
    # the timeline: receipt confirmed, then the case
    kinds = list(
        await db.scalars(
            select(OrderEvent.action).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id)
        )
    )
    assert kinds[-2:] == ["confirm_receipt", "aftersales_case_opened"]
    # after-sales staff are told, in their language
    mail = await db.scalar(select(OutboxMessage).where(OutboxMessage.template == "aftersales_case_opened"))
    assert mail.recipient == aftersales.email
    renderer = EmailRenderer(make_environment(), base_url="https://portal.example")
    en = renderer.render("aftersales_case_opened", locale="en", context=mail.context)
    assert case.number in en.subject and "cracked housing" in en.text and "1 short, 2 damaged" in en.text
    assert f"https://portal.example/staff/orders/{order.number}#aftersales" in en.html
    zh = renderer.render("aftersales_case_opened", locale="zh_CN", context=mail.context)
    assert case.number in zh.subject and "短少 1，破损 2" in zh.text
    # the buyer's page shows the case and the timeline says it
    page = text_of((await client.get(f"/orders/{order.number}")).text)
    assert f"Case {case.number}" in page and "cracked housing" in page
    assert f"reported short or damaged goods: after-sales case {case.number}" in page


async def test_staff_see_the_case_and_after_sales_see_it_on_the_dashboard(client, db):
    buyer, order, line = await delivered(db)
    await report(client, order, buyer, fields={f"short_{line.id}": "1"})
    number = await db.scalar(select(AftersalesCase.number).where(AftersalesCase.order_id == order.id))
    staff = await make_staff(db, "aftersales")
    await sign_in(client, staff.email, staff=True)
    page = text_of((await client.get(f"/staff/orders/{order.number}")).text)
    assert f"Case {number}" in page and f"The customer reported short or damaged goods: case {number}" in page
    board = text_of((await client.get("/staff/")).text)
    assert "Open receipt cases" in board and number in board
    for role in Role:  # the after-sales list: after-sales and admin only
        member = await make_staff(db, role.value)
        await sign_in(client, member.email, staff=True)
        shown = "Open receipt cases" in text_of((await client.get("/staff/")).text)
        assert shown == (role in (Role.AFTERSALES, Role.ADMIN)), role


async def test_a_damaged_line_needs_a_note_and_nothing_is_kept(client, db):
    buyer, order, line = await delivered(db)
    root = cases.photo_root(client.app.state.settings.data_dir)
    before = set(root.rglob("*"))
    r = await report_damaged(client, order, buyer, line, ("a.jpg", jpeg_with_gps()))
    assert r.status_code == 422 and "Please describe the damage." in text_of(r.text)
    assert await _status(db, order) == "delivered"
    assert await db.scalar(select(func.count()).select_from(AftersalesCase)) == 0
    assert set(root.rglob("*")) == before


async def test_more_than_delivered_is_refused(client, db):
    buyer, order, line = await delivered(db, quantity=2)
    r = await report(
        client,
        order,
        buyer,
        fields={f"short_{line.id}": "2", f"damaged_{line.id}": "1", f"note_{line.id}": "x"},
    )
    assert r.status_code == 422 and "cannot exceed the 2 delivered" in text_of(r.text)
    assert await _status(db, order) == "delivered"


async def test_received_quantity_reads_as_the_rest_short(client, db):
    buyer, order, line = await delivered(db, quantity=5)
    r = await report(client, order, buyer, fields={f"received_{line.id}": "3"})
    assert r.status_code == 303
    short = await db.scalar(select(AftersalesCaseLine.short_qty))
    assert short == 2


async def test_an_svg_renamed_jpg_is_refused(client, db):
    buyer, order, line = await delivered(db)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    r = await report_damaged(client, order, buyer, line, ("x.jpg", svg), "dent")
    assert r.status_code == 422 and "Only JPEG, PNG and WebP photos can be uploaded." in text_of(r.text)
    assert await _status(db, order) == "delivered"


async def test_an_open_delivery_exception_leads_to_the_report(client, db):
    buyer, order, line = await delivered(db)
    await open_exception(db, order)
    await sign_in(client, buyer.email)
    page = (await client.get(f"/orders/{order.number}")).text
    assert "Everything arrived in good order" not in page and f"/orders/{order.number}/receipt" in page
    token = await csrf_token(client)
    blind = await client.post(
        f"/orders/{order.number}/receipt",
        data={"_csrf_token": token, "version": str(order.version)},
        follow_redirects=False,
    )
    assert blind.status_code == 303 and blind.headers["location"] == f"/orders/{order.number}/receipt"
    assert await _status(db, order) == "delivered"
    form = text_of((await client.get(f"/orders/{order.number}/receipt")).text)
    assert "The carrier reported a problem with this delivery." in form
    # going through the lines, everything fine after all: receipt confirmed, no case
    r = await report(client, order, buyer, fields={f"short_{line.id}": "0"}, signed_in=False)
    assert r.status_code == 303 and await _status(db, order) == "completed"
    assert await db.scalar(select(func.count()).select_from(AftersalesCase)) == 0


async def test_the_receipt_form_of_another_account_is_not_found(client, db):
    _, order, _line = await delivered(db)
    other, _, _ = await delivered(db)
    await sign_in(client, other.email)
    assert (await client.get(f"/orders/{order.number}/receipt")).status_code == 404
    token = await csrf_token(client)
    r = await client.post(
        f"/orders/{order.number}/receipt", data={"_csrf_token": token, "version": "1", "itemised": "1"}
    )
    assert r.status_code == 404


async def test_after_sales_resolve_the_case_and_then_the_order_may_close(client, db):
    buyer, order, line = await delivered(db)
    await report(client, order, buyer, fields={f"short_{line.id}": "1"})
    case = await db.scalar(select(AftersalesCase).where(AftersalesCase.order_id == order.id))
    assert await closing.blockers(db, order.id) == {
        "close_invoiced": closing.NOT_INVOICED,
        "close_aftersales": closing.OPEN_AFTERSALES,
    }
    url = f"/staff/orders/{order.number}/aftersales/{case.number}/resolve"
    sales = await make_staff(db, "sales")
    await sign_in(client, sales.email, staff=True)
    assert "Resolve the case" not in (await client.get(f"/staff/orders/{order.number}")).text
    token = await csrf_token(client, "/staff/login")
    assert (await client.post(url, data={"_csrf_token": token, "resolution": "x"})).status_code == 403
    staff = await make_staff(db, "aftersales")
    await sign_in(client, staff.email, staff=True)
    token = await csrf_token(client, "/staff/login")
    r = await client.post(url, data={"_csrf_token": token, "resolution": " "})
    assert r.status_code == 422 and "Please say how the case was resolved." in text_of(r.text)
    r = await client.post(
        url, data={"_csrf_token": token, "resolution": "Replacement sent"}, follow_redirects=False
    )
    assert r.status_code == 303
    again = await client.post(url, data={"_csrf_token": token, "resolution": "twice"})
    assert again.status_code == 409
    fresh = await db.get(AftersalesCase, case.id, populate_existing=True)
    assert (fresh.state, fresh.resolution, fresh.assignee_staff_id) == (
        "resolved",
        "Replacement sent",
        staff.id,
    )
    assert await closing.blockers(db, order.id) == {"close_invoiced": closing.NOT_INVOICED}
    # the case's own history, as for every case: opened by the buyer, resolved by after-sales
    history = (
        await db.execute(
            select(AftersalesCaseEvent.action, AftersalesCaseEvent.from_state, AftersalesCaseEvent.to_state)
            .where(AftersalesCaseEvent.case_id == case.id)
            .order_by(AftersalesCaseEvent.id)
        )
    ).all()
    assert [tuple(h) for h in history] == [("open", "", "open"), ("resolve", "open", "resolved")]
    mail = await db.scalar(select(OutboxMessage).where(OutboxMessage.template == "aftersales_case_resolved"))
    assert mail.recipient == buyer.email and mail.context["resolution"] == "Replacement sent"
    await sign_in(client, buyer.email)
    page = text_of((await client.get(f"/orders/{order.number}")).text)
    assert f"After-sales case {case.number} resolved" in page and "Replacement sent" in page


async def test_a_receipt_case_number_leads_to_where_it_is_worked(client, db):
    buyer, order, line = await delivered(db, quantity=4)
    await report(client, order, buyer, fields={f"short_{line.id}": "1"})
    case = await db.scalar(select(AftersalesCase).where(AftersalesCase.order_id == order.id))
    # the buyer types the number they were given into the tickets' address: their order's cases
    r = await client.get(f"/complaints/{case.number}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/orders/{order.number}#aftersales"
    staff = await make_staff(db, "aftersales")
    await sign_in(client, staff.email, staff=True)
    r = await client.get(f"/staff/aftersales/{case.number}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/staff/orders/{order.number}#aftersales"
    assert (await client.get("/staff/aftersales/AS-2026-999999")).status_code == 404
    other = await make_customer(db)
    await sign_in(client, other.email)
    assert (await client.get(f"/complaints/{case.number}")).status_code == 404  # another account's case
