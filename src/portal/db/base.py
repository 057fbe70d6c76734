"""Declarative base shared by every table: naming convention, id and timestamps, owned rows' references."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import BigInteger, CheckConstraint, DateTime, ForeignKey, MetaData, Numeric, func
from sqlalchemy.orm import DeclarativeBase, Mapped, MappedColumn, mapped_column

from portal import clock

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

Money = Numeric(14, 2)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: DateTime(timezone=True), Decimal: Money}


class IdMixin:
    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=True)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(server_default=func.now(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(
        server_default=func.now(), default=clock.now, onupdate=clock.now
    )


def owned_by(parent: str) -> MappedColumn[int]:
    """An indexed, NOT NULL ``bigint`` reference to ``<parent>.id`` for a row that belongs to its parent:
    deleting the parent deletes it (ON DELETE CASCADE). Use it as ``order_id: Mapped[int] = owned_by("orders")``."""
    return mapped_column(BigInteger, ForeignKey(f"{parent}.id", ondelete="CASCADE"), index=True)


def quantity_positive() -> CheckConstraint:
    """``ck_<table>_quantity_positive``: CHECK (quantity > 0), for the tables of document lines."""
    return CheckConstraint("quantity > 0", name="quantity_positive")
