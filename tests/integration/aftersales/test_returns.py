"""Returns (退换货, RMA): request, decision, return shipment, receipt, inspection, credit note; the rules."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import func, select

from portal.db.aftersales import AftersalesCase, AftersalesPhoto
from portal.db.billing import CreditNote
from portal.db.engine import make_sessionmaker
from portal.db.fulfilment import Carrier, CarrierEvent
from portal.db.orders import Order, OrderEvent, OrderLine
from portal.db.outbox import OutboxMessage
from portal.db.returns import ReturnRequest
from portal.domain.aftersales import returns
from portal.domain.billing.money import money
from portal.domain.errors import InvalidTransition, ValidationFailed
from tests.aftersales_helpers import delivered, jpeg_with_gps
from tests.billing_helpers import lines_of, shipped_in_three
from tests.helpers import csrf_token, customer_actor, make_customer, make_staff, sign_in

CASE_URL = re.compile(r"/returns/(AS-\d{4}-\d{6})")


async def _delivered_and_invoiced(db):  # noqa: ANN001, ANN202
    """The odd-priced order shipped in three parts (three invoices) and delivered: (buyer, order, invoices)."""
    buyer, order, invoices = await shipped_in_three(db)
    order = await db.get(Order, order.id, populate_existing=True)
    order.status, order.delivered_at = "delivered", datetime.now(UTC)
    await db.commit()
    return buyer, order, invoices


async def _request(client, buyer, order, quantities: dict[int, int], *, photos=(), **fields):  # noqa: ANN001, ANN202
    await sign_in(client, buyer.email)
    token = await csrf_token(client, f"/orders/{order.number}/returns/new")
    data = {
        "_csrf_token": token,
        "reason": "quality_defect",
        "resolution": "credit_note",
        "description": "Two housings cracked at the flange.",
        **{f"qty_{line_id}": str(q) for line_id, q in quantities.items()},
        **fields,
    }
    files = [("photos", (name, body, "image/jpeg")) for name, body in photos]
    return await client.post(
        f"/orders/{order.number}/returns/new", data=data, files=files or None, follow_redirects=False
    )


async def _case(db, number: str) -> AftersalesCase:  # noqa: ANN001
    return await db.scalar(
        select(AftersalesCase)
        .where(AftersalesCase.number == number)
        .execution_options(populate_existing=True)
    )


async def _staff_post(client, staff, number: str, step: str, **data):  # noqa: ANN001, ANN202
    await sign_in(client, staff.email, staff=True)
    path = f"/staff/aftersales/returns/{number}"
    token = await csrf_token(client, path)
    return await client.post(f"{path}/{step}", data={"_csrf_token": token, **data}, follow_redirects=False)


async def test_a_return_from_request_to_credit_note(client, db):
    aftersales = await make_staff(db, "aftersales")
    buyer, order, invoices = await _delivered_and_invoiced(db)
    first = (await lines_of(db, order))[0]  # 7 units at 33.33, invoiced 3 + 2 + 2
    await sign_in(client, buyer.email)
    assert f'href="/orders/{order.number}/returns/new"' in (await client.get(f"/orders/{order.number}")).text
    r = await _request(client, buyer, order, {first.id: 2}, photos=[("crack.jpg", jpeg_with_gps())])
    assert r.status_code == 303, r.text
    number = CASE_URL.search(r.headers["location"]).group(1)
    case = await _case(db, number)
    assert (case.kind, case.state, case.account_id) == ("return", "requested", buyer.account_id)
    assert (
        await db.scalar(
            select(func.count()).select_from(AftersalesPhoto).where(AftersalesPhoto.case_id == case.id)
        )
        == 1
    )
    mails = list(await db.scalars(select(OutboxMessage).where(OutboxMessage.template == "return_requested")))
    assert [m.recipient for m in mails] == [aftersales.email]
    page = (await client.get(f"/returns/{number}")).text
    assert "RMA" in page and "Cancel the return" in page
    assert (await client.get(f"/returns/{number}/label")).status_code == 404  # no RMA number yet
    # after-sales approve: an RMA number, the buyer told
    assert (
        await _staff_post(client, aftersales, number, "approve", instructions="Use the original box.")
    ).status_code == 303
    request = await db.scalar(
        select(ReturnRequest)
        .where(ReturnRequest.case_id == case.id)
        .execution_options(populate_existing=True)
    )
    assert re.fullmatch(r"RMA-\d{4}-\d{6}", request.rma_number)
    approved = await db.scalar(select(OutboxMessage).where(OutboxMessage.template == "return_approved"))
    assert approved.recipient == buyer.email and approved.context["rma_number"] == request.rma_number
    # the buyer prints the label and sends the goods back
    await sign_in(client, buyer.email)
    label = await client.get(f"/returns/{request.rma_number}/label")
    assert label.status_code == 200 and request.rma_number in label.text
    token = await csrf_token(client, f"/returns/{number}")
    r = await client.post(
        f"/returns/{number}/shipment",
        data={"_csrf_token": token, "carrier": "SF Express", "tracking_number": "SF1234567890"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and (await _case(db, number)).state == "in_transit"
    assert (await client.post(f"/returns/{number}/cancel", data={"_csrf_token": token})).status_code == 409
    # received, inspected (one of the two accepted), resolved with a credit note
    assert (await _staff_post(client, aftersales, number, "receive")).status_code == 303
    line_id = (
        (await client.get(f"/staff/aftersales/returns/{number}"))
        .text.split('name="accepted_', 1)[1]
        .split('"', 1)[0]
    )
    too_many = await _staff_post(
        client, aftersales, number, "inspect", **{f"accepted_{line_id}": "2", f"rejected_{line_id}": "1"}
    )
    assert too_many.status_code == 422
    inspected = await _staff_post(
        client, aftersales, number, "inspect", **{f"accepted_{line_id}": "1", f"rejected_{line_id}": "1"}
    )
    assert inspected.status_code == 303 and (await _case(db, number)).state == "inspected"
    assert (await _staff_post(client, aftersales, number, "resolve")).status_code == 303
    case = await _case(db, number)
    assert case.state == "resolved" and case.resolved_at is not None
    notes = list(await db.scalars(select(CreditNote).where(CreditNote.order_id == order.id)))
    assert len(notes) == 1 and notes[0].source == "return" and notes[0].source_ref == request.rma_number
    assert notes[0].invoice_id == invoices[0].id  # the oldest invoice holding units of the line
    assert notes[0].subtotal == first.unit_price  # one accepted unit at the invoiced price
    assert abs(notes[0].tax_amount - money(first.unit_price * notes[0].tax_rate)) <= Decimal("0.01")
    assert (
        await db.scalar(select(OutboxMessage.recipient).where(OutboxMessage.template == "return_resolved"))
        == buyer.email
    )
    # the buyer reads it all: the return, the order's timeline, the statement of account
    await sign_in(client, buyer.email)
    assert notes[0].number in (await client.get(f"/returns/{number}")).text
    assert notes[0].number in (await client.get("/account/statement")).text
    moves = list(
        await db.scalars(
            select(OrderEvent.data["move"].astext)
            .where(OrderEvent.order_id == order.id, OrderEvent.action == "return_step")
            .order_by(OrderEvent.id)
        )
    )
    assert moves == ["request", "approve", "ship", "receive", "inspect", "resolve"]


async def test_more_than_is_left_is_refused_and_a_rejected_request_gives_its_units_back(client, db):
    aftersales = await make_staff(db, "aftersales")
    buyer, order, line = await delivered(db, quantity=4)
    order.delivered_at = datetime.now(UTC)
    await db.commit()
    first = await _request(client, buyer, order, {line.id: 3})
    number = CASE_URL.search(first.headers["location"]).group(1)
    over = await _request(client, buyer, order, {line.id: 2})
    assert over.status_code == 422 and "At most 1 units" in over.text
    assert (await _request(client, buyer, order, {line.id: 0})).status_code == 422  # nothing chosen
    assert (await _request(client, buyer, order, {line.id: 1}, reason="", resolution="")).status_code == 422
    assert (await _staff_post(client, aftersales, number, "reject", reason="")).status_code == 422
    assert (
        await _staff_post(client, aftersales, number, "reject", reason="Outside warranty.")
    ).status_code == 303
    assert (await _case(db, number)).state == "rejected"
    rejected = await db.scalar(select(OutboxMessage).where(OutboxMessage.template == "return_rejected"))
    assert rejected.recipient == buyer.email and rejected.context["reason"] == "Outside warranty."
    assert (await _request(client, buyer, order, {line.id: 4})).status_code == 303  # the 3 came back


async def test_two_requests_racing_for_the_last_units_cannot_both_win(db, engine, tmp_path):
    buyer, order, line = await delivered(db, quantity=4)
    order.delivered_at = datetime.now(UTC)
    await db.commit()
    sessions = make_sessionmaker(engine)
    data = returns.ReturnInput({line.id: 3}, "wrong_item", "replacement", "Wrong colour.")

    async def ask() -> str:
        async with sessions() as s, s.begin():
            case = await returns.request_return(
                s, customer_actor(buyer), order.number, data, window_days=30, photo_root=tmp_path
            )
            await asyncio.sleep(0.2)  # hold the order's lock while the other waits
            return case.number

    results = await asyncio.gather(ask(), ask(), return_exceptions=True)
    assert sum(isinstance(r, str) for r in results) == 1
    assert sum(isinstance(r, ValidationFailed) for r in results) == 1


@pytest.mark.parametrize(
    ("now", "open_"),
    [
        (datetime(2026, 12, 1, 15, 59, 30, tzinfo=UTC), True),  # 23:59:30 on 1 Dec in Shanghai: the last day
        (datetime(2026, 12, 1, 16, 0, 30, tzinfo=UTC), False),  # 00:00:30 on 2 Dec in Shanghai: over
    ],
)
async def test_the_return_period_ends_at_midnight_in_shanghai(db, tmp_path, now, open_):
    buyer, order, line = await delivered(db, quantity=2)
    # delivered at 01:00 on 1 Nov in Shanghai (31 Oct in UTC): the period's last day is 1 Dec
    order.delivered_at = datetime(2026, 10, 31, 17, 0, tzinfo=UTC)
    await db.commit()
    data = returns.ReturnInput({line.id: 1}, "other", "repair", "Noisy bearing.")
    with time_machine.travel(now, tick=False):
        form = await returns.request_form(db, customer_actor(buyer), order.number, window_days=30)
        assert form.open is open_
        if open_:
            await returns.request_return(
                db, customer_actor(buyer), order.number, data, window_days=30, photo_root=tmp_path
            )
        else:
            with pytest.raises(InvalidTransition):
                await returns.request_return(
                    db, customer_actor(buyer), order.number, data, window_days=30, photo_root=tmp_path
                )


async def test_returns_are_404_across_accounts_and_only_after_delivery(client, db):
    buyer, order, line = await delivered(db, quantity=2)
    order.delivered_at = datetime.now(UTC)
    await db.commit()
    r = await _request(client, buyer, order, {line.id: 1}, photos=[("p.jpg", jpeg_with_gps())])
    number = CASE_URL.search(r.headers["location"]).group(1)
    photo_id = await db.scalar(
        select(AftersalesPhoto.id).join(AftersalesCase).where(AftersalesCase.number == number)
    )
    stranger = await make_customer(db)
    await sign_in(client, stranger.email)
    token = await csrf_token(client, "/returns")
    for path in (
        f"/returns/{number}",
        f"/returns/{number}/label",
        f"/returns/{number}/photos/{photo_id}",
        f"/orders/{order.number}/returns/new",
    ):
        assert (await client.get(path)).status_code == 404, path
    for step in ("cancel", "shipment"):
        assert (
            await client.post(f"/returns/{number}/{step}", data={"_csrf_token": token})
        ).status_code == 404
    assert number not in (await client.get("/returns")).text
    # the owner sees it, its photo, and cancels it while it is only requested
    await sign_in(client, buyer.email)
    assert number in (await client.get("/returns")).text
    assert (await client.get(f"/returns/{number}/photos/{photo_id}")).status_code == 200
    token = await csrf_token(client, f"/returns/{number}")
    assert (
        await client.post(f"/returns/{number}/cancel", data={"_csrf_token": token}, follow_redirects=False)
    ).status_code == 303
    assert (await _case(db, number)).state == "cancelled"
    # an order not delivered yet takes no return
    _buyer, undelivered, _line = await delivered(db, quantity=2)
    undelivered.status = "confirmed"
    await db.commit()
    await sign_in(client, _buyer.email)
    assert (await client.get(f"/orders/{undelivered.number}/returns/new")).status_code == 409


async def test_the_buyers_returns_list_pages_in_a_constant_number_of_statements(client, db):
    from tests.helpers import StatementCounter

    buyer, order, line = await delivered(db, quantity=40)
    order.delivered_at = datetime.now(UTC)
    await db.commit()
    await _request(client, buyer, order, {line.id: 1})
    with StatementCounter(client.app) as few:
        assert (await client.get("/returns")).status_code == 200
    for _ in range(26):
        assert (await _request(client, buyer, order, {line.id: 1})).status_code == 303
    with StatementCounter(client.app) as many:
        listed = await client.get("/returns")
    assert few.count == many.count, (few.count, many.count)
    assert "Older returns" in listed.text
    assert (
        await db.scalar(select(func.count()).select_from(OrderLine).where(OrderLine.order_id == order.id))
        == 1
    )


def _signed(secret: str, payload: dict) -> tuple[bytes, dict]:
    body = json.dumps(payload).encode()
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return body, {"x-signature": f"sha256={digest}", "content-type": "application/json"}


async def test_the_carriers_webhook_reports_the_parcel_coming_back_once(client, db):
    db.add(Carrier(code="sf", name="SF Express", webhook_secret="s" * 32))
    aftersales = await make_staff(db, "aftersales")
    buyer, order, line = await delivered(db, quantity=2)
    order.delivered_at = datetime.now(UTC)
    await db.commit()
    number = CASE_URL.search((await _request(client, buyer, order, {line.id: 1})).headers["location"]).group(
        1
    )
    await _staff_post(client, aftersales, number, "approve")
    await sign_in(client, buyer.email)
    token = await csrf_token(client, f"/returns/{number}")
    # another carrier by name: nothing to match a webhook against, but the name is kept
    missing = await client.post(
        f"/returns/{number}/shipment",
        data={"_csrf_token": token, "carrier_code": "", "carrier": "", "tracking_number": "X1"},
    )
    assert missing.status_code == 422
    r = await client.post(
        f"/returns/{number}/shipment",
        data={"_csrf_token": token, "carrier_code": "sf", "tracking_number": "SF-RET-1"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    event = {
        "event_id": "ev-1",
        "tracking_number": "SF-RET-1",
        "status": "in_transit",
        "occurred_at": datetime.now(UTC).isoformat(),
        "location": "Shanghai hub",
    }
    body, headers = _signed("s" * 32, event)
    first = await client.post("/webhooks/carriers/sf", content=body, headers=headers)
    again = await client.post("/webhooks/carriers/sf", content=body, headers=headers)
    assert (first.status_code, first.json()["status"]) == (200, "recorded")
    assert (again.status_code, again.json()["status"]) == (200, "duplicate")
    unknown, headers = _signed("s" * 32, {**event, "event_id": "ev-2", "tracking_number": "NOPE"})
    assert (await client.post("/webhooks/carriers/sf", content=unknown, headers=headers)).status_code == 404
    events = await db.scalar(
        select(func.count()).select_from(CarrierEvent).where(CarrierEvent.return_id.is_not(None))
    )
    assert events == 1
    page = await client.get(f"/returns/{number}")
    assert "Shanghai hub" in page.text and "SF Express" in page.text


async def test_a_replacement_order_is_free_and_ships_through_fulfilment(client, db):
    from portal.db.billing import Invoice
    from tests.billing_helpers import ship
    from tests.fulfilment_helpers import pack_rest, produce

    aftersales = await make_staff(db, "aftersales")
    buyer, order, invoices = await _delivered_and_invoiced(db)
    first = (await lines_of(db, order))[0]
    r = await _request(client, buyer, order, {first.id: 2}, resolution="replacement")
    number = CASE_URL.search(r.headers["location"]).group(1)
    for step, data in (("approve", {}), ("receive", {})):
        assert (await _staff_post(client, aftersales, number, step, **data)).status_code == 303
    line_id = (
        (await client.get(f"/staff/aftersales/returns/{number}"))
        .text.split('name="accepted_', 1)[1]
        .split('"', 1)[0]
    )
    assert (
        await _staff_post(client, aftersales, number, "inspect", **{f"accepted_{line_id}": "2"})
    ).status_code == 303
    assert (await _staff_post(client, aftersales, number, "replace")).status_code == 303
    request = await db.scalar(
        select(ReturnRequest)
        .where(ReturnRequest.rma_number.is_not(None))
        .execution_options(populate_existing=True)
    )
    replacement = await db.get(Order, request.replacement_order_id, populate_existing=True)
    assert (replacement.status, replacement.channel, replacement.total) == (
        "confirmed",
        "replacement",
        Decimal("0.00"),
    )
    assert replacement.replaces_order_id == order.id and replacement.account_id == order.account_id
    [new_line] = await lines_of(db, replacement)
    assert (new_line.sku, new_line.quantity, new_line.unit_price, new_line.allocation) == (
        first.sku,
        2,
        Decimal("0"),
        "reserved",
    )
    assert (await _case(db, number)).state == "resolved"
    assert await db.scalar(select(func.count()).select_from(CreditNote)) == 0
    resolved = await db.scalar(select(OutboxMessage).where(OutboxMessage.template == "return_resolved"))
    assert resolved.context["replacement"] == replacement.number
    # production and shipping take it like any order; a free order is not invoiced
    await produce(db, replacement)
    await pack_rest(db, replacement)
    await ship(db, replacement, (2,), "REPL-1")
    assert (await db.get(Order, replacement.id, populate_existing=True)).status == "shipped"
    assert (
        await db.scalar(select(func.count()).select_from(Invoice).where(Invoice.order_id == replacement.id))
        == 0
    )
    # the two orders name each other, for the buyer
    await sign_in(client, buyer.email)
    assert f'href="/orders/{order.number}"' in (await client.get(f"/orders/{replacement.number}")).text
    assert f'href="/orders/{replacement.number}"' in (await client.get(f"/orders/{order.number}")).text


async def test_admin_sets_the_return_period_and_requests_follow_it(client, db):
    from datetime import timedelta

    from portal.domain.settings import config

    admin = await make_staff(db, "admin")
    buyer, order, line = await delivered(db, quantity=2)
    order.delivered_at = datetime.now(UTC) - timedelta(days=3)
    await db.commit()
    await sign_in(client, admin.email, staff=True)
    token = await csrf_token(client, "/staff/admin/settings")
    data = {"_csrf_token": token, "approval_thresholds": "", "review_sla_hours": "4"}
    assert (
        await client.post("/staff/admin/settings", data={**data, "return_window_days": "400"})
    ).status_code == 422
    r = await client.post(
        "/staff/admin/settings", data={**data, "return_window_days": "2"}, follow_redirects=False
    )
    assert r.status_code == 303 and (await config.load(db)).return_window_days == 2
    # delivered three days ago, a two-day period: over, said on the form and refused on posting
    await sign_in(client, buyer.email)
    form = await client.get(f"/orders/{order.number}/returns/new")
    assert "The return period of this order ended on" in form.text and 'name="reason"' not in form.text
    assert (await _request(client, buyer, order, {line.id: 1})).status_code == 409
