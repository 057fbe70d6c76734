"""Signed, expiring links to an order's satisfaction survey, sent in the "delivered" e-mail.

The same machinery as the tracking links (``SignedLinks``), with an audience and a key of their
own: a tracking token is no survey token, nor the other way round. A survey link is not revoked:
once the survey is answered the link shows the answer, read-only.
"""

from __future__ import annotations

from portal.auth.tracking_links import SignedLinks

SURVEY_VERSION = 1  # the claim's version: the layout of the token, not the order's link version


class SurveyLinks(SignedLinks):
    audience = "portal:survey"
    key_label = b"portal survey links v1"
    prefix = "/surveys/"

    def survey_path(self, order_id: int) -> str:
        return self.path(order_id, SURVEY_VERSION)
