"""Admins set the approval thresholds and the review SLA; the change is audited and read back."""

from __future__ import annotations

import re
from decimal import Decimal

from sqlalchemy import select

from portal.db.admin import AuditEntry, PortalSetting
from portal.domain.settings import config
from portal.formatting import money
from portal.i18n import using_locale
from tests.helpers import text_of


def shown_as(*amounts: int) -> str:
    """Thresholds as the audit log shows them: formatted per locale (English here)."""
    with using_locale("en"):
        return "; ".join(money(Decimal(a)) for a in amounts)


async def test_settings_change_is_audited_and_read_back(client, db, admin):
    staff, token = admin
    shown = text_of((await client.get("/staff/admin/settings")).text)
    assert (
        'value="100000; 1000000"' in (await client.get("/staff/admin/settings")).text
        and "Review SLA" in shown
    )
    r = await client.post(
        "/staff/admin/settings",
        data={"approval_thresholds": "500,000; 50000", "review_sla_hours": "8", "_csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    cfg = await config.load(db)
    assert cfg.approval_thresholds == [Decimal("50000"), Decimal("500000")] and cfg.review_sla_hours == 8
    entry = await db.scalar(select(AuditEntry).where(AuditEntry.entity == "settings"))
    assert entry.actor_id == staff.id
    assert entry.before == {"approval_thresholds": ["100000", "1000000"], "review_sla_hours": 4}
    assert entry.after == {"approval_thresholds": ["50000", "500000"], "review_sla_hours": 8}
    page = await client.get("/staff/admin/settings")
    assert 'value="50000; 500000"' in page.text
    log = text_of((await client.get("/staff/admin/audit", params={"entity": "settings", "lang": "en"})).text)
    assert "Approval thresholds" in log and shown_as(100000, 1000000) + " → " + shown_as(50000, 500000) in log


async def test_bad_settings_are_refused_and_nothing_is_saved(client, db, admin):
    _, token = admin
    for thresholds, hours, message in (
        ("lots", "8", "Enter amounts separated by semicolons."),
        ("NaN", "8", "Enter amounts separated by semicolons."),
        ("0; 100", "8", "Enter amounts separated by semicolons."),
        ("100000", "0", "Enter a number of hours between 1 and 336."),
        ("100000", "many", "Enter a number of hours between 1 and 336."),
    ):
        r = await client.post(
            "/staff/admin/settings",
            data={"approval_thresholds": thresholds, "review_sla_hours": hours, "_csrf_token": token},
        )
        assert r.status_code == 422 and message in text_of(r.text), thresholds
    assert await db.scalar(select(PortalSetting.key)) is None
    assert await db.scalar(select(AuditEntry.id)) is None


async def test_audit_log_lists_newest_first_and_pages(client, db, admin):
    _, token = admin
    for hours in range(1, 56):
        await client.post(
            "/staff/admin/settings",
            data={"approval_thresholds": "100000", "review_sla_hours": str(hours), "_csrf_token": token},
        )
    first = await client.get("/staff/admin/audit")
    page = text_of(first.text)
    assert page.index("54 → 55") < page.index("53 → 54")
    assert not re.search(r"\b4 → 5\b", page) and "Next page" in page
    after = re.search(r"after=(\d+)", first.text).group(1)
    rest = text_of((await client.get("/staff/admin/audit", params={"after": after})).text)
    assert re.search(r"\b4 → 5\b", rest) and "54 → 55" not in rest
    fragment = await client.get(
        "/staff/admin/audit",
        params={"entity": "settings"},
        headers={"hx-request": "true", "hx-target": "results"},
    )
    assert fragment.status_code == 200 and fragment.text.lstrip().startswith('<div id="results">')
