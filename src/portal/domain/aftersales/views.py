"""After-sales cases as the order pages show them, read inside each page's one statement (``CASES``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from portal.domain.aftersales.kinds import INTERNAL_KINDS
from portal.domain.json_rows import instant


@dataclass(frozen=True)
class CaseLineView:
    sku: str
    short: int
    damaged: int
    note: str


@dataclass(frozen=True)
class PhotoView:
    id: int
    filename: str
    width: int
    height: int


@dataclass(frozen=True)
class CaseView:
    number: str
    kind: str
    state: str
    opened_at: datetime
    opened_by_name: str
    note: str
    resolved_at: datetime | None
    resolution: str
    lines: list[CaseLineView] = field(default_factory=list)
    photos: list[PhotoView] = field(default_factory=list)


# the order's cases with their lines and photos, one JSON column of the buyer's and the staff order
# page's statement, on the orders table named ``{o}`` (``order_read``, ``staff_read``); the buyer's
# leaves out the kinds they never read of (``kinds.INTERNAL_KINDS``)
CASES = """
    (SELECT json_agg(json_build_array(
                c.number, c.kind, c.state, c.opened_at, c.opened_by_name, c.note, c.resolved_at,
                c.resolution,
                (SELECT json_agg(json_build_array(cl.sku, cl.short_qty, cl.damaged_qty, cl.note)
                                 ORDER BY cl.id)
                   FROM aftersales_case_lines cl WHERE cl.case_id = c.id),
                (SELECT json_agg(json_build_array(ph.id, ph.filename, ph.width, ph.height) ORDER BY ph.id)
                   FROM aftersales_photos ph WHERE ph.case_id = c.id))
            ORDER BY c.id)
       FROM aftersales_cases c WHERE c.order_id = {o}.id{visible}) AS aftersales"""
CUSTOMER_CASES = CASES.replace(
    "{visible}", " AND c.kind NOT IN (" + ", ".join(f"'{k}'" for k in INTERNAL_KINDS) + ")"
)
CASES = CASES.replace("{visible}", "")


def case_views(rows: list) -> list[CaseView]:
    """The decoded ``CASES`` column."""
    return [
        CaseView(
            number,
            kind,
            state,
            instant(opened),
            by,
            note,
            instant(resolved),
            resolution,
            [CaseLineView(*ln) for ln in lines or []],
            [PhotoView(*p) for p in photos or []],
        )  # fmt: skip
        for number, kind, state, opened, by, note, resolved, resolution, lines, photos in rows
    ]
