"""Every state and every event kind has its own words for buyer, staff and public page."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from portal.domain.aftersales.return_states import RmaMove
from portal.domain.fulfilment.milestones import MILESTONES
from portal.domain.orders import wording
from portal.domain.orders.events import EventKind
from portal.domain.orders.states import Action, OrderState
from portal.i18n import using_locale

TEMPLATES = Path(__file__).resolve().parents[4] / "templates" / "emails"
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def test_every_event_kind_has_words_for_every_audience():
    assert set(wording.EVENT_WORDING) == set(EventKind)
    for key, words in [*wording.EVENT_WORDING.items(), *wording.VARIANT_WORDING.items()]:
        for audience in wording.AUDIENCES:
            assert words.of(audience).strip(), (key, audience)


def test_every_transition_is_an_event_kind_with_the_same_stored_string():
    assert {a.value for a in Action} <= {k.value for k in EventKind}


def test_a_variant_refines_a_kind_and_every_milestone_reached_reads_its_own_way():
    assert {k for k, _ in wording.VARIANT_WORDING} == {
        EventKind.APPROVE,
        EventKind.MILESTONE,
        EventKind.AFTERSALES_CASE_OPENED,
        EventKind.SURVEY_ANSWERED,
        EventKind.RETURN_STEP,
    }
    for move in RmaMove:  # every step of a return reads its own way
        words = wording.event_words(EventKind.RETURN_STEP, None, {"move": move.value})
        assert words is wording.VARIANT_WORDING[(EventKind.RETURN_STEP, f"return.{move.value}")]
    receipt_case = wording.event_words(EventKind.AFTERSALES_CASE_OPENED, None, {"case_kind": "receipt"})
    assert receipt_case is wording.VARIANT_WORDING[(EventKind.AFTERSALES_CASE_OPENED, wording.RECEIPT_CASE)]
    low = wording.event_words(EventKind.SURVEY_ANSWERED, None, {"low": True})
    assert low is wording.VARIANT_WORDING[(EventKind.SURVEY_ANSWERED, wording.LOW_SCORE)]
    assert wording.event_words(EventKind.SURVEY_ANSWERED, None, {"low": False}) is not low
    for m in MILESTONES:
        words = wording.event_words(EventKind.MILESTONE, None, {"milestone": m, "reached": True})
        assert words is wording.VARIANT_WORDING[(EventKind.MILESTONE, f"reached.{m}")]


def test_every_state_has_words_for_every_audience():
    assert set(wording.STATE_WORDING) == set(OrderState)
    for words in wording.STATE_WORDING.values():
        assert all(words.of(a).strip() for a in wording.AUDIENCES)


def test_every_mail_template_has_a_label_for_the_notification_list():
    templates = {p.stem for p in TEMPLATES.glob("*.html") if not p.stem.startswith("_")}
    assert templates == set(wording.MESSAGE_LABELS)


def test_staff_and_public_words_do_not_address_the_buyer():
    every = [*wording.STATE_WORDING.items(), *wording.EVENT_WORDING.items(), *wording.VARIANT_WORDING.items()]
    for key, words in every:
        for text in (words.staff, words.public):
            assert not re.search(r"\b(your?|us|we)\b", text, re.IGNORECASE), (key, text)
            assert "%(name)s" not in text, key  # names of customer users only on the buyer's own page


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_no_wording_reads_as_a_key(locale):
    data = {"level": 1, "progress": 40, "position": 2, "result": "pass", "choice": "partial", "kind": "lost"}
    datas = [data, {}] + [{"milestone": m, "reached": True} for m in MILESTONES]
    with using_locale(locale):
        for kind, audience, d in itertools.product(EventKind, wording.AUDIENCES, datas):
            text = wording.event_text(kind, audience, from_state="submitted", data=d, name="Li Lei")
            assert not SNAKE.search(text), (kind, audience, text)
        for state in OrderState:
            for audience in wording.AUDIENCES:
                assert not SNAKE.search(wording.state_label(state, audience))
