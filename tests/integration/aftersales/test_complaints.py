"""Complaint tickets: the buyer opens one, staff and buyer write in one thread, moves go through the table."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from portal import clock
from portal.db.aftersales import AftersalesCase, AftersalesCaseEvent, AftersalesMessage, AftersalesPhoto
from portal.db.orders import OrderEvent
from portal.db.outbox import OutboxMessage
from portal.domain.billing import closing
from tests.aftersales_helpers import delivered, jpeg_with_gps
from tests.complaint_helpers import open_ticket, post_message, refresh
from tests.helpers import csrf_token, make_customer, make_staff, post_form, sign_in, text_of


async def _mails(db, template: str) -> list[OutboxMessage]:  # noqa: ANN001
    return list(await db.scalars(select(OutboxMessage).where(OutboxMessage.template == template)))


async def test_the_buyer_opens_a_ticket_about_an_order_with_a_photo(client, db):
    aftersales = await make_staff(db, "aftersales")
    buyer, order, _line = await delivered(db)
    r, case = await open_ticket(
        client, db, buyer, order_number=order.number, photos=[("a.jpg", jpeg_with_gps())]
    )
    assert r.status_code == 303 and r.headers["location"] == f"/complaints/{case.number}"
    assert (case.kind, case.state, case.category, case.order_id) == ("complaint", "open", "quality", order.id)
    assert case.first_response_due_at is not None and case.first_response_due_at > case.opened_at
    message = await db.scalar(select(AftersalesMessage).where(AftersalesMessage.case_id == case.id))
    photo = await db.scalar(select(AftersalesPhoto).where(AftersalesPhoto.case_id == case.id))
    assert photo.message_id == message.id
    mails = await _mails(db, "complaint_message")
    assert [m.recipient for m in mails] == [aftersales.email]
    event = await db.scalar(
        select(OrderEvent).where(OrderEvent.order_id == order.id).order_by(OrderEvent.id.desc())
    )
    assert event.action == "aftersales_case_opened" and event.data["case_kind"] == "complaint"
    page = text_of((await client.get(f"/complaints/{case.number}")).text)
    assert "Three housings arrived scratched." in page and "Scratched housings" in page
    assert case.number in text_of((await client.get("/complaints")).text)
    # the order page links the ticket; a ticket is not resolved from the order page
    order_page = (await client.get(f"/orders/{order.number}")).text
    assert f'href="/complaints/{case.number}"' in order_page
    assert f'href="/complaints/new?order={order.number}"' in order_page
    # the order cannot close while the complaint is unresolved
    assert "close_aftersales" in await closing.blockers(db, order.id)


async def test_a_ticket_form_is_refused_without_subject_or_with_another_accounts_order(client, db):
    buyer = await make_customer(db)
    _other, foreign, _ = await delivered(db)
    r, case = await open_ticket(client, db, buyer, subject="", category="nonsense")
    assert r.status_code == 422 and case is None
    r, case = await open_ticket(client, db, buyer, order_number=foreign.number)
    assert r.status_code == 422 and case is None
    assert "Choose one of your company" in text_of(r.text)


async def test_the_thread_moves_through_the_table_and_reopens_within_the_window(client, db):
    staff = await make_staff(db, "aftersales")
    buyer, order, _ = await delivered(db)
    _r, case = await open_ticket(client, db, buyer, order_number=order.number)
    # staff answer: waiting for the customer, first response recorded, the buyer is mailed
    await sign_in(client, staff.email, staff=True)
    r = await post_message(client, f"/staff/aftersales/{case.number}", "Please send photos.")
    assert r.status_code == 303
    case = await refresh(db, case)
    assert case.state == "waiting_for_customer" and case.first_responded_at is not None
    assert case.assignee_staff_id == staff.id
    assert [m.recipient for m in await _mails(db, "complaint_message")][-1] == buyer.email
    # the buyer answers: open again
    await sign_in(client, buyer.email)
    assert (await post_message(client, f"/complaints/{case.number}", "Here they are.")).status_code == 303
    assert (await refresh(db, case)).state == "open"
    # staff resolve; the order may close again as far as after-sales goes
    await sign_in(client, staff.email, staff=True)
    token = await csrf_token(client, f"/staff/aftersales/{case.number}")
    move = lambda m: client.post(  # noqa: E731
        f"/staff/aftersales/{case.number}/move",
        data={"_csrf_token": token, "move": m},
        follow_redirects=False,
    )
    # not through the order page's resolve form (a ticket moves only through its own table)
    r = await client.post(
        f"/staff/orders/{order.number}/aftersales/{case.number}/resolve",
        data={"_csrf_token": token, "resolution": "done"},
        follow_redirects=False,
    )
    assert r.status_code == 409
    assert (await refresh(db, case)).state == "open"
    assert (await move("resolve")).status_code == 303
    assert (await refresh(db, case)).state == "resolved"
    assert [m.recipient for m in await _mails(db, "complaint_resolved")] == [buyer.email]
    assert "close_aftersales" not in await closing.blockers(db, order.id)
    assert (await move("resolve")).status_code == 409  # no row (resolved, resolve) in the table
    assert (await move("reopen")).status_code == 409  # not a staff button
    assert (await move("fly")).status_code == 409
    # the buyer answers within the window: reopened
    await sign_in(client, buyer.email)
    assert (await post_message(client, f"/complaints/{case.number}", "Still broken.")).status_code == 303
    assert (await refresh(db, case)).state == "open"
    assert "close_aftersales" in await closing.blockers(db, order.id)
    # resolved again, 15 days ago (default window: 14 days): the buyer's answer is refused
    await sign_in(client, staff.email, staff=True)
    token = await csrf_token(client, f"/staff/aftersales/{case.number}")
    assert (await move("resolve")).status_code == 303
    await db.execute(
        update(AftersalesCase)
        .where(AftersalesCase.id == case.id)
        .values(resolved_at=clock.now() - timedelta(days=15))
    )
    await db.commit()
    await sign_in(client, buyer.email)
    assert (await post_message(client, f"/complaints/{case.number}", "Hello?")).status_code == 409
    assert (await refresh(db, case)).state == "resolved"
    # staff close; nothing moves a closed ticket
    await sign_in(client, staff.email, staff=True)
    token = await csrf_token(client, f"/staff/aftersales/{case.number}")
    assert (await move("close")).status_code == 303
    assert (await move("close")).status_code == 409
    assert (await post_message(client, f"/staff/aftersales/{case.number}", "x")).status_code == 409
    moves = list(
        await db.scalars(
            select(AftersalesCaseEvent.action)
            .where(AftersalesCaseEvent.case_id == case.id)
            .order_by(AftersalesCaseEvent.id)
        )
    )
    assert moves == ["open", "staff_message", "customer_message", "resolve", "reopen", "resolve", "close"]


async def test_an_empty_answer_is_refused(client, db):
    buyer = await make_customer(db)
    _r, case = await open_ticket(client, db, buyer)
    assert (await post_message(client, f"/complaints/{case.number}", "  ")).status_code == 422


async def test_tickets_and_their_photos_are_404_across_accounts(client, db):
    buyer = await make_customer(db)
    _r, case = await open_ticket(client, db, buyer, photos=[("a.jpg", jpeg_with_gps())])
    photo = await db.scalar(select(AftersalesPhoto).where(AftersalesPhoto.case_id == case.id))
    r = await client.get(f"/complaints/{case.number}/photos/{photo.id}")
    assert r.status_code == 200 and r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-disposition"].startswith("attachment")
    other = await make_customer(db)
    await sign_in(client, other.email)
    assert (await client.get(f"/complaints/{case.number}")).status_code == 404
    assert (await client.get(f"/complaints/{case.number}/photos/{photo.id}")).status_code == 404
    assert (await post_message(client, "/complaints", "intrusion")).status_code in (404, 405)
    token = await csrf_token(client, "/complaints")
    r = await post_form(client, f"/complaints/{case.number}/messages", token, message="x")
    assert r.status_code == 404
    assert case.number not in (await client.get("/complaints")).text
    count = await db.scalar(
        select(func.count()).select_from(AftersalesMessage).where(AftersalesMessage.case_id == case.id)
    )
    assert count == 1
    # staff of after-sales read it; the photo too
    staff = await make_staff(db, "aftersales")
    await sign_in(client, staff.email, staff=True)
    assert (await client.get(f"/staff/aftersales/{case.number}")).status_code == 200
    assert (await client.get(f"/staff/aftersales/{case.number}/photos/{photo.id}")).status_code == 200


async def test_pages_work_at_phone_width_without_javascript(client, db):
    buyer = await make_customer(db)
    await sign_in(client, buyer.email)
    r = await client.get("/complaints/new")
    assert r.status_code == 200
    assert (
        'method="post"' in r.text
        and 'action="/complaints/new"' in r.text
        and "hx-" not in r.text.split("<main")[-1]
    )


async def test_admin_sets_the_reopen_window_and_the_first_response_hours(client, db):
    from portal.domain.settings import config

    admin = await make_staff(db, "admin")
    await sign_in(client, admin.email, staff=True)
    token = await csrf_token(client, "/staff/admin/settings")
    data = {"_csrf_token": token, "approval_thresholds": "", "review_sla_hours": "4"}
    r = await client.post(
        "/staff/admin/settings",
        data={**data, "first_response_hours": "4", "complaint_reopen_days": "30"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    cfg = await config.load(db)
    assert (cfg.first_response_hours, cfg.complaint_reopen_days) == (4, 30)
    r = await client.post("/staff/admin/settings", data={**data, "complaint_reopen_days": "-1"})
    assert r.status_code == 422
