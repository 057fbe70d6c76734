"""Every connection the portal opens runs with the session settings of ``db.engine.SERVER_SETTINGS``."""

from __future__ import annotations

from sqlalchemy import text

from portal.db.engine import make_engine
from portal.web.transaction import ENGINE_KEY


async def test_the_web_app_and_the_workers_connect_with_jit_off(client, settings):
    # the web app's own engine (the one its pages use)
    async with client.app.state[ENGINE_KEY].connect() as conn:
        assert await conn.scalar(text("SHOW jit")) == "off"
    # the engine workers and commands make
    engine = make_engine(settings.database_url, pool=False)
    try:
        async with engine.connect() as conn:
            assert await conn.scalar(text("SHOW jit")) == "off"
    finally:
        await engine.dispose()
