"""Pages built once per data version: the same request on the same data is the same bytes.

The answer's name (positions.selectors.answer_tag) is the page's ETag: a browser or proxy that sends
it back in If-None-Match gets a 304 and no body. Pages are public and the same for every user, so the
name is the request's scheme, host, path and query. A page served from the cache goes gzipped to a browser
that accepts it (compressed once, selectors.answer_gzipped; its ETag weak then, positions/gzipped.py); one
built for the request goes as it is. Being the same for everyone, a cached page holds no secret (no CSRF
token) for a compression oracle to find."""

from functools import wraps

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers

from positions import gzipped, selectors

KEPT_HEADERS = ("Content-Type", "Content-Disposition")


def cached_page(view):
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        query = sorted((key, sorted(values)) for key, values in request.GET.lists())
        tag = selectors.answer_tag("page", request.scheme, request.get_host(), request.path, query)
        accepted = gzipped.accepts_gzip(request.META.get("HTTP_ACCEPT_ENCODING", ""))
        if gzipped.names(request.META.get("HTTP_IF_NONE_MATCH"), tag):
            response = HttpResponseNotModified()
        else:
            stored = selectors.answer_stored(tag=tag)
            if stored is None:
                built = view(request, *args, **kwargs)
                headers = {name: built[name] for name in KEPT_HEADERS if built.has_header(name)}
                status, content = built.status_code, built.content
                selectors.answer_keep(tag=tag, answer=(status, content, headers))
            else:
                status, content, headers = stored
                if accepted:
                    content = selectors.answer_gzipped(tag=tag, body=content)
                    headers = {**headers, "Content-Encoding": "gzip"}
            response = HttpResponse(content, status=status, headers=headers)
        response["ETag"] = gzipped.etag(tag, gzipped=accepted)
        response["Cache-Control"] = "no-cache"  # may be stored, but asked again (cheaply, with the ETag)
        patch_vary_headers(response, ["Accept-Encoding"])
        return response

    return wrapper
