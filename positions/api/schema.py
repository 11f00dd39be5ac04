"""The OpenAPI generator: every operation also documents the errors any request can meet."""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiResponse

from positions.api.errors import ErrorSerializer

COMMON_ERRORS = {
    "400": "The request is not valid (a parameter, a filter value, a body field).",
    "401": "Not signed in, where signing in is needed (token or session).",
    "403": "Signed in, but not allowed (curators only).",
    "404": "No such item, no such page, or not public.",
    "429": "Too many requests: slow down (see Retry-After).",
}


class AutoSchema(SpectacularAutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction=direction)
        for code, description in COMMON_ERRORS.items():
            if code not in responses:
                error = OpenApiResponse(ErrorSerializer, description=description)
                responses[code] = self._get_response_for_code(error, code, direction=direction)
        return responses


def without_trailing_slash(endpoints):
    """Each route's optional trailing slash (`/?`) reads as `/` in the schema: name it without."""
    return [(path.rstrip("/") or "/", regex, method, callback) for path, regex, method, callback in endpoints]
