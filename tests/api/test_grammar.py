"""One grammar for every API route: trailing slashes, dates, unknown values and the default `as_of`.

The routes are read from the URLconf and their parameters from the schema, so a route added
later is held to the same rules without a change here.
"""

import re

import pytest
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver
from django.utils import timezone
from django_filters import ChoiceFilter, ModelChoiceFilter
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.generators import SchemaGenerator
from rest_framework.throttling import SimpleRateThrottle

from positions.api import urls as api_urls
from positions.api.filters import KnownFilter
from positions.days import DATE_MESSAGE
from positions.models import Negotiation
from tests import factories as f

pytestmark = pytest.mark.django_db
API = "/api/v1/"
SEED = "nato-russia-missile-defence"
BAD_DATE = "06/12/2011"
# A value for each required parameter of a list route, by name or format.
REQUIRED = {"negotiation": SEED, "from": "2011-01-01", "to": "2011-12-31", "issue": "legal-guarantees"}


@pytest.fixture(autouse=True)
def unthrottled(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None})


@pytest.fixture
def curator(client):
    client.force_login(User.objects.create_superuser("curator", "curator@example.org", password=None))
    return client


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def list_routes(patterns=None, prefix: str = "") -> list[str]:
    """Every route of the API's URLconf that takes no path parameter: its path without a slash."""
    routes = []
    for entry in api_urls.urlpatterns if patterns is None else patterns:
        regex = entry.pattern.regex.pattern
        if entry.pattern.regex.groups:  # a detail route, or a format suffix
            continue
        tail = re.sub(r"\\(.)", r"\1", regex.lstrip("^").removesuffix("$").removesuffix(r"\Z").removesuffix("/?"))
        if isinstance(entry, URLResolver):
            routes += list_routes(entry.url_patterns, prefix + tail)
        elif isinstance(entry, URLPattern) and tail:  # the API root is /api/v1/ itself
            routes.append(prefix + tail)
    return sorted(set(routes))


def operation(schema: dict, route: str) -> tuple[str, dict]:
    operations = schema["paths"][f"{API}{route}"]
    method = "get" if "get" in operations else next(iter(operations))
    return method, operations[method]


def required_query(op: dict) -> dict:
    return {
        p["name"]: REQUIRED[p["name"]] for p in op.get("parameters", []) if p["in"] == "query" and p.get("required")
    }


def test_every_route_answers_the_same_with_and_without_a_trailing_slash(curator, seeded, schema, settings):
    settings.UPLOAD_DIR = settings.BASE_DIR / "var" / "test-uploads-never-written"
    routes = list_routes()
    assert {"negotiations", "statements", "compare", "changes", "exports/statements.csv", "schema"} <= set(routes)
    for route in routes:
        if route in {"schema", "docs"}:  # not operations of the schema, but routes all the same
            method, query = "get", {}
        else:
            method, op = operation(schema, route)
            query = required_query(op)
        bare = getattr(curator, method)(f"{API}{route}", query)
        slashed = getattr(curator, method)(f"{API}{route}/", query)
        assert bare.status_code == slashed.status_code, route
        assert bare.status_code == (400 if method == "post" else 200), (route, bare.status_code)
        if route != "docs":  # the page's CSP nonce differs on every request
            # Links to other pages of a list repeat the path as it was asked for.
            slashed_body = b"".join(slashed).replace(f"{API}{route}/".encode(), f"{API}{route}".encode())
            assert b"".join(bare) == slashed_body, route


def test_every_date_parameter_of_every_list_route_refuses_a_bad_date_with_one_message(curator, seeded, schema):
    checked = []
    for route in list_routes():
        if route in {"schema", "docs"}:
            continue
        method, op = operation(schema, route)
        dates = [p["name"] for p in op.get("parameters", []) if p["schema"].get("format") == "date"]
        for name in dates:
            for slash in ("", "/"):
                query = {**required_query(op), name: BAD_DATE}
                response = getattr(curator, method)(f"{API}{route}{slash}", query)
                assert response.status_code == 400, (route, name)
                assert response.json()["error"]["fields"] == {name: [DATE_MESSAGE]}, (route, name)
            checked.append((route, name))
    # proposals, statements, stances, status changes, documents, compare, changes and both exports
    assert len(checked) >= 15, checked


@pytest.mark.parametrize("value", ["20111206", "2011-W49-2", "2011-12-6", "2011-12-06T00:00", "2011-02-30"])
def test_only_a_calendar_date_as_yyyy_mm_dd_is_a_date(client, seeded, value):
    for url, name in (("statements", "said_from"), ("compare", "as_of"), ("proposals", "as_of")):
        response = client.get(f"{API}{url}", {"negotiation": SEED, name: value})
        assert response.status_code == 400, (url, value)
        assert response.json()["error"]["fields"] == {name: [DATE_MESSAGE]}
    assert client.get(f"{API}statements", {"said_from": "2011-12-06"}).status_code == 200


def filters_that_name_something(route: str):
    """The filters of a router list whose value must name a row or a vocabulary word."""
    viewset = next(viewset for prefix, viewset, _ in api_urls.router.registry if prefix == route)
    view = viewset(request=None, format_kwarg=None, action="list")
    filterset = getattr(viewset, "filterset_class", None) or DjangoFilterBackend().get_filterset_class(
        view, viewset.queryset
    )
    if filterset is None:
        return []
    kinds = (KnownFilter, ModelChoiceFilter, ChoiceFilter)
    return [name for name, spec in filterset.base_filters.items() if isinstance(spec, kinds)]


def test_a_filter_value_that_names_nothing_is_a_400_naming_it_on_every_list(curator, seeded):
    checked = []
    for prefix, _, _ in api_urls.router.registry:
        for name in filters_that_name_something(prefix):
            response = curator.get(f"{API}{prefix}", {name: "martians"})
            assert response.status_code == 400, (prefix, name)
            assert "martians" in " ".join(response.json()["error"]["fields"][name]), (prefix, name)
            checked.append((prefix, name))
    for route, query in (("compare", {"parties": "nato,martians"}), ("compare", {}), ("changes", REQUIRED)):
        response = curator.get(f"{API}{route}", {**REQUIRED, **query, "negotiation": "martians"})
        assert response.status_code == 400 and "martians" in str(response.json()["error"]["fields"]), route
    response = curator.get(f"{API}compare", {"negotiation": SEED, "parties": "nato,martians"})
    assert response.status_code == 400 and "martians" in response.json()["error"]["fields"]["parties"][0]
    assert ("statements", "party") in checked and ("proposals", "issue") in checked and len(checked) >= 25, checked


def test_a_known_value_still_filters(client, seeded):
    listed = client.get(f"{API}statements", {"party": "russia", "page_size": 100}).json()["results"]
    assert listed and {row["party"]["slug"] for row in listed} == {"russia"}


def test_as_of_defaults_to_the_end_of_an_ended_negotiation_in_the_api_and_the_pages(client, seeded):
    ended = Negotiation.objects.get(slug=SEED).ended
    assert ended < timezone.localdate()
    assert client.get(f"{API}compare", {"negotiation": SEED}).json()["as_of"] == ended.isoformat()
    assert client.get(f"/negotiations/{SEED}/matrix/").context["as_of"] == ended

    proposals = client.get(f"{API}proposals", {"negotiation": SEED, "page_size": 100}).json()["results"]
    on_the_end = client.get(f"{API}proposals", {"negotiation": SEED, "as_of": ended.isoformat(), "page_size": 100})
    assert proposals == on_the_end.json()["results"]


def test_as_of_defaults_to_today_while_a_negotiation_goes_on(client, db):
    running = f.negotiation()
    today = timezone.localdate()
    assert client.get(f"{API}compare", {"negotiation": running.slug}).json()["as_of"] == today.isoformat()
    assert client.get(f"/negotiations/{running.slug}/matrix/").context["as_of"] == today


def test_the_schema_states_the_as_of_default(schema):
    for route in ("compare", "proposals"):
        _, op = operation(schema, route)
        (as_of,) = [p for p in op["parameters"] if p["name"] == "as_of"]
        assert "the day the negotiation ended if it has ended, else today" in as_of["description"]


def test_an_unknown_value_with_a_percent_sign_is_named_too(client, seeded):
    response = client.get(f"{API}statements", {"party": "50%s", "proposal": "100%"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"party": ["No party '50%s'."], "proposal": ["No proposal '100%'."]}
