"""Server-side sessions in Redis. The cookie holds only a random id; Redis holds the rest.

Customer and staff sessions are separate kinds with separate cookies: a session of one
kind is never accepted by the other side. Each user's session ids are indexed so that
signing out everywhere, or disabling the user, ends all of them.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Literal

from redis.asyncio import Redis

Kind = Literal["customer", "staff"]
COOKIE_NAMES: dict[str, str] = {"customer": "portal_session", "staff": "portal_staff_session"}
MAX_SID = 100  # longer cookie values are not ids this store made (token_urlsafe(32) is 43 characters)


@dataclass
class SessionData:
    kind: str
    user_id: int
    email: str
    name: str
    locale: str | None = None
    last_locale: str | None = None  # the language last used, as recorded on the user
    account_id: int | None = None
    account_name: str = ""
    roles: list[str] = field(default_factory=list)
    created_at: float = field(default_factory=time.time)
    sid: str = ""

    def has_role(self, *roles: str) -> bool:
        return "admin" in self.roles or any(r in self.roles for r in roles)


def _key(sid: str) -> str:
    # the cookie value itself is never stored, so a Redis dump does not yield usable session ids
    return "sess:" + hashlib.sha256(sid.encode()).hexdigest()


def _index(kind: str, user_id: int) -> str:
    return f"sess-index:{kind}:{user_id}"


class SessionStore:
    def __init__(self, redis: Redis, ttl_seconds: int) -> None:
        self.redis = redis
        self.ttl = ttl_seconds

    async def create(self, data: SessionData) -> str:
        sid = secrets.token_urlsafe(32)
        payload = asdict(data) | {"sid": ""}
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(_key(sid), json.dumps(payload), ex=self.ttl)
            pipe.sadd(_index(data.kind, data.user_id), _key(sid))
            pipe.expire(_index(data.kind, data.user_id), self.ttl)
            await pipe.execute()
        return sid

    async def load(self, sid: str | None, kind: str) -> SessionData | None:
        """The session for this cookie value, if it exists and is of the expected kind."""
        return (await self.load_kinds({kind: sid})).get(kind)

    async def load_kinds(self, sids: Mapping[str, str | None]) -> dict[str, SessionData]:
        """``{kind: cookie value}`` -> ``{kind: session}`` in one Redis round trip (one MGET).

        A kind is absent from the answer when its cookie is empty or too long to be ours, when no
        session has that id, or when the session is of another kind (a staff id in the customer cookie).
        """
        usable = {kind: sid for kind, sid in sids.items() if sid and len(sid) <= MAX_SID}
        if not usable:
            return {}
        raws = await self.redis.mget([_key(sid) for sid in usable.values()])
        found: dict[str, SessionData] = {}
        for (kind, sid), raw in zip(usable.items(), raws, strict=True):
            if raw is None:
                continue
            data = SessionData(**json.loads(raw))
            if data.kind == kind:
                data.sid = sid
                found[kind] = data
        return found

    async def save(self, data: SessionData) -> None:
        payload = asdict(data) | {"sid": ""}
        await self.redis.set(_key(data.sid), json.dumps(payload), ex=self.ttl)

    async def delete(self, sid: str) -> None:
        raw = await self.redis.get(_key(sid))
        await self.redis.delete(_key(sid))
        if raw is not None:
            data = json.loads(raw)
            await self.redis.srem(_index(data["kind"], data["user_id"]), _key(sid))

    async def delete_all_for(self, kind: str, user_id: int) -> int:
        """End every session of one user (sign-out everywhere, user disabled, roles changed)."""
        keys = await self.redis.smembers(_index(kind, user_id))
        if keys:
            await self.redis.delete(*keys)
        await self.redis.delete(_index(kind, user_id))
        return len(keys)
