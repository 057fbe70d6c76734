"""Invitations: an e-mailed, expiring, single-use link with which a new user sets their password.

Only the SHA-256 of the token is stored, so the table alone does not let anyone in. The raw
token travels in the e-mail (and the outbox row that carries it until it is sent).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.auth.passwords import MIN_LENGTH, hash_password
from portal.db.admin import Invitation
from portal.db.customers import CustomerAccount, CustomerUser
from portal.db.staff import StaffUser
from portal.domain.audit import trail as audit
from portal.domain.errors import NotFound, ValidationFailed
from portal.domain.notifications.outbox import queue_email
from portal.domain.notifications.recipients import user_mail_locale
from portal.domain.orders.actors import Actor
from portal.i18n import N_

VALID_FOR = timedelta(hours=72)
MAX_TOKEN_LENGTH = 100  # token_urlsafe(32) is 43 characters
MAX_PASSWORD_LENGTH = 1024
MODELS: dict[str, type[CustomerUser] | type[StaffUser]] = {"customer": CustomerUser, "staff": StaffUser}


class InvitationInvalid(NotFound):
    default_message = N_("This link is no longer valid.")


@dataclass(frozen=True)
class InvitationView:
    """What the set-password page shows about a valid invitation."""

    user_kind: str
    name: str
    email: str
    expires_at: datetime


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def invite(
    db: AsyncSession, actor: Actor, *, user_kind: str, user: CustomerUser | StaffUser, account_name: str = ""
) -> str:
    """Revoke the user's earlier open links, store a new one, queue its e-mail; returns the raw token."""
    now = clock.now()
    await db.execute(
        update(Invitation)
        .where(Invitation.user_kind == user_kind, Invitation.user_id == user.id)
        .where(Invitation.used_at.is_(None), Invitation.expires_at > now)
        .values(expires_at=now)
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        user_kind=user_kind,
        user_id=user.id,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + VALID_FOR,
    )
    db.add(invitation)
    queue_email(
        db,
        template="invitation",
        recipient=user.email,
        locale=user_mail_locale(user),
        context={
            "name": user.name,
            "inviter": actor.name,
            "user_kind": user_kind,
            "audience": user_kind,  # "staff" or "customer": picks the e-mail footer
            "account_name": account_name,
            "token": token,
            "expires_at": invitation.expires_at.isoformat(),
        },
    )
    audit.record(
        db,
        actor,
        entity=f"{user_kind}_user",
        entity_id=user.id,
        action="invite",
        before=None,
        after={"email": user.email, "expires_at": invitation.expires_at},
    )
    await db.flush()
    return token


async def _open_invitation(db: AsyncSession, token: str, *, lock: bool) -> Invitation:
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise InvitationInvalid()
    stmt = select(Invitation).where(Invitation.token_hash == token_hash(token))
    invitation = await db.scalar(stmt.with_for_update() if lock else stmt)
    if invitation is None or invitation.used_at is not None or invitation.expires_at <= clock.now():
        raise InvitationInvalid()
    return invitation


async def _invited_user(db: AsyncSession, invitation: Invitation) -> CustomerUser | StaffUser:
    model = MODELS.get(invitation.user_kind)
    user = await db.get(model, invitation.user_id) if model else None
    if user is None or not user.is_active:
        raise InvitationInvalid()  # a user disabled since the invitation cannot set a password
    if isinstance(user, CustomerUser):
        account_active = await db.scalar(
            select(CustomerAccount.is_active).where(CustomerAccount.id == user.account_id)
        )
        if not account_active:
            raise InvitationInvalid()
    return user


async def find(db: AsyncSession, token: str) -> InvitationView:
    """The invitation behind a link, if it can still be used; InvitationInvalid (404) otherwise."""
    invitation = await _open_invitation(db, token, lock=False)
    user = await _invited_user(db, invitation)
    return InvitationView(invitation.user_kind, user.name, user.email, invitation.expires_at)


def check_password(password: str, repeat: str) -> None:
    if len(password) < MIN_LENGTH:
        raise ValidationFailed({"password": N_("Use at least 10 characters.")})
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed({"password": N_("This text is too long.")})
    if password != repeat:
        raise ValidationFailed({"password_repeat": N_("The two passwords do not match.")})


async def accept(db: AsyncSession, *, token: str, password: str, repeat: str, ip: str | None) -> str:
    """Set the password and use up the link (row-locked: two tabs cannot both use it); returns the kind."""
    invitation = await _open_invitation(db, token, lock=True)
    user = await _invited_user(db, invitation)
    check_password(password, repeat)
    user.password_hash = hash_password(password)
    invitation.used_at = clock.now()
    if isinstance(user, CustomerUser):
        actor = Actor.customer(user_id=user.id, name=user.name, account_id=user.account_id, ip=ip)
    else:
        actor = Actor.staff(user_id=user.id, name=user.name, roles=user.roles, ip=ip)
    audit.record(
        db,
        actor,
        entity=f"{invitation.user_kind}_user",
        entity_id=user.id,
        action="set_password",
        before=None,
        after={"invitation": invitation.id},
    )
    await db.flush()
    return invitation.user_kind
