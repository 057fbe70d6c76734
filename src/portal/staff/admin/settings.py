"""Administration of the portal's settings: approval thresholds, the review SLA, after-sales timings."""

from __future__ import annotations

from functools import partial

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.domain.errors import ValidationFailed
from portal.domain.settings import config
from portal.domain.settings.config_form import parse_settings, settings_values
from portal.i18n import gettext as _
from portal.staff.admin.common import ADMIN_ONLY, form_values
from portal.web.actors import staff_actor
from portal.web.forms import refused_form
from portal.web.templating import page, redirect

FIELDS = (
    "approval_thresholds",
    "review_sla_hours",
    "first_response_hours",
    "complaint_reopen_days",
    "return_window_days",
)


class AdminSettingsController(Controller):
    path = "/staff/admin/settings"
    guards = ADMIN_ONLY

    @get("/")
    async def show(self, request: Request, db: NamedDependency[AsyncSession]) -> Template:
        values = settings_values(await config.load(db))
        return page(request, "staff/admin/settings.html", values=values, errors={})

    @post("/")
    async def save(self, request: Request, db: NamedDependency[AsyncSession]) -> Response | Template:
        values = form_values(await request.form(), FIELDS)
        try:
            data = parse_settings(values)
            await config.save(
                db, staff_actor(request), thresholds=data.thresholds, review_sla_hours=data.review_sla_hours
            )
            await config.save_aftersales(
                db,
                staff_actor(request),
                first_response_hours=data.first_response_hours,
                complaint_reopen_days=data.complaint_reopen_days,
                return_window_days=data.return_window_days,
            )
        except ValidationFailed as exc:
            return await refused_form(
                db, exc, partial(page, request, "staff/admin/settings.html"), values=values
            )
        return redirect(request, "/staff/admin/settings", flash=_("The settings have been saved."))
