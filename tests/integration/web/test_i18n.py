"""Language: chosen with POST /lang (cookie, and on the signed-in user), else Accept-Language."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select

from portal import formatting
from portal.db.customers import CustomerUser
from portal.i18n import best_from_accept_language, using_locale
from tests.helpers import csrf_token, make_customer, sign_in


async def test_accept_language_picks_the_language(client):
    r = await client.get("/login", headers={"accept-language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert '<html lang="zh-CN">' in r.text and "登录" in r.text
    r = await client.get("/login", headers={"accept-language": "en-GB,en;q=0.9"})
    assert '<html lang="en">' in r.text and "Sign in" in r.text


async def test_lang_switch_is_remembered_in_a_cookie(client):
    token = await csrf_token(client)
    r = await client.post(
        "/lang", data={"locale": "zh_CN", "next": "/login", "_csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == "/login"
    r = await client.get("/login", headers={"accept-language": "en"})
    assert '<html lang="zh-CN">' in r.text  # the explicit choice beats the browser


async def test_lang_switch_never_redirects_off_site(client):
    token = await csrf_token(client)
    r = await client.post(
        "/lang", data={"locale": "en", "next": "//evil.example", "_csrf_token": token}, follow_redirects=False
    )
    assert r.headers["location"] == "/"


async def test_signed_in_users_keep_their_language(client, db):
    user = await make_customer(db)
    await sign_in(client, user.email)
    token = await csrf_token(client)
    await client.post("/lang", data={"locale": "zh_CN", "next": "/orders", "_csrf_token": token})
    assert (await db.scalar(select(CustomerUser.locale).where(CustomerUser.id == user.id))) == "zh_CN"
    # a new browser (no language cookie, English Accept-Language) still gets Chinese after sign-in
    client.cookies.clear()
    await sign_in(client, user.email)
    r = await client.get("/orders", headers={"accept-language": "en"})
    assert '<html lang="zh-CN">' in r.text and "我的订单" in r.text


async def test_error_pages_exist_in_both_languages(client):
    r = await client.get("/nowhere", headers={"accept-language": "zh-CN"})
    assert r.status_code == 404 and "页面不存在" in r.text
    r = await client.get("/nowhere", headers={"accept-language": "en"})
    assert r.status_code == 404 and "Page not found" in r.text


def test_accept_language_parsing():
    assert best_from_accept_language("fr-FR,en;q=0.5,zh;q=0.8") == "zh_CN"
    assert best_from_accept_language("en-US") == "en"
    assert best_from_accept_language("fr, de") is None
    assert best_from_accept_language("zh-TW;q=0, en;q=0.1") == "en"


def test_money_numbers_and_dates_follow_the_locale():
    when = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)  # 00:30 on 2 March in Shanghai
    with using_locale("en"):
        assert formatting.money(Decimal("1234567.5")) == "CN¥1,234,567.50"
        assert formatting.day(when) == "Mar 2, 2026"
        assert "12:30" in formatting.moment(when)
    with using_locale("zh_CN"):
        assert formatting.money(Decimal("1234567.5")) == "¥1,234,567.50"
        assert formatting.day(when) == "2026年3月2日"
        assert formatting.number(Decimal("12345.5")) == "12,345.5"
