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


async def test_resolved_tickets_close_by_themselves_once_the_reopen_window_has_passed(
    client, db, engine, settings
):
    from portal.db.engine import make_sessionmaker
    from portal.workers.settings import close_resolved_tickets

    buyer, order, _ = await delivered(db)
    _r, old = await open_ticket(client, db, buyer, order_number=order.number)
    _r, recent = await open_ticket(client, db, buyer, subject="Late invoice", category="billing")
    _r, still_open = await open_ticket(client, db, buyer, subject="Missing manual", category="other")
    for case, days_ago in ((old, 15), (recent, 13)):  # default window: 14 days
        await db.execute(
            update(AftersalesCase)
            .where(AftersalesCase.id == case.id)
            .values(state="resolved", resolved_at=clock.now() - timedelta(days=days_ago))
        )
    await db.commit()
    ctx = {"settings": settings, "sessionmaker": make_sessionmaker(engine)}
    assert await close_resolved_tickets(ctx) == 1
    assert await close_resolved_tickets(ctx) == 0  # a second run finds nothing more
    old, recent, still_open = [await refresh(db, c) for c in (old, recent, still_open)]
    assert (old.state, recent.state, still_open.state) == ("closed", "resolved", "open")
    assert old.closed_at is not None and recent.closed_at is None
    closing_event = await db.scalar(
        select(AftersalesCaseEvent)
        .where(AftersalesCaseEvent.case_id == old.id)
        .order_by(AftersalesCaseEvent.id.desc())
    )
    assert (closing_event.action, closing_event.actor_kind, closing_event.actor_name) == (
        "close",
        "system",
        "system",
    )
    # the buyer's thread shows the closed ticket without an answer form
    await sign_in(client, buyer.email)
    page = await client.get(f"/complaints/{old.number}")
    assert page.status_code == 200 and 'name="message"' not in page.text
    assert 'name="message"' in (await client.get(f"/complaints/{recent.number}")).text


async def test_the_buyers_ticket_list_pages_newest_first_in_a_constant_number_of_statements(
    client, db, tmp_path
):
    import re

    from portal.domain.aftersales import tickets
    from tests.helpers import StatementCounter, customer_actor

    buyer = await make_customer(db)
    other = await make_customer(db)  # another account's ticket never shows
    await tickets.open_ticket(
        db, customer_actor(other), tickets.TicketInput("Theirs", "other", "", "x"), photo_root=tmp_path
    )
    opened = []
    for n in range(3):
        case = await tickets.open_ticket(
            db, customer_actor(buyer), tickets.TicketInput(f"T{n}", "quality", "", "m"), photo_root=tmp_path
        )
        opened.append(case.number)
    await db.commit()
    await sign_in(client, buyer.email)
    with StatementCounter(client.app) as few:
        r = await client.get("/complaints")
    assert r.status_code == 200 and "Older tickets" not in r.text
    for n in range(3, 30):
        case = await tickets.open_ticket(
            db, customer_actor(buyer), tickets.TicketInput(f"T{n}", "quality", "", "m"), photo_root=tmp_path
        )
        opened.append(case.number)
    await db.commit()
    with StatementCounter(client.app) as many:
        first = await client.get("/complaints")
    assert few.count == many.count, (few.count, many.count)
    number = re.compile(r'href="/complaints/(AS-\d{4}-\d{6})"')
    page_1 = number.findall(first.text)
    assert page_1 == opened[::-1][:25]  # newest first
    after = re.search(r'href="/complaints\?after=([^"]+)"', first.text).group(1)
    second = await client.get(f"/complaints?after={after}")
    assert number.findall(second.text) == opened[::-1][25:]
    assert "Older tickets" not in second.text and 'href="/complaints">' in second.text
    # a mangled cursor is the first page, never an error
    assert number.findall((await client.get("/complaints?after=bm90LWEtY3Vyc29y")).text) == page_1
    assert (await client.get("/complaints?after=%00zz")).status_code < 500
