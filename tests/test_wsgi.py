"""tracker/wsgi.py: Django's handler, with the URLs it resolved remembered."""

import subprocess
import sys

import pytest
from django.test import override_settings
from django.urls import Resolver404, get_resolver, resolvers
from django.utils import translation

from tracker import wsgi


@pytest.fixture
def resolved(monkeypatch) -> list:
    """The paths the URLconf's root resolver was asked to resolve."""
    wsgi._resolved.cache_clear()
    asked = []
    resolve = resolvers.URLResolver.resolve

    def counted(self, path):
        if self is get_resolver():
            asked.append(path)
        return resolve(self, path)

    monkeypatch.setattr(resolvers.URLResolver, "resolve", counted)
    yield asked
    wsgi._resolved.cache_clear()


def test_it_is_what_gunicorn_serves():
    assert isinstance(wsgi.application, wsgi.Handler)


def test_it_loads_the_views_and_freezes_what_the_process_made_before_serving():
    # A fresh interpreter: this one has imported the views for other tests already.
    script = (
        "import gc, sys; import tracker.wsgi; "
        "print('positions.api.urls' in sys.modules, gc.get_freeze_count() > 10000, gc.isenabled())"
    )
    found = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert found.stdout.split() == ["True", "True", "True"], found.stderr[-2000:]


def test_it_resolves_a_path_once(rf, resolved):
    handler = wsgi.Handler()
    first = handler.resolve_request(rf.get("/api/v1/proposals/26/history"))
    second = handler.resolve_request(rf.get("/api/v1/proposals/26/history", {"known_at": "2012-01-01"}))
    other = handler.resolve_request(rf.get("/api/v1/proposals/27/history"))
    assert resolved == ["/api/v1/proposals/26/history", "/api/v1/proposals/27/history"]
    assert first.func is second.func is other.func and first.url_name == second.url_name == "api-proposal-history"
    assert first.kwargs == second.kwargs == {"pk": "26"} and other.kwargs == {"pk": "27"}


def test_each_request_gets_its_own_match(rf, resolved):
    handler = wsgi.Handler()
    request = rf.get("/api/v1/proposals/26/history")
    first = handler.resolve_request(request)
    assert request.resolver_match is first
    first.kwargs["pk"] = "changed"
    second = handler.resolve_request(rf.get("/api/v1/proposals/26/history"))
    assert second is not first and second.kwargs == {"pk": "26"} and len(resolved) == 1


def test_a_path_that_matches_nothing_is_not_kept(rf, resolved):
    handler = wsgi.Handler()
    for _ in range(2):
        with pytest.raises(Resolver404):
            handler.resolve_request(rf.get("/no/such/path"))
    assert resolved == ["/no/such/path"] * 2 and wsgi._resolved.cache_info().currsize == 0


def test_another_urlconf_resolves_afresh(rf, resolved):
    handler = wsgi.Handler()
    with pytest.raises(Resolver404):
        handler.resolve_request(rf.get("/bench/ping"))
    with override_settings(ROOT_URLCONF="bench.urls"):
        assert handler.resolve_request(rf.get("/bench/ping")).url_name == "bench-ping"
    request = rf.get("/bench/ping")
    request.urlconf = "bench.urls"  # a middleware's choice: Django's own resolving
    assert handler.resolve_request(request).url_name == "bench-ping"
    with pytest.raises(Resolver404):
        handler.resolve_request(rf.get("/bench/ping"))


def test_another_language_resolves_afresh(rf, resolved):
    handler = wsgi.Handler()
    handler.resolve_request(rf.get("/api/v1/compare"))
    with translation.override("fr"):
        assert handler.resolve_request(rf.get("/api/v1/compare")).url_name == "api-compare"
        handler.resolve_request(rf.get("/api/v1/compare"))
    assert resolved == ["/api/v1/compare"] * 2
