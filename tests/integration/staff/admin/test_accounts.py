"""Admins create and edit customer accounts; each change is audited with the values before and after."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from portal.auth.sessions import SessionData, SessionStore
from portal.db.admin import AuditEntry
from portal.db.customers import CustomerAccount
from portal.formatting import money
from portal.i18n import using_locale
from tests.helpers import make_account, make_customer, text_of

FORM = {
    "name": "Acme Pumps Ltd.",
    "tax_id": "91310000MA1FL0000N",
    "invoice_title": "Acme Pumps Ltd.",
    "credit_limit": "250000",
    "payment_terms": "net",
    "payment_days": "60",
    "default_locale": "en",
    "is_key_account": "on",
    "is_active": "on",
}


async def test_account_edit_is_audited_with_before_and_after(client, db, admin):
    staff, token = admin
    account = await make_account(db, name="Acme Pumps Ltd.", credit_limit=Decimal("100000"), payment_days=30)
    await db.commit()
    r = await client.post(
        f"/staff/admin/accounts/{account.id}", data={**FORM, "_csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303
    await db.refresh(account)
    assert (
        account.credit_limit == Decimal("250000.00") and account.payment_days == 60 and account.is_key_account
    )
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.entity == "customer_account"))
    assert (entry.action, entry.actor_id, entry.actor_name, entry.entity_id) == (
        "update",
        staff.id,
        staff.name,
        str(account.id),
    )
    assert entry.before["credit_limit"] == "100000.00" and entry.after["credit_limit"] == "250000.00"
    assert entry.before["is_key_account"] is False and entry.after["is_key_account"] is True
    assert entry.before["payment_days"] == 30 and entry.after["payment_days"] == 60
    log = text_of((await client.get("/staff/admin/audit", params={"lang": "en"})).text)
    assert "customer account" in log and staff.name in log and "Credit limit" in log
    with using_locale("en"):  # amounts in the audit log are formatted per locale
        assert f"{money(Decimal(100000))} → {money(Decimal(250000))}" in log


async def test_saving_an_unchanged_account_writes_no_audit_entry(client, db, admin):
    _, token = admin
    account = await make_account(
        db,
        **{
            **FORM,
            "credit_limit": Decimal("250000"),
            "payment_days": 60,
            "default_locale": "en",
            "is_key_account": True,
            "is_active": True,
        },
    )
    await db.commit()
    r = await client.post(
        f"/staff/admin/accounts/{account.id}", data={**FORM, "_csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303
    assert await db.scalar(select(AuditEntry.id)) is None


async def test_create_account_and_refuse_bad_input(client, db, admin):
    _, token = admin
    bad = {**FORM, "name": "", "credit_limit": "lots", "payment_terms": "cash", "payment_days": "400"}
    r = await client.post("/staff/admin/accounts", data={**bad, "_csrf_token": token})
    assert r.status_code == 422
    page = text_of(r.text)
    assert "This field is required." in page and "Choose prepaid or net." in page
    assert "Enter an amount of 0 or more with at most two decimals." in page
    assert await db.scalar(select(CustomerAccount.id)) is None
    r = await client.post(
        "/staff/admin/accounts", data={**FORM, "_csrf_token": token}, follow_redirects=False
    )
    assert r.status_code == 303
    account = await db.scalar(select(CustomerAccount))
    assert r.headers["location"] == f"/staff/admin/accounts/{account.id}"
    assert account.name == "Acme Pumps Ltd." and account.default_locale == "en"
    entry = await db.scalar(select(AuditEntry))
    assert entry.action == "create" and entry.before is None and entry.after["credit_limit"] == "250000.00"
    listing = text_of((await client.get("/staff/admin/accounts", params={"q": "acme"})).text)
    assert "Acme Pumps Ltd." in listing and "key account" in listing


async def _buyer_with_a_session(db, redis):  # noqa: ANN001, ANN202
    """A new buyer signed in elsewhere: (buyer, the session store, their session id)."""
    buyer = await make_customer(db)
    store = SessionStore(redis, 3600)
    session = SessionData(
        kind="customer", user_id=buyer.id, email=buyer.email, name=buyer.name, account_id=buyer.account_id
    )
    return buyer, store, await store.create(session)


async def test_disabling_an_account_signs_its_users_out(client, db, redis, admin):
    _, token = admin
    buyer, store, sid = await _buyer_with_a_session(db, redis)
    data = {**FORM, "is_active": ""}
    r = await client.post(
        f"/staff/admin/accounts/{buyer.account_id}",
        data={**data, "_csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert await store.load(sid, "customer") is None


async def test_disabling_a_user_ends_their_sessions_and_is_audited(client, db, redis, admin):
    _, token = admin
    buyer, store, sid = await _buyer_with_a_session(db, redis)
    base = f"/staff/admin/accounts/{buyer.account_id}/users/{buyer.id}"
    r = await client.post(f"{base}/disable", data={"_csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert await store.load(sid, "customer") is None
    await db.refresh(buyer)
    assert not buyer.is_active
    r = await client.post(f"{base}/enable", data={"_csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    await db.refresh(buyer)
    assert buyer.is_active
    actions = (await db.scalars(select(AuditEntry.action).order_by(AuditEntry.id))).all()
    assert actions == ["disable", "enable"]
    # a user of another account is not reachable through this account
    other = await make_customer(db)
    r = await client.post(
        f"/staff/admin/accounts/{buyer.account_id}/users/{other.id}/disable", data={"_csrf_token": token}
    )
    assert r.status_code == 404
