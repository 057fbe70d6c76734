"""Serving stored attachments: always as a download, never rendered inline by the browser."""

from __future__ import annotations

from litestar import Request
from litestar.exceptions import NotFoundException
from litestar.response import File

from portal.db.orders import OrderAttachment


def download(request: Request, attachment: OrderAttachment) -> File:
    root = (request.app.state.settings.data_dir / "attachments").resolve()
    path = (root / attachment.storage_key).resolve()
    if root not in path.parents or not path.is_file():
        raise NotFoundException()
    return File(
        path=path,
        filename=attachment.filename,
        media_type=attachment.content_type,
        content_disposition_type="attachment",
        headers={"Cache-Control": "private, no-store"},
    )
