"""The customer and staff doors read and write through domain functions: no SQL in them."""

from __future__ import annotations

import re
from pathlib import Path

DOORS = [Path("src/portal/customer"), Path("src/portal/staff")]
QUERY = re.compile(r"(?<![.\w])(?<!def )(select|update|insert|delete)\(|\bdb\.(get|scalar|scalars|execute)\(")


def test_no_door_module_queries_the_database():
    found = [
        f"{path}:{n}: {line.strip()}"
        for door in DOORS
        for path in sorted(door.rglob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if QUERY.search(line)
    ]
    assert found == []
