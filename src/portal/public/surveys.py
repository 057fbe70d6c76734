"""The satisfaction survey opened from the "delivered" e-mail's signed link, without signing in.

The link names one order (``SurveyLinks``: its own audience and key, an expiry checked here on
every read). A tampered, expired or foreign link, and an order not yet delivered, all get the
same friendly 404. The page is private like the tracking page: no referrer, not stored, not indexed.
"""

from __future__ import annotations

from functools import partial

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Response, Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.tracking_links import TrackingClaim
from portal.domain.aftersales import surveys
from portal.domain.errors import NotFound, ValidationFailed
from portal.i18n import gettext as _
from portal.public.tracking_page import PRIVATE
from portal.web.forms import refused_form
from portal.web.survey_form import survey_input, survey_values
from portal.web.templating import page, redirect


def _invalid(request: Request) -> Template:
    # tampered, expired or not (yet) an order with a survey: one friendly answer, nothing about why
    return page(request, "public/survey_invalid.html", status_code=404, headers=PRIVATE)


def _claim(request: Request, token: str) -> TrackingClaim | None:
    return request.app.state.survey_links.read(token)


def _show(request: Request, token: str, survey: surveys.SurveyPage, **context: object) -> Template:
    return page(
        request,
        "public/survey.html",
        survey=survey,
        action=f"/surveys/{token}",
        headers=PRIVATE,
        **context,
    )


class SurveyController(Controller):
    path = "/surveys"

    @get("/{token:str}")
    async def show(
        self, request: Request, db: NamedDependency[AsyncSession], token: FromPath[str]
    ) -> Template:
        claim = _claim(request, token)
        try:
            survey = await surveys.page_for_link(db, claim.order_id) if claim else None
        except NotFound:
            survey = None
        return _show(request, token, survey) if survey else _invalid(request)

    @post("/{token:str}")
    async def answer(
        self, request: Request, db: NamedDependency[AsyncSession], token: FromPath[str]
    ) -> Response | Template:
        claim = _claim(request, token)
        if claim is None:
            return _invalid(request)
        form = await request.form()
        try:
            first = await surveys.answer_by_link(db, claim.order_id, survey_input(form))
        except NotFound:
            return _invalid(request)
        except ValidationFailed as exc:
            survey = await surveys.page_for_link(db, claim.order_id)
            render = partial(_show, request, token, survey)
            return await refused_form(db, exc, render, values=survey_values(form))
        if not first:
            return redirect(
                request,
                f"/surveys/{token}",
                flash=_("This order's survey was already answered: here is the answer."),
            )
        return redirect(request, f"/surveys/{token}", flash=_("Thank you for your answer."))
