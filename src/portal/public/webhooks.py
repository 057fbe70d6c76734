"""Carrier webhooks: HMAC-SHA256 signed JSON events; a repeated event id changes nothing."""

from __future__ import annotations

import hashlib
import hmac
import json

from litestar import Request, Response, post
from litestar.di import NamedDependency
from litestar.exceptions import NotAuthorizedException
from litestar.params import FromPath
from sqlalchemy.ext.asyncio import AsyncSession

from portal.db.fulfilment import Carrier
from portal.domain import carrier_events
from portal.domain.errors import ValidationFailed
from portal.text import storable

MAX_BODY = 64 * 1024


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    if not header or not header.startswith("sha256=") or not header.isascii():
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").strip().lower())


@post("/webhooks/carriers/{carrier:str}", request_max_body_size=MAX_BODY, status_code=200)
async def carrier_webhook(
    request: Request, db: NamedDependency[AsyncSession], carrier: FromPath[str]
) -> Response:
    """401 for a bad or missing signature, 422 for malformed JSON, 404 for a tracking number that is
    neither one of our shipments nor a return coming back."""
    body = await request.body()
    known = await db.get(Carrier, carrier[:40])
    # an unknown carrier has no secret to check against: the same answer as a bad signature
    if known is None or not signature_ok(known.webhook_secret, body, request.headers.get("x-signature")):
        raise NotAuthorizedException(detail="bad signature")
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise ValidationFailed({"body": "malformed JSON"}) from None
    if not storable(payload):
        raise ValidationFailed({"body": "text with NUL characters or unpaired surrogates"})
    recorded = await carrier_events.record(db, known.code, payload)
    return Response({"status": "recorded" if recorded else "duplicate"}, status_code=200)
