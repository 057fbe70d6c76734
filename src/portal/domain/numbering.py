"""Document numbers ``<SERIES>-<YEAR>-<NNNNNN>`` (``INV-2026-000001``): per series and year, without gaps.

``next_number`` increments one ``document_counters`` row with an upsert inside the caller's
transaction. The row lock serialises concurrent issuers until their transactions end, and a
rolled-back transaction rolls its increment back with it: numbers are consecutive, never reused,
never skipped. Order numbers (``SO-``) keep their own counter (``domain.orders.numbering``).
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.billing import DocumentCounter


class Series(StrEnum):
    INVOICE = "INV"
    CREDIT_NOTE = "CN"
    AFTER_SALES_CASE = "AS"
    RETURN = "RMA"


def format_number(series: Series, year: int, value: int) -> str:
    """``Series.INVOICE, 2026, 1`` → ``"INV-2026-000001"``."""
    return f"{series.value}-{year}-{value:06d}"


async def next_number(db: AsyncSession, series: Series, year: int) -> str:
    """The next number of ``series`` in ``year`` (the Shanghai business year of the document).

    Holds the counter row's lock until the caller's transaction ends: issue the document and
    commit promptly after calling this.
    """
    stmt = (
        insert(DocumentCounter)
        .values(series=series.value, year=year, last_value=1)
        .on_conflict_do_update(
            index_elements=[DocumentCounter.series, DocumentCounter.year],
            set_={"last_value": DocumentCounter.last_value + 1},
        )
        .returning(DocumentCounter.last_value)
    )
    value = (await db.execute(stmt)).scalar_one()
    return format_number(series, year, value)
