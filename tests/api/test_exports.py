"""The CSV exports: columns, filters, visibility, errors, streaming in a fixed number of queries."""

import csv
import io
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import path
from rest_framework.throttling import SimpleRateThrottle

from positions.api import exports
from positions.api.exports import EventsCSVView, StatementsCSVView
from positions.models import Statement
from positions.vocabularies import CAMEO_ROOT, ReviewState
from tests import factories

# The two routes as the API wires them, so that these tests do not depend on the rest of it.
urlpatterns = [
    path("api/v1/exports/statements.csv", StatementsCSVView.as_view(), name="api-export-statements"),
    path("api/v1/exports/events.csv", EventsCSVView.as_view(), name="api-export-events"),
]
pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.api.test_exports")]
STATEMENTS = "/api/v1/exports/statements.csv"
EVENTS = "/api/v1/exports/events.csv"
STATEMENT_HEADER = [
    "statement_id",
    "said_on",
    "said_precision",
    "document_id",
    "document_url",
    "document_title",
    "publisher",
    "published",
    "speaker_id",
    "speaker",
    "party_id",
    "party",
    "addressee",
    "mode",
    "cue",
    "kind",
    "cameo",
    "topics",
    "proposal_id",
    "confidence",
    "review_state",
    "extractor_version",
    "start",
    "end",
    "quote",
]
EVENT_HEADER = [
    "event_id",
    "date",
    "source_actor",
    "source_party",
    "target",
    "cameo_code",
    "kind",
    "quote",
    "url",
    "document_id",
]


@pytest.fixture(autouse=True)
def unthrottled(monkeypatch):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None})


def download(client, url: str, params: dict | None = None) -> tuple[list[str], list[dict[str, str]]]:
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8")
    header = next(csv.reader(io.StringIO(body)))
    return header, list(csv.DictReader(io.StringIO(body)))


def ids(rows: list[dict[str, str]], column: str = "statement_id") -> list[int]:
    return [int(row[column]) for row in rows]


def expected_ids(statements) -> list[int]:
    return list(
        statements.exclude(review_state=ReviewState.REJECTED).order_by("said_on", "id").values_list("id", flat=True)
    )


def test_it_exports_every_public_statement_as_a_tidy_table(client, seeded):
    response = client.get(STATEMENTS)
    assert response["Content-Disposition"] == 'attachment; filename="statements.csv"'
    header, rows = download(client, STATEMENTS)

    assert header == STATEMENT_HEADER
    assert len(rows) == 173
    assert ids(rows) == expected_ids(Statement.objects.all())
    assert all(row["review_state"] != ReviewState.REJECTED for row in rows)
    topics = {
        s.pk: ";".join(sorted(i.key for i in s.topics.all())) for s in Statement.objects.prefetch_related("topics")
    }
    for row in rows:
        assert date.fromisoformat(row["said_on"]).isoformat() == row["said_on"]
        assert row["published"] == "" or date.fromisoformat(row["published"]).isoformat() == row["published"]
        assert row["cameo"] == CAMEO_ROOT[row["kind"]]
        assert row["topics"] == topics[int(row["statement_id"])]
    assert any(";" in row["topics"] for row in rows)


def test_it_exports_the_quote_and_its_provenance_verbatim(client):
    document = factories.document(
        text='He said: "no, never",\nthen left.',
        url="https://example.org/a",
        publisher="TASS",
        published=date(2011, 12, 6),
    )
    speaker, party, addressee = factories.actor(name="A. Speaker"), factories.party(name="P"), factories.party(name="Q")
    statement = factories.statement(
        document=document, start=9, speaker=speaker, party=party, addressee=addressee, cue="said",
        kind="rejection", extractor_version="x-1", confidence=0.75, review_state=ReviewState.APPROVED,
    )  # fmt: skip

    _, [row] = download(client, STATEMENTS)

    assert row == {
        "statement_id": str(statement.pk),
        "said_on": "2010-01-01",
        "said_precision": "day",
        "document_id": str(document.pk),
        "document_url": "https://example.org/a",
        "document_title": "A report",
        "publisher": "TASS",
        "published": "2011-12-06",
        "speaker_id": str(speaker.pk),
        "speaker": "A. Speaker",
        "party_id": str(party.pk),
        "party": "P",
        "addressee": "Q",
        "mode": "direct",
        "cue": "said",
        "kind": "rejection",
        "cameo": "12",
        "topics": "",
        "proposal_id": "",
        "confidence": "0.75",
        "review_state": "approved",
        "extractor_version": "x-1",
        "start": "9",
        "end": str(len(document.text)),
        "quote": '"no, never",\nthen left.',
    }


@pytest.mark.parametrize(
    ("params", "conditions"),
    [
        ({"party": "nato"}, {"party__slug": "nato"}),
        ({"kind": "threat"}, {"kind": "threat"}),
        (
            {"said_from": "2011-01-01", "said_to": "2011-06-30"},
            {"said_on__range": (date(2011, 1, 1), date(2011, 6, 30))},
        ),
        ({"topic": "legal-guarantees"}, {"topics__key": "legal-guarantees"}),
    ],
)
def test_it_applies_the_statement_filters(client, seeded, params, conditions):
    _, rows = download(client, STATEMENTS, params)

    assert rows
    assert ids(rows) == expected_ids(Statement.objects.filter(**conditions))


def test_it_searches_the_quotes(client, seeded):
    _, rows = download(client, STATEMENTS, {"q": "guarantees"})

    found = Statement.objects.annotate(text=SearchVector("quote", config="english")).filter(
        text=SearchQuery("guarantees", config="english")
    )
    assert rows
    assert ids(rows) == expected_ids(found)
    assert all("guarantee" in row["quote"].lower() for row in rows)


def test_a_topic_filter_keeps_every_topic_of_the_row(client, seeded):
    _, rows = download(client, STATEMENTS, {"topic": "legal-guarantees"})

    assert all("legal-guarantees" in row["topics"].split(";") for row in rows)
    assert any(len(row["topics"].split(";")) > 1 for row in rows)


def test_a_rejected_statement_is_exported_to_curators_only(client, seeded):
    rejected = Statement.objects.order_by("said_on", "id").first()
    Statement.objects.filter(pk=rejected.pk).update(review_state=ReviewState.REJECTED)

    for url, column in ((STATEMENTS, "statement_id"), (EVENTS, "event_id")):
        _, rows = download(client, url)
        assert rejected.pk not in ids(rows, column)
        assert len(rows) == 172

    client.force_login(User.objects.create_superuser("c", "c@example.org", password=None))
    _, rows = download(client, STATEMENTS)
    assert len(rows) == 173
    assert rows[0]["statement_id"] == str(rejected.pk)
    assert rows[0]["review_state"] == "rejected"
    _, only_rejected = download(client, STATEMENTS, {"review_state": "rejected"})
    assert ids(only_rejected) == [rejected.pk]


@pytest.mark.parametrize("url", [STATEMENTS, EVENTS])
@pytest.mark.parametrize(
    ("params", "field"), [({"said_from": "notadate"}, "said_from"), ({"kind": "nonsense"}, "kind")]
)
def test_a_bad_filter_value_is_a_400_in_the_error_format(client, url, params, field):
    # An Accept header asking for CSV does not change the error format.
    response = client.get(url, params, headers={"Accept": "text/csv"})

    assert response.status_code == 400
    assert not response.streaming
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["status"] == 400
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]


def test_an_accept_header_for_csv_gets_the_csv(client):
    factories.statement()
    response = client.get(STATEMENTS, headers={"Accept": "text/csv"})
    assert response.status_code == 200 and response.streaming


def _statements(count: int) -> None:
    topics = [factories.issue(), factories.issue()]
    speaker, party, addressee = factories.actor(), factories.party(), factories.party()
    for n in range(count):
        statement = factories.statement(
            speaker=speaker if n % 2 else None, party=party, addressee=addressee, said_on=date(2010, 1, 1 + n % 28)
        )
        statement.topics.set(topics[: n % 3])


def _queries(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.streaming
        body = b"".join(response.streaming_content)
    return len(queries), body.count(b"\n") - 1


@pytest.mark.parametrize("url", [STATEMENTS, EVENTS])
def test_it_streams_in_a_fixed_number_of_queries(client, monkeypatch, url):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 7)  # several fetches from the cursor, even for 10 rows
    _statements(10)
    few, rows = _queries(client, url)
    assert rows == 10

    _statements(190)
    many, rows = _queries(client, url)
    assert rows == 200

    assert few == many == 1 + 2  # the export, and the request's savepoint and its release


def test_it_keeps_rows_whole_and_in_order_across_chunks(client, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 7)
    _statements(30)

    _, rows = download(client, STATEMENTS)

    assert ids(rows) == expected_ids(Statement.objects.all())
    topics = {
        s.pk: ";".join(sorted(i.key for i in s.topics.all())) for s in Statement.objects.prefetch_related("topics")
    }
    assert {row["topics"] for row in rows} == set(topics.values())
    assert all(row["topics"] == topics[int(row["statement_id"])] for row in rows)


def test_events_are_coded_one_row_per_statement(client, seeded):
    header, rows = download(client, EVENTS)

    assert header == EVENT_HEADER
    assert ids(rows, "event_id") == expected_ids(Statement.objects.all())
    statements = Statement.objects.select_related("speaker", "party", "addressee", "document").in_bulk()
    for row in rows:
        statement = statements[int(row["event_id"])]
        assert row["date"] == statement.said_on.isoformat()
        assert row["cameo_code"] == CAMEO_ROOT[statement.kind]
        assert row["source_party"] == (statement.party.name if statement.party else "")
        assert row["target"] == (statement.addressee.name if statement.addressee else "")
        assert row["url"] == statement.document.url
        assert row["document_id"] == str(statement.document_id)
        assert row["quote"] == statement.quote


def test_an_event_without_a_speaker_has_the_party_as_its_source(client):
    nato, russia = factories.party(name="NATO"), factories.party(name="Russia")
    threat = factories.statement(party=russia, addressee=nato, kind="threat", said_on=date(2011, 11, 23))
    unaddressed = factories.statement(speaker=factories.actor(name="Dmitry Medvedev"), party=russia)

    _, rows = download(client, EVENTS)

    assert rows == [
        {
            "event_id": str(unaddressed.pk),
            "date": "2010-01-01",
            "source_actor": "Dmitry Medvedev",
            "source_party": "Russia",
            "target": "",
            "cameo_code": "01",
            "kind": "assessment",
            "quote": unaddressed.quote,
            "url": "",
            "document_id": str(unaddressed.document_id),
        },
        {
            "event_id": str(threat.pk),
            "date": "2011-11-23",
            "source_actor": "Russia",
            "source_party": "Russia",
            "target": "NATO",
            "cameo_code": "13",
            "kind": "threat",
            "quote": threat.quote,
            "url": "",
            "document_id": str(threat.document_id),
        },
    ]
