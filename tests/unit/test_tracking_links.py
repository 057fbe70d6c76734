"""Tracking-link tokens: a verified token is remembered, never its validity beyond its expiry."""

from __future__ import annotations

from portal.auth.tracking_links import VERIFIED_TOKENS, TrackingClaim, TrackingLinks
from portal.lru import BoundedLRU

SECRET = "unit-secret-" + "u" * 40
DAY = 86400


def test_a_remembered_token_is_refused_once_it_has_expired():
    links = TrackingLinks(SECRET, ttl_days=1)
    token = links.token(7, 3, now=1_000_000)
    assert links.read(token, now=1_000_000 + 10) == TrackingClaim(order_id=7, version=3)
    assert token in links._verified  # remembered...
    assert links.read(token, now=1_000_000 + DAY - 1) == TrackingClaim(order_id=7, version=3)
    assert links.read(token, now=1_000_000 + DAY) is None  # ...but its expiry is read every time
    assert links.read(token, now=1_000_000 + 10) == TrackingClaim(order_id=7, version=3)


def test_forged_tokens_are_neither_accepted_nor_remembered():
    links = TrackingLinks(SECRET, ttl_days=1)
    good = links.token(7, 3, now=1_000_000)
    assert links.read(good, now=1_000_010) is not None
    forged = [
        good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB"),
        TrackingLinks("another-" + "k" * 40).token(7, 3, now=1_000_000),
        "garbage",
        "",
        "a" * 3000,
    ]
    for token in forged:
        assert links.read(token, now=1_000_010) is None
        assert token not in links._verified
    assert len(links._verified) == 1


def test_the_remembered_tokens_are_bounded():
    links = TrackingLinks(SECRET, ttl_days=1)
    tokens = [links.token(i, 1, now=1_000_000) for i in range(VERIFIED_TOKENS + 5)]
    for token in tokens:
        assert links.read(token, now=1_000_010) is not None
    assert len(links._verified) == VERIFIED_TOKENS
    assert tokens[0] not in links._verified and tokens[-1] in links._verified
    assert links.read(tokens[0], now=1_000_010) == TrackingClaim(order_id=0, version=1)  # verified again


def test_the_lru_drops_the_least_recently_used_entry():
    lru: BoundedLRU[str, int] = BoundedLRU(2)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1  # "a" is now the most recent
    lru.put("c", 3)
    assert "b" not in lru and lru.get("a") == 1 and lru.get("c") == 3 and len(lru) == 2
    assert lru.get("b") is None and lru.pop("a") == 1 and len(lru) == 1
