"""The favicon: linked from every page as SVG, and /favicon.ico answers for browsers that ask anyway."""

from __future__ import annotations

import re


async def test_favicon_ico_answers_with_an_icon(client):
    r = await client.get("/favicon.ico")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("image/x-icon")
    assert r.content[:4] == b"\x00\x00\x01\x00"  # the ICO file signature


async def test_pages_link_the_svg_favicon_and_it_is_served(client):
    page = await client.get("/login")
    link = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page.text)
    assert link is not None, "the page links no favicon"
    icon = await client.get(link.group(1))
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.text.lstrip().startswith("<svg")
