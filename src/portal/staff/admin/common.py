"""What every administration page shares: the admin guard, list pages, form values, user buttons,
ending sessions."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from litestar import Controller, Request, get
from litestar.background_tasks import BackgroundTask
from litestar.di import NamedDependency
from litestar.handlers import HTTPRouteHandler
from litestar.params import FromQuery
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import requires_role
from portal.auth.roles import Role
from portal.auth.sessions import SessionStore
from portal.domain.errors import ValidationFailed
from portal.domain.paging import MAX_QUERY_LENGTH, Page
from portal.i18n import gettext as _
from portal.web.forms import form_text, query_text, refused_form
from portal.web.templating import page, redirect

ADMIN_ONLY = [requires_role(Role.ADMIN)]
log = logging.getLogger("portal.admin")
USER_ACTIONS = ("disable", "enable", "reinvite")


def list_page(request: Request, template: str, result: Page[Any], *, rows: str, **context: Any) -> Template:
    """One page of a list: the whole page, or only its ``results`` block for htmx.

    The template gets the page's rows under the name ``rows``, ``next_after`` and ``context``.
    """
    return page(
        request, template, block="results", next_after=result.next_after, **{rows: result.rows}, **context
    )


def list_handler(template: str, *, rows: str, read: Callable[..., Awaitable[Page[Any]]]) -> HTTPRouteHandler:
    """A controller's ``GET /``: a searchable, paged list (``?q=`` the search text, ``?after=`` the
    cursor of the last row shown), read by ``read(db, q=..., after=...)``, shown by ``list_page``."""

    @get("/")
    async def index(
        self: Controller,
        request: Request,
        db: NamedDependency[AsyncSession],
        q: FromQuery[str | None] = None,
        after: FromQuery[str | None] = None,
    ) -> Template:
        q = query_text(q, limit=MAX_QUERY_LENGTH)
        result = await read(db, q=q, after=after or "")
        return list_page(request, template, result, rows=rows, q=q)

    return index


def form_values(form: Any, fields: Iterable[str]) -> dict[str, str]:
    """The submitted text of ``fields`` (a missing checkbox reads as "")."""
    return {name: form_text(form, name) for name in fields}


async def _end_again(store: SessionStore, kind: str, user_ids: list[int]) -> None:
    try:
        for user_id in user_ids:
            await store.delete_all_for(kind, user_id)
    except Exception:  # noqa: BLE001 - the first round, before the commit, already succeeded
        log.warning("could not end %s sessions of %s after the commit", kind, user_ids, exc_info=True)


async def end_sessions(request: Request, response: Response, *, kind: str, user_ids: list[int]) -> Response:
    """End the users' sessions now and once more after the commit.

    Now: if Redis fails, the request fails and the change is rolled back, so a disabled user
    is never left signed in. After the commit (a task run once the response is sent): a
    sign-in that raced the change and still saw the old row cannot keep its session.
    """
    if not user_ids:
        return response
    store: SessionStore = request.app.state.sessions
    for user_id in user_ids:
        await store.delete_all_for(kind, user_id)
    response.background = BackgroundTask(_end_again, store, kind, list(user_ids))
    return response


def user_action_paths(user_path: str) -> list[str]:
    """The routes of a user's buttons: ``<user_path>/disable``, ``/enable`` and ``/reinvite``."""
    return [f"{user_path}/{action}" for action in USER_ACTIONS]


async def act_on_user(
    request: Request,
    db: AsyncSession,
    *,
    kind: str,
    user_id: int,
    back: str,
    reinvite: Callable[[], Awaitable[Any]],
    set_active: Callable[..., Awaitable[bool]],
    refused: Callable[..., Any],
) -> Response | Template:
    """Carry out the user button named by the path's last part (one of ``USER_ACTIONS``).

    ``reinvite()`` returns the user sent a new link; ``set_active(active=...)`` returns True when
    the user was just disabled, whose ``kind`` sessions then end. Done: a redirect to ``back`` with
    a message; refused (ValidationFailed): ``refused`` renders the page again (``refused_form``).
    """
    action = request.url.path.rsplit("/", 1)[-1]
    try:
        if action == "reinvite":
            user = await reinvite()
            return redirect(
                request, back, flash=_("An invitation has been sent to %(email)s.", email=user.email)
            )
        disabled = await set_active(active=action == "enable")
    except ValidationFailed as exc:
        return await refused_form(db, exc, refused)
    message = _("The user has been enabled.") if action == "enable" else _("The user has been disabled.")
    response = redirect(request, back, flash=message)
    return await end_sessions(request, response, kind=kind, user_ids=[user_id] if disabled else [])
