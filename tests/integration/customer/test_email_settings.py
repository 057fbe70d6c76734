"""The buyer's own e-mail settings: optional e-mails follow them, transactional ones always arrive."""

from __future__ import annotations

from sqlalchemy import select

from portal.db.engine import make_sessionmaker
from portal.db.outbox import OutboxMessage
from portal.domain.notifications import delivery, preferences
from portal.domain.notifications.mailer import SmtpMailer
from portal.domain.notifications.render import EmailRenderer
from portal.domain.orders import service
from portal.domain.orders.actors import Actor
from portal.jinja import make_environment
from tests.fulfilment_helpers import ready_to_ship, staff_actor
from tests.helpers import csrf_token, make_customer, make_staff, sign_in, text_of

PATH = "/account/notifications"
TRANSACTIONAL = {"order_received", "confirmation_ready"}


async def _whole_journey(db, buyer):  # noqa: ANN001, ANN202
    """Placed, confirmed, produced (milestones), shipped and delivered; the buyer's mail templates."""
    _buyer, order = await ready_to_ship(db, buyer=buyer)
    logistics = staff_actor(await make_staff(db, "logistics"))
    await service.ship(
        db, logistics, order, complete=True, mail={"carrier": "Demo", "tracking_number": "SF1"}
    )
    await service.deliver(db, Actor.system("carrier"), order)
    await db.commit()
    rows = await db.scalars(select(OutboxMessage).where(OutboxMessage.recipient == buyer.email))
    return {m.template: m for m in rows}


async def test_the_defaults_milestones_are_opt_in(db):
    buyer = await make_customer(db)
    sent = await _whole_journey(db, buyer)
    assert set(sent) == TRANSACTIONAL | {"order_shipped", "order_delivered"}
    assert sent["order_delivered"].context["survey"] == {"order_id": sent["order_delivered"].order_id}


async def test_an_opted_in_buyer_hears_about_milestones(db):
    buyer = await make_customer(db, milestones=True)
    assert "production_milestone" in await _whole_journey(db, buyer)


async def test_an_opted_out_buyer_gets_only_transactional_mail_over_smtp(db, engine, smtp_sink):
    sink, url = smtp_sink
    buyer = await make_customer(db, locale="en")
    await preferences.save(db, buyer.id, set())
    await db.commit()
    assert set(await _whole_journey(db, buyer)) == TRANSACTIONAL
    renderer = EmailRenderer(make_environment(), base_url="https://portal.example")
    await delivery.drain(
        make_sessionmaker(engine), SmtpMailer(url, sender="Portal <o@portal.test>"), renderer
    )
    subjects = sorted(m["Subject"] for m in sink.messages if m["To"] == buyer.email)
    assert len(subjects) == 2 and any("received" in s for s in subjects), subjects
    assert not any("delivered" in s or "shipped" in s.lower() for s in subjects), subjects


async def test_without_the_delivered_notice_the_survey_invitation_comes_alone(db):
    buyer = await make_customer(db)
    await preferences.save(db, buyer.id, {preferences.SHIPPED, preferences.SURVEYS})
    await db.commit()
    sent = await _whole_journey(db, buyer)
    assert "order_delivered" not in sent and "survey_invitation" in sent
    assert sent["survey_invitation"].context["survey"]["order_id"] == sent["survey_invitation"].order_id


async def test_the_delivered_notice_without_surveys_has_no_survey_link(db):
    buyer = await make_customer(db)
    await preferences.save(db, buyer.id, {preferences.DELIVERED})
    await db.commit()
    sent = await _whole_journey(db, buyer)
    assert "survey" not in sent["order_delivered"].context and "survey_invitation" not in sent
    rendered = EmailRenderer(make_environment(), base_url="https://portal.example", survey_path=str).render(
        "order_delivered", locale="en", context=sent["order_delivered"].context
    )
    assert "satisfaction survey" not in rendered.text


async def test_the_settings_page_saves_the_buyers_choice(client, db):
    buyer = await make_customer(db)
    await sign_in(client, buyer.email)
    page = (await client.get(PATH)).text
    assert 'name="milestones" ' in page and 'name="milestones" checked' not in page
    assert 'name="shipped" checked' in page
    token = await csrf_token(client, PATH)
    r = await client.post(PATH, data={"_csrf_token": token, "milestones": "on"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == PATH
    assert await preferences.load(db, buyer.id) == preferences.Preferences(
        milestones=True, shipped=False, delivered=False, surveys=False
    )
    page = (await client.get(PATH)).text
    assert 'name="milestones" checked' in page and 'name="shipped" checked' not in page
    assert "Your e-mail settings are saved." in text_of(page)
    # without the CSRF token nothing changes
    r = await client.post(PATH, data={"shipped": "on"}, follow_redirects=False)
    assert r.status_code == 403
    assert (await preferences.load(db, buyer.id)).shipped is False


async def test_the_settings_page_is_for_signed_in_customers_in_both_languages(client, db):
    r = await client.get(PATH, follow_redirects=False)
    assert r.status_code in (302, 303) and r.headers["location"].startswith("/login")
    staff = await make_staff(db, "admin")
    await sign_in(client, staff.email, staff=True)
    assert (await client.get(PATH, follow_redirects=False)).status_code in (302, 303)
    buyer = await make_customer(db)
    await sign_in(client, buyer.email)
    client.cookies.set("portal_lang", "zh_CN")
    page = text_of((await client.get(PATH)).text)
    assert "邮件设置" in page and "满意度调查" in page


async def test_customer_mail_links_to_the_settings_and_staff_mail_does_not(db):
    renderer = EmailRenderer(make_environment(), base_url="https://portal.example")
    context = {"number": "SO-2026-000001", "order_path": "/orders/SO-2026-000001"}
    to_buyer = renderer.render("order_delivered", locale="en", context={**context, "audience": "customer"})
    to_staff = renderer.render("order_delivered", locale="en", context={**context, "audience": "staff"})
    assert 'href="https://portal.example/account/notifications"' in to_buyer.html
    assert "/account/notifications" not in to_staff.html
    # the plain-text part ends the same way, after the signature line
    assert (
        "\n-- \nChoose which e-mails you receive: https://portal.example/account/notifications\n"
        in to_buyer.text
    )
    assert "/account/notifications" not in to_staff.text and "Please do not reply to it." in to_staff.text
    chinese = renderer.render("order_delivered", locale="zh_CN", context={**context, "audience": "customer"})
    assert "选择您要接收的邮件：https://portal.example/account/notifications" in chinese.text
    # and the delivered notice links straight to the report of short or damaged goods
    assert "https://portal.example/orders/SO-2026-000001/receipt" in to_buyer.text
