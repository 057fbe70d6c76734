"""The staff order page: the order, its checks, the customer's history, decisions, timeline, mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from litestar import Request
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.domain.admin import config
from portal.domain.fulfilment.panel import production_panel
from portal.domain.fulfilment.views import shipping_panel
from portal.domain.orders import (
    approval,
    attachments,
    checks,
    confirmation_docs,
    queries,
    service,
    timeline,
    views,
)
from portal.domain.orders.states import allowed_actions
from portal.formatting import DEFAULT_TZ
from portal.i18n import gettext
from portal.web.actors import staff_actor
from portal.web.templating import page

REVIEW_STATES = ("submitted", "awaiting_approval")


@dataclass(frozen=True)
class CheckView:
    key: str
    status: str
    text: str


def _check_view(check: checks.Check) -> CheckView:
    params = {
        k: ", ".join(gettext(x) for x in v) if isinstance(v, list) else v for k, v in check.params.items()
    }
    return CheckView(
        check.key, check.status, gettext(check.message, **params) if params else gettext(check.message)
    )


async def render_order(
    request: Request,
    db: AsyncSession,
    number: str,
    *,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
) -> Template:
    order_view, events = await views.order_detail(db, number=number, account_id=None)
    today = datetime.now(DEFAULT_TZ).date()
    review = None
    if order_view.status in REVIEW_STATES:
        order = await service.load_order(db, staff_actor(request), number=number)
        settings = await config.load(db)
        found = await checks.run_checks(db, order, today=today)
        review = {
            "checks": [_check_view(c) for c in found],
            "overall": checks.overall(found),
            "levels": approval.levels_required(order.total, settings.approval_thresholds),
            "level": order.approval_level,
        }
    history = await queries.account_orders(
        db, account_id=order_view.account_id, filters=queries.OrderFilter(), limit=6
    )
    return page(
        request,
        "staff/orders/detail.html",
        block="notifications",
        status_code=status_code,
        order=order_view,
        timeline=timeline.staff_timeline(events),
        notifications=await views.order_notifications(db, order_view.id),
        attachments=await attachments.list_for_order(db, order_view.id),
        actions=allowed_actions(order_view.status, request.state.staff.roles),
        review=review,
        history=[h for h in history.rows if h.number != number][:5],
        confirmations=await confirmation_docs.versions(db, order_view.id),
        production=await production_panel(db, order_view.id, order_view.status),
        shipping=await shipping_panel(db, order_view.id),
        errors=errors or {},
        today=today,
    )
