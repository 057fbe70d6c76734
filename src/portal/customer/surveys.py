"""The satisfaction survey of one of the buyer's orders, signed in (the same form as the e-mailed link)."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.guards import customer_required
from portal.domain.aftersales import surveys
from portal.domain.errors import ValidationFailed
from portal.i18n import gettext as _
from portal.web.actors import customer_actor
from portal.web.forms import refused_form
from portal.web.survey_form import survey_input, survey_values
from portal.web.templating import page, redirect


class OrderSurveyController(Controller):
    path = "/orders"
    guards = [customer_required]

    async def _show(
        self, request: Request, db: AsyncSession, number: str, *, status_code: int = 200, **context: object
    ) -> Template:
        survey = await surveys.page_for_customer(db, customer_actor(request), number)
        return page(
            request,
            "customer/orders/survey.html",
            status_code=status_code,
            survey=survey,
            action=f"/orders/{survey.number}/survey",
            **context,
        )

    @get("/{number:str}/survey")
    async def show(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Template:
        return await self._show(request, db, number)

    @post("/{number:str}/survey")
    async def answer(
        self, request: Request, db: NamedDependency[AsyncSession], number: FromPath[str]
    ) -> Response | Template:
        actor = customer_actor(request)
        survey = await surveys.page_for_customer(db, actor, number)  # 404 before reading anything sent
        form = await request.form()
        try:
            first = await surveys.answer_in_portal(db, actor, survey.number, survey_input(form))
        except ValidationFailed as exc:
            return await refused_form(
                db, exc, lambda **kw: self._show(request, db, number, **kw), values=survey_values(form)
            )
        said = (
            _("Thank you for your answer.")
            if first
            else _("This order's survey was already answered: here is the answer.")
        )
        return redirect(request, f"/orders/{survey.number}#survey", flash=said)
