"""Delivered orders and photos for the after-sales tests."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from portal.db.aftersales import AftersalesCase, AftersalesPhoto
from portal.db.fulfilment import Carrier, LogisticsCase, Shipment
from portal.db.orders import Order, OrderLine
from tests.fulfilment_helpers import confirmed
from tests.helpers import csrf_token, sign_in


async def delivered(db, *, quantity: int = 4, **kw):  # noqa: ANN001, ANN201
    """A confirmed order the carrier delivered (committed): (buyer, order, its first line)."""
    buyer, order = await confirmed(db, quantity=quantity, **kw)
    order.status = "delivered"
    await db.commit()
    line = await db.scalar(select(OrderLine).where(OrderLine.order_id == order.id))
    return buyer, order, line


async def open_exception(db, order: Order, kind: str = "damaged") -> LogisticsCase:
    """A delivery exception the carrier reported on a shipment of ``order``, still open (committed)."""
    if await db.get(Carrier, "acme") is None:
        db.add(Carrier(code="acme", name="Acme Express", webhook_secret="s" * 32))
    shipment = Shipment(order_id=order.id, carrier_code="acme", tracking_number=f"EX-{order.id}")
    db.add(shipment)
    await db.flush()
    case = LogisticsCase(order_id=order.id, shipment_id=shipment.id, kind=kind, note="box crushed")
    db.add(case)
    await db.commit()
    return case


def jpeg_with_gps(size=(64, 48)) -> bytes:  # noqa: ANN001
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)})
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


async def report(client, order: Order, buyer, *, fields: dict, photos=(), signed_in: bool = True):  # noqa: ANN001, ANN201
    """Post the receipt form of ``order`` as ``buyer`` with ``fields`` and ``photos`` [(name, bytes)]."""
    if signed_in:
        await sign_in(client, buyer.email)
    token = await csrf_token(client)
    data = {"_csrf_token": token, "version": str(order.version), "itemised": "1", **fields}
    files = [("photos", (name, body, "image/jpeg")) for name, body in photos]
    return await client.post(
        f"/orders/{order.number}/receipt", data=data, files=files or None, follow_redirects=False
    )


async def report_damaged(
    client, order: Order, buyer, line: OrderLine, photo: tuple[str, bytes], note: str = ""
):  # noqa: ANN001, ANN201
    """Report one piece of ``line`` damaged, with ``note`` (none when empty) and ``photo`` (name, bytes)."""
    fields = {f"damaged_{line.id}": "1"} | ({f"note_{line.id}": note} if note else {})
    return await report(client, order, buyer, fields=fields, photos=[photo])


async def add_case_photo(db, order: Order) -> AftersalesPhoto:  # noqa: ANN001
    """A receipt case of ``order`` with one photo row (its file need not exist); committed."""
    case = AftersalesCase(
        number=f"AS-2026-9{order.id:05d}",
        kind="receipt",
        account_id=order.account_id,
        order_id=order.id,
        opened_by_kind="customer",
    )
    db.add(case)
    await db.flush()
    photo = AftersalesPhoto(
        case_id=case.id,
        filename="p.jpg",
        content_type="image/jpeg",
        size=1,
        width=1,
        height=1,
        sha256="0" * 64,
        storage_key=f"{case.id}/p.jpg",
        uploaded_by_kind="customer",
    )
    db.add(photo)
    await db.commit()
    return photo
