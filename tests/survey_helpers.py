"""Orders delivered through the real verbs (the delivered e-mail queued), and the survey links it carries."""

from __future__ import annotations

from sqlalchemy import select

from portal.auth.survey_links import SurveyLinks
from portal.db.outbox import OutboxMessage
from portal.domain.orders import service
from portal.domain.orders.actors import Actor
from portal.domain.orders.states import OrderState
from tests.fulfilment_helpers import confirmed


async def delivered_by_carrier(db, **kw):  # noqa: ANN001, ANN201
    """A confirmed order, shipped (state set directly) and delivered by the carrier: its mail is queued."""
    buyer, order = await confirmed(db, **kw)
    order.status = OrderState.SHIPPED
    await db.flush()
    await service.deliver(db, Actor.system("carrier"), order)
    await db.commit()
    return buyer, order


def survey_links(settings) -> SurveyLinks:  # noqa: ANN001
    return SurveyLinks(settings.secret_key, ttl_days=settings.survey_link_days)


async def delivered_mail(db, order) -> OutboxMessage | None:  # noqa: ANN001
    """The customer mail the delivery caused: the delivered notice, or the survey invitation alone."""
    return await db.scalar(
        select(OutboxMessage).where(
            OutboxMessage.order_id == order.id,
            OutboxMessage.template.in_(("order_delivered", "survey_invitation")),
        )
    )
