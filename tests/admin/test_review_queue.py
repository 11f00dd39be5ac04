"""The review queue in the admin: what it shows, its filters, approve and reject (one and many), and
corrections in place that keep the machine's values and land in the audit trail."""

from datetime import date

import pytest
from django.urls import reverse

from positions import selectors
from positions.models import ProposalRelation, Source, Stance, Statement, StatusChange
from positions.vocabularies import ReviewState
from tests import factories
from tests.admin.conftest import pending_statement

pytestmark = pytest.mark.django_db
QUEUE = reverse("admin:positions_statement_changelist")


def review_url(row, state):
    return reverse(f"admin:positions_{row._meta.model_name}_review", args=[row.pk, state])


def shown(response) -> set[int]:
    return {row.pk for row in response.context["cl"].result_list}


def test_it_shows_pending_statements_with_their_quote_highlighted_in_the_text(curator_client):
    speaker, party = factories.actor(name="Anders Fogh Rasmussen"), factories.party(name="NATO")
    topic = factories.issue(key="architecture")
    statement = pending_statement(speaker=speaker, party=party, topics=[topic], confidence=0.64)
    factories.statement(review_state=ReviewState.APPROVED)  # curated already: not in the queue

    response = curator_client.get(QUEUE)

    assert response.status_code == 200
    assert shown(response) == {statement.pk}
    html = response.content.decode()
    assert "Review queue: statements pending review" in html
    assert (
        'Before the quote. <mark class="desk-quote">NATO will build two separate systems.</mark> After the quote.'
        in html
    )
    for value in ("Anders Fogh Rasmussen", "NATO", "architecture", "0.64", "test-1"):
        assert value in html


def test_text_from_the_web_is_escaped_in_the_queue(curator_client):
    text = '<script>alert("x")</script> He said: <b>we agree</b> & more <img src=x onerror=alert(1)>'
    pending_statement(text=text, quote="<b>we agree</b>")

    html = curator_client.get(QUEUE).content.decode()

    assert "<script>alert" not in html and "<img src=x" not in html and "<b>we agree</b>" not in html
    assert (
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; He said: <mark class="desk-quote">&lt;b&gt;we agree' in html
    )


def test_a_curator_approves_one_statement_and_it_leaves_the_queue(curator_client, curator):
    statement, other = pending_statement(), pending_statement(text="One. Two said. Three.", quote="Two said.")

    response = curator_client.post(review_url(statement, "approved"), {"next": QUEUE})

    assert response.status_code == 302 and response["Location"] == QUEUE
    statement.refresh_from_db()
    assert statement.review_state == ReviewState.APPROVED
    assert shown(curator_client.get(QUEUE)) == {other.pk}
    record = statement.history.first()
    assert (record.history_user, record.history_change_reason, record.review_state) == (curator, "approved", "approved")


def test_a_curator_rejects_one_statement(curator_client):
    statement = pending_statement()

    curator_client.post(review_url(statement, "rejected"))

    statement.refresh_from_db()
    assert statement.review_state == ReviewState.REJECTED
    assert shown(curator_client.get(QUEUE, {"review": "rejected"})) == {statement.pk}


def test_review_is_post_only(curator_client):
    statement = pending_statement()
    assert curator_client.get(review_url(statement, "approved")).status_code == 405
    assert Statement.objects.get(pk=statement.pk).review_state == ReviewState.PENDING


@pytest.mark.parametrize("action,state", [("approve_selected", "approved"), ("reject_selected", "rejected")])
def test_bulk_actions_review_every_selected_statement(curator_client, curator, action, state):
    chosen = [pending_statement(text=f"A {n}. Said {n}. B.", quote=f"Said {n}.") for n in range(3)]
    left = pending_statement()

    response = curator_client.post(QUEUE, {"action": action, "_selected_action": [s.pk for s in chosen]}, follow=True)

    assert response.status_code == 200
    assert f"3 statements: {state}." in response.content.decode()
    assert set(Statement.objects.filter(review_state=state).values_list("pk", flat=True)) == {s.pk for s in chosen}
    assert shown(response) == {left.pk}
    assert all(s.history.first().history_user == curator for s in chosen)


def test_the_queue_filters_and_search(curator_client):
    negotiation = factories.negotiation()
    source = Source.objects.create(name="Feed", kind="feed", url="https://example.org/rss", negotiation=negotiation)
    topic = factories.issue(negotiation=negotiation, key="legal-guarantees")
    russia = factories.party(name="Russia")
    text = "Moscow insists on legally binding guarantees, Lavrov said. Others spoke too."
    document = factories.document(text=text, source=source)
    match = pending_statement(
        document=document,
        quote="Moscow insists on legally binding guarantees",
        party=russia,
        kind="demand",
        topics=[topic],
        confidence=0.9,
        said_on=date(2012, 2, 1),
    )
    pending_statement(confidence=0.3)  # none of the above

    for params in (
        {"negotiation": negotiation.pk},
        {"party__id__exact": russia.pk},
        {"kind__exact": "demand"},
        {"topics__id__exact": topic.pk},
        {"document__source__id__exact": source.pk},
        {"confidence": "high"},
        {"said_on__gte": "2012-01-01", "said_on__lt": "2012-03-01"},
        {"q": "legally binding"},
    ):
        assert shown(curator_client.get(QUEUE, params)) == {match.pk}, params
    assert len(shown(curator_client.get(QUEUE, {"confidence": "low"}))) == 1


def test_a_correction_in_place_keeps_the_machine_value_and_records_before_and_after(curator_client, curator):
    statement = pending_statement(kind="proposal")
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": statement.pk,
        "form-0-kind": "demand",
        "_save": "Save",
    }

    response = curator_client.post(QUEUE, data)

    assert response.status_code == 302
    statement.refresh_from_db()
    assert (statement.kind, statement.corrected, statement.machine["kind"]) == ("demand", True, "proposal")
    assert statement.machine_changes() == [("kind", "proposal", "demand")]
    latest, before = statement.history.all()[:2]
    delta = latest.diff_against(before)
    assert [(c.field, c.old, c.new) for c in delta.changes if c.field == "kind"] == [("kind", "proposal", "demand")]
    assert (latest.history_user, latest.history_change_reason) == (curator, "corrected")
    history = curator_client.get(reverse("admin:positions_statement_history", args=[statement.pk])).content.decode()
    assert "carla" in history and "corrected" in history and "proposal" in history and "demand" in history


def test_a_correction_in_the_change_form_is_recorded_with_the_machine_values_beside_it(curator_client, curator):
    wrong, right = factories.actor(name="Wrong Person"), factories.actor(name="Sergey Lavrov")
    russia = factories.party(name="Russia")
    first, second = factories.issue(key="architecture"), factories.issue(key="legal-guarantees")
    statement = pending_statement(speaker=wrong, party=russia, topics=[first])
    url = reverse("admin:positions_statement_change", args=[statement.pk])
    form = curator_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data |= {"speaker": right.pk, "topics": [second.pk], "extractor_version": "forged", "confidence": "0.01"}

    response = curator_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    statement.refresh_from_db()
    assert statement.speaker == right and [t.key for t in statement.topics.all()] == ["legal-guarantees"]
    assert (statement.extractor_version, statement.confidence) == ("test-1", 0.7)  # machine-made: read-only
    assert statement.machine["speaker"] == "Wrong Person" and statement.machine["topics"] == ["architecture"]
    page = curator_client.get(url).content.decode()
    assert "the extractor said" in page and "Wrong Person" in page and "Sergey Lavrov" in page
    latest = statement.history.first()
    assert latest.history_user == curator and latest.history_change_reason == "corrected"
    delta = latest.diff_against(latest.prev_record)
    assert {c.field for c in delta.changes} >= {"speaker", "topics", "corrected"}


def test_suggested_stances_and_status_changes_are_reviewed_with_their_evidence(curator_client, curator):
    evidence = pending_statement()
    stance = factories.stance(review_state=ReviewState.PENDING, recorded_via="extractor test-1", confidence=0.55)
    status = factories.status_change(review_state=ReviewState.PENDING, recorded_via="extractor test-1")
    stance.evidence.add(evidence)
    status.evidence.add(evidence)

    for row, model in ((stance, Stance), (status, StatusChange)):
        queue = reverse(f"admin:positions_{model._meta.model_name}_changelist")
        page = curator_client.get(queue)
        assert shown(page) == {row.pk}
        assert '<mark class="desk-quote">NATO will build two separate systems.</mark>' in page.content.decode()
        curator_client.post(queue, {"action": "approve_selected", "_selected_action": [row.pk]})
        row.refresh_from_db()
        assert row.review_state == ReviewState.APPROVED
        assert row.history.first().history_user == curator
        assert shown(curator_client.get(queue)) == set()


def test_a_suggested_relation_approved_in_the_queue_is_public_as_approved(curator_client, curator):
    evidence = pending_statement()
    relation = factories.relation(
        review_state=ReviewState.PENDING, recorded_via="extractor test-1", confidence=0.5, relation="backs"
    )
    relation.evidence.add(evidence)
    queue = reverse("admin:positions_proposalrelation_changelist")
    page = curator_client.get(queue)
    assert shown(page) == {relation.pk}
    assert "Review queue: suggested relations between proposals" in page.content.decode()
    assert '<mark class="desk-quote">NATO will build two separate systems.</mark>' in page.content.decode()

    def public() -> list[str]:
        found = selectors.proposal_relations(proposal_id=relation.to_proposal_id, states=[ReviewState.APPROVED])
        return [r["label"] for r in found["relations"]]

    assert public() == []
    curator_client.post(review_url(relation, "approved"), {"next": queue})
    relation.refresh_from_db()
    assert relation.review_state == ReviewState.APPROVED
    assert relation.history.first().history_user == curator
    assert public() == ["backed by"]
    assert shown(curator_client.get(queue)) == set()
    assert ProposalRelation.objects.count() == 1


def test_a_stance_correction_keeps_what_the_extractor_suggested(curator_client):
    stance = factories.stance(
        review_state=ReviewState.PENDING,
        recorded_via="extractor test-1",
        stance="supports",
        machine={"stance": "supports", "effective": "2010-01-01", "confidence": 0.5},
    )
    url = reverse("admin:positions_stance_change", args=[stance.pk])
    form = curator_client.get(url).context["adminform"].form
    data = {name: ("" if form[name].value() is None else form[name].value()) for name in form.fields}
    data |= {"stance": "opposes"}

    assert curator_client.post(url, data).status_code == 302

    stance.refresh_from_db()
    assert (stance.stance, stance.machine["stance"], stance.review_state) == ("opposes", "supports", "pending")
    assert "the extractor suggested" in curator_client.get(url).content.decode()


def test_a_statement_s_date_shows_with_its_precision_and_a_curator_sets_both(curator_client):
    statement = pending_statement(said_on=date(2011, 6, 1))
    Statement.objects.filter(pk=statement.pk).update(said_precision="month")
    queue = curator_client.get(QUEUE)
    assert '2011-06-01<span class="desk-precision">month</span>' in queue.content.decode()  # in the date's cell

    url = reverse("admin:positions_statement_change", args=[statement.pk])
    form = curator_client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in ((name, form[name].value()) for name in form.fields)}
    assert data["said_precision"] == "month"
    curator_client.post(url, data | {"said_on": "2011-07-01"})  # a new month, the precision left as shown
    statement.refresh_from_db()
    assert (statement.said_on, statement.said_precision) == (date(2011, 7, 1), "month")
    curator_client.post(url, data | {"said_on": "2011-07-14", "said_precision": "day"})
    statement.refresh_from_db()
    assert (statement.said_on, statement.said_precision, statement.corrected) == (date(2011, 7, 14), "day", True)
