"""Fixtures for the administration pages: an admin signed in on the staff side."""

from __future__ import annotations

import pytest

from tests.helpers import csrf_token, make_staff, sign_in


@pytest.fixture
async def admin(client, db):
    """(admin user, CSRF token) with the client signed in as that admin."""
    user = await make_staff(db, "admin")
    r = await sign_in(client, user.email, staff=True)
    assert r.status_code == 303
    return user, await csrf_token(client, "/staff/login")
