"""Case photos: re-encoded on upload, served as attachments to the account's users and to staff only."""

from __future__ import annotations

import io

from PIL import Image
from sqlalchemy import select

from portal.db.aftersales import AftersalesPhoto
from tests.aftersales_helpers import delivered, jpeg_with_gps, report_damaged
from tests.helpers import make_customer, make_staff, sign_in

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


def _polyglot() -> bytes:
    """A JPEG that is also an HTML page: the markup in a comment segment and again after the image."""
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (0, 0, 0)).save(out, "JPEG", comment=HTML)
    return out.getvalue() + HTML


async def _reported_with(client, db, photo: bytes):  # noqa: ANN001, ANN202
    buyer, order, line = await delivered(db)
    r = await report_damaged(client, order, buyer, line, ("p.jpg", photo), "dented")
    assert r.status_code == 303
    photo_row = await db.scalar(select(AftersalesPhoto).order_by(AftersalesPhoto.id.desc()))
    return buyer, order, photo_row


async def test_the_buyer_downloads_the_cleaned_photo_as_an_attachment(client, db):
    buyer, order, photo = await _reported_with(client, db, _polyglot())
    r = await client.get(f"/orders/{order.number}/photos/{photo.id}")
    assert r.status_code == 200
    assert r.headers["content-type"] == "image/jpeg"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-disposition"].startswith("attachment")
    assert b"<script" not in r.content and b"<html" not in r.content
    assert r.content.endswith(b"\xff\xd9")
    page = (await client.get(f"/orders/{order.number}")).text
    assert f"/orders/{order.number}/photos/{photo.id}" in page


async def test_gps_is_gone_from_what_is_served(client, db):
    _, order, photo = await _reported_with(client, db, jpeg_with_gps())
    served = (await client.get(f"/orders/{order.number}/photos/{photo.id}")).content
    assert not Image.open(io.BytesIO(served)).getexif()


async def test_another_account_gets_404_for_the_case_and_its_photos(client, db):
    _, order, photo = await _reported_with(client, db, jpeg_with_gps())
    other = await make_customer(db)
    await sign_in(client, other.email)
    assert (await client.get(f"/orders/{order.number}/photos/{photo.id}")).status_code == 404
    assert (await client.get(f"/orders/{order.number}")).status_code == 404
    # their own order's number with someone else's photo id is no way in either
    _, own, _ = await delivered(db, buyer=other)
    assert (await client.get(f"/orders/{own.number}/photos/{photo.id}")).status_code == 404


async def test_staff_see_the_photo_and_signed_out_visitors_do_not(client, db):
    _, order, photo = await _reported_with(client, db, jpeg_with_gps())
    await client.post("/logout")
    client.cookies.clear()
    r = await client.get(f"/orders/{order.number}/photos/{photo.id}", follow_redirects=False)
    assert r.status_code in (302, 303, 401)
    for role in ("aftersales", "sales"):
        staff = await make_staff(db, role)
        await sign_in(client, staff.email, staff=True)
        r = await client.get(f"/staff/orders/{order.number}/photos/{photo.id}")
        assert r.status_code == 200 and r.headers["content-disposition"].startswith("attachment")
    page = (await client.get(f"/staff/orders/{order.number}")).text
    assert f"/staff/orders/{order.number}/photos/{photo.id}" in page
