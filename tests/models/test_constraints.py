"""Each database rule rejects a bad row on its own, whatever the application code does."""

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from positions.models import Document, IngestRun, Issue, Source, Statement
from positions.vocabularies import ReviewState
from tests import factories as f

pytestmark = pytest.mark.django_db


@contextmanager
def rejected_by(constraint: str):
    """Expect the database to refuse what the block writes, naming `constraint`."""
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        yield
    assert refused.value.__cause__.diag.constraint_name == constraint


def test_it_rejects_an_unknown_party_kind():
    with rejected_by("party_kind_valid"):
        f.party(kind="empire")


def test_it_rejects_a_second_party_of_the_same_name():
    f.party(name="Russia", slug="russia")
    with rejected_by("positions_party_name_key"):
        f.party(name="Russia", slug="russia-2")


def test_it_rejects_a_negotiation_that_ends_before_it_starts():
    with rejected_by("negotiation_ends_after_start"):
        f.negotiation(started=date(2012, 1, 1), ended=date(2011, 12, 31))


def test_it_rejects_a_repeated_issue_key_in_one_negotiation_but_not_in_another():
    first = f.issue(key="architecture")
    f.issue(key="architecture")  # another negotiation: allowed
    with rejected_by("issue_key_unique_per_negotiation"):
        f.issue(key="architecture", negotiation=first.negotiation)


def test_it_rejects_an_issue_that_is_its_own_parent():
    issue = f.issue()
    with rejected_by("issue_not_own_parent"):
        Issue.objects.filter(pk=issue.pk).update(parent=issue)


def test_it_rejects_an_unknown_actor_kind():
    with rejected_by("actor_kind_valid"):
        f.actor(kind="robot")


def test_it_rejects_a_role_that_ends_before_it_starts():
    with rejected_by("role_ends_after_start"):
        f.role(start=date(2011, 1, 2), end=date(2011, 1, 1))


def test_it_accepts_a_one_day_role():
    assert f.role(start=date(2011, 1, 1), end=date(2011, 1, 1)).pk


def test_it_rejects_the_same_post_held_twice_at_once():
    held = f.role(start=date(2009, 1, 1), end=date(2012, 5, 7))
    with rejected_by("role_same_post_no_overlap"):
        f.role(actor=held.actor, party=held.party, title=held.title, start=date(2012, 5, 7))


def test_it_accepts_the_same_post_again_after_a_gap_and_another_post_at_once():
    held = f.role(start=date(2009, 1, 1), end=date(2012, 5, 7))
    f.role(actor=held.actor, party=held.party, title=held.title, start=date(2012, 5, 8))
    f.role(actor=held.actor, party=held.party, title="Party chairman", start=date(2010, 1, 1))


def test_it_rejects_an_unknown_proposal_kind():
    with rejected_by("proposal_kind_valid"):
        f.proposal(kind="wish")


def test_it_rejects_a_repeated_proposal_slug_in_one_negotiation():
    first = f.proposal(slug="two-systems")
    with rejected_by("proposal_slug_unique_per_negotiation"):
        f.proposal(slug="two-systems", negotiation=first.negotiation, issue=first.issue)


def test_it_rejects_an_unknown_status():
    with rejected_by("status_change_status_valid"):
        f.status_change(status="forgotten")


def test_it_rejects_the_same_status_twice_on_one_day_unless_one_is_rejected():
    first = f.status_change(status="tabled")
    f.status_change(proposal=first.proposal, status="tabled", review_state=ReviewState.REJECTED)
    with rejected_by("status_change_unique_per_day"):
        f.status_change(proposal=first.proposal, status="tabled", review_state=ReviewState.PENDING)


def test_it_rejects_an_unknown_stance_and_review_state():
    with rejected_by("stance_value_valid"):
        f.stance(stance="maybe")
    with rejected_by("stance_review_state_valid"):
        f.stance(review_state="lost")


def test_it_rejects_the_same_stance_twice_on_one_day():
    first = f.stance()
    with rejected_by("stance_unique_per_day"):
        f.stance(proposal=first.proposal, party=first.party)


def test_it_rejects_a_content_hash_that_is_not_sha256():
    with rejected_by("document_hash_is_sha256"):
        f.document(content_hash="not-a-hash")


def test_it_rejects_the_same_content_twice():
    f.document(text="Same words.")
    with rejected_by("positions_document_content_hash_key"):
        f.document(text="Same words.", title="A copy")


def test_it_rejects_a_document_marked_a_duplicate_of_itself():
    doc = f.document()
    with rejected_by("document_not_own_duplicate"):
        Document.objects.filter(pk=doc.pk).update(near_duplicate_of=doc)


def test_it_rejects_a_statement_that_ends_where_it_starts():
    doc = f.document(text="Nothing was said.")
    with rejected_by("statement_start_before_end"):
        Statement.objects.create(
            document=doc, quote="", start=5, end=5, mode="direct", kind="assessment", said_on=date(2010, 1, 1)
        )


def test_it_rejects_a_quote_longer_or_shorter_than_its_span():
    with rejected_by("statement_quote_fits_span"):
        f.statement(quote="the plan", start=0, end=20)


def test_it_rejects_a_confidence_outside_zero_and_one():
    with rejected_by("statement_confidence_0_1"):
        f.statement(confidence=1.5)


def test_it_rejects_an_unknown_mode_and_kind():
    with rejected_by("statement_mode_valid"):
        f.statement(mode="rumour")
    with rejected_by("statement_kind_valid"):
        f.statement(kind="gossip")


def test_it_rejects_a_date_precision_outside_its_vocabulary():
    assert f.statement().said_precision == "day"
    with rejected_by("statement_said_precision_valid"):
        f.statement(said_precision="week")


def test_it_rejects_one_speaker_saying_one_span_twice_but_allows_a_second_speaker():
    first = f.statement(speaker=f.actor())
    f.statement(document=first.document, speaker=f.actor())  # a joint readout: same span, another leader
    with rejected_by("statement_span_unique_per_speaker"):
        f.statement(document=first.document, speaker=first.speaker)


def test_it_rejects_a_repeated_span_of_a_party_with_no_speaker():
    moscow = f.party()
    first = f.statement(party=moscow)
    with rejected_by("statement_span_unique_per_speaker"):
        f.statement(document=first.document, party=moscow)


def test_it_rejects_a_feed_without_a_url_and_a_poll_faster_than_a_minute():
    with rejected_by("source_feed_or_page_has_url"):
        Source.objects.create(name="Feed", kind="feed", url="")
    with rejected_by("source_poll_interval_at_least_minute"):
        Source.objects.create(name="Fast", kind="feed", url="https://example.org/feed", poll_interval=5)
    with rejected_by("source_kind_valid"):
        Source.objects.create(name="Pigeon", kind="pigeon", url="https://example.org/")


def test_it_rejects_an_ingest_run_that_finishes_before_it_starts():
    now = timezone.now()
    with rejected_by("ingest_run_finishes_after_start"):
        IngestRun.objects.create(trigger="manual", started_at=now, finished_at=now - timedelta(seconds=1))


def test_it_keeps_negative_counts_out():
    with rejected_by("positions_ingestrun_seen_check"):
        IngestRun.objects.create(trigger="manual", started_at=timezone.now(), seen=-1)
