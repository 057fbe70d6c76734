"""One ZIP archive per order: the buyer's own (public timeline), finance's (everything); others 404."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import datetime, timedelta
from decimal import Decimal

from portal import clock
from portal.domain.billing.credit_notes import issue_credit_note
from portal.domain.orders.wording import state_label
from portal.i18n import gettext, using_locale
from tests.billing_helpers import shipped_in_three
from tests.helpers import as_staff, make_customer, make_staff, sign_in, staff_actor
from tests.pdf_reading import read_pdf
from tests.settlement_helpers import pay


def _csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


async def _pay_in_full(db, buyer, invoice, reference: str = "") -> None:  # noqa: ANN001
    """The invoice paid today by bank transfer, all of the payment allocated to it."""
    total = str(invoice.total)
    await pay(
        db, buyer.account_id, total, received_on=clock.today(), to=((invoice, total),), reference=reference
    )


async def test_the_buyer_and_finance_download_the_order_archive(client, db):
    buyer, order, issued = await shipped_in_three(db)
    finance = staff_actor(await make_staff(db, "finance"))
    note = await issue_credit_note(db, issued[1], amount=Decimal("5.00"), reason="Scratch", actor=finance)
    await _pay_in_full(db, buyer, issued[0], reference="ARCHIVE-PAY")
    await db.commit()
    n = order.number

    await sign_in(client, buyer.email)
    r = await client.get(f"/orders/{n}/archive.zip", params={"lang": "zh_CN"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    assert f'filename="{n}-archive.zip"' in r.headers["content-disposition"]
    z = zipfile.ZipFile(io.BytesIO(r.content))
    assert sorted(z.namelist()) == sorted(
        [
            f"{n}/confirmations/{n}-v1.pdf",
            f"{n}/delivery-note.html",
            *(f"{n}/invoices/{i.number}.pdf" for i in issued),
            f"{n}/credit-notes/{note.number}.pdf",
            f"{n}/payments.csv",
            f"{n}/timeline.csv",
            f"{n}/timeline.json",
        ]
    )
    invoice_pdf = read_pdf(z.read(f"{n}/invoices/{issued[0].number}.pdf")).squeezed()
    assert issued[0].number in invoice_pdf and "发票" in invoice_pdf
    note_html = z.read(f"{n}/delivery-note.html").decode()
    with using_locale("zh_CN"):
        assert gettext("Delivery note") in note_html and n in note_html
    payments = _csv(z.read(f"{n}/payments.csv"))
    assert payments[1][:3] == [clock.today().isoformat(), issued[0].number, str(issued[0].total)]
    assert payments[1][-1] == "ARCHIVE-PAY" and len(payments) == 2
    timeline = json.loads(z.read(f"{n}/timeline.json"))
    assert all(set(e) == {"at", "text", "note"} for e in timeline)  # the buyer's public timeline
    with using_locale("zh_CN"):
        assert any(gettext("Order received") == e["text"] for e in timeline)
    assert len(_csv(z.read(f"{n}/timeline.csv"))) == len(timeline) + 1

    stranger = await make_customer(db)
    await sign_in(client, stranger.email)
    assert (await client.get(f"/orders/{n}/archive.zip")).status_code == 404

    await as_staff(client, db, "finance")
    staff = await client.get(f"/staff/orders/{n}/archive.zip")
    assert staff.status_code == 200
    staff_timeline = json.loads(zipfile.ZipFile(io.BytesIO(staff.content)).read(f"{n}/timeline.json"))
    assert len(staff_timeline) >= len(timeline) and {"actor", "role", "to_state"} <= set(staff_timeline[0])
    assert (await client.get("/staff/orders/SO-2099-999999/archive.zip")).status_code == 404


async def test_the_archive_csv_files_speak_the_readers_language(client, db):
    """Codes in the CSV files (payment method, role, states) are read as labels, in the reader's language;
    timeline.json keeps the codes for programs."""
    buyer, order, issued = await shipped_in_three(db)
    await _pay_in_full(db, buyer, issued[0])
    await db.commit()
    n = order.number
    await as_staff(client, db, "finance")
    for locale in ("zh_CN", "en"):
        r = await client.get(f"/staff/orders/{n}/archive.zip", params={"lang": locale})
        assert r.status_code == 200
        z = zipfile.ZipFile(io.BytesIO(r.content))
        payments = _csv(z.read(f"{n}/payments.csv"))
        timeline = _csv(z.read(f"{n}/timeline.csv"))
        codes = json.loads(z.read(f"{n}/timeline.json"))
        with using_locale(locale):
            assert payments[0][3] == gettext("Method")
            assert payments[1][3] == gettext("bank transfer") != "bank_transfer"
            heads = timeline[0]
            role, to_state = heads.index(gettext("Role")), heads.index(gettext("To state"))
            shipped = next(i for i, e in enumerate(codes, start=1) if e["to_state"] == "shipped")
            assert timeline[shipped][to_state] == state_label("shipped", "staff")
            customer = next(i for i, e in enumerate(codes, start=1) if e["role"] == "customer")
            assert timeline[customer][role] == gettext("customer")
            cells = {c for row in timeline[1:] for c in (row[role], row[to_state])}
        # people read the time in business time to the second; programs read ISO in UTC
        first = datetime.fromisoformat(codes[0]["at"])
        assert first.utcoffset() == timedelta(0)
        assert timeline[1][0] == first.astimezone(clock.BUSINESS_TZ).strftime("%Y-%m-%d %H:%M:%S")
        if locale == "zh_CN":  # no code left (in English some labels spell like their codes)
            assert not cells & {"shipped", "confirmed", "customer", "system", "finance"}, cells
    assert payments[1][3] == "bank transfer"  # the last one read was English
