"""Staff users and the roles they hold."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Index, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from portal.db.base import Base, IdMixin, TimestampMixin


class StaffUser(IdMixin, TimestampMixin, Base):
    __tablename__ = "staff_users"
    __table_args__ = (Index("uq_staff_users_email_lower", text("lower(email)"), unique=True),)

    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str | None] = mapped_column(Text, default=None)
    roles: Mapped[list[str]] = mapped_column(ARRAY(String(20)), default=list)
    locale: Mapped[str | None] = mapped_column(String(10), default=None)
    # the language the person last read the portal in: their e-mail's language when they saved none
    last_locale: Mapped[str | None] = mapped_column(String(10), default=None)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)
