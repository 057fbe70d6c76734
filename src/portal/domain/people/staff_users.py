"""Staff users and their roles: invited by e-mail, edited, disabled; an admin cannot lock themselves out."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.roles import Role, parse_roles
from portal.db.staff import StaffUser
from portal.domain.audit import trail as audit
from portal.domain.errors import NotFound, ValidationFailed
from portal.domain.fields import FormReader
from portal.domain.orders.actors import Actor
from portal.domain.paging import PAGE_SIZE, Page, by_name, name_cursor, page_of
from portal.domain.people import users
from portal.i18n import LOCALES, N_

AUDITED = ("name", "email", "roles", "locale", "is_active")


@dataclass(frozen=True)
class StaffData:
    name: str
    locale: str
    roles: list[str]


@dataclass(frozen=True)
class StaffSaved:
    user: StaffUser
    sign_out: bool  # roles changed: the sessions carrying the old roles must end


def parse_roles_field(values: list[str], form: FormReader) -> list[str]:
    """The ticked roles in canonical order; at least one, none unknown."""
    try:
        roles = parse_roles(values)
    except ValueError:
        form.error("roles", N_("Choose roles from the list."))
        return []
    if not roles:
        form.error("roles", N_("Choose at least one role."))
    return roles


def parse_staff(values: dict[str, str], roles: list[str]) -> StaffData:
    form = FormReader(values)
    data = StaffData(
        name=form.text("name", limit=120, required=True),
        locale=form.choice("locale", LOCALES, message=N_("Choose a language.")),
        roles=parse_roles_field(roles, form),
    )
    form.check()
    return data


async def list_staff(
    db: AsyncSession, *, q: str = "", after: str = "", limit: int = PAGE_SIZE
) -> Page[users.UserRow]:
    """Staff by name with roles and invitation state, one statement; ``q`` matches name or e-mail."""
    columns = select(*users.user_columns(StaffUser, "staff"), StaffUser.roles)
    stmt = by_name(columns, StaffUser, also=StaffUser.email, q=q, after=after, limit=limit)
    rows = [users.UserRow(*r[:-1], roles=tuple(r[-1] or ())) for r in (await db.execute(stmt)).all()]
    return page_of(rows, limit, name_cursor)


async def get_staff(db: AsyncSession, user_id: int) -> users.UserRow:
    stmt = select(*users.user_columns(StaffUser, "staff"), StaffUser.roles).where(StaffUser.id == user_id)
    row = (await db.execute(stmt)).first()
    if row is None:
        raise NotFound()
    return users.UserRow(*row[:-1], roles=tuple(row[-1] or ()))


async def invite_staff(
    db: AsyncSession, actor: Actor, *, invitee: users.Invitee, roles: list[str]
) -> StaffUser:
    user = StaffUser(name=invitee.name, email=invitee.email, locale=invitee.locale, roles=roles)
    return await users.add_invited(db, actor, kind="staff", user=user, audited=AUDITED)


async def update_staff(db: AsyncSession, actor: Actor, *, user_id: int, data: StaffData) -> StaffSaved:
    if user_id == actor.id and Role.ADMIN.value not in data.roles:
        raise ValidationFailed({"roles": N_("You cannot remove your own admin role.")})
    user = await users.load_user(db, StaffUser, user_id)
    before = audit.snapshot(user, AUDITED)
    user.name, user.locale, user.roles = data.name, data.locale, list(data.roles)
    after = audit.updated(db, actor, entity="staff_user", obj=user, fields=AUDITED, before=before)
    await db.flush()
    return StaffSaved(user, sign_out=sorted(before["roles"]) != sorted(after["roles"]))


async def set_staff_active(db: AsyncSession, actor: Actor, *, user_id: int, active: bool) -> bool:
    """Returns True when the user was just disabled: the caller ends their sessions."""
    if user_id == actor.id and not active:
        raise ValidationFailed({"user": N_("You cannot disable your own account.")})
    user = await users.load_user(db, StaffUser, user_id)
    return await users.set_active(db, actor, kind="staff", user=user, active=active)


async def reinvite_staff(db: AsyncSession, actor: Actor, *, user_id: int) -> StaffUser:
    return await users.reinvite(db, actor, kind="staff", user=await users.load_user(db, StaffUser, user_id))
