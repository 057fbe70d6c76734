"""No input causes a 5xx: every route, every form, query and JSON field the app reads, each odd value.

The field names are derived, not listed: from the templates' input/select/textarea names, from the
pages the app renders for the seeded data, from the names the handlers read, and from the handlers'
query parameters. One request per route and odd value carries every field at once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from pathlib import Path
from urllib.parse import quote

from litestar.routes import HTTPRoute

from portal.db.customers import CustomerAccount
from portal.db.fulfilment import Carrier
from portal.domain.fulfilment import shipping
from portal.domain.orders import service
from tests.fulfilment_helpers import (
    awaiting_confirmation,
    confirmed,
    customer_actor,
    ready_to_ship,
    staff_actor,
)
from tests.helpers import csrf_token, make_customer, make_order, make_staff, sign_in

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_STATEMENT = ROOT / "docs" / "examples" / "bank" / "icbc-2026-11-gbk.csv"
SECRET = "odd-input-carrier-secret"
FILE = ("odd.bin", b"\x00\xff odd file", "application/octet-stream")
ODD = {
    "nul": "a\x00b",
    "long": "x" * 10_000,
    "non_ascii": "数量²٣١٢\u202e\u00a0ﬁ",
    "huge_int": str(10**30),
    "infinity": "Infinity",
    "nan": "NaN",
    "overflow": "1e309",
    "file": FILE,
}
# JSON can carry what a form cannot: a lone surrogate, a real number too big for any column, an object
JSON_ODD = {
    **{k: v for k, v in ODD.items() if k != "file"},
    "non_ascii": ODD["non_ascii"] + "\ud800",
    "huge_int": 10**30,
    "infinity": float("inf"),
    "nan": float("nan"),
    "overflow": "__1e309__",
    "file": {"name": "odd.bin", "content": [0, 255]},
}
NAME = re.compile(r"<(?:input|select|textarea)\b[^>]*?\bname=\"([^\"]+)\"", re.S)
READ_IN_SOURCE = re.compile(
    r"(?:form_(?:text|secret)\(\s*form,\s*|_whole\(\s*form,\s*|_date\(\s*form,\s*|form\.get\(|getall\("
    r"|query_params\.get\()f?\"([^\"{]+)"
)
PREFIX_IN_SOURCE = re.compile(
    r"(?:startswith\(|(?:form_ids|form_quantities|read_quantities|read_amounts)\(\s*form,\s*)\"(\w+_)\""
)
JSON_KEY = re.compile(r"payload(?:\.get\(|\[)\"(\w+)\"")
SKIPPED_PREFIXES = ("/static/",)


def _sources(pattern: str) -> str:
    return "\n".join(p.read_text() for p in ROOT.glob(pattern))


def template_names() -> tuple[set[str], set[str]]:
    """Exact field names and name prefixes (``price_{{ line.id }}`` -> ``price_``) of every template."""
    names = set(NAME.findall(_sources("templates/**/*.html")))
    exact = {n for n in names if "{" not in n}
    prefixes = {n.split("{", 1)[0] for n in names if "{" in n and n.split("{", 1)[0]}
    return exact, prefixes


def source_names() -> tuple[set[str], set[str]]:
    code = _sources("src/portal/**/*.py")
    return set(READ_IN_SOURCE.findall(code)), set(PREFIX_IN_SOURCE.findall(code))


def query_names(handler) -> set[str]:  # noqa: ANN001
    """The query parameters of a handler (under their public name, e.g. ``state``)."""
    found = set()
    for name, param in handler.parsed_fn_signature.parameters.items():
        kwarg = param.kwarg_definition
        if type(kwarg).__name__ == "QueryParameter":
            found.add(kwarg.name or name)
    return found


def routes(app) -> list[tuple[str, str, set[str]]]:  # noqa: ANN001
    """(method, path, query parameter names) of every route; signing out comes last."""
    found = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith(SKIPPED_PREFIXES):
            continue
        for handler in route.route_handlers:
            for method in sorted(set(handler.http_methods) - {"OPTIONS", "HEAD"}):
                found.append((method, route.path, query_names(handler)))
    return sorted(found, key=lambda r: r[1].endswith("/logout"))


async def _seed(db) -> dict:  # noqa: ANN001
    """A buyer with orders in review, awaiting confirmation, in production and shipped; an admin."""
    db.add(Carrier(code="acme", name="Acme Express", webhook_secret=SECRET))
    await db.commit()
    buyer = await make_customer(db)
    other_buyer = await make_customer(db, account=await db.get(CustomerAccount, buyer.account_id))
    admin = await make_staff(db, "admin")
    other_staff = await make_staff(db, "reviewer")
    submitted = await make_order(db, customer=buyer, channel="web")
    await service.submit(db, customer_actor(buyer), submitted)
    _, awaiting = await awaiting_confirmation(db, buyer=buyer)
    _, in_production = await confirmed(db, buyer=buyer)
    _, shipped = await ready_to_ship(db, buyer=buyer, quantity=4)
    lines = await _line_ids(db, shipped)
    logistics = staff_actor(await make_staff(db, "logistics"))
    shipment = await shipping.ship(
        db, logistics, shipped, carrier_code="acme", tracking_number="ODD-1", quantities={lines[0]: 2}
    )
    event = shipping.EventInput(status="exception", exception_kind="delayed", occurred_at=shipment.shipped_at)
    await shipping.record_event(db, shipment, event, source="manual", actor=logistics)
    await db.commit()
    case_id = await _first_case(db)
    invoice, credit_note, invoice_line_ids = await _documents(db, admin)
    settlement = await _settlement(db, admin, buyer.account_id)
    orders = {"submitted": submitted, "awaiting": awaiting, "production": in_production, "shipped": shipped}
    product_id, sku = await _first_product(db)
    return {
        "buyer": buyer,
        "admin": admin,
        "orders": orders,
        "ids": {
            "shipment_id": shipment.id,
            "case_id": case_id,
            "product_id": product_id,
            "account_id": buyer.account_id,
            "attachment_id": 1,
            "photo_id": 1,
            "case_number": "AS-2026-000001",
            "message_id": 1,
            "step": "approve",  # a step of the staff return page
            "line_id": None,  # the buyer's cart line, added once signed in
            **settlement,
        },
        "user_ids": {"/staff/admin/users/": other_staff.id, "/staff/admin/accounts/": other_buyer.id},
        "sku": sku,
        "documents": {"/invoices/": invoice, "/credit-notes/": credit_note},
        "line_ids": [i for o in orders.values() for i in await _line_ids(db, o)] + invoice_line_ids,
    }


async def _documents(db, admin) -> tuple[str, str, list[int]]:  # noqa: ANN001
    """The invoice the shipment issued and a credit note against it (their numbers), the invoice's line ids."""
    from decimal import Decimal

    from sqlalchemy import select

    from portal.db.billing import Invoice, InvoiceLine
    from portal.domain.billing.credit_notes import issue_credit_note

    invoice = await db.scalar(select(Invoice))
    note = await issue_credit_note(
        db, invoice, amount=Decimal("1.00"), reason="probe", actor=staff_actor(admin)
    )
    await db.commit()
    line_ids = list(await db.scalars(select(InvoiceLine.id).where(InvoiceLine.invoice_id == invoice.id)))
    return invoice.number, note.number, line_ids


async def _settlement(db, admin, account_id: int) -> dict[str, int]:  # noqa: ANN001
    """A payment, partly allocated, and the example GBK statement imported: the ids their pages take."""
    from decimal import Decimal

    from sqlalchemy import select

    from portal import clock
    from portal.db.billing import BankProfile, BankStatementLine, Invoice
    from portal.domain.billing import bank_import, payments

    actor = staff_actor(admin)
    data = payments.PaymentInput(account_id, clock.today(), Decimal("5.00"), "cash", "probe")
    payment = await payments.record_payment(db, actor, data)
    await payments.allocate(db, actor, payment.id, {await db.scalar(select(Invoice.id)): Decimal("1.00")})
    profile = BankProfile(name="Probe bank")
    db.add(profile)
    await db.flush()
    done = await bank_import.import_statement(
        db, actor, profile.id, "probe.csv", EXAMPLE_STATEMENT.read_bytes()
    )
    await db.commit()
    line_id = await db.scalar(select(BankStatementLine.id).order_by(BankStatementLine.id))
    return {
        "payment_id": payment.id,
        "import_id": done.statement.id,
        "bank_line_id": line_id,
        "profile_id": profile.id,
    }


async def _line_ids(db, order) -> list[int]:  # noqa: ANN001
    from sqlalchemy import select

    from portal.db.orders import OrderLine

    return list(await db.scalars(select(OrderLine.id).where(OrderLine.order_id == order.id)))


async def _first_case(db) -> int:  # noqa: ANN001
    from sqlalchemy import func, select

    from portal.db.fulfilment import LogisticsCase

    return await db.scalar(select(func.min(LogisticsCase.id)))


async def _first_product(db) -> tuple[int, str]:  # noqa: ANN001
    from sqlalchemy import select

    from portal.db.catalog import Product

    return tuple((await db.execute(select(Product.id, Product.sku).order_by(Product.id).limit(1))).one())


# which seeded order a route acts on, so that it gets past "not in this state" to reading its fields
ORDER_BY_WORD = (
    ("confirmation", "awaiting"),
    ("production", "production"),
    ("/qc", "production"),
    ("/pack", "production"),
    ("/label", "production"),
    ("delivery-note", "production"),
    ("shipments", "shipped"),
    ("tracking-links", "shipped"),
    ("receipt", "shipped"),
    ("backorder", "production"),
)


def fill_path(path: str, seed: dict, odd: str | None = None) -> str:
    """Real values for the path parameters (or ``odd`` in all of them); an unknown parameter fails."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        if odd is not None:
            return quote(odd, safe="")
        if name == "number" and (doc := next((n for p, n in seed["documents"].items() if p in path), None)):
            return doc
        if name == "number":
            word = next((o for w, o in ORDER_BY_WORD if w in path), "submitted")
            return seed["orders"][word].number
        if name == "user_id":
            return str(next(v for p, v in seed["user_ids"].items() if path.startswith(p)))
        fixed = {"sku": seed["sku"], "carrier": "acme", "token": "no-such-token"}
        if name in fixed:
            return fixed[name]
        assert name in seed["ids"], f"the odd-input probe has no value for path parameter {name!r}: add one"
        return str(seed["ids"][name])

    return re.sub(r"\{(\w+)(?::\w+)?\}", value, path)


async def _crawl(client, seed: dict) -> tuple[set[str], list[str]]:  # noqa: ANN001
    """GET every page as the signed-in buyer and admin: the field names it renders, and any 5xx."""
    names, failures = set(), []
    for method, path, _ in routes(client.app):
        if method != "GET":
            continue
        url = fill_path(path, seed)
        r = await client.get(url, follow_redirects=False)
        if r.status_code >= 500:
            failures.append(f"GET {url} -> {r.status_code}")
        if r.headers.get("content-type", "").startswith("text/html"):
            names |= set(NAME.findall(r.text))
    return names, failures


def all_fields(rendered: set[str], seed: dict) -> set[str]:
    exact, prefixes = template_names()
    read, read_prefixes = source_names()
    ids = [*seed["line_ids"], 1]
    expanded = {f"{p}{i}" for p in prefixes | read_prefixes for i in ids}
    return (exact | read | {n for n in rendered if "{" not in n} | expanded) - {"_csrf_token"}


def _odd_keys(prefixes: set[str], odd: str) -> set[str]:
    """``price_²`` and the like: the odd value also where a handler reads an id out of a field name."""
    return {f"{p}{odd[:30]}" for p in prefixes} if odd.isprintable() else set()


async def _send(client, method: str, url: str, token: str, fields: set[str], odd, queries: set[str]):  # noqa: ANN001, ANN202
    if method == "GET":
        value = odd if isinstance(odd, str) else "odd.bin"
        # a URL holds about 64 KB: the long value goes a few parameters at a time
        per_request = max(1, 50_000 // (len(value) + 20))
        names = sorted(queries) or [""]
        for start in range(0, len(names), per_request):
            params = dict.fromkeys(names[start : start + per_request], value)
            r = await client.get(url, params={k: v for k, v in params.items() if k}, follow_redirects=False)
            if r.status_code >= 500:
                return r
        return r
    if isinstance(odd, tuple):
        files = [(name, odd) for name in sorted(fields)]
        return await client.request(
            method, url, data={"_csrf_token": token}, files=files, follow_redirects=False
        )
    return await client.request(
        method, url, data={**dict.fromkeys(fields, odd), "_csrf_token": token}, follow_redirects=False
    )


async def _csrf_probe(client, method: str, url: str, odd) -> list[int]:  # noqa: ANN001
    """A CSRF token that is itself odd: in the form (a file part for the file), and, if not ASCII, the header."""
    if isinstance(odd, tuple):
        return [
            (
                await client.request(method, url, files=[("_csrf_token", odd)], follow_redirects=False)
            ).status_code
        ]
    codes = [
        (await client.request(method, url, data={"_csrf_token": odd}, follow_redirects=False)).status_code
    ]
    if not odd.isascii():
        r = await client.request(method, url, headers={"x-csrftoken": odd.encode()}, follow_redirects=False)
        codes.append(r.status_code)
    return codes


# odd values that make sense inside a path (a NUL there is refused before routing, tested elsewhere)
PATH_ODD = ("huge_int", "non_ascii", "long")


async def _probe(
    client, seed: dict, route: tuple, token: str, fields: set[str], prefixes: set[str]
) -> list[str]:  # noqa: ANN001
    """Every odd value into one route: in all its fields, in its path parameters, as its CSRF token."""
    method, path, queries = route
    failures = []
    for label, odd in ODD.items():
        if method == "GET" and isinstance(odd, tuple):
            continue  # nothing carries a file in a GET
        url = fill_path(path, seed)
        extra = _odd_keys(prefixes, odd) if isinstance(odd, str) else set()
        r = await _send(client, method, url, token, fields | extra, odd, queries | PLAIN_QUERIES)
        if r.status_code >= 500:
            failures.append(f"{method} {path} with {label} fields -> {r.status_code}")
        if "{" in path and label in PATH_ODD:
            r = await _send(client, method, fill_path(path, seed, odd=odd), token, set(), odd, set())
            if r.status_code >= 500:
                failures.append(f"{method} {path} with {label} in the path -> {r.status_code}")
        if method != "GET" and not path.startswith("/webhooks/"):
            codes = await _csrf_probe(client, method, url, odd)
            if any(c not in (400, 403) for c in codes):
                failures.append(f"{method} {path} with a {label} CSRF token -> {codes}")
    return failures


# read through request.query_params rather than as handler parameters (lang: by the locale middleware)
PLAIN_QUERIES = {"next", "customer_id", "lang"}


async def test_no_input_causes_a_server_error(client, db):
    seed = await _seed(db)
    await sign_in(client, seed["buyer"].email)
    await sign_in(client, seed["admin"].email, staff=True)
    token = await csrf_token(client)
    r = await client.post("/cart/lines", data={"sku": seed["sku"], "quantity": "1", "_csrf_token": token})
    assert r.status_code < 400
    seed["ids"]["line_id"] = await _cart_line(db, seed["buyer"])
    rendered, failures = await _crawl(client, seed)
    fields = all_fields(rendered, seed)
    prefixes = template_names()[1] | source_names()[1]
    assert PLAIN_QUERIES - {"lang"} <= source_names()[0]
    assert len(fields) > 60 and {"sku", "email", "location", "shipping_fee", "price_"} <= fields | prefixes
    for route in routes(client.app):
        failures += await _probe(client, seed, route, token, fields, prefixes)
    assert not failures, "\n".join(failures)


async def _cart_line(db, buyer) -> int:  # noqa: ANN001
    from sqlalchemy import select

    from portal.db.orders import Order, OrderLine

    return await db.scalar(
        select(OrderLine.id)
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.contact_user_id == buyer.id, Order.status == "draft")
    )


def _signed(body: bytes) -> dict[str, str]:
    digest = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return {"content-type": "application/json", "x-signature": f"sha256={digest}"}


def _json_body(payload: dict) -> bytes:
    return json.dumps(payload).replace('"__1e309__"', "1e309").encode()


async def test_no_webhook_payload_causes_a_server_error(client, db):
    await _seed(db)  # a carrier, and a shipment whose tracking number the valid fields name
    keys = set(JSON_KEY.findall(_sources("src/portal/domain/fulfilment/*.py")))
    assert {"event_id", "tracking_number", "status", "occurred_at", "location", "note"} <= keys
    valid = {
        "event_id": "e",
        "tracking_number": "ODD-1",
        "status": "in_transit",
        "occurred_at": "2026-01-01T00:00:00Z",
    }
    failures = []
    for label, odd in JSON_ODD.items():
        everything = dict.fromkeys(keys, odd)
        # the required fields valid, so the odd value reaches what is stored and shown
        optional = {**everything, **valid, "event_id": f"e-{label}"}
        for n, payload in enumerate((everything, optional)):
            body = _json_body(payload)
            r = await client.post("/webhooks/carriers/acme", content=body, headers=_signed(body))
            if r.status_code >= 500:
                failures.append(
                    f"webhook with {label} ({'all' if n == 0 else 'optional'} keys) -> {r.status_code}"
                )
    # bodies no JSON encoder writes: nested past any recursion limit, not UTF-8, not JSON at all
    for body in (b'{"note": ' + b"[" * 30_000 + b"]" * 30_000 + b"}", b'{"note": "\xff\xfe"}', b"\x00"):
        r = await client.post("/webhooks/carriers/acme", content=body, headers=_signed(body))
        if r.status_code >= 500:
            failures.append(f"webhook with body {body[:20]!r} -> {r.status_code}")
    assert not failures, "\n".join(failures)
