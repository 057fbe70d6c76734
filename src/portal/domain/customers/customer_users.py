"""An account's users: invited by e-mail with a set-password link, disabled and enabled, audited."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.customers import CustomerUser
from portal.domain.customers.accounts import get_account
from portal.domain.orders.actors import Actor
from portal.domain.people import users

AUDITED = ("account_id", "name", "email", "locale", "is_active")


async def account_users(db: AsyncSession, account_id: int) -> list[users.UserRow]:
    """The account's users by name, with their invitation state, in one statement."""
    stmt = (
        select(*users.user_columns(CustomerUser, "customer"))
        .where(CustomerUser.account_id == account_id)
        .order_by(CustomerUser.name, CustomerUser.id)
    )
    return [users.UserRow(*r) for r in (await db.execute(stmt)).all()]


async def invite_user(
    db: AsyncSession, actor: Actor, *, account_id: int, invitee: users.Invitee
) -> CustomerUser:
    """A new user without a password, and an e-mail with the link that sets it."""
    account = await get_account(db, account_id)
    user = CustomerUser(account_id=account.id, name=invitee.name, email=invitee.email, locale=invitee.locale)
    return await users.add_invited(
        db, actor, kind="customer", user=user, audited=AUDITED, account_name=account.name
    )


async def reinvite_user(db: AsyncSession, actor: Actor, *, account_id: int, user_id: int) -> CustomerUser:
    """A fresh link for a user who has not set a password yet (the earlier link stops working)."""
    account = await get_account(db, account_id)
    user = await users.load_user(db, CustomerUser, user_id, account_id=account_id)
    return await users.reinvite(db, actor, kind="customer", user=user, account_name=account.name)


async def set_user_active(
    db: AsyncSession, actor: Actor, *, account_id: int, user_id: int, active: bool
) -> bool:
    """Returns True when the user was just disabled: the caller ends their sessions."""
    user = await users.load_user(db, CustomerUser, user_id, account_id=account_id)
    return await users.set_active(db, actor, kind="customer", user=user, active=active)
