"""Cached answers: a read named by the question as asked, who asks, its format and the data version
(selectors.answer_tag), served as the bytes first sent, with an ETag that a client can send back for a 304.

`answer` is the one door; `AnswerView` is an APIView whose GETs go through it, `AnsweredList` a viewset
whose list does (the statement list and search), its writes keeping the request's transaction. Both put
`served_plainly` in front of DRF: the common request, an anonymous reader's GET of JSON, is served from the
cache without DRF's request, content negotiation and authentication classes. JSON served from the cache goes
gzipped to a client that accepts it (`_sent`), compressed once per answer.
"""

import contextlib
import functools
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpResponse
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, permissions
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from positions import gzipped, selectors
from positions.days import known_moment, parse_moment

NOT_MODIFIED = OpenApiResponse(
    description="Not modified: If-None-Match named this answer's ETag, and the data it reads has not changed "
    "since. Every 200 carries an ETag (with Cache-Control: no-cache) that names the question, the format and "
    "the data version; it is weak (W/) when the request accepts gzip, and either form names the answer."
)


def asked(request) -> tuple:
    """The query string as asked, in a fixed order: with the view's name, its path arguments and who asks
    (when that changes the answer), the question an answer is named by. A `known_at` still to come reads
    the record as it is now (and says null) until that moment comes: whether it has is part of the question.
    `request` is DRF's or Django's (served_plainly's): the same query either way."""
    query = request.GET
    found = tuple((key, tuple(values)) for key, values in sorted(query.lists()))
    if "known_at" in query:
        moment = parse_moment(query["known_at"])
        found += (("known_at has come", moment is not None and known_moment(moment) is not None),)
    return found


def answer(
    request, question: tuple, build: Callable[[], dict], *, page_cached: bool = True, atomic: bool = True
) -> HttpResponse:
    """The answer named by `question` (the question as the request put it), how it is rendered and the data
    version (selectors.answer_tag): its name is the ETag, and a client that sends it back in If-None-Match
    gets a 304 and no body.

    The same question on the same data and day is the same answer, so a question answered once is served
    from the cache without its validation or any query but the version's; `build` (validation included)
    runs only on a miss, in a transaction of its own (with `atomic=False`, in none: for a build that reads in one
    statement, or opens its own where it reads more; a transaction costs its BEGIN and COMMIT, two round trips,
    some 0.9 ms of a compare built in 6 on this machine). JSON is cached as the bytes sent, with its content
    type; the browsable API's page is drawn for the request (its user, its forms), so for it the data is
    cached and drawn each time, or with `page_cached=False` built each time too (a list's page controls
    are drawn from the paginator that paged it)."""
    renderer = request.accepted_renderer
    parts = (*question, renderer.format, request.accepted_media_type)
    named = getattr(request._request, "answer_named", None)  # by served_plainly, which then handed it over
    tag = named[1] if named is not None and named[0] == parts else selectors.answer_tag(*parts)
    request.parser_context["view"].throttles_settle()  # counted in Redis while PostgreSQL gave the version
    headers, unchanged, accepted = _validated(request, tag)
    if unchanged:
        return Response(status=304, headers=headers)
    if not isinstance(renderer, JSONRenderer):
        data = selectors.cached_answer(tag, lambda: _built(build, atomic)) if page_cached else _built(build, atomic)
        return Response(data, headers=headers)
    stored = selectors.answer_stored(tag=tag)
    if stored is not None:
        return _sent(tag, stored, headers, accepted)
    context = request.parser_context["view"].get_renderer_context()
    body = renderer.render(_built(build, atomic), request.accepted_media_type, context)
    # What DRF's Response.rendered_content gives as the content type.
    content_type = f"{renderer.media_type}; charset={renderer.charset}" if renderer.charset else renderer.media_type
    selectors.answer_keep(tag=tag, answer=(content_type, body))
    return HttpResponse(body, content_type=content_type, headers=headers)


def _validated(request, tag: str) -> tuple[dict, bool, bool]:
    """An answer's headers (its ETag, no-cache, Vary: Accept-Encoding), whether the request's If-None-Match
    names it (a 304), and whether the request accepts gzip (positions/gzipped.py: the ETag is weak then)."""
    # META, not `headers`: Django builds the whole of request.headers on its first use (some 10 µs)
    accepted = gzipped.accepts_gzip(request.META.get("HTTP_ACCEPT_ENCODING", ""))
    headers = {"ETag": gzipped.etag(tag, gzipped=accepted), "Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
    return headers, gzipped.names(request.META.get("HTTP_IF_NONE_MATCH"), tag), accepted


def _sent(tag: str, stored: tuple[str, bytes], headers: dict, accepted: bool) -> HttpResponse:
    """A stored answer's bytes: gzipped (made once, selectors.answer_gzipped) for a request that accepts it. Only
    an answer served again is compressed: one built for the request goes as it is, so a question asked once
    never pays for it. The JSON answers hold no secret for a compression oracle (BREACH) to find."""
    content_type, body = stored
    if accepted:
        body = selectors.answer_gzipped(tag=tag, body=body)
        headers = {**headers, "Content-Encoding": "gzip"}
    return HttpResponse(body, content_type=content_type, headers=headers)


def _built(build: Callable[[], dict], atomic: bool = True) -> dict:
    # What ATOMIC_REQUESTS gave the whole request: one transaction, rolled back on an error.
    if not atomic:
        return build()
    with transaction.atomic():
        return build()


def _exception_handled(handle: Callable, exc):
    # DRF's exception handler marks the innermost atomic block for rollback (rest_framework.views.
    # set_rollback). An answer's request has none of its own, so that would be its caller's (a test's
    # transaction): an empty block of its own takes the mark. A failed query was rolled back with the
    # transaction `_built` ran it in, before this.
    with transaction.atomic():
        return handle(exc)


class _Answering:
    """What the views answered by `answer` share. Their requests run outside ATOMIC_REQUESTS' transaction,
    which an answer served from the cache does not need (its one query is the data version's, and a
    transaction costs two more round trips); an answer built runs in one of its own (`_built`).

    Their throttles are counted as DRF counts them, at the same point, but with Redis the count's reply is
    read only once the data version is (`answer` calls `throttles_settle`): the two round trips overlap.
    A request refused by a throttle is refused before its answer is looked up or built, and with the same
    429 as before; one whose view failed first still gets the 429 (handle_exception settles them first).
    A request served_plainly counted and handed over is not counted again (`check_throttles`)."""

    _counts: list = []

    def question(self, request, *args, **kwargs) -> tuple:
        """What names this view's answer, but its format: from DRF's request or from Django's (served_plainly
        asks before DRF runs), the same tuple for the same request."""
        raise NotImplementedError

    def _answering(self, request) -> bool:
        """Whether `answer` answers this request (and so reads the throttles' replies)."""
        return request.method in ("GET", "HEAD")

    def _atomic(self, request) -> bool:
        """Whether `dispatch` runs this request in a transaction of its own."""
        return False

    def check_throttles(self, request):
        if not self._answering(request):
            return super().check_throttles(request)
        settled = getattr(request._request, "throttles_settled", None)
        if settled is not None:  # counted by served_plainly, which then handed the request to DRF
            self._counts = [(throttle, lambda allowed=allowed: allowed) for throttle, allowed in settled]
            if not all(allowed for _, allowed in settled):
                self.throttles_settle()  # the 429, before any answer is looked up
            return
        self._counts = [(throttle, _counted(throttle, request, self)) for throttle in self.get_throttles()]

    def throttles_settle(self) -> None:
        """DRF's check_throttles on the counts check_throttles started: every reply read, then the 429."""
        counts, self._counts = self._counts, []
        refused = [throttle.wait() for throttle, allowed in _settled(counts) if not allowed]
        if refused:
            self.throttled(self.request, max((wait for wait in refused if wait is not None), default=None))

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        finally:
            if self._counts:  # replies never read (an exception DRF did not handle): free their connections
                with contextlib.suppress(Exception):
                    self.throttles_settle()

    def handle_exception(self, exc):
        if self._counts and not isinstance(exc, exceptions.Throttled):
            try:
                self.throttles_settle()
            except exceptions.Throttled as refused:
                exc = refused
        if self._atomic(self.request):
            return super().handle_exception(exc)
        return _exception_handled(super().handle_exception, exc)


def _counted(throttle, request, view) -> Callable[[], bool]:
    # positions/api/throttling.py's throttles read their reply when asked; any other says at once
    if hasattr(throttle, "counted"):
        return throttle.counted(request, view)
    allowed = throttle.allow_request(request, view)
    return lambda: allowed


def _settled(counts: list) -> list[tuple]:
    """Each throttle with whether it let the request through: every reply read, so that every connection
    goes back to its pool, before the first error is raised."""
    settled, failed = [], None
    for throttle, allowed in counts:
        try:
            settled.append((throttle, allowed()))
        except Exception as error:
            failed = failed or error
    if failed is not None:
        raise failed
    return settled


# --- the lean path --------------------------------------------------------------------------------

PLAIN_ACCEPT = ("*/*", "application/json")  # what DRF's negotiation answers with JSONRenderer's own type


def served_plainly(view: Callable) -> Callable:
    """`view`, an answered route's view function (DRF's as_view), with a lean path in front of it: an
    anonymous reader's GET of JSON (no Authorization header, no signed-in session, Accept absent, */* or
    application/json, no format asked) served from the cache without DRF's request, content negotiation,
    authentication classes and dispatch: some 45 µs of the 420 a cached answer cost its web process. With
    Redis, its data version is read from PostgreSQL only when the tracker's writes' signal (read with the
    throttle's count, or for a busy reader let through without one, the signal its process's last count read)
    has moved, PostgreSQL has announced a write, or settings.ANSWER_SIGNAL_LAG_MS has passed
    (selectors.data_version_lagged); without, at every request unless settings.ANSWER_VERSION_LAG_MS (opt-in)
    says otherwise. DRF's path, a signed-in reader's included, reads it at every request.

    The lean path does what DRF would do for that request, with the same objects: the view as DRF makes it,
    its permissions and throttles counted on Django's request, the answer named as `answer` names it (the
    view's `question`, JSONRenderer's format and type), the 304 or the stored bytes, and DRF's
    finalize_response for the headers; it reads the session as DRF's authentication does, so Vary says
    Cookie the same. Anything else goes to DRF: a request refused by a permission, a throttle (DRF gives
    the 429), or a question not answered yet (DRF builds it, or the 400 or 404), once counted, not counted
    again there. Views whose renderers, negotiation, versioning or authentication could answer that
    request otherwise are left as they are."""
    cls = view.cls
    renderer = cls.renderer_classes[0]
    if not (
        issubclass(renderer, JSONRenderer)
        and cls.content_negotiation_class is DefaultContentNegotiation
        and cls.versioning_class is None
        and all(issubclass(auth, (TokenAuthentication, SessionAuthentication)) for auth in cls.authentication_classes)
    ):
        return view

    drf_headers: dict = {}  # the view's default_response_headers (Allow, Vary): the same for every request

    @functools.wraps(view)
    def served(request, *args, **kwargs):
        if not _plain(request, kwargs):
            return view(request, *args, **kwargs)
        return _served(view, renderer, request, args, kwargs, drf_headers)

    return served


def _plain(request, kwargs: dict) -> bool:
    # The Authorization header first: a token's reader is DRF's to authenticate (or refuse). A session is
    # read as AuthenticationMiddleware reads it; a curator's (or any user's) request goes to DRF.
    return (
        request.method == "GET"
        and settings.ANSWER_CACHE
        and request.META.get("HTTP_ACCEPT", "*/*") in PLAIN_ACCEPT
        and not kwargs.get(api_settings.FORMAT_SUFFIX_KWARG)
        and api_settings.URL_FORMAT_OVERRIDE not in request.GET
        and "HTTP_AUTHORIZATION" not in request.META
        and _anonymous(request)
    )


def _anonymous(request) -> bool:
    """Whether no one is signed in, as AuthenticationMiddleware's lazy user would say. Without a session
    cookie that is known without loading the session and the user (some 20 µs): the session is marked
    read, as reading it would, so that SessionMiddleware still says Vary: Cookie (the answer depends on
    who asks), and the user is the AnonymousUser the lazy one would have become."""
    session = getattr(request, "session", None)
    if session is None or session.session_key is not None:
        return not request.user.is_authenticated
    session.accessed = True
    request.user = AnonymousUser()
    return True


def _served(view_function: Callable, renderer, request, args: tuple, kwargs: dict, drf_headers: dict) -> HttpResponse:
    view = _view(view_function, request, args, kwargs)
    if not all(permission.has_permission(request, view) for permission in view.get_permissions()):
        return view_function(request, *args, **kwargs)
    counts = [(throttle, _counted(throttle, request, view)) for throttle in view.get_throttles()]
    settled = None
    try:
        parts = (*view.question(request, *args, **kwargs), renderer.format, renderer.media_type)
        lag, signal = settings.ANSWER_VERSION_LAG_MS / 1000, None
        if settings.ANSWER_SIGNAL_LAG_MS:  # the count's reply first: with Redis it carries the writes' signal
            settled = _settled(counts)
            signal = next((t.signal for t, _ in settled if getattr(t, "signal", None) is not None), None)
            if signal is not None:
                lag = max(lag, settings.ANSWER_SIGNAL_LAG_MS / 1000)
        tag = selectors.answer_tag(*parts, lag=lag, signal=signal)
    except BaseException:
        if settled is None:
            with contextlib.suppress(Exception):  # free the connections, then the error that matters
                _settled(counts)
        raise
    if settled is None:
        settled = _settled(counts)
    if not all(allowed for _, allowed in settled):
        request.throttles_settled = settled
        return view_function(request, *args, **kwargs)
    headers, unchanged, accepted = _validated(request, tag)
    if not unchanged:
        found = selectors.answer_stored(tag=tag)
        if found is None:  # DRF builds it, under the name read here: the version is not read twice
            request.throttles_settled = settled
            if not lag:  # (a version that may lag must not name an answer built now: DRF reads it afresh)
                request.answer_named = (parts, tag)
            return view_function(request, *args, **kwargs)
    if not drf_headers:
        drf_headers.update(view.default_response_headers)  # Allow, and Vary: Accept (DRF's initial sets them)
    headers = _finalized(headers, drf_headers)
    if not unchanged:
        return _sent(tag, found, headers, accepted)
    response = HttpResponse(status=304, headers=headers)
    del response["Content-Type"]  # DRF's empty Response has none
    return response


def _finalized(headers: dict, drf_headers: dict) -> dict:
    """`headers` with what DRF's finalize_response would add from the view's default_response_headers: their
    Vary after ours (patch_vary_headers), the rest set. Built once per response instead of patched into it."""
    finalized = {**headers, **drf_headers}
    if "Vary" in headers and "Vary" in drf_headers:
        ours = headers["Vary"].split(", ")
        known = {name.lower() for name in ours}
        added = [name.strip() for name in drf_headers["Vary"].split(",") if name.strip().lower() not in known]
        finalized["Vary"] = ", ".join(ours + added)
    return finalized


def _view(view_function: Callable, request, args: tuple, kwargs: dict):
    """The view as DRF's view function makes it for this request, not dispatched (rest_framework's
    APIView.as_view and ViewSetMixin.as_view): the methods it has give the Allow header."""
    view = view_function.cls(**view_function.initkwargs)
    actions = getattr(view_function, "actions", None)
    if actions is None:
        view.setup(request, *args, **kwargs)  # Django's View: request, args, kwargs, and HEAD as GET
        return view
    if "get" in actions:
        actions = {"head": actions["get"], **actions}
    view.action_map, view.action = actions, actions.get("get")
    for method, action in actions.items():
        setattr(view, method, getattr(view, action))
    view.request, view.args, view.kwargs = request, args, kwargs
    return view


class AnswerView(_Answering, APIView):
    """A read answered by `answer` (see _Answering), served_plainly when it can be."""

    permission_classes = [permissions.AllowAny]

    @classmethod
    def as_view(cls, **initkwargs):
        return transaction.non_atomic_requests(served_plainly(super().as_view(**initkwargs)))


class AnsweredList(_Answering):
    """A viewset whose list (GET and HEAD) is answered by `answer` (see _Answering); every other action (a
    detail, a write, a review) runs in one transaction, as ATOMIC_REQUESTS runs it, so a failed write leaves
    nothing behind. ATOMIC_REQUESTS wraps a URL's view whatever its method, hence the view is marked
    non-atomic and `dispatch` chooses."""

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        view = super().as_view(actions, **initkwargs)
        if (actions or {}).get("get") == "list":
            view = served_plainly(view)
        return transaction.non_atomic_requests(view)

    def _answering(self, request) -> bool:
        return self.action_map.get(request.method.lower()) == "list" and request.method in ("GET", "HEAD")

    def _atomic(self, request) -> bool:
        return not self._answering(request)

    def dispatch(self, request, *args, **kwargs):
        if not self._atomic(request):
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            return super().dispatch(request, *args, **kwargs)
