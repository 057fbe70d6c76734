"""E-mail in the reader's language: saved choice, else the language last used, else the account's, else DEFAULT_LOCALE."""

from __future__ import annotations

from sqlalchemy import select

from portal.db.customers import Address, CustomerUser
from portal.db.engine import make_sessionmaker
from portal.db.outbox import OutboxMessage
from portal.domain.notifications import delivery
from portal.domain.notifications.mailer import SmtpMailer
from portal.domain.notifications.render import EmailRenderer
from portal.domain.orders import notify, service
from portal.jinja import make_environment
from tests.helpers import customer_actor, make_account, make_customer, make_order, make_staff, sign_in
from tests.integration.customer.test_cart_checkout import _ready_for_checkout


async def _deliver(engine, smtp_url: str, **renderer_kw: str):
    renderer = EmailRenderer(make_environment(), base_url="https://portal.example", **renderer_kw)
    mailer = SmtpMailer(smtp_url, sender="Portal <orders@portal.test>")
    return await delivery.drain(make_sessionmaker(engine), mailer, renderer)


async def _buyer_with_address(db, **kw):
    user = await make_customer(db, **kw)
    db.add(
        Address(account_id=user.account_id, recipient="Wang", city="Shanghai", street="Rd 1", is_default=True)
    )
    await db.commit()
    return user


async def _submit(db, user):
    order = await make_order(db, customer=user)
    await service.submit(db, customer_actor(user), order)
    await db.commit()
    return order


async def test_a_buyer_reading_in_english_gets_english_mail(client, db, engine, smtp_sink):
    """No saved language, a Chinese account default, an English browser: the order e-mail is English."""
    sink, url = smtp_sink
    buyer = await _buyer_with_address(db, account=await make_account(db, default_locale="zh_CN"))
    _, form = await _ready_for_checkout(client, db, buyer)  # the client's Accept-Language is en
    r = await client.post("/checkout", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert (await _deliver(engine, url)).sent == 1
    (mail,) = sink.wait_for(1)
    assert (
        mail["To"] == buyer.email and mail["Subject"].startswith("Order ") and "received" in mail["Subject"]
    )
    stored = await db.scalar(select(CustomerUser.last_locale).where(CustomerUser.id == buyer.id))
    assert stored == "en"


async def test_the_language_last_used_follows_the_browser(client, db):
    buyer = await make_customer(db)
    await sign_in(client, buyer.email)
    await client.get("/orders", headers={"accept-language": "zh-CN"})
    read = select(CustomerUser.last_locale).where(CustomerUser.id == buyer.id)
    assert await db.scalar(read) == "zh_CN"
    await client.get("/orders", headers={"accept-language": "en-US"})
    db.expire_all()
    assert await db.scalar(read) == "en"


async def test_saved_choice_beats_last_used_which_beats_the_account_default(db, engine, smtp_sink):
    sink, url = smtp_sink
    zh_account = await make_account(db, default_locale="zh_CN")
    saved = await make_customer(db, account=zh_account, locale="zh_CN", last_locale="en")
    last_used = await make_customer(db, account=zh_account, last_locale="en")
    account_default = await make_customer(db, account=await make_account(db, default_locale="en"))
    orders = {u.email: await _submit(db, u) for u in (saved, last_used, account_default)}
    assert (await _deliver(engine, url)).sent == 3
    subjects = {m["To"]: m["Subject"] for m in sink.wait_for(3)}
    assert subjects[saved.email] == f"订单 {orders[saved.email].number} 已接收"
    assert subjects[last_used.email] == f"Order {orders[last_used.email].number} received"
    assert subjects[account_default.email] == f"Order {orders[account_default.email].number} received"


async def test_staff_of_no_known_language_get_the_default_locale(db, engine, smtp_sink):
    sink, url = smtp_sink
    nobody = await make_staff(db, "sales")
    used_zh = await make_staff(db, "sales", last_locale="zh_CN")
    for sales in (nobody, used_zh):
        order = await make_order(db, entered_by_staff_id=sales.id)
        assert await notify.send(db, order, "order_confirmed", "sales") == 1
    await db.commit()
    assert (await _deliver(engine, url, default_locale="en")).sent == 2
    subjects = {m["To"]: m["Subject"] for m in sink.wait_for(2)}
    assert subjects[nobody.email].startswith("Order ") and "confirmed by" in subjects[nobody.email]
    assert "已确认订单" in subjects[used_zh.email]
    # the outbox records the language each message was written in
    sent = dict((await db.execute(select(OutboxMessage.recipient, OutboxMessage.locale))).all())
    assert sent == {nobody.email: "en", used_zh.email: "zh_CN"}
