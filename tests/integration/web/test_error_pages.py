"""Error pages for 403/404/409/422/500, in Chinese and in English, never a stack trace."""

from __future__ import annotations

import pytest
from litestar import get
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath

from portal.domain.errors import OrderChanged, ValidationFailed


@get("/boom/{kind:str}", sync_to_thread=False)
def boom(kind: FromPath[str]) -> str:
    if kind == "403":
        raise PermissionDeniedException()
    if kind == "409":
        raise OrderChanged()
    if kind == "422":
        raise ValidationFailed({"x": "bad"})
    raise RuntimeError("secret internal detail")


CASES = [
    ("403", 403, "Access denied", "无权访问"),
    ("409", 409, "changed by someone else", "已被他人修改"),
    ("422", 422, "Please correct the highlighted fields.", "请更正标出的字段"),
    ("500", 500, "Something went wrong", "出错了"),
]


@pytest.mark.parametrize(("kind", "status", "english", "chinese"), CASES)
async def test_error_pages_in_both_languages(client, kind, status, english, chinese):
    client.app.register(boom)
    r = await client.get(f"/boom/{kind}", headers={"accept-language": "en"})
    assert r.status_code == status and english in r.text
    r = await client.get(f"/boom/{kind}", headers={"accept-language": "zh-CN"})
    assert r.status_code == status and chinese in r.text
    assert "secret internal detail" not in r.text and "Traceback" not in r.text
    assert "content-security-policy" in r.headers


async def test_htmx_errors_come_back_as_a_toast(client):
    client.app.register(boom)
    r = await client.get("/boom/409", headers={"hx-request": "true"})
    assert r.status_code == 409
    assert r.headers["hx-retarget"] == "#toasts" and 'class="toast toast-error"' in r.text
    assert "<html" not in r.text


async def test_machines_get_json(client):
    r = await client.get("/nowhere", headers={"accept": "application/json"})
    assert r.status_code == 404 and r.json()["status"] == 404
