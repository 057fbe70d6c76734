"""What every administration page shares: the admin guard, form values, ending sessions."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from litestar import Request
from litestar.background_tasks import BackgroundTask
from litestar.response import Response

from portal.auth.guards import requires_role
from portal.auth.roles import Role
from portal.auth.sessions import SessionStore
from portal.web.forms import form_text

ADMIN_ONLY = [requires_role(Role.ADMIN)]
log = logging.getLogger("portal.admin")


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
