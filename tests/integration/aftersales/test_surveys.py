"""The satisfaction survey: the signed link of the delivered e-mail, one answer per order, low-score follow-ups."""

from __future__ import annotations

import re
import time

import pytest
from sqlalchemy import func, select

from portal.auth.tracking_links import TrackingLinks
from portal.db.aftersales import AftersalesCase
from portal.db.engine import make_sessionmaker
from portal.db.orders import OrderEvent
from portal.db.outbox import OutboxMessage
from portal.db.surveys import SurveyAnswer
from portal.domain.aftersales import surveys
from portal.domain.notifications import delivery
from portal.domain.notifications.mailer import SmtpMailer
from portal.domain.notifications.render import EmailRenderer
from portal.jinja import make_environment
from tests.fulfilment_helpers import confirmed
from tests.helpers import StatementCounter, as_staff, csrf_token, make_customer, sign_in, text_of
from tests.smtp_sink import body_text
from tests.survey_helpers import delivered_by_carrier as delivered
from tests.survey_helpers import survey_links

GOOD = {"csat_overall": "5", "csat_delivery": "4", "csat_quality": "5", "nps": "9", "comment": "Well packed."}
LOW = {"csat_overall": "2", "csat_delivery": "4", "csat_quality": "4", "nps": "8", "comment": "Late again."}


async def _answer(client, path: str, fields: dict[str, str]):  # noqa: ANN001, ANN202
    token = await csrf_token(client, path)
    return await client.post(path, data={"_csrf_token": token, **fields}, follow_redirects=False)


async def _mailed_link(db, engine, settings, smtp_sink) -> str:  # noqa: ANN001
    """Deliver the outbox over real SMTP and read the survey link out of the delivered e-mail."""
    sink, url = smtp_sink
    renderer = EmailRenderer(
        make_environment(),
        base_url="http://testserver.local",
        survey_path=survey_links(settings).survey_path,
    )
    await delivery.drain(
        make_sessionmaker(engine), SmtpMailer(url, sender="Portal <o@portal.test>"), renderer
    )
    links = [
        found.group(1)
        for m in sink.wait_for(1)
        if (found := re.search(r"http://testserver\.local(/surveys/\S+)", body_text(m)))
    ]
    assert len(links) == 1, [m["Subject"] for m in sink.messages]
    return links[0]


async def test_the_delivered_mail_links_to_a_survey_answered_once_without_signing_in(
    client, db, engine, settings, smtp_sink
):
    _buyer, order = await delivered(db)
    path = await _mailed_link(db, engine, settings, smtp_sink)
    page = await client.get(path)  # signed out
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "How likely are you to recommend us" in text_of(page.text)
    r = await _answer(client, path, GOOD)
    assert r.status_code == 303 and r.headers["location"] == path
    again = text_of((await client.get(path)).text)
    assert "Thank you: your answer was received" in again and "Well packed." in again
    assert 'name="nps"' not in (await client.get(path)).text  # read-only now
    # a second answer (another tab, a replayed form) changes nothing: the first stands
    r = await _answer(client, path, {**LOW, "comment": "second try"})
    assert r.status_code == 303
    rows = (await db.scalars(select(SurveyAnswer).where(SurveyAnswer.order_id == order.id))).all()
    assert [(a.csat_overall, a.nps, a.via, a.follow_up_state) for a in rows] == [(5, 9, "link", "none")]
    assert "second try" not in (await client.get(path)).text
    events = (
        await db.scalars(
            select(OrderEvent).where(OrderEvent.order_id == order.id, OrderEvent.action == "survey_answered")
        )
    ).all()
    assert len(events) == 1 and events[0].actor_kind == "customer" and events[0].public


async def test_a_tampered_expired_or_foreign_link_gets_a_friendly_404(client, db, settings):
    _buyer, order = await delivered(db)
    links = survey_links(settings)
    good = links.survey_path(order.id)
    assert (await client.get(good)).status_code == 200
    tampered = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    expired = "/surveys/" + links.token(
        order.id, 1, now=time.time() - (settings.survey_link_days + 1) * 86400
    )
    tracking = "/surveys/" + TrackingLinks(settings.secret_key).token(order.id, order.tracking_link_version)
    other_key = "/surveys/" + type(links)("another-secret-" + "z" * 30).token(order.id, 1)
    for bad in (tampered, expired, tracking, other_key, "/surveys/not-a-token"):
        r = await client.get(bad)
        assert r.status_code == 404, bad
        assert "This survey link is not valid" in text_of(r.text)
        token = await csrf_token(client, good)
        r = await client.post(bad, data={"_csrf_token": token, **GOOD}, follow_redirects=False)
        assert r.status_code == 404, bad
    assert await db.scalar(select(func.count()).select_from(SurveyAnswer)) == 0


async def test_no_survey_before_delivery(client, db, settings):
    _buyer, order = await confirmed(db)
    path = survey_links(settings).survey_path(order.id)
    assert (await client.get(path)).status_code == 404
    token = await csrf_token(client, "/login")
    r = await client.post(path, data={"_csrf_token": token, **GOOD}, follow_redirects=False)
    assert r.status_code == 404
    assert await db.scalar(select(func.count()).select_from(SurveyAnswer)) == 0


async def test_missing_or_out_of_range_scores_are_refused_beside_their_field(client, db, settings):
    _buyer, order = await delivered(db)
    path = survey_links(settings).survey_path(order.id)
    r = await _answer(
        client, path, {"csat_overall": "6", "csat_delivery": "0", "nps": "11", "comment": "kept"}
    )
    assert r.status_code == 422
    shown = text_of(r.text)
    assert shown.count("Choose a score from 1 to 5.") == 3 and "Choose a score from 0 to 10." in shown
    assert "kept" in r.text  # the comment is shown again
    assert await db.scalar(select(func.count()).select_from(SurveyAnswer)) == 0


@pytest.mark.parametrize(
    ("scores", "low"),
    [
        ((3, 3, 3, 7), False),
        ((2, 5, 5, 10), True),
        ((5, 2, 5, 10), True),
        ((5, 5, 1, 10), True),
        ((5, 5, 5, 6), True),
        ((5, 5, 5, 0), True),
    ],
)
def test_low_score_is_any_csat_of_two_or_less_or_an_nps_of_six_or_less(scores, low):
    assert surveys.low_score(surveys.SurveyInput(*scores)) is low


async def test_a_low_score_opens_a_follow_up_that_after_sales_see(client, db, settings):
    _buyer, low_order = await delivered(db)
    _buyer2, happy_order = await delivered(db)
    links = survey_links(settings)
    assert (await _answer(client, links.survey_path(low_order.id), LOW)).status_code == 303
    assert (await _answer(client, links.survey_path(happy_order.id), GOOD)).status_code == 303
    states = dict((await db.execute(select(SurveyAnswer.order_id, SurveyAnswer.follow_up_state))).all())
    assert states == {low_order.id: "open", happy_order.id: "none"}
    await as_staff(client, db, "aftersales")
    board = text_of((await client.get("/staff/")).text)
    assert "Low-score follow-ups" in board and low_order.number in board and happy_order.number not in board
    assert "overall 2/5, delivery 4/5, quality 4/5, NPS 8" in board and "Late again." in board
    staff_page = text_of((await client.get(f"/staff/orders/{low_order.number}")).text)
    assert "Satisfaction survey" in staff_page and "Late again." in staff_page
    assert "Satisfaction survey answered with a low score: overall 2/5, NPS 8; follow-up opened" in staff_page
    # the follow-up is a case of the after-sales queue, and resolving it marks the answer done
    case = await db.scalar(select(AftersalesCase).where(AftersalesCase.order_id == low_order.id))
    assert (case.kind, case.state, case.number.startswith("AS-")) == ("follow_up", "open", True)
    assert await db.scalar(select(func.count()).select_from(AftersalesCase)) == 1  # none for the happy one
    _, token = await as_staff(client, db, "aftersales")
    queue = text_of((await client.get("/staff/aftersales", params={"kind": "follow_up"})).text)
    assert case.number in queue and low_order.number in queue
    url = f"/staff/orders/{low_order.number}/aftersales/{case.number}/resolve"
    r = await client.post(
        url, data={"_csrf_token": token, "resolution": "Called back"}, follow_redirects=False
    )
    assert r.status_code == 303
    answer = await db.scalar(select(SurveyAnswer).where(SurveyAnswer.order_id == low_order.id))
    await db.refresh(answer)
    assert answer.follow_up_state == "done"
    assert low_order.number not in (await client.get("/staff/")).text  # no longer an open follow-up
    # the call-back is internal: its note is the buyer's comment, no field names; the buyer is not
    # mailed about it and does not read of it on the order page or its timeline
    assert case.note == "Late again."
    resolved_mails = await db.scalar(
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.template == "aftersales_case_resolved")
    )
    assert resolved_mails == 0
    await sign_in(client, _buyer.email)
    buyer_page = text_of((await client.get(f"/orders/{low_order.number}")).text)
    assert case.number not in buyer_page and "Called back" not in buyer_page
    # a role without after-sales work does not get the list
    await as_staff(client, db, "production")
    assert low_order.number not in (await client.get("/staff/")).text


async def test_the_same_form_on_the_order_page_when_signed_in(client, db):
    buyer, order = await delivered(db)
    await sign_in(client, buyer.email)
    detail = (await client.get(f"/orders/{order.number}")).text
    assert f'action="/orders/{order.number}/survey"' in detail
    r = await _answer(client, f"/orders/{order.number}/survey", {**LOW, "nps": "3"})
    assert r.status_code == 303 and r.headers["location"] == f"/orders/{order.number}#survey"
    answer = await db.scalar(select(SurveyAnswer).where(SurveyAnswer.order_id == order.id))
    assert (answer.via, answer.user_id, answer.nps, answer.follow_up_state) == ("portal", buyer.id, 3, "open")
    page = text_of((await client.get(f"/orders/{order.number}")).text)
    assert "Thank you: your answer was received" in page
    assert f"Satisfaction survey answered by {buyer.name}: thank you" in page  # the buyer's timeline
    assert "NPS" not in page.split("Timeline")[1]  # scores stay off the buyer's timeline wording


async def test_another_accounts_survey_is_not_found(client, db):
    _owner, order = await delivered(db)
    stranger = await make_customer(db)
    await sign_in(client, stranger.email)
    assert (await client.get(f"/orders/{order.number}/survey")).status_code == 404
    r = await _answer(client, f"/orders/{order.number}/survey", GOOD)
    assert r.status_code == 404
    assert await db.scalar(select(func.count()).select_from(SurveyAnswer)) == 0


async def test_the_answer_is_read_with_the_order_pages_own_statement(client, db, settings):
    buyer, order = await delivered(db)
    assert (await _answer(client, survey_links(settings).survey_path(order.id), LOW)).status_code == 303
    staff = await as_staff(client, db, "aftersales")
    with StatementCounter(client.app) as counter:
        page = await client.get(f"/staff/orders/{order.number}")
    assert page.status_code == 200 and "Late again." in page.text and counter.count == 1, staff
    await sign_in(client, buyer.email)
    page = text_of((await client.get(f"/orders/{order.number}")).text)
    assert "Thank you: your answer was received" in page and "Late again." in page


async def test_the_survey_and_its_refusal_read_in_chinese(client, db, settings):
    _buyer, order = await delivered(db)
    path = survey_links(settings).survey_path(order.id)
    client.cookies.set("portal_lang", "zh_CN")
    form = text_of((await client.get(path)).text)
    assert "满意度调查" in form and "您向同行推荐我们的可能性有多大？" in form
    invalid = await client.get(path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB"))
    assert invalid.status_code == 404 and "此调查链接无效" in text_of(invalid.text)
    r = await _answer(client, path, {"nps": "3"})
    assert r.status_code == 422 and "请选择 1 到 5 之间的分数。" in text_of(r.text)
