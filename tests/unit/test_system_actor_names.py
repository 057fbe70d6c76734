"""The system's actors (carrier, invoicing, settlement...) read in the viewer's language wherever a name is shown."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from portal.db.orders import OrderEvent
from portal.domain.orders.actors import SYSTEM_NAMES, Actor, shown_name
from portal.domain.orders.notify import system_msgid
from portal.domain.orders.timeline import staff_timeline
from portal.i18n import using_locale

SRC = Path(__file__).resolve().parents[2] / "src"
HAN = re.compile(r"[\u4e00-\u9fff]")


def test_every_system_actor_in_the_code_has_words() -> None:
    named = set()
    for path in SRC.rglob("*.py"):
        named |= set(re.findall(r"Actor\.system\(\s*\"([^\"]+)\"", path.read_text(encoding="utf-8")))
    assert named, "the scan found no system actors"
    assert named <= set(SYSTEM_NAMES)


def test_an_unknown_system_actor_is_refused() -> None:
    with pytest.raises(KeyError):
        Actor.system("cron-job")


@pytest.mark.parametrize("name", sorted(SYSTEM_NAMES))
def test_system_actor_reads_in_chinese_and_english(name: str) -> None:
    with using_locale("zh_CN"):
        chinese = shown_name("system", name)
    with using_locale("en"):
        english = shown_name("system", name)
    assert HAN.search(chinese), chinese
    assert english == SYSTEM_NAMES[name] and not HAN.search(english)
    assert shown_name("staff", name) == name  # a person's name is never translated


def test_staff_timeline_names_the_system_in_the_viewers_language() -> None:
    event = OrderEvent(
        at=datetime(2026, 11, 28, tzinfo=UTC),
        actor_kind="system",
        actor_name="billing",
        role="system",
        action="invoice_issued",
        from_state=None,
        to_state=None,
        data={"number": "INV-2026-000001"},
        note="",
        public=True,
    )
    with using_locale("zh_CN"):
        (entry,) = staff_timeline([event])
    assert entry.actor != "billing" and HAN.search(entry.actor)


def test_cancellation_mail_gets_the_msgid_of_a_system_actor() -> None:
    system = OrderEvent(actor_kind="system", actor_name="carrier")
    person = OrderEvent(actor_kind="staff", actor_name="陈静")
    assert system_msgid(system) == SYSTEM_NAMES["carrier"]
    assert system_msgid(person) == "" and system_msgid(None) == ""
