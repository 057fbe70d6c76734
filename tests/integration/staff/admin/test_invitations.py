"""Invited users set their password through an e-mailed link: once, and only before it expires."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from sqlalchemy import select, update

from portal import clock
from portal.db.admin import AuditEntry, Invitation
from portal.db.customers import CustomerUser
from portal.db.outbox import OutboxMessage
from portal.db.staff import StaffUser
from portal.domain.notifications.render import EmailRenderer
from portal.jinja import make_environment
from tests.helpers import csrf_token, make_account, post_form, sign_in, text_of

NEW_PASSWORD = "a-long-enough-secret"


async def _invitation_link(db, settings, recipient: str) -> tuple[OutboxMessage, str, str]:
    """The queued e-mail, rendered as the worker would; returns it with its text and the link's token."""
    message = await db.scalar(select(OutboxMessage).where(OutboxMessage.recipient == recipient))
    rendered = EmailRenderer(make_environment(), base_url=settings.base_url).render(
        message.template, locale=message.locale, context=message.context
    )
    token = re.search(re.escape(settings.base_url) + r"/invite/([\w-]+)", rendered.text).group(1)
    return message, rendered.text, token


async def _invite(client, db, token: str, name: str, email: str, locale: str, /, **account_kw):  # noqa: ANN001, ANN202
    """An admin invites one user (name, e-mail, locale) to a new account made with ``account_kw``.

    Returns the account and the answer to the invitation form (not followed).
    """
    account = await make_account(db, **account_kw)
    await db.commit()
    r = await post_form(
        client, f"/staff/admin/accounts/{account.id}/users", token, name=name, email=email, locale=locale
    )
    return account, r


async def _set_password(
    client, link_token: str, form_token: str, password: str = NEW_PASSWORD, repeat: str = ""
):  # noqa: ANN001, ANN202
    """Post the invitation link's password form (``repeat``: the password again unless given);
    a redirect is returned, not followed."""
    fields = {"password": password, "password_repeat": repeat or password}
    return await post_form(client, f"/invite/{link_token}", form_token, **fields)


async def test_customer_invitation_sets_a_password_once(client, db, settings, admin):
    staff, token = admin
    account, r = await _invite(client, db, token, "Li Wei", "Li.Wei@Example.test", "en", name="Delta Valves")
    assert r.status_code == 303
    user = await db.scalar(select(CustomerUser).where(CustomerUser.email == "li.wei@example.test"))
    assert user.account_id == account.id and user.password_hash is None and user.locale == "en"

    # the e-mail waits in the outbox, in the user's language, with the link
    message, text, link_token = await _invitation_link(db, settings, user.email)
    assert message.template == "invitation" and message.locale == "en" and message.status == "pending"
    assert "Delta Valves" in text and staff.name in text
    invitation = await db.scalar(select(Invitation).where(Invitation.user_id == user.id))
    assert invitation.user_kind == "customer" and invitation.used_at is None
    assert invitation.token_hash == hashlib.sha256(link_token.encode()).hexdigest() != link_token
    assert timedelta(hours=71) < invitation.expires_at - clock.now() <= timedelta(hours=72)

    # the link shows the form; a mismatch is refused and uses nothing up
    page = await client.get(f"/invite/{link_token}")
    assert page.status_code == 200 and "Set your password" in page.text and user.email in page.text
    assert page.headers["cache-control"] == "no-store" and page.headers["referrer-policy"] == "no-referrer"
    form_token = await csrf_token(client)
    r = await _set_password(client, link_token, form_token, repeat="something else")
    assert r.status_code == 422 and "The two passwords do not match." in text_of(r.text)
    r = await _set_password(client, link_token, form_token, "short")
    assert r.status_code == 422 and "Use at least 10 characters." in text_of(r.text)

    r = await _set_password(client, link_token, form_token)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    signed_in = await sign_in(client, user.email, NEW_PASSWORD)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/orders"

    # a second use of the same link fails
    again = await _set_password(client, link_token, form_token, "another-password-1")
    assert again.status_code == 404 and "This link is no longer valid" in again.text
    assert (await client.get(f"/invite/{link_token}")).status_code == 404
    actions = (await db.scalars(select(AuditEntry.action).order_by(AuditEntry.id))).all()
    assert actions == ["create", "invite", "set_password"]


async def test_an_expired_or_unknown_link_is_not_valid(client, db, settings, admin):
    _, token = admin
    await _invite(client, db, token, "Late Comer", "late@example.test", "zh_CN")
    message, _, link_token = await _invitation_link(db, settings, "late@example.test")
    assert message.locale == "zh_CN"
    await db.execute(update(Invitation).values(expires_at=clock.now() - timedelta(minutes=1)))
    await db.commit()
    r = await client.get(f"/invite/{link_token}")
    assert r.status_code == 404 and "This link is no longer valid" in r.text
    form_token = await csrf_token(client)
    r = await _set_password(client, link_token, form_token)
    assert r.status_code == 404
    user = await db.scalar(select(CustomerUser).where(CustomerUser.email == "late@example.test"))
    await db.refresh(user)
    assert user.password_hash is None
    assert (await client.get("/invite/not-a-token")).status_code == 404
    assert (await client.get("/invite/" + "x" * 300)).status_code == 404


async def test_a_new_invitation_replaces_the_old_link(client, db, settings, admin):
    _, token = admin
    account, _ = await _invite(client, db, token, "Twice", "twice@example.test", "en")
    _, _, first = await _invitation_link(db, settings, "twice@example.test")
    user = await db.scalar(select(CustomerUser).where(CustomerUser.email == "twice@example.test"))
    r = await post_form(client, f"/staff/admin/accounts/{account.id}/users/{user.id}/reinvite", token)
    assert r.status_code == 303
    assert (await client.get(f"/invite/{first}")).status_code == 404
    messages = (await db.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    assert len(messages) == 2 and messages[1].context["token"] != first
    assert (await client.get(f"/invite/{messages[1].context['token']}")).status_code == 200


async def test_inviting_an_existing_email_is_refused(client, db, admin):
    _, token = admin
    account = await make_account(db)
    await db.commit()
    data = {"name": "Dup", "email": "dup@example.test", "locale": "en", "_csrf_token": token}
    assert (
        await client.post(f"/staff/admin/accounts/{account.id}/users", data=data, follow_redirects=False)
    ).status_code == 303
    r = await client.post(
        f"/staff/admin/accounts/{account.id}/users", data={**data, "email": "DUP@example.test"}
    )
    assert r.status_code == 422 and "A user with this e-mail address already exists." in text_of(r.text)
    r = await client.post(f"/staff/admin/accounts/{account.id}/users", data={**data, "email": "nope"})
    assert r.status_code == 422 and "Enter a valid e-mail address." in text_of(r.text)
    assert len((await db.scalars(select(OutboxMessage))).all()) == 1


async def test_staff_invitation_leads_to_the_staff_sign_in(client, db, settings, admin):
    _, token = admin
    r = await client.post(
        "/staff/admin/users",
        data={
            "name": "Wang Fang",
            "email": "wang@example.test",
            "locale": "zh_CN",
            "roles": ["reviewer", "finance"],
            "_csrf_token": token,
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    user = await db.scalar(select(StaffUser).where(StaffUser.email == "wang@example.test"))
    assert user.roles == ["reviewer", "finance"] and user.password_hash is None
    message, text, link_token = await _invitation_link(db, settings, user.email)
    assert message.context["user_kind"] == "staff"
    form_token = await csrf_token(client)
    r = await _set_password(client, link_token, form_token)
    assert r.status_code == 303 and r.headers["location"] == "/staff/login"
    client.cookies.delete("portal_staff_session")
    signed_in = await sign_in(client, user.email, NEW_PASSWORD, staff=True)
    assert signed_in.status_code == 303 and signed_in.headers["location"] == "/staff/"
