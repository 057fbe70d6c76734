"""What the buyer's and the staff's complaint-ticket pages share: the thread page and posting to it.

The buyer's door (``customer/complaints.py``) and after-sales' (``staff/aftersales_queue.py``) differ only
in who acts, which template shows the thread and where a message returns to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar import Request
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.domain.aftersales import cases, tickets
from portal.domain.aftersales.tickets import TicketView
from portal.domain.errors import ValidationFailed
from portal.domain.orders.actors import Actor
from portal.web.forms import form_text, refused_form, typed_values
from portal.web.photos import photos_of
from portal.web.templating import page, redirect


def ticket_page(
    request: Request,
    view: TicketView,
    template: str,
    *,
    side: str,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    """The ticket's thread as ``side`` ("customer" or "staff") reads it, with the answer form when it may answer."""
    return page(
        request,
        template,
        status_code=status_code,
        ticket=view,
        categories=tickets.CATEGORIES,
        may_answer=tickets.may_answer(view.case, side),
        max_photos=tickets.MAX_PHOTOS,
        errors=errors or {},
        values=values or {},
        **context,
    )


async def post_message(
    request: Request,
    db: AsyncSession,
    actor: Actor,
    number: str,
    *,
    show: Callable[..., Any],
    back: str,
    flash: str,
) -> Response | Template:
    """``actor``'s message (and photos) on ticket ``number`` (404 beyond what they may read), then ``back``;
    a refused message shows the thread again through ``show`` (422)."""
    case = await tickets.load(db, actor, number, for_update=True)
    form = await request.form()
    root = cases.photo_root(request.app.state.settings.data_dir)
    try:
        body = form_text(form, "message", limit=tickets.MESSAGE_LIMIT)
        await tickets.reply(db, actor, case, body, await photos_of(form), photo_root=root)
    except ValidationFailed as exc:
        return await refused_form(db, exc, show, values=typed_values(form))
    return redirect(request, back, flash=flash)
