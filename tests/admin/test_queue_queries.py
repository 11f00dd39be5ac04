"""The review queue costs the same number of queries with 10 pending statements as with 10,000 (and suggestions too)."""

import hashlib
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from positions.models import Document, Stance, Statement
from tests import factories

pytestmark = pytest.mark.django_db
QUEUE = reverse("admin:positions_statement_changelist")
SENTENCE = "The minister said the plan was not acceptable to Moscow. "


def pending(count: int, *, speakers, parties, topics) -> None:
    """`count` pending statements over documents of 100 sentences each, with speakers, parties and topics."""
    text = SENTENCE * 100
    documents = Document.objects.bulk_create(
        Document(
            title=f"Report {n}", text=f"{n}: {text}", content_hash=hashlib.sha256(f"{n}: {text}".encode()).hexdigest()
        )
        for n in range(count // 100 + 1)
    )
    rows = []
    for n in range(count):
        document = documents[n // 100]
        start = len(f"{n // 100}: ") + (n % 100) * len(SENTENCE)
        quote = document.text[start : start + len(SENTENCE) - 1]
        rows.append(
            Statement(
                document=document,
                quote=quote,
                start=start,
                end=start + len(quote),
                mode="indirect",
                speaker=speakers[n % len(speakers)],
                party=parties[n % len(parties)],
                kind="assessment",
                said_on=date(2011, 12, 6),
                confidence=0.5 + (n % 5) / 10,
                extractor_version="test-1",
            )
        )
    created = Statement.objects.bulk_create(rows, batch_size=2000)
    through = Statement.topics.through
    through.objects.bulk_create(
        [through(statement_id=s.pk, issue_id=topics[i % len(topics)].pk) for i, s in enumerate(created)],
        batch_size=5000,
    )


def queries_for_the_queue(client) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(QUEUE)
    assert response.status_code == 200
    return len(queries), len(response.context["cl"].result_list)


def test_the_queue_costs_a_fixed_number_of_queries(curator_client):
    speakers = [factories.actor() for _ in range(5)]
    parties = [factories.party() for _ in range(3)]
    topics = [factories.issue() for _ in range(4)]
    pending(10, speakers=speakers, parties=parties, topics=topics)
    with_ten, rows_shown = queries_for_the_queue(curator_client)
    assert rows_shown == 10

    Statement.objects.all().delete()
    Document.objects.all().delete()
    pending(10_000, speakers=speakers, parties=parties, topics=topics)
    assert Statement.objects.filter(review_state="pending").count() == 10_000
    with_ten_thousand, rows_shown = queries_for_the_queue(curator_client)

    print(f"queue queries: {with_ten} with 10 pending statements, {with_ten_thousand} with 10,000")
    assert rows_shown == 50  # a full page
    assert with_ten_thousand == with_ten


def test_the_suggestion_queue_costs_a_fixed_number_of_queries(curator_client):
    proposals = [factories.proposal() for _ in range(3)]
    parties = [factories.party() for _ in range(3)]
    evidence = [factories.statement() for _ in range(3)]
    queue = reverse("admin:positions_stance_changelist")

    def suggest(count: int, offset: int) -> None:
        stances = Stance.objects.bulk_create(
            Stance(
                proposal=proposals[n % 3],
                party=parties[(n // 3) % 3],
                stance="supports",
                effective=date(2010, 1, 1) + timedelta(days=offset + n),
                recorded_via="extractor test-1",
                confidence=0.5,
            )
            for n in range(count)
        )
        through = Stance.evidence.through
        through.objects.bulk_create(
            through(stance_id=s.pk, statement_id=evidence[i % 3].pk) for i, s in enumerate(stances)
        )

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert curator_client.get(queue).status_code == 200
        return len(queries)

    suggest(10, 0)
    with_ten = count()
    suggest(990, 10)
    assert count() == with_ten
