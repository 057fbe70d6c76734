"""Photo uploads in a form (receipt reports, complaint tickets): the files of a field and the body limit."""

from __future__ import annotations

from typing import Any

from litestar.datastructures import UploadFile

from portal.domain.aftersales import receipt

# five photos of at most 10 MB and the form around them
UPLOAD_LIMIT = receipt.MAX_PHOTOS * 10 * 1024 * 1024 + 1024 * 1024


async def photos_of(form: Any) -> tuple[bytes, ...]:
    """The files of the form's ``photos`` field that carry a name (an empty file input sends none)."""
    return tuple(
        [await f.read() for f in form.getall("photos", []) if isinstance(f, UploadFile) and f.filename]
    )
