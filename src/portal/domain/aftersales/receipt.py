"""Receipt (签收) line by line: the buyer confirms what arrived, and reports what is short or damaged.

Confirming receipt is the ``confirm_receipt`` transition of the order's table (the order becomes
completed). When a line is short or damaged the same unit of work opens an after-sales case
(``AS-YYYY-NNNNNN``) with those lines and the photos, records it on the timeline and tells
after-sales staff by e-mail. While a delivery exception of the order is open, a receipt without
going through the lines is refused: the buyer is led to the report instead of a blind "all fine".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.aftersales import AftersalesCaseLine
from portal.db.orders import Order, OrderLine
from portal.domain import images
from portal.domain.aftersales import cases
from portal.domain.errors import ValidationFailed
from portal.domain.fulfilment import views as shipping_views
from portal.domain.orders import events, notify, service
from portal.domain.orders.actors import Actor
from portal.domain.orders.states import Action
from portal.i18n import N_

MAX_PHOTOS = 5
NOTE_LIMIT = 2000
REPORT_NEEDED = N_(
    "A delivery problem is still open for this order: please go through the lines and report anything "
    "short or damaged."
)
TOO_MANY = N_("Short and damaged together cannot exceed the %(n)s delivered.")
ADD_UP = N_("Received, short and damaged together must make the %(n)s delivered.")
DAMAGE_NOTE = N_("Please describe the damage.")
PHOTOS_WITHOUT_PROBLEM = N_("Photos go with a short or damaged line.")


@dataclass(frozen=True)
class LineReport:
    """What the buyer says about one order line: how many are missing, how many arrived damaged."""

    line_id: int
    short: int = 0
    damaged: int = 0
    note: str = ""
    received: int | None = None  # received in good order, when the form says it that way instead


@dataclass(frozen=True)
class ReceiptReport:
    """The receipt form: ``itemised`` when the buyer went through the lines (not the one-click button)."""

    lines: tuple[LineReport, ...] = ()
    note: str = ""
    photos: tuple[bytes, ...] = ()  # the uploads as sent: their kind is judged from the bytes
    itemised: bool = False


@dataclass(frozen=True)
class ReceiptLine:
    """An order line on the receipt form: what was delivered and what the form offers to report."""

    id: int
    sku: str
    name_zh: str
    name_en: str
    unit: str
    delivered: int


def delivered_qty(line: OrderLine) -> int:
    """What reached the buyer of a line: what shipped (the ordered quantity when nothing was recorded)."""
    return line.shipped_qty if line.shipped_qty > 0 else line.quantity


async def _lines(db: AsyncSession, order_id: int) -> list[OrderLine]:
    stmt = select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.position, OrderLine.id)
    return list(await db.scalars(stmt))


async def receipt_lines(db: AsyncSession, order_id: int) -> list[ReceiptLine]:
    return [
        ReceiptLine(ln.id, ln.sku, ln.name_zh, ln.name_en, ln.unit, delivered_qty(ln))
        for ln in await _lines(db, order_id)
    ]


async def report_required(db: AsyncSession, order_id: int) -> bool:
    """Is a delivery exception of the order still open (receipt must go through the lines)?"""
    return bool(await shipping_views.cases_for(db, order_id, open_only=True))


@dataclass(frozen=True)
class ReceiptPage:
    order: Order
    lines: list[ReceiptLine]
    exception_open: bool


async def receipt_page(db: AsyncSession, actor: Actor, number: str) -> ReceiptPage:
    """The receipt form of the buyer's order (404 across accounts, 409 when receipt is not possible now)."""
    order = await service.load_order(db, actor, number=number)
    service.ensure_allowed(order, actor, Action.CONFIRM_RECEIPT)
    return ReceiptPage(order, await receipt_lines(db, order.id), await report_required(db, order.id))


async def confirm_simply(
    db: AsyncSession, actor: Actor, order: Order, *, expected_version: int | None, note: str = ""
) -> bool:
    """The one-click "all arrived" receipt; False (nothing done) while a delivery exception is open."""
    if await report_required(db, order.id):
        return False
    report = ReceiptReport(note=note)
    await confirm(db, actor, order, report, expected_version=expected_version, photo_root=Path())
    return True


def _problems(lines: list[OrderLine], report: ReceiptReport) -> list[tuple[OrderLine, LineReport]]:
    """The reported lines that are short or damaged, each checked against what was delivered."""
    by_id = {ln.id: ln for ln in lines}
    errors: dict[str, str] = {}
    per_field: dict[str, dict[str, object]] = {}
    found = []
    for said in report.lines:
        line = by_id.get(said.line_id)
        if line is None:
            continue
        delivered = delivered_qty(line)
        if said.received is not None and not (said.short or said.damaged):  # "received 8 of 10": 2 short
            said = replace(said, short=max(delivered - said.received, 0))
        elif said.received is not None and said.received + said.short + said.damaged != delivered:
            errors[f"short_{line.id}"] = ADD_UP
            per_field[f"short_{line.id}"] = {"n": delivered}
            continue
        if not (said.short or said.damaged):
            continue
        if said.short < 0 or said.damaged < 0 or said.short + said.damaged > delivered:
            errors[f"short_{line.id}"] = TOO_MANY
            per_field[f"short_{line.id}"] = {"n": delivered}
        elif said.damaged and not said.note.strip():
            errors[f"note_{line.id}"] = DAMAGE_NOTE
        else:
            found.append((line, said))
    if errors:
        raise ValidationFailed(errors, per_field=per_field)
    return found


async def confirm(
    db: AsyncSession,
    actor: Actor,
    order: Order,
    report: ReceiptReport,
    *,
    expected_version: int | None,
    photo_root: Path,
) -> str | None:
    """Confirm receipt of ``order``; the number of the after-sales case opened, None when all was fine."""
    service.ensure_allowed(order, actor, Action.CONFIRM_RECEIPT)
    if len(report.note) > NOTE_LIMIT:
        raise ValidationFailed({"note": N_("At most %(n)s characters.")}, params={"n": NOTE_LIMIT})
    problems = _problems(await _lines(db, order.id), report)
    cleaned = images.clean_all(list(report.photos), max_files=MAX_PHOTOS)
    if not problems:
        if cleaned:
            raise ValidationFailed({"photos": PHOTOS_WITHOUT_PROBLEM})
        if not report.itemised and await report_required(db, order.id):
            raise ValidationFailed({"lines": REPORT_NEEDED})
    reported = [
        {"line_id": ln.id, "sku": ln.sku, "short": said.short, "damaged": said.damaged}
        for ln, said in problems
    ]
    await service.confirm_receipt(
        db,
        actor,
        order,
        expected_version=expected_version,
        note=report.note,
        data={"reported": reported} if reported else None,
    )
    if not problems:
        return None
    return await _open_receipt_case(db, actor, order, report, problems, cleaned, photo_root)


async def _open_receipt_case(
    db: AsyncSession,
    actor: Actor,
    order: Order,
    report: ReceiptReport,
    problems: list[tuple[OrderLine, LineReport]],
    cleaned: list[images.CleanImage],
    photo_root: Path,
) -> str:
    """The case of a receipt with short or damaged lines: lines, photos, timeline event, mail to after-sales."""
    case = await cases.open_case(db, actor, kind=cases.RECEIPT, order=order, note=report.note)
    for line, said in problems:
        db.add(
            AftersalesCaseLine(
                case_id=case.id,
                order_line_id=line.id,
                sku=line.sku,
                short_qty=said.short,
                damaged_qty=said.damaged,
                note=said.note.strip()[:NOTE_LIMIT],
            )
        )
    written = cases.add_photos(db, actor, case, cleaned, photo_root)
    try:
        lines = [
            {
                "sku": ln.sku,
                "name_zh": ln.name_zh,
                "name_en": ln.name_en,
                "short": s.short,
                "damaged": s.damaged,
            }
            for ln, s in problems
        ]
        event = events.record(
            db,
            order,
            actor,
            events.EventKind.AFTERSALES_CASE_OPENED,
            data={"number": case.number, "case_kind": cases.RECEIPT, "lines": lines},
        )
        await service.flush(db)
        extra = {
            "case_number": case.number,
            "staff_case_path": f"/staff/orders/{order.number}#aftersales",
            "case_lines": [
                {**row, "note": s.note.strip()} for row, (_, s) in zip(lines, problems, strict=True)
            ],
            "case_note": case.note,
            "photo_count": len(cleaned),
        }
        await notify.send(db, order, "aftersales_case_opened", "aftersales", event=event, extra=extra)
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return case.number
