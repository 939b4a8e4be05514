"""The API's JSON parser: DRF's, with every malformed body answered as a 400.

DRF's parser turns only ValueError into a ParseError. A body nested a thousand levels deep
overflows the decoder's stack (RecursionError, a 500), and a parsed body may still hold text no
response or database can carry (a NUL, an unpaired surrogate from a `\\ud800` escape). Bodies
are refused here, once for every endpoint, with the reason and where in the body it is.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from .validation import json_problem


class SafeJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        max_depth = int(settings.API_JSON_MAX_DEPTH)
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(
                f"JSON parse error - the body is nested more than {max_depth} levels deep."
            ) from None
        problem = json_problem(data, max_depth=max_depth)
        if problem:
            raise ParseError(f"JSON parse error - {problem}")
        return data
