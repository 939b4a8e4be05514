"""Per-user rate of edits (PATCH and PUT) of jobs, CV drafts and cover letters.

Each edit of a CV or a letter saves a version of the whole document: unthrottled, one client
saved about 1,200 versions (≈90 KB each) a minute. Reads of the same views are not counted.
The rate is REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["document_edits"] (EDIT_THROTTLE env);
a refused edit is a 429 RATE_LIMITED with Retry-After.
"""

from __future__ import annotations

from rest_framework.settings import api_settings
from rest_framework.throttling import UserRateThrottle

EDIT_METHODS = {"PATCH", "PUT"}


class EditRateThrottle(UserRateThrottle):
    scope = "document_edits"

    def get_rate(self) -> str | None:
        # Read at request time, not import time, so settings changes apply.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request, view) -> bool:
        if request.method not in EDIT_METHODS:
            return True
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)
