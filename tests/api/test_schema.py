"""Schemathesis against the live OpenAPI schema: no server error, no response that breaks the schema.

Every operation gets up to 40 generated examples, as an anonymous reader and as a curator
(whose writes are generated too), against the real app and database with the seed loaded.
The seed is committed once for the module; each operation's requests run in a transaction that
is rolled back, so a curator's generated writes never reach the next operation.
"""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.throttling import SimpleRateThrottle
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import SEED_FILE
from tracker.wsgi import application


def _load_schema():
    """The schema, fetched at import: pytest-django does not let anything reach the database yet, and a
    throttled request would count itself in the (database) cache. Unthrottled, the schema view reads none."""
    rates = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = {"anon": None, "user": None}
    try:
        return schemathesis.openapi.from_wsgi("/api/v1/schema/", application)
    finally:
        SimpleRateThrottle.THROTTLE_RATES = rates


schema = _load_schema()
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Schemathesis asks for gzip as an HTTP client would, but its WSGI transport (werkzeug's test client) does not
# decode a gzipped body; the encoding has its own tests (tests/test_answers.py).
PLAIN = {"Accept-Encoding": "identity"}
EXAMPLES = hypothesis_settings(
    max_examples=40,  # 52 operations, two readers, 40 requests each: about 3 minutes here (60 took 4 and CI 15)
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,  # the same examples on every run: a failure in CI is a failure here
)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """The WSGI app closes the database connection after each request, which would end the test's
    transaction; Django's own test client does the same as this."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """The seed loaded and committed once (loading it for each of 160 tests cost minutes), and the
    tables emptied after the module as a transactional test would leave them."""
    from django.core.management import call_command

    from positions.services import negotiation_seed

    with django_db_blocker.unblock():
        negotiation_seed(data=json.loads(SEED_FILE.read_text(encoding="utf-8")))
    yield
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(autouse=True)
def uploads_elsewhere(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"


@pytest.fixture
def unthrottled(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None})


@pytest.fixture
def curator_token(db):
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    user = User.objects.create_superuser("schema-curator", "c@example.org", password=None)
    return Token.objects.create(user=user).key


@pytest.mark.django_db
@schema.parametrize()
@EXAMPLES
def test_the_api_keeps_its_schema_for_anonymous_readers(case, seeded_once, unthrottled):
    case.call_and_validate(checks=CHECKS, headers=PLAIN)


@pytest.mark.django_db
@schema.parametrize()
@EXAMPLES
def test_the_api_keeps_its_schema_for_curators(case, seeded_once, unthrottled, curator_token):
    case.call_and_validate(checks=CHECKS, headers={**PLAIN, "Authorization": f"Token {curator_token}"})
