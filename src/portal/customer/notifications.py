"""The buyer's own e-mail settings: which optional e-mails they receive (``/account/notifications``)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import customer_required
from portal.domain.notifications import preferences
from portal.i18n import gettext as _
from portal.web.actors import customer_actor
from portal.web.templating import page, redirect

PATH = "/account/notifications"


class NotificationSettingsController(Controller):
    path = PATH
    guards = [customer_required]

    @get("/")
    async def show(self, request: Request, db: NamedDependency[AsyncSession]) -> Template:
        shown = await preferences.load(db, customer_actor(request).id or 0)
        return page(
            request,
            "customer/account/notifications.html",
            prefs=shown,
            topics=preferences.TOPICS,
            labels=preferences.TOPIC_LABELS,
        )

    @post("/")
    async def save(self, request: Request, db: NamedDependency[AsyncSession]) -> Response:
        form = await request.form()
        chosen = {t for t in preferences.TOPICS if form.get(t) == "on"}
        await preferences.save(db, customer_actor(request).id or 0, chosen)
        return redirect(request, PATH, flash=_("Your e-mail settings are saved."))
