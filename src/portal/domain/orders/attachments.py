"""Order attachments: drawings and specifications, type checked by content, stored outside static/.

PNG and JPEG files are images: ``domain.images`` re-encodes them (kept at full size) like every image
uploaded to the portal; what is stored is the clean copy."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.orders import Order, OrderAttachment
from portal.domain import images
from portal.domain.errors import NotFound, ValidationFailed
from portal.domain.orders.actors import Actor
from portal.domain.orders.queries import readable_orders
from portal.i18n import N_

ACCEPTED = "PDF, PNG, JPEG, DXF, DWG"
NOT_ACCEPTED = N_("Only PDF, PNG, JPEG, DXF and DWG files can be attached.")
IMAGES = ("image/png", "image/jpeg")  # re-encoded by ``domain.images``


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def sniff(data: bytes) -> str | None:
    """The content type judged from the bytes themselves; None when it is not an accepted kind."""
    head = data[:64]
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if re.match(rb"AC10(1[2-9]|2[0-9]|3[0-2])", head):
        return "image/vnd.dwg"
    if head.startswith(b"AutoCAD Binary DXF"):
        return "image/vnd.dxf"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if re.match(rb"0\s*\r?\n\s*SECTION", text) or re.match(rb"999\s*\r?\n", text):
        return "image/vnd.dxf"
    return None


EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/vnd.dwg": ".dwg",
    "image/vnd.dxf": ".dxf",
}


def safe_filename(name: str, kind: str | None = None) -> str:
    """The browser's file name without path, control, format (bidi) or quote characters.

    With ``kind`` the extension is the one of the detected type: a PDF named x.html is saved as x.pdf.
    """
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(c for c in base if unicodedata.category(c) not in ("Cc", "Cf"))
    base = re.sub(r'["<>|:*?]', "_", base).strip(" .") or "attachment"
    if kind in EXTENSIONS:
        stem, dot, ext = base.rpartition(".")
        if ("." + ext.lower()) not in (EXTENSIONS[kind], ".jpeg" if kind == "image/jpeg" else ""):
            base = (stem if dot else base)[:190] + EXTENSIONS[kind]
    return base[:200]


def validate(uploads: list[Upload], *, max_files: int, max_bytes: int) -> list[tuple[Upload, str]]:
    """Every file checked before anything is stored: count, size and kind."""
    if len(uploads) > max_files:
        raise ValidationFailed({"attachments": N_("Attach at most %(n)s files.")}, params={"n": max_files})
    checked = []
    for upload in uploads:
        if len(upload.data) > max_bytes:
            raise ValidationFailed(
                {"attachments": N_("Each file may be at most %(mb)s MB.")},
                params={"mb": max_bytes // (1024 * 1024)},
            )
        kind = sniff(upload.data)
        if kind is None or not upload.data:
            raise ValidationFailed({"attachments": NOT_ACCEPTED})
        if kind in IMAGES:
            upload = Upload(upload.filename, _clean_image(upload.data, max_bytes=max_bytes))
        checked.append((upload, kind))
    return checked


def _clean_image(data: bytes, *, max_bytes: int) -> bytes:
    """A PNG or JPEG drawing redrawn without metadata or anything appended, at full size."""
    try:
        cleaned = images.clean(
            data,
            max_bytes=max_bytes,
            max_pixels=images.DRAWING_PIXELS,
            field="attachments",
            longest_side=None,
            quality=92,
        )
    except ValidationFailed as exc:
        if exc.errors.get("attachments") == images.NOT_AN_IMAGE:  # a broken image is no accepted file
            raise ValidationFailed({"attachments": NOT_ACCEPTED}) from None
        raise
    return cleaned.data


async def store(
    db: AsyncSession, actor: Actor, order: Order, checked: list[tuple[Upload, str]], root: Path
) -> list[Path]:
    """Write the files and their rows; returns the paths written (for clean-up if the request fails)."""
    written: list[Path] = []
    for upload, kind in checked:
        key = f"{order.id}/{uuid.uuid4().hex}"
        path = root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(upload.data)
        written.append(path)
        db.add(
            OrderAttachment(
                order_id=order.id,
                filename=safe_filename(upload.filename, kind),
                content_type=kind,
                size=len(upload.data),
                sha256=hashlib.sha256(upload.data).hexdigest(),
                storage_key=key,
                uploaded_by_kind=actor.kind,
                uploaded_by_id=actor.id,
            )
        )
    await db.flush()
    return written


@asynccontextmanager
async def removed_on_failure(
    db: AsyncSession, actor: Actor, order: Order, checked: list[tuple[Upload, str]], root: Path
) -> AsyncIterator[None]:
    """Store the files for the block that follows; if that block fails, the files are removed again."""
    written = await store(db, actor, order, checked, root)
    try:
        yield
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise


async def list_for_order(db: AsyncSession, order_id: int) -> list[OrderAttachment]:
    return list(
        (
            await db.scalars(
                select(OrderAttachment)
                .where(OrderAttachment.order_id == order_id)
                .order_by(OrderAttachment.id)
            )
        ).all()
    )


async def find(db: AsyncSession, actor: Actor, *, number: str, attachment_id: int) -> OrderAttachment:
    """An attachment of an order this actor may read (another account's: not found)."""
    order_ids = readable_orders(actor).where(Order.number == number).with_only_columns(Order.id)
    found = await db.scalar(
        select(OrderAttachment).where(
            OrderAttachment.id == attachment_id, OrderAttachment.order_id.in_(order_ids)
        )
    )
    if found is None:
        raise NotFound()
    return found
