"""Sign-in lock-out: the page a locked username gets (django-axes counts the failures)."""

import math

from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def lock_ends(username: str):
    """When the lock on `username` lifts at the latest: its last failure plus the cool-off.

    Axes forgets each attempt row a cool-off after its last failure, so the lock may lift a little
    earlier when the failures came from several addresses; never later.
    """
    last = AccessAttempt.objects.filter(username=username).aggregate(last=Max("attempt_time"))["last"]
    return (last or timezone.now()) + get_cool_off()


def locked_out(request: HttpRequest, original_response=None, credentials: dict | None = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: a 429 that says when to try again, in words and in Retry-After."""
    until = lock_ends(get_client_username(request, credentials) or "")
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds()))
    context = {"until": timezone.localtime(until), "minutes": math.ceil(seconds / 60)}
    response = render(request, "pages/locked_out.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
