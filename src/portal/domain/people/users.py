"""What customer and staff user administration share: list rows, invitation state, invites, enabling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.admin import Invitation
from portal.db.customers import CustomerUser
from portal.db.staff import StaffUser
from portal.domain.audit import trail as audit
from portal.domain.errors import NotFound, ValidationFailed
from portal.domain.fields import FormReader
from portal.domain.orders.actors import Actor
from portal.domain.people import invitations
from portal.i18n import LOCALES, N_

User = CustomerUser | StaffUser
U = TypeVar("U", CustomerUser, StaffUser)


@dataclass(frozen=True)
class UserRow:
    id: int
    name: str
    email: str
    locale: str | None
    is_active: bool
    has_password: bool
    last_login_at: datetime | None
    invitation_expires_at: datetime | None  # of the open invitation link, if one is waiting
    roles: tuple[str, ...] = ()

    @property
    def invitation_state(self) -> str:
        """``active`` (has a password), ``invited`` (link open) or ``expired`` (link no longer usable)."""
        if self.has_password:
            return "active"
        return "invited" if self.invitation_expires_at else "expired"


@dataclass(frozen=True)
class Invitee:
    name: str
    email: str
    locale: str


def parse_invitee(values: dict[str, str], *, extra: FormReader | None = None) -> Invitee:
    """Name, e-mail and language of someone to invite; ``extra`` carries errors found elsewhere."""
    form = FormReader(values)
    invitee = Invitee(
        name=form.text("name", limit=120, required=True),
        email=form.email("email"),
        locale=form.choice("locale", LOCALES, message=N_("Choose a language.")),
    )
    if extra is not None:
        form.errors.update(extra.errors)
    form.check()
    return invitee


def user_columns(model: type[User], kind: str) -> list:
    """The columns of a UserRow, the open invitation's expiry as a correlated subquery."""
    expires = (
        select(func.max(Invitation.expires_at))
        .where(Invitation.user_kind == kind, Invitation.user_id == model.id)
        .where(Invitation.used_at.is_(None), Invitation.expires_at > clock.now())
        .scalar_subquery()
    )
    return [
        model.id,
        model.name,
        model.email,
        model.locale,
        model.is_active,
        model.password_hash.is_not(None),
        model.last_login_at,
        expires,
    ]


async def ensure_email_free(db: AsyncSession, model: type[User], email: str) -> None:
    taken = await db.scalar(select(model.id).where(func.lower(model.email) == email.lower()))
    if taken is not None:
        raise ValidationFailed({"email": N_("A user with this e-mail address already exists.")})


async def load_user(db: AsyncSession, model: type[User], user_id: int, **where: object) -> User:
    stmt = select(model).where(model.id == user_id).filter_by(**where).with_for_update()
    user = await db.scalar(stmt)
    if user is None:
        raise NotFound()
    return user


async def set_active(db: AsyncSession, actor: Actor, *, kind: str, user: User, active: bool) -> bool:
    """Enable or disable; returns True when the user was just disabled (their sessions must end)."""
    if user.is_active == active:
        return False
    user.is_active = active
    audit.record(
        db,
        actor,
        entity=f"{kind}_user",
        entity_id=user.id,
        action="enable" if active else "disable",
        before={"is_active": not active},
        after={"is_active": active},
    )
    await db.flush()
    return not active


async def add_invited(
    db: AsyncSession, actor: Actor, *, kind: str, user: U, audited: tuple[str, ...], account_name: str = ""
) -> U:
    """Store a new ``kind`` ("customer"/"staff") user without a password, audit its ``audited`` fields
    and e-mail the link that sets the password; ValidationFailed when the e-mail address is taken."""
    await ensure_email_free(db, type(user), user.email)
    db.add(user)
    await db.flush()
    audit.created(db, actor, entity=f"{kind}_user", obj=user, fields=audited)
    await invitations.invite(db, actor, user_kind=kind, user=user, account_name=account_name)
    return user


async def reinvite(db: AsyncSession, actor: Actor, *, kind: str, user: U, account_name: str = "") -> U:
    """A fresh link for a user who has not set a password yet (the earlier link stops working);
    ValidationFailed on ``user`` for anyone else."""
    if user.password_hash is not None or not user.is_active:
        raise ValidationFailed(
            {"user": N_("Only an active user who has not set a password yet can be invited again.")}
        )
    await invitations.invite(db, actor, user_kind=kind, user=user, account_name=account_name)
    return user
