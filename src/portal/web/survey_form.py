"""The satisfaction survey form, read the same way at both of its doors (the e-mailed link, the portal)."""

from __future__ import annotations

from typing import Any

import msgspec

from portal.domain.aftersales import surveys
from portal.domain.errors import ValidationFailed
from portal.web import inputs
from portal.web.readers import read_fields

FIELDS = (*surveys.CSAT_FIELDS, "nps", "comment")


def survey_input(form: Any) -> surveys.SurveyInput:
    """The answer as the domain takes it; ValidationFailed beside each score that cannot be read."""
    typed, unread = read_fields(form, inputs.SurveyForm)
    sent = surveys.SurveyInput(**msgspec.structs.asdict(typed))
    if errors := {**surveys.problems(sent), **unread}:
        raise ValidationFailed(errors)
    return sent


def survey_values(form: Any) -> dict[str, str]:
    """What was sent, to show the refused form again as it was filled in."""
    return {name: str(form.get(name, ""))[: surveys.COMMENT_LIMIT] for name in FIELDS}
