"""Pages speak words, not keys: an order through many events, read by buyer, staff and tracking page.

Also: the buyer is told how a delivery exception was resolved (e-mail, order page, tracking page).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from portal import clock
from portal.db.catalog import Product
from portal.db.fulfilment import Carrier, LogisticsCase
from portal.db.orders import Order, OrderEvent, OrderLine
from portal.db.outbox import OutboxMessage
from portal.domain.notifications import resend
from portal.domain.notifications.render import EmailRenderer
from portal.domain.orders import backorder, service, wording
from portal.domain.orders.states import Action, OrderState
from portal.i18n import gettext, using_locale
from portal.jinja import make_environment
from tests.fulfilment_helpers import (
    approve_as,
    awaiting_confirmation,
    customer_actor,
    sign_confirmation,
    staff_actor,
)
from tests.helpers import as_staff, make_account, make_customer, make_order, make_staff, sign_in, text_of

SECRET = "carrier-test-secret"
EMAILS = Path(__file__).resolve().parents[3] / "templates" / "emails"
# every internal key a reader could be shown by mistake
KEYS = (
    {s.value for s in OrderState}
    | {a.value for a in Action}
    | {k.value for k in wording.EVENT_WORDING}
    | {v for _, v in wording.VARIANT_WORDING if "." not in v}
    | {p.stem for p in EMAILS.glob("*.html")}
    | {"milestone", "qc_inspection"}
)
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


async def _through_many_events(db):
    """Changes requested and resubmitted, claimed, confirmed with a backorder, chosen, produced, started."""
    buyer = await make_customer(db)
    reviewer = await make_staff(db, "reviewer")
    production = await make_staff(db, "production")
    order = await make_order(db, customer=buyer, quantity=5)
    line = await db.scalar(select(OrderLine).where(OrderLine.order_id == order.id))
    (await db.get(Product, line.product_id)).stock_on_hand = 3
    buyer_actor, clerk = customer_actor(buyer), staff_actor(reviewer)
    await service.submit(db, buyer_actor, order)
    await service.claim(db, clerk, order)
    await service.request_changes(db, clerk, order, expected_version=None, message="Please confirm 5 pieces")
    await service.resubmit(db, buyer_actor, order, expected_version=None, message="Yes, 5 pieces")
    promised = clock.today() + timedelta(days=20)
    await approve_as(db, reviewer, order, thresholds=[Decimal("1e12")], promised_date=promised)
    await sign_confirmation(db, buyer, order)
    await backorder.choose(db, buyer_actor, order, choice="partial")
    await service.start_production(db, staff_actor(production), order)
    await service.mark_ready_to_ship(db, staff_actor(production), order)
    db.add(Carrier(code="acme", name="Acme Express", webhook_secret=SECRET))
    await db.commit()
    return buyer, order, line


async def _ship_exception_and_resolve(client, db, order, line):
    """Logistics ship part, the carrier reports damage, logistics resolve it and resend a message."""
    clerk, token = await as_staff(client, db, "logistics", "sales")
    r = await client.post(
        f"/staff/orders/{order.number}/shipments",
        data={"_csrf_token": token, "carrier": "acme", "tracking_number": "TRK-9", f"qty_{line.id}": "3"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    body = json.dumps(
        {
            "event_id": "e-1",
            "tracking_number": "TRK-9",
            "status": "exception",
            "exception": "damaged",
            "occurred_at": clock.now().isoformat(),
        }
    ).encode()
    signature = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    headers = {"x-signature": signature, "content-type": "application/json"}
    assert (await client.post("/webhooks/carriers/acme", content=body, headers=headers)).status_code == 200
    case = await db.scalar(select(LogisticsCase))
    r = await client.post(
        f"/staff/cases/{case.id}/resolve",
        data={"_csrf_token": token, "resolution": "Replacement crate sent on Monday"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    first = await db.scalar(select(OutboxMessage).order_by(OutboxMessage.id).limit(1))
    await resend.resend(db, staff_actor(clerk), order_number=order.number, message_id=first.id)
    await db.commit()


def _keys_in(html: str) -> set[str]:
    return set(SNAKE.findall(text_of(html))) & KEYS


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_no_page_shows_a_key_where_words_belong(client, db, lang):
    buyer, order, line = await _through_many_events(db)
    await _ship_exception_and_resolve(client, db, order, line)
    actions = set(await db.scalars(select(OrderEvent.action).where(OrderEvent.order_id == order.id)))
    assert {"claimed", "backordered", "backorder_choice", "delivery_exception", "case_resolved"} <= actions
    assert {"request_changes", "resubmit", "ship_partial", "notification_resent"} <= actions
    await sign_in(client, buyer.email)
    fresh = await db.get(Order, order.id, populate_existing=True)
    track = client.app.state.tracking_links.path(order.id, fresh.tracking_link_version)
    pages = {
        "staff order": f"/staff/orders/{order.number}",
        "staff list": "/staff/orders",
        "customer order": f"/orders/{order.number}",
        "customer list": "/orders",
        "staff dashboard": "/staff/",
        "review queue": "/staff/review",
        "tracking": track,
    }
    for name, path in pages.items():
        r = await client.get(path, params={"lang": lang})
        assert r.status_code == 200, (name, r.status_code)
        assert not _keys_in(r.text), (name, _keys_in(r.text))


async def test_each_audience_reads_its_own_words(client, db):
    buyer, order, line = await _through_many_events(db)
    await _ship_exception_and_resolve(client, db, order, line)
    staff_page = text_of((await client.get(f"/staff/orders/{order.number}", params={"lang": "en"})).text)
    assert "Changes requested from the customer" in staff_page and "We asked for changes" not in staff_page
    assert "Assigned to" in staff_page and "Changes requested (to the customer)" in staff_page
    await sign_in(client, buyer.email)
    own = text_of((await client.get(f"/orders/{order.number}", params={"lang": "en"})).text)
    assert "We asked for changes" in own and "Assigned to" not in own
    assert f"{buyer.name} chose: Ship what is in stock now" in own


async def test_the_buyer_is_told_how_a_delivery_exception_was_resolved(client, db):
    buyer, order, line = await _through_many_events(db)
    await _ship_exception_and_resolve(client, db, order, line)
    mail = await db.scalar(select(OutboxMessage).where(OutboxMessage.template == "case_resolved"))
    assert mail.recipient == buyer.email and mail.context["resolution"] == "Replacement crate sent on Monday"
    renderer = EmailRenderer(make_environment(), base_url="https://portal.example")
    subjects = set()
    for locale in ("zh_CN", "en"):
        rendered = renderer.render("case_resolved", locale=locale, context=mail.context)
        assert "Replacement crate sent on Monday" in rendered.text and order.number in rendered.subject
        subjects.add(rendered.subject)
    assert len(subjects) == 2  # one per language
    await sign_in(client, buyer.email)
    own = text_of((await client.get(f"/orders/{order.number}", params={"lang": "en"})).text)
    assert "Delivery problem resolved" in own and "Replacement crate sent on Monday" in own
    fresh = await db.get(Order, order.id, populate_existing=True)
    track = client.app.state.tracking_links.path(order.id, fresh.tracking_link_version)
    public = text_of((await client.get(track, params={"lang": "zh_CN"})).text)
    assert "Replacement crate sent on Monday" in public and buyer.name not in public


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
async def test_a_sentence_ending_with_a_name_that_ends_in_a_full_stop_has_one(client, db, lang):
    account = await make_account(db, name="Acme Trading Co.")
    buyer = await make_customer(db, account=account)
    _, order = await awaiting_confirmation(db, buyer=buyer)
    await db.commit()
    await sign_in(client, buyer.email)
    page = text_of((await client.get(f"/orders/{order.number}/confirmation", params={"lang": lang})).text)
    assert "Acme Trading Co." in page and "Co.." not in page
    with using_locale(lang):
        said = gettext("Accepted and signed by %(name)s on %(when)s.", name="Li Lei", when="today")
        assert said.endswith((".", "。")) and ".." not in said
        assert ".." not in gettext(
            "Welcome, %(name)s. Choose a password to finish setting up your sign-in.", name="Dr."
        )
