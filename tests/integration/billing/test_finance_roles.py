"""The finance role matrix, stated as intended (not read back from the guards): every settlement page
and action of staff is finance's (and admin's); every other role gets 403 and changes nothing."""

from __future__ import annotations

import re
from decimal import Decimal

from litestar.routes import HTTPRoute
from sqlalchemy import func, select

from portal.auth.roles import Role
from portal.db.admin import AuditEntry
from portal.db.billing import BankProfile, BankStatementImport, BankStatementLine, CreditNote, Payment
from portal.domain.billing.credit_notes import issue_credit_note
from tests.billing_helpers import shipped_in_three
from tests.helpers import csrf_token, make_staff, sign_in, text_of
from tests.payment_helpers import finance, paid

ALLOWED = {Role.FINANCE, Role.ADMIN}
# every staff route of settlement: (method, path template); {…} are filled from the world below
MATRIX = [
    ("GET", "/staff/finance/invoices"),
    ("GET", "/staff/finance/invoices/{invoice}"),
    ("GET", "/staff/finance/invoices/{invoice}.pdf"),
    ("POST", "/staff/finance/invoices/{invoice}/credit-notes"),
    ("POST", "/staff/finance/invoices/{invoice}/fapiao"),
    ("GET", "/staff/finance/credit-notes/{note}"),
    ("GET", "/staff/finance/payments"),
    ("GET", "/staff/finance/payments/new"),
    ("POST", "/staff/finance/payments"),
    ("GET", "/staff/finance/payments/{payment}"),
    ("POST", "/staff/finance/payments/{payment}/allocations"),
    ("POST", "/staff/finance/payments/{payment}/reverse"),
    ("GET", "/staff/finance/credit"),
    ("GET", "/staff/finance/bank/"),
    ("POST", "/staff/finance/bank/imports"),
    ("GET", "/staff/finance/bank/imports/{import}"),
    ("POST", "/staff/finance/bank/lines/{line}/confirm"),
    ("POST", "/staff/finance/bank/lines/{line}/ignore"),
    ("POST", "/staff/finance/bank/lines/{line}/reopen"),
    ("GET", "/staff/finance/bank/profiles"),
    ("POST", "/staff/finance/bank/profiles"),
    ("GET", "/staff/finance/bank/profiles/{profile}"),
    ("POST", "/staff/finance/bank/profiles/{profile}"),
    ("GET", "/staff/finance/accounts/{account}/statement"),
    ("POST", "/staff/orders/{order}/close"),
    ("GET", "/staff/orders/{order}/archive.zip"),
]


def _template(path: str) -> str:
    """A route's path with its parameters blanked: ``/x/{number:str}/y`` → ``/x/{}/y``."""
    return re.sub(r"\{[^}]*\}", "{}", path).rstrip("/")


def test_the_matrix_names_every_finance_route(client):
    registered = {
        (method, _template(route.path))
        for route in client.app.routes
        if isinstance(route, HTTPRoute) and route.path.startswith("/staff/finance")
        for method in route.route_handler_map
        if method not in ("HEAD", "OPTIONS")
    }
    listed = {(m, _template(p.removesuffix(".pdf"))) for m, p in MATRIX}
    assert registered <= listed, registered - listed


async def _world(db) -> dict[str, object]:  # noqa: ANN001
    """An order shipped in three with a credit note, a payment, a bank import and its line; their keys."""
    buyer, order, issued = await shipped_in_three(db)
    clerk = await finance(db)
    note = await issue_credit_note(db, issued[0], amount=Decimal("1.00"), reason="x", actor=clerk)
    payment = await paid(db, clerk, buyer.account_id, "10.00")
    profile = BankProfile(name="Role Bank", mapping={})
    db.add(profile)
    await db.flush()
    statement = BankStatementImport(profile_id=profile.id, sha256="0" * 64, filename="x.csv")
    db.add(statement)
    await db.flush()
    line = BankStatementLine(
        import_id=statement.id, booked_on=payment.received_on, amount=Decimal("5.00"), fingerprint="role"
    )
    db.add(line)
    await db.commit()
    return {
        "invoice": issued[0].number,
        "note": note.number,
        "payment": payment.id,
        "import": statement.id,
        "line": line.id,
        "profile": profile.id,
        "account": buyer.account_id,
        "order": order.number,
    }


async def _counts(db) -> tuple[int, ...]:  # noqa: ANN001
    return tuple(
        [
            await db.scalar(select(func.count()).select_from(model))
            for model in (Payment, CreditNote, BankProfile, AuditEntry)
        ]
        + [await db.scalar(select(func.count()).where(BankStatementLine.status == "unmatched"))]
    )


async def test_only_finance_and_admin_reach_settlement(client, db):
    world = await _world(db)
    for role in Role:
        before = await _counts(db)
        user = await make_staff(db, role.value)
        client.cookies.clear()
        await sign_in(client, user.email, staff=True)
        token = await csrf_token(client, "/staff/login")
        for method, template in MATRIX:
            path = template.format(**world)
            data = {"_csrf_token": token} if method == "POST" else None
            r = await client.request(method, path, data=data, follow_redirects=False)
            if role not in ALLOWED:
                assert r.status_code == 403, f"{role.value} got {r.status_code} on {method} {path}"
            elif method == "GET":
                assert r.status_code == 200, f"{role.value} got {r.status_code} on {method} {path}"
            else:
                assert r.status_code != 403, f"{role.value} refused on {method} {path}"
        if role not in ALLOWED:
            assert await _counts(db) == before, role.value  # nothing a refused post could change
        # the receivables and finance's work queues are on the dashboard of finance and admin only
        dashboard = text_of((await client.get("/staff/")).text)
        assert ("Unmatched bank statement lines" in dashboard) == (role in ALLOWED), role.value
