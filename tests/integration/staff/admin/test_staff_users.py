"""Admins edit staff roles (ending the user's sessions) but cannot lock themselves out."""

from __future__ import annotations

from sqlalchemy import select

from portal.auth.sessions import COOKIE_NAMES, SessionData, SessionStore
from portal.db.admin import AuditEntry
from tests.helpers import csrf_token, make_staff, sign_in, text_of

STAFF_COOKIE = COOKIE_NAMES["staff"]


async def test_changing_roles_ends_that_users_sessions(client, db, redis):
    target = await make_staff(db, "sales")
    admin = await make_staff(db, "admin")
    await sign_in(client, target.email, staff=True)
    target_sid = client.cookies[STAFF_COOKIE]
    client.cookies.delete(STAFF_COOKIE)  # the admin signs in beside it, not in its place
    await sign_in(client, admin.email, staff=True)
    token = await csrf_token(client, "/staff/login")
    store = SessionStore(redis, 3600)
    assert (await store.load(target_sid, "staff")).roles == ["sales"]

    r = await client.post(
        f"/staff/admin/users/{target.id}",
        data={"name": target.name, "locale": "en", "roles": ["sales", "reviewer"], "_csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert await store.load(target_sid, "staff") is None
    await db.refresh(target)
    assert target.roles == ["sales", "reviewer"]
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.entity == "staff_user"))
    assert entry.before["roles"] == ["sales"] and entry.after["roles"] == ["sales", "reviewer"]
    # the admin is still signed in
    assert (await client.get("/staff/admin/users")).status_code == 200


async def test_renaming_keeps_sessions_and_disabling_ends_them(client, db, redis, admin):
    _, token = admin
    target = await make_staff(db, "logistics")
    store = SessionStore(redis, 3600)
    sid = await store.create(
        SessionData(
            kind="staff", user_id=target.id, email=target.email, name=target.name, roles=["logistics"]
        )
    )
    r = await client.post(
        f"/staff/admin/users/{target.id}",
        data={"name": "Renamed", "locale": "zh_CN", "roles": ["logistics"], "_csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303 and await store.load(sid, "staff") is not None
    r = await client.post(
        f"/staff/admin/users/{target.id}/disable", data={"_csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303 and await store.load(sid, "staff") is None
    await db.refresh(target)
    assert target.name == "Renamed" and not target.is_active
    # a disabled user cannot sign in again
    client.cookies.delete(STAFF_COOKIE)
    assert (await sign_in(client, target.email, staff=True)).status_code == 401


async def test_an_admin_cannot_demote_or_disable_themselves(client, db, admin):
    me, token = admin
    r = await client.post(
        f"/staff/admin/users/{me.id}",
        data={"name": me.name, "locale": "en", "roles": ["sales"], "_csrf_token": token},
    )
    assert r.status_code == 422 and "You cannot remove your own admin role." in text_of(r.text)
    r = await client.post(f"/staff/admin/users/{me.id}/disable", data={"_csrf_token": token})
    assert r.status_code == 422 and "You cannot disable your own account." in text_of(r.text)
    await db.refresh(me)
    assert me.roles == ["admin"] and me.is_active
    assert await db.scalar(select(AuditEntry.id)) is None
    assert (await client.get("/staff/admin/")).status_code == 200  # still signed in, still admin


async def test_roles_must_be_known_and_at_least_one(client, db, admin):
    _, token = admin
    target = await make_staff(db, "sales")
    for roles, message in (
        ([], "Choose at least one role."),
        (["sales", "root"], "Choose roles from the list."),
    ):
        r = await client.post(
            f"/staff/admin/users/{target.id}",
            data={"name": target.name, "locale": "en", "roles": roles, "_csrf_token": token},
        )
        assert r.status_code == 422 and message in text_of(r.text)
    await db.refresh(target)
    assert target.roles == ["sales"]


async def test_staff_list_shows_roles_and_invitation_state(client, db, admin):
    _, token = admin
    await make_staff(db, "finance", name="Zhao Finance")
    await client.post(
        "/staff/admin/users",
        data={
            "name": "Invited Person",
            "email": "inv@example.test",
            "locale": "en",
            "roles": ["production"],
            "_csrf_token": token,
        },
    )
    page = text_of((await client.get("/staff/admin/users")).text)
    assert "Zhao Finance" in page and "finance" in page
    assert "Invited Person" in page and "invited, link valid until" in page


async def test_an_admin_changing_their_own_roles_signs_in_again(client, db, admin):
    me, token = admin
    r = await client.post(
        f"/staff/admin/users/{me.id}",
        data={"name": me.name, "locale": "en", "roles": ["admin", "sales"], "_csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/staff/login"
    await db.refresh(me)
    assert me.roles == ["sales", "admin"]
    assert (
        await client.get("/staff/admin/", follow_redirects=False)
    ).status_code == 303  # to the sign-in page
