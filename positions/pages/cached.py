"""Pages built once per data version: the same request on the same data is the same bytes.

The answer's name (positions.selectors.answer_tag) is the page's ETag: a browser or proxy that sends
it back in If-None-Match gets a 304 and no body. Pages are public and the same for every user, so the
name is the request's scheme, host, path and query."""

from functools import wraps

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags

from positions import selectors

KEPT_HEADERS = ("Content-Type", "Content-Disposition")


def cached_page(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        query = sorted((key, sorted(values)) for key, values in request.GET.lists())
        tag = selectors.answer_tag("page", request.scheme, request.get_host(), request.path, query)
        etag = f'"{tag}"'
        if etag in parse_etags(request.headers.get("If-None-Match", "")):
            response = HttpResponseNotModified()
        else:

            def build() -> tuple[int, bytes, dict]:
                built = view(request, *args, **kwargs)
                headers = {name: built[name] for name in KEPT_HEADERS if built.has_header(name)}
                return built.status_code, built.content, headers

            status, content, headers = selectors.cached_answer(tag, build)
            response = HttpResponse(content, status=status, headers=headers)
        response["ETag"] = etag
        response["Cache-Control"] = "no-cache"  # may be stored, but asked again (cheaply, with the ETag)
        return response

    return wrapper
