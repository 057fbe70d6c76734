"""Complaint tickets for the after-sales tests: opened through the buyer's form, as the buyer would."""

from __future__ import annotations

from sqlalchemy import select

from portal.db.aftersales import AftersalesCase
from tests.helpers import csrf_token, sign_in


async def open_ticket(client, db, buyer, *, order_number: str = "", photos=(), **fields):  # noqa: ANN001, ANN201
    """Post /complaints/new as ``buyer`` (signed in here); the response and the newest ticket of the account."""
    await sign_in(client, buyer.email)
    token = await csrf_token(client, "/complaints/new")
    data = {
        "_csrf_token": token,
        "subject": "Scratched housings",
        "category": "quality",
        "order_number": order_number,
        "message": "Three housings arrived scratched.",
        **fields,
    }
    files = [("photos", (name, body, "image/jpeg")) for name, body in photos]
    r = await client.post("/complaints/new", data=data, files=files or None, follow_redirects=False)
    case = await db.scalar(
        select(AftersalesCase)
        .where(AftersalesCase.account_id == buyer.account_id, AftersalesCase.kind == "complaint")
        .order_by(AftersalesCase.id.desc())
        .execution_options(populate_existing=True)
    )
    return r, case


async def post_message(client, path: str, message: str, **extra):  # noqa: ANN001, ANN201
    token = await csrf_token(client, path)
    return await client.post(
        f"{path}/messages", data={"_csrf_token": token, "message": message, **extra}, follow_redirects=False
    )


async def refresh(db, case: AftersalesCase) -> AftersalesCase:  # noqa: ANN001
    return await db.scalar(
        select(AftersalesCase).where(AftersalesCase.id == case.id).execution_options(populate_existing=True)
    )
