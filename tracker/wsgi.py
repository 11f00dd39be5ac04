"""WSGI entry point (gunicorn tracker.wsgi): Django's handler, with the URLs it resolved remembered."""

import functools
import gc
import os

import django
from django.core.handlers.wsgi import WSGIHandler
from django.urls import get_resolver
from django.urls.resolvers import ResolverMatch
from django.utils.translation import get_language


@functools.lru_cache(maxsize=1024)
def _resolved(resolver, path: str, language: str | None) -> ResolverMatch:
    # A path that matches nothing raises Resolver404, which lru_cache does not keep: a scan of made-up
    # paths cannot fill the cache, nor push out the routes readers ask for. The language is part of the key
    # because i18n_patterns and translated routes resolve by the active one (none here, so far).
    return resolver.resolve(path)


class Handler(WSGIHandler):
    """Django's WSGI handler, but a path resolved once is not resolved again: resolving walks the URLconf's
    patterns in order, and the API's routes come after the admin's and, for the router's, after every
    earlier resource's (11-14 µs for compare, 30-34 for the statement list, of a cached answer's ~300). A
    match depends only on the path, the URLconf (the resolver, new when ROOT_URLCONF changes) and, for
    language-prefixed or translated patterns, the active language; each request gets its own copy, with its
    own kwargs, so that no one's changes reach the next request."""

    def resolve_request(self, request):
        if hasattr(request, "urlconf"):  # a middleware chose the URLconf: Django's way
            return super().resolve_request(request)
        remembered = _resolved(get_resolver(), request.path_info, get_language())
        match = ResolverMatch.__new__(ResolverMatch)
        match.__dict__.update(remembered.__dict__)
        match.kwargs = dict(remembered.kwargs)
        request.resolver_match = match
        return match


def application_made() -> Handler:
    """What django.core.wsgi.get_wsgi_application does, with this module's handler; then the URLconf loaded (the
    views and what they import, which the first request would load) and what the process has made so far frozen
    (gc.freeze): the modules, classes and settings live as long as the process, and every full collection would
    walk them again. A built compare answer at 1,000,000 statements makes enough objects to set off collections:
    3.3 ms of a 3.8 ms request's CPU with them frozen (docs/benchmarks.md)."""
    django.setup(set_prefix=False)
    handler = Handler()
    get_resolver().url_patterns  # noqa: B018 (loads the URLconf)
    gc.collect()
    gc.freeze()
    return handler


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

application = application_made()
