"""The satisfaction survey (满意度调查): one answer per order, after delivery, by e-mailed link or in the portal.

CSAT 1–5 for the order overall, the delivery and the quality, NPS 0–10 and a comment. The first
answer stands: the unique order id makes a second one (two tabs, the link and the portal) a no-op,
and every later visit reads the answer back. A low score (``low_score``) opens a follow-up
(低分回访) for after-sales, listed on their dashboard until the after-sales queue takes it over.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from portal import clock
from portal.db.customers import CustomerAccount, CustomerUser
from portal.db.orders import Order
from portal.db.surveys import SurveyAnswer
from portal.domain.aftersales import cases
from portal.domain.aftersales.kinds import FOLLOW_UP
from portal.domain.errors import NotFound, ValidationFailed
from portal.domain.json_rows import instant, json_list
from portal.domain.orders import events, service, states
from portal.domain.orders.actors import Actor
from portal.i18n import N_

CSAT_FIELDS = ("csat_overall", "csat_delivery", "csat_quality")
CSAT_RANGE, NPS_RANGE = range(1, 6), range(0, 11)
LOW_CSAT, LOW_NPS = 2, 6  # any CSAT at or below 2, or an NPS at or below 6 (a detractor), is low
COMMENT_LIMIT = 4000
LINK, PORTAL = "link", "portal"
CSAT_MESSAGE = N_("Choose a score from 1 to 5.")
NPS_MESSAGE = N_("Choose a score from 0 to 10.")


@dataclass(frozen=True)
class SurveyInput:
    """What the form sent: None for a score left out."""

    csat_overall: int | None
    csat_delivery: int | None
    csat_quality: int | None
    nps: int | None
    comment: str = ""


@dataclass(frozen=True)
class SurveyView:
    """An answer as the order pages show it (read-only)."""

    csat_overall: int
    csat_delivery: int
    csat_quality: int
    nps: int
    comment: str
    answered_at: datetime
    via: str
    follow_up_state: str


@dataclass(frozen=True)
class SurveyPage:
    """One order's survey: its number, and the answer once given (None: the form is shown)."""

    order_id: int
    number: str
    answer: SurveyView | None


@dataclass(frozen=True)
class FollowUpRow:
    """An open low-score follow-up, for after-sales."""

    number: str
    account_name: str
    csat_overall: int
    csat_delivery: int
    csat_quality: int
    nps: int
    comment: str
    answered_at: datetime


def low_score(answer: SurveyInput | SurveyAnswer | SurveyView) -> bool:
    """Any CSAT of 2 or less, or an NPS of 6 or less: after-sales calls the customer back."""
    csats = (answer.csat_overall, answer.csat_delivery, answer.csat_quality)
    return any(c is not None and c <= LOW_CSAT for c in csats) or (
        answer.nps is not None and answer.nps <= LOW_NPS
    )


def problems(sent: SurveyInput) -> dict[str, str]:
    """The message beside each score that is missing or out of its range."""
    errors = {f: CSAT_MESSAGE for f in CSAT_FIELDS if getattr(sent, f) not in CSAT_RANGE}
    if sent.nps not in NPS_RANGE:
        errors["nps"] = NPS_MESSAGE
    return errors


def check(sent: SurveyInput) -> None:
    """Every score given and in its range; raises ValidationFailed beside each one that is not."""
    if errors := problems(sent):
        raise ValidationFailed(errors)


def _view(row: SurveyAnswer | None) -> SurveyView | None:
    if row is None:
        return None
    return SurveyView(
        csat_overall=row.csat_overall,
        csat_delivery=row.csat_delivery,
        csat_quality=row.csat_quality,
        nps=row.nps,
        comment=row.comment,
        answered_at=row.answered_at,
        via=row.via,
        follow_up_state=row.follow_up_state,
    )


def answer_json() -> ColumnElement:
    """The answer of the enclosing statement's order (``orders``) as one JSON array, NULL before one is
    given: for the order pages' one-statement reads; ``answer_of`` decodes it."""
    a = SurveyAnswer
    columns = [
        a.csat_overall, a.csat_delivery, a.csat_quality, a.nps, a.comment, a.answered_at, a.via,
        a.follow_up_state,
    ]  # fmt: skip
    return select(func.json_build_array(*columns)).where(a.order_id == Order.id).scalar_subquery()


def answer_of(value: object) -> SurveyView | None:
    """``answer_json``'s column decoded."""
    row = json_list(value)
    if not row:
        return None
    overall, delivery, quality, nps, comment, at, via, follow_up = row
    return SurveyView(overall, delivery, quality, nps, comment, instant(at), via, follow_up)


async def order_answer(db: AsyncSession, order_id: int) -> SurveyView | None:
    """The order's answer, if given (the caller has already checked the reader may see the order)."""
    return _view(await db.scalar(select(SurveyAnswer).where(SurveyAnswer.order_id == order_id)))


def _open(order: Order) -> bool:
    return order.status in states.AFTER_DELIVERY


async def _page(db: AsyncSession, order: Order | None) -> SurveyPage:
    if order is None or not _open(order):
        raise NotFound()
    return SurveyPage(order.id, order.number, await order_answer(db, order.id))


async def page_for_link(db: AsyncSession, order_id: int) -> SurveyPage:
    """The survey of the order a verified link names; NotFound before delivery or for no such order."""
    return await _page(db, await db.get(Order, order_id))


async def page_for_customer(db: AsyncSession, actor: Actor, number: str) -> SurveyPage:
    """The survey of one of the buyer's orders (404 for another account's, or before delivery)."""
    return await _page(db, await service.load_order(db, actor, number=number))


async def _link_actor(db: AsyncSession, order: Order) -> Actor:
    """Who answers through the e-mailed link: the order's contact, to whom it was sent."""
    row = (
        await db.execute(
            select(CustomerUser.id, CustomerUser.name).where(CustomerUser.id == order.contact_user_id)
        )
    ).first()
    if row is None:
        raise NotFound()
    return Actor.customer(user_id=row.id, name=row.name, account_id=order.account_id)


async def answer_by_link(db: AsyncSession, order_id: int, sent: SurveyInput) -> bool:
    """Record the answer given through a verified link; False when the order was answered before."""
    order = await db.get(Order, order_id)
    if order is None or not _open(order):
        raise NotFound()
    return await _answer(db, order, await _link_actor(db, order), sent, via=LINK)


async def answer_in_portal(db: AsyncSession, actor: Actor, number: str, sent: SurveyInput) -> bool:
    """Record a signed-in buyer's answer to their order's survey; False when it was answered before."""
    order = await service.load_order(db, actor, number=number)
    if not _open(order):
        raise NotFound()
    return await _answer(db, order, actor, sent, via=PORTAL)


async def _answer(db: AsyncSession, order: Order, actor: Actor, sent: SurveyInput, *, via: str) -> bool:
    """The answer, its timeline event and (for a low score) its follow-up, in the caller's transaction."""
    check(sent)
    low = low_score(sent)
    scores = {f: getattr(sent, f) for f in (*CSAT_FIELDS, "nps")}
    inserted = await db.scalar(
        insert(SurveyAnswer)
        .values(
            order_id=order.id,
            account_id=order.account_id,
            user_id=actor.id if via == PORTAL else None,
            via=via,
            comment=sent.comment[:COMMENT_LIMIT],
            answered_at=clock.now(),
            follow_up_needed=low,
            follow_up_state="open" if low else "none",
            **scores,
        )
        .on_conflict_do_nothing(index_elements=[SurveyAnswer.order_id])
        .returning(SurveyAnswer.id)
    )
    if inserted is None:
        return False  # answered meanwhile (another tab, the link and the portal): the first answer stands
    # the comment stays off the timeline: it shows beside the scores on the staff order page
    events.record(db, order, actor, events.EventKind.SURVEY_ANSWERED, data={**scores, "low": low})
    if low:  # after-sales call the buyer back: a case in the after-sales queue, with its SLA
        # its note is the buyer's comment; the scores show, worded, beside the answer on the staff order page
        await cases.open_case(db, actor, kind=FOLLOW_UP, order=order, note=sent.comment[:COMMENT_LIMIT])
    return True


async def open_follow_ups(db: AsyncSession, *, limit: int = 50) -> list[FollowUpRow]:
    """The low-score follow-ups still open, oldest first (the partial index keeps this cheap)."""
    rows = await db.execute(
        select(
            Order.number,
            CustomerAccount.name.label("account_name"),
            SurveyAnswer.csat_overall,
            SurveyAnswer.csat_delivery,
            SurveyAnswer.csat_quality,
            SurveyAnswer.nps,
            SurveyAnswer.comment,
            SurveyAnswer.answered_at,
        )
        .join(Order, Order.id == SurveyAnswer.order_id)
        .join(CustomerAccount, CustomerAccount.id == SurveyAnswer.account_id)
        .where(SurveyAnswer.follow_up_state == "open")
        .order_by(SurveyAnswer.answered_at, SurveyAnswer.id)
        .limit(limit)
    )
    return [FollowUpRow(**r._mapping) for r in rows]
