"""An account's users: invited by e-mail with a set-password link, disabled and enabled, audited."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.customers import CustomerUser
from portal.domain.audit import trail as audit
from portal.domain.customers.accounts import get_account
from portal.domain.errors import ValidationFailed
from portal.domain.orders.actors import Actor
from portal.domain.people import invitations
from portal.domain.people.users import (
    Invitee,
    UserRow,
    ensure_email_free,
    load_user,
    set_active,
    user_columns,
)
from portal.i18n import N_

AUDITED = ("account_id", "name", "email", "locale", "is_active")


async def account_users(db: AsyncSession, account_id: int) -> list[UserRow]:
    """The account's users by name, with their invitation state, in one statement."""
    stmt = (
        select(*user_columns(CustomerUser, "customer"))
        .where(CustomerUser.account_id == account_id)
        .order_by(CustomerUser.name, CustomerUser.id)
    )
    return [UserRow(*r) for r in (await db.execute(stmt)).all()]


async def invite_user(db: AsyncSession, actor: Actor, *, account_id: int, invitee: Invitee) -> CustomerUser:
    """A new user without a password, and an e-mail with the link that sets it."""
    account = await get_account(db, account_id)
    await ensure_email_free(db, CustomerUser, invitee.email)
    user = CustomerUser(account_id=account.id, name=invitee.name, email=invitee.email, locale=invitee.locale)
    db.add(user)
    await db.flush()
    audit.record(
        db,
        actor,
        entity="customer_user",
        entity_id=user.id,
        action="create",
        before=None,
        after=audit.snapshot(user, AUDITED),
    )
    await invitations.invite(db, actor, user_kind="customer", user=user, account_name=account.name)
    return user


async def reinvite_user(db: AsyncSession, actor: Actor, *, account_id: int, user_id: int) -> CustomerUser:
    """A fresh link for a user who has not set a password yet (the earlier link stops working)."""
    account = await get_account(db, account_id)
    user = await load_user(db, CustomerUser, user_id, account_id=account_id)
    if user.password_hash is not None or not user.is_active:
        raise ValidationFailed(
            {"user": N_("Only an active user who has not set a password yet can be invited again.")}
        )
    await invitations.invite(db, actor, user_kind="customer", user=user, account_name=account.name)
    return user


async def set_user_active(
    db: AsyncSession, actor: Actor, *, account_id: int, user_id: int, active: bool
) -> bool:
    """Returns True when the user was just disabled: the caller ends their sessions."""
    user = await load_user(db, CustomerUser, user_id, account_id=account_id)
    return await set_active(db, actor, kind="customer", user=user, active=active)
