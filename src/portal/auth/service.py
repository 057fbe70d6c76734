"""Signing in and out: credentials checked against the database, sessions kept in Redis."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from portal import clock
from portal.auth.passwords import hash_password, needs_rehash, verify_password
from portal.auth.sessions import SessionData, SessionStore
from portal.auth.throttle import LoginThrottle
from portal.db.customers import CustomerAccount, CustomerUser
from portal.db.staff import StaffUser


@dataclass(frozen=True)
class SignInResult:
    ok: bool
    throttled: bool = False  # blocked for this address: wait for the window to pass
    busy: bool = False  # the account is under attack and no turn came: try again shortly
    session_id: str | None = None
    session: SessionData | None = None


@dataclass(frozen=True)
class LocaleInUse:
    """The language the sign-in page was read in: an explicit choice (cookie), else the browser's."""

    chosen: str | None = None
    browser: str | None = None


async def _customer_session(
    db: AsyncSession, email: str, password: str, locale: LocaleInUse
) -> SessionData | None:
    row = (
        await db.execute(
            select(CustomerUser, CustomerAccount)
            .join(CustomerAccount, CustomerAccount.id == CustomerUser.account_id)
            .where(func.lower(CustomerUser.email) == email.strip().lower())
        )
    ).first()
    user, account = (row[0], row[1]) if row else (None, None)
    if not await asyncio.to_thread(verify_password, user.password_hash if user else None, password):
        return None
    if not user.is_active or not account.is_active:
        return None
    return await _signed_in(
        db,
        CustomerUser,
        user,
        password,
        locale,
        kind="customer",
        account_id=account.id,
        account_name=account.name,
    )


async def _staff_session(
    db: AsyncSession, email: str, password: str, locale: LocaleInUse
) -> SessionData | None:
    user = await db.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email.strip().lower()))
    if not await asyncio.to_thread(verify_password, user.password_hash if user else None, password):
        return None
    if not user.is_active:
        return None
    return await _signed_in(db, StaffUser, user, password, locale, kind="staff", roles=list(user.roles))


async def _signed_in(
    db: AsyncSession,
    model: type,
    user: CustomerUser | StaffUser,
    password: str,
    locale: LocaleInUse,
    **session: Any,
) -> SessionData:
    """The session of ``user`` who has just signed in (``session``: its ``kind`` and what that kind adds),
    the sign-in recorded (``_after_success``)."""
    used = await _after_success(db, model, user, password, locale)
    return SessionData(
        user_id=user.id, email=user.email, name=user.name, locale=user.locale, last_locale=used, **session
    )


async def _after_success(
    db: AsyncSession, model: type, user: CustomerUser | StaffUser, password: str, locale: LocaleInUse
) -> str | None:
    """Record the sign-in (and the language the pages will now be read in); returns that language."""
    values: dict[str, object] = {"last_login_at": clock.now()}
    used = (locale.chosen or user.locale or locale.browser) or user.last_locale
    if used != user.last_locale:
        values["last_locale"] = used
    if user.password_hash and needs_rehash(user.password_hash):
        values["password_hash"] = hash_password(password)
    await db.execute(update(model).where(model.id == user.id).values(**values))
    return used


async def sign_in(
    db: AsyncSession,
    store: SessionStore,
    throttle: LoginThrottle,
    *,
    kind: str,
    email: str,
    password: str,
    ip: str,
    previous_sid: str | None,
    locale: LocaleInUse | None = None,
) -> SignInResult:
    """Check credentials; on success end the previous session and start a fresh one (id rotation)."""
    verdict = await throttle.attempt(kind, email, ip)
    if verdict.blocked:
        return SignInResult(ok=False, throttled=True)
    if verdict.slowed and not await throttle.wait_turn(kind, email):
        return SignInResult(ok=False, busy=True)
    loader = _customer_session if kind == "customer" else _staff_session
    data = await loader(db, email, password, locale or LocaleInUse()) if email and password else None
    if data is None:
        return SignInResult(ok=False)
    await throttle.succeeded(kind, email, ip)
    if previous_sid:
        await store.delete(previous_sid)
    sid = await store.create(data)
    data.sid = sid
    return SignInResult(ok=True, session_id=sid, session=data)


async def set_user_locale(db: AsyncSession, store: SessionStore, session: SessionData, locale: str) -> None:
    model = StaffUser if session.kind == "staff" else CustomerUser
    await db.execute(update(model).where(model.id == session.user_id).values(locale=locale))
    session.locale = locale
    await store.save(session)


async def record_last_locale(
    engine: AsyncEngine, store: SessionStore, session: SessionData, locale: str
) -> None:
    """Remember on the user the language they are reading in: their e-mail uses it if they saved none."""
    model = StaffUser if session.kind == "staff" else CustomerUser
    async with engine.begin() as conn:
        await conn.execute(update(model).where(model.id == session.user_id).values(last_locale=locale))
    session.last_locale = locale
    await store.save(session)


async def disable_user(db: AsyncSession, store: SessionStore, *, kind: str, user_id: int) -> int:
    """Disable a user and end every session they hold; returns how many were ended."""
    model = StaffUser if kind == "staff" else CustomerUser
    await db.execute(update(model).where(model.id == user_id).values(is_active=False))
    return await store.delete_all_for(kind, user_id)
