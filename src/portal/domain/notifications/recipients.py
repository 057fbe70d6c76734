"""In which language a person's e-mail is written: one rule for every message.

Their saved choice, else the language they last read the portal in, else (customers) their
account's default; when none is known the row carries no locale and the sender's
DEFAULT_LOCALE applies when it is rendered.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.customers import CustomerAccount, CustomerUser
from portal.db.staff import StaffUser
from portal.i18n import LOCALES

# select these with the recipient's address; they need CustomerAccount joined for customers
CUSTOMER_MAIL_LOCALE = func.coalesce(
    CustomerUser.locale, CustomerUser.last_locale, CustomerAccount.default_locale
).label("mail_locale")
STAFF_MAIL_LOCALE = func.coalesce(StaffUser.locale, StaffUser.last_locale).label("mail_locale")


def pick_locale(*candidates: str | None) -> str:
    """The first supported locale among ``candidates``; "" (the portal's default) when none is."""
    return next((c for c in candidates if c in LOCALES), "")


def user_mail_locale(user: CustomerUser | StaffUser) -> str:
    """The same rule for a user object already loaded (an invitee has no account default to add)."""
    return pick_locale(user.locale, user.last_locale)


async def staff_recipients(db: AsyncSession, role: str, responsible_id: int | None) -> list[tuple[str, str]]:
    """``(address, mail locale)`` of the staff member ``responsible_id`` if still active, else of every
    active staff member with ``role`` (an alert never goes nowhere while anyone holds the role); [] when
    no one does. The locale is "" where none is known (``STAFF_MAIL_LOCALE``)."""
    active = select(StaffUser.email, STAFF_MAIL_LOCALE).where(StaffUser.is_active.is_(True))
    if responsible_id:
        rows = (await db.execute(active.where(StaffUser.id == responsible_id))).all()
        if rows:
            return [(r.email, r.mail_locale) for r in rows]
    rows = (await db.execute(active.where(StaffUser.roles.contains([role])))).all()
    return [(r.email, r.mail_locale) for r in rows]
