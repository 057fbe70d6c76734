"""Signing in and out, for customers and staff, with server-side sessions in Redis."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from portal.auth.service import disable_user
from portal.auth.sessions import COOKIE_NAMES, SessionStore
from tests.helpers import csrf_token, make_customer, make_staff, sign_in

GENERIC = "The e-mail address or password is not correct."


def _set_cookie(response, name: str) -> str:
    return next(h for h in response.headers.get_list("set-cookie") if h.startswith(name + "="))


async def test_customer_sign_in_sets_a_safe_session_cookie(client, db):
    user = await make_customer(db)
    r = await sign_in(client, user.email)
    assert r.status_code == 303 and r.headers["location"] == "/orders"
    cookie = _set_cookie(r, COOKIE_NAMES["customer"]).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert "secure" not in cookie  # dev/test over http; production sets Secure (see test_settings)


async def test_sign_in_returns_to_next_but_never_off_site(client, db):
    user = await make_customer(db)
    token = await csrf_token(client)
    form = {"email": user.email, "password": "correct-horse-battery", "_csrf_token": token}
    r = await client.post("/login", data={**form, "next": "/orders?status=shipped"}, follow_redirects=False)
    assert r.headers["location"] == "/orders?status=shipped"
    for bad in ("https://evil.example/", "//evil.example/x", "/staff/"):
        r = await client.post("/login", data={**form, "next": bad}, follow_redirects=False)
        assert r.headers["location"] == "/orders", bad


async def test_signed_out_visitor_is_sent_to_login_and_back(client, db):
    r = await client.get("/orders?status=submitted", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Forders%3Fstatus%3Dsubmitted"
    r = await client.get("/staff/", follow_redirects=False)
    assert r.headers["location"].startswith("/staff/login?next=%2Fstaff")


async def test_wrong_password_and_unknown_email_get_the_same_answer(client, db):
    user = await make_customer(db)
    wrong = await sign_in(client, user.email, "not-the-password")
    unknown = await sign_in(client, "nobody@example.test", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert GENERIC in wrong.text and GENERIC in unknown.text
    assert COOKIE_NAMES["customer"] not in client.cookies


async def test_session_id_is_rotated_at_sign_in(client, db):
    user = await make_customer(db)
    await sign_in(client, user.email)
    first = client.cookies[COOKIE_NAMES["customer"]]
    await sign_in(client, user.email)
    second = client.cookies[COOKIE_NAMES["customer"]]
    assert first != second
    # the old id is dead: replaying it gets the sign-in page
    client.cookies.set(COOKIE_NAMES["customer"], first)
    r = await client.get("/orders", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


async def test_sign_out_ends_the_session_server_side(client, db):
    user = await make_customer(db)
    await sign_in(client, user.email)
    sid = client.cookies[COOKIE_NAMES["customer"]]
    token = await csrf_token(client)
    r = await client.post("/logout", data={"_csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    client.cookies.set(COOKIE_NAMES["customer"], sid)
    r = await client.get("/orders", follow_redirects=False)
    assert r.status_code == 303


async def test_disabling_a_user_ends_all_their_sessions(client, db, settings, redis):
    from portal.app import create_app

    user = await make_customer(db)
    await sign_in(client, user.email)
    async with AsyncTestClient(app=create_app(settings), base_url="http://testserver.local") as other:
        other.headers["accept-language"] = "en"
        await sign_in(other, user.email)
        assert (await other.get("/orders", follow_redirects=False)).status_code == 200
        # the app's own Redis pool lives on the app's loop: the test uses its own connection
        ended = await disable_user(db, SessionStore(redis, 60), kind="customer", user_id=user.id)
        await db.commit()
        assert ended == 2
        assert (await other.get("/orders", follow_redirects=False)).status_code == 303
    assert (await client.get("/orders", follow_redirects=False)).status_code == 303
    r = await sign_in(client, user.email)
    assert r.status_code == 401  # a disabled user cannot sign in again


async def test_customer_session_is_refused_by_staff_pages(client, db):
    user = await make_customer(db)
    await sign_in(client, user.email)
    r = await client.get("/staff/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/staff/login")
    # even if the customer's session id is put into the staff cookie
    client.cookies.set(COOKIE_NAMES["staff"], client.cookies[COOKIE_NAMES["customer"]])
    r = await client.get("/staff/", follow_redirects=False)
    assert r.status_code == 303


async def test_staff_session_is_refused_by_customer_pages(client, db):
    staff = await make_staff(db, "reviewer")
    r = await sign_in(client, staff.email, staff=True)
    assert r.status_code == 303 and r.headers["location"] == "/staff/"
    assert (await client.get("/staff/")).status_code == 200
    r = await client.get("/orders", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    client.cookies.set(COOKIE_NAMES["customer"], client.cookies[COOKIE_NAMES["staff"]])
    assert (await client.get("/orders", follow_redirects=False)).status_code == 303


async def test_staff_and_customer_accounts_do_not_mix(client, db):
    """A customer's credentials do not open the staff door, and the reverse."""
    user = await make_customer(db)
    staff = await make_staff(db, "admin")
    assert (await sign_in(client, user.email, staff=True)).status_code == 401
    assert (await sign_in(client, staff.email)).status_code == 401


async def test_failed_sign_ins_are_throttled_per_account(client, db):
    user = await make_customer(db)
    for _ in range(5):
        assert (await sign_in(client, user.email, "wrong-password")).status_code == 401
    r = await sign_in(client, user.email)  # even the right password waits now
    assert r.status_code == 429
    assert "15" in r.text
    # an unknown address is throttled exactly the same way: nothing tells them apart
    for _ in range(5):
        await sign_in(client, "ghost@example.test", "wrong-password")
    assert (await sign_in(client, "ghost@example.test", "wrong-password")).status_code == 429


async def test_failed_sign_ins_are_throttled_per_address(client, db):
    """Many accounts tried from one address: the address is stopped too."""
    user = await make_customer(db)
    for n in range(20):
        await sign_in(client, f"spray{n}@example.test", "wrong-password")
    assert (await sign_in(client, user.email)).status_code == 429


async def test_staff_role_guard(client, db):
    from litestar import get

    from portal.auth.guards import requires_role
    from portal.auth.roles import Role

    # a staff page for finance only, mounted on a fresh app for this test
    @get("/staff/finance-only", guards=[requires_role(Role.FINANCE)], sync_to_thread=False)
    def finance_only() -> str:
        return "ok"

    client.app.register(finance_only)
    reviewer = await make_staff(db, "reviewer")
    await sign_in(client, reviewer.email, staff=True)
    assert (await client.get("/staff/finance-only")).status_code == 403
    admin = await make_staff(db, "admin")
    await sign_in(client, admin.email, staff=True)
    assert (await client.get("/staff/finance-only")).status_code == 200
