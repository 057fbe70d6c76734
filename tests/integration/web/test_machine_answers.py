"""Machines get machine answers: RFC 9457 problem details in English, whatever language the caller sends."""

from __future__ import annotations

import hashlib
import hmac
import json
import re

import pytest

from portal.db.fulfilment import Carrier

SECRET = "carrier-test-secret"
CJK = re.compile(r"[\u3000-\u9fff]")
CHINESE = {"accept-language": "zh-CN,zh;q=0.9"}


def _signed(body: bytes) -> dict[str, str]:
    signature = hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    return {"content-type": "application/json", "x-signature": f"sha256={signature}", **CHINESE}


def _assert_problem(r, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["status"] == status and body["type"] == "about:blank" and body["title"] and body["detail"]
    assert not CJK.search(r.text), r.text  # English, not the UI text of the caller's language
    return body


@pytest.fixture
async def carrier(db):
    db.add(Carrier(code="acme", name="Acme Express", webhook_secret=SECRET))
    await db.commit()


async def test_carrier_webhook_errors_are_english_problem_details(client, carrier):
    event = json.dumps({"event_id": "e1", "tracking_number": "NOPE", "status": "in_transit"}).encode()
    url = "/webhooks/carriers/acme"
    unsigned = await client.post(url, content=event, headers={"content-type": "application/json", **CHINESE})
    assert "sign in" not in _assert_problem(unsigned, 401)["detail"].lower()
    malformed = _assert_problem(await client.post(url, content=b"{no", headers=_signed(b"{no")), 422)
    assert malformed["errors"] == {"body": "malformed JSON"}
    incomplete = _assert_problem(await client.post(url, content=event, headers=_signed(event)), 422)
    assert "occurred_at" in incomplete["errors"]["payload"]
    event = json.dumps(
        {
            "event_id": "e1",
            "tracking_number": "NOPE",
            "status": "in_transit",
            "occurred_at": "2026-05-01T08:00:00Z",
        }
    ).encode()
    _assert_problem(await client.post(url, content=event, headers=_signed(event)), 404)
    _assert_problem(await client.get(url, headers=CHINESE), 405)
    _assert_problem(await client.post("/webhooks/nowhere", content=b"{}", headers=CHINESE), 404)


@pytest.mark.parametrize("path", ["/health", "/ready"])
async def test_health_endpoints_answer_errors_as_problem_details(client, path):
    r = await client.post(path, headers=CHINESE)
    _assert_problem(r, 405)


async def test_a_json_client_of_a_page_gets_problem_details(client):
    r = await client.get("/orders/SO-0000-000000", headers={"accept": "application/json", **CHINESE})
    _assert_problem(r, 401)  # not a redirect to a sign-in form
    r = await client.get("/nowhere", headers={"accept": "application/json", **CHINESE})
    _assert_problem(r, 404)
