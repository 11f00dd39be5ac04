"""Cached answers: a read named by the question as asked, who asks, its format and the data version
(selectors.answer_tag), served as the bytes first sent, with an ETag that a client can send back for a 304.

`answer` is the one door; `AnswerView` is an APIView whose GETs go through it, `AnsweredList` a viewset
whose list does (the statement list and search), its writes keeping the request's transaction.
"""

import contextlib
from collections.abc import Callable

from django.db import transaction
from django.http import HttpResponse
from django.utils.http import parse_etags
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, permissions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from positions import selectors
from positions.days import known_moment, parse_moment

NOT_MODIFIED = OpenApiResponse(
    description="Not modified: If-None-Match named this answer's ETag, and the data it reads has not changed "
    "since. Every 200 carries an ETag (with Cache-Control: no-cache) that names the question, the format and "
    "the data version."
)


def asked(request) -> tuple:
    """The query string as asked, in a fixed order: with the view's name, its path arguments and who asks
    (when that changes the answer), the question an answer is named by. A `known_at` still to come reads
    the record as it is now (and says null) until that moment comes: whether it has is part of the question."""
    found = tuple((key, tuple(values)) for key, values in sorted(request.query_params.lists()))
    if "known_at" in request.query_params:
        moment = parse_moment(request.query_params["known_at"])
        found += (("known_at has come", moment is not None and known_moment(moment) is not None),)
    return found


def answer(request, question: tuple, build: Callable[[], dict], *, page_cached: bool = True) -> HttpResponse:
    """The answer named by `question` (the question as the request put it), how it is rendered and the data
    version (selectors.answer_tag): its name is the ETag, and a client that sends it back in If-None-Match
    gets a 304 and no body.

    The same question on the same data and day is the same answer, so a question answered once is served
    from the cache without its validation or any query but the version's; `build` (validation included)
    runs only on a miss, in a transaction of its own. JSON is cached as the bytes sent, with its content
    type; the browsable API's page is drawn for the request (its user, its forms), so for it the data is
    cached and drawn each time, or with `page_cached=False` built each time too (a list's page controls
    are drawn from the paginator that paged it)."""
    renderer = request.accepted_renderer
    tag = selectors.answer_tag(*question, renderer.format, request.accepted_media_type)
    request.parser_context["view"].throttles_settle()  # counted in Redis while PostgreSQL gave the version
    headers = {"ETag": f'"{tag}"', "Cache-Control": "no-cache"}
    if headers["ETag"] in parse_etags(request.headers.get("If-None-Match", "")):
        return Response(status=304, headers=headers)
    if not isinstance(renderer, JSONRenderer):
        data = selectors.cached_answer(tag, lambda: _built(build)) if page_cached else _built(build)
        return Response(data, headers=headers)

    def rendered() -> tuple[str, bytes]:
        context = request.parser_context["view"].get_renderer_context()
        body = renderer.render(_built(build), request.accepted_media_type, context)
        # What DRF's Response.rendered_content gives as the content type.
        content_type = f"{renderer.media_type}; charset={renderer.charset}" if renderer.charset else renderer.media_type
        return content_type, body

    content_type, body = selectors.cached_answer(tag, rendered)
    return HttpResponse(body, content_type=content_type, headers=headers)


def _built(build: Callable[[], dict]) -> dict:
    # What ATOMIC_REQUESTS gave the whole request: one transaction, rolled back on an error.
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
    429 as before; one whose view failed first still gets the 429 (handle_exception settles them first)."""

    _counts: list = []

    def _answering(self, request) -> bool:
        """Whether `answer` answers this request (and so reads the throttles' replies)."""
        return request.method in ("GET", "HEAD")

    def _atomic(self, request) -> bool:
        """Whether `dispatch` runs this request in a transaction of its own."""
        return False

    def check_throttles(self, request):
        if not self._answering(request):
            return super().check_throttles(request)
        self._counts = [(throttle, _counted(throttle, request, self)) for throttle in self.get_throttles()]

    def throttles_settle(self) -> None:
        """DRF's check_throttles on the counts check_throttles started: every reply read, then the 429."""
        counts, self._counts = self._counts, []
        refused, failed = [], None
        for throttle, allowed in counts:
            try:
                if not allowed():
                    refused.append(throttle.wait())
            except Exception as error:  # the other replies are still read, to free their connections
                failed = failed or error
        if failed is not None:
            raise failed
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


class AnswerView(_Answering, APIView):
    """A read answered by `answer` (see _Answering)."""

    permission_classes = [permissions.AllowAny]

    @classmethod
    def as_view(cls, **initkwargs):
        return transaction.non_atomic_requests(super().as_view(**initkwargs))


class AnsweredList(_Answering):
    """A viewset whose list (GET and HEAD) is answered by `answer` (see _Answering); every other action (a
    detail, a write, a review) runs in one transaction, as ATOMIC_REQUESTS runs it, so a failed write leaves
    nothing behind. ATOMIC_REQUESTS wraps a URL's view whatever its method, hence the view is marked
    non-atomic and `dispatch` chooses."""

    @classmethod
    def as_view(cls, actions=None, **initkwargs):
        return transaction.non_atomic_requests(super().as_view(actions, **initkwargs))

    def _answering(self, request) -> bool:
        return self.action_map.get(request.method.lower()) == "list" and request.method in ("GET", "HEAD")

    def _atomic(self, request) -> bool:
        return not self._answering(request)

    def dispatch(self, request, *args, **kwargs):
        if not self._atomic(request):
            return super().dispatch(request, *args, **kwargs)
        with transaction.atomic():
            return super().dispatch(request, *args, **kwargs)
