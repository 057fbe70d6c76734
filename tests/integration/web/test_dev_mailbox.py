from __future__ import annotations

from litestar.testing import AsyncTestClient

from portal.app import create_app
from portal.domain.notifications.outbox import queue_email


async def test_dev_mailbox_lists_mail_newest_first(client, db):
    for rcpt in ("first@example.test", "second@example.test"):
        queue_email(db, template="order_received", recipient=rcpt, locale="en", context={})
    await db.commit()
    page = (await client.get("/dev/mailbox")).text
    assert page.index("second@example.test") < page.index("first@example.test")


async def test_dev_mailbox_does_not_exist_in_production(settings, clean):
    prod = settings.with_overrides(env="prod", secret_key="p" * 40)
    async with AsyncTestClient(app=create_app(prod)) as c:
        assert (await c.get("/dev/mailbox")).status_code == 404
