"""Storing extracted statements: idempotent re-extraction that keeps every curator decision."""

import hashlib
import re
from dataclasses import replace
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from positions import pipeline, selectors
from positions.models import (
    Actor,
    Document,
    Issue,
    Negotiation,
    Party,
    Proposal,
    Role,
    Source,
    Stance,
    StanceRun,
    Statement,
    StatusChange,
)
from positions.services import curation
from positions.services.runs import runs_rebuild
from positions.services.statements import (
    EXTRACTOR_VIA,
    document_findings_import,
    document_input,
    document_statements_extract,
    stale_documents,
)
from positions.statements.records import (
    EXTRACTOR_VERSION,
    Findings,
    Found,
    NewActor,
    Speaker,
    StanceSuggestion,
    StatementFinding,
)
from positions.vocabularies import ReviewState

pytestmark = pytest.mark.django_db

TEXT = """Rasmussen rejects legal guarantees

MOSCOW, February 1 (Itar-Tass) — NATO Secretary General Anders Fogh Rasmussen said there was no need for a \
legally binding agreement with Russia on missile defence.

“Russia and NATO should create two separate missile defence systems for the same goal,” Rasmussen said.

Moscow insists on legally binding guarantees that the missile defence system will not be aimed against it, \
Russian Foreign Minister Sergey Lavrov said on Monday.

“We will have to look for ways to overcome this system, which will lead to a new arms race,” said Lithuanian \
Foreign Minister Audronius Azubalis, who visited Moscow.
"""


@pytest.fixture
def document(seeded):
    negotiation = Negotiation.objects.get(slug="nato-russia-missile-defence")
    source = Source.objects.create(name="Itar-Tass", kind="page", url="https://example.org/", negotiation=negotiation)
    return Document.objects.create(
        source=source, title="Rasmussen rejects legal guarantees", publisher="Itar-Tass",
        published=date(2012, 2, 1), text=TEXT, content_hash="a" * 64,
    )  # fmt: skip


def machine(document):
    return Statement.objects.filter(document=document, extractor_version=EXTRACTOR_VERSION)


def snapshot(document) -> set:
    return {
        (s.start, s.end, s.speaker_id, s.party_id, s.kind, s.said_on, s.proposal_id, s.review_state,
         tuple(sorted(s.topics.values_list("key", flat=True))))
        for s in Statement.objects.filter(document=document)
    }  # fmt: skip


def test_it_stores_spans_speakers_parties_and_dates(document):
    report = document_statements_extract(document=document)

    rows = list(machine(document).select_related("speaker", "party"))
    assert report.statements["inserted"] == len(rows) >= 4
    for row in rows:
        assert document.text[row.start : row.end] == row.quote
        assert row.review_state == ReviewState.PENDING and row.extractor_version == EXTRACTOR_VERSION
    rejection = next(r for r in rows if r.quote.startswith("there was no need for a legally binding"))
    assert (rejection.speaker.name, rejection.party.name, rejection.kind) == (
        "Anders Fogh Rasmussen",
        "NATO",
        "rejection",
    )
    guarantees = next(r for r in rows if "will not be aimed against it" in r.quote)
    assert guarantees.said_on == date(2012, 1, 30)  # "on Monday", two days before a Wednesday's report
    assert guarantees.party.name == "Russia"
    assert set(rejection.topics.values_list("key", flat=True)) == {"legal-guarantees"}


def test_a_speaker_nobody_knows_becomes_a_pending_actor_with_the_party_the_text_suggests(document):
    Party.objects.create(name="Lithuania", slug="lithuania", kind="state")
    report = document_statements_extract(document=document)

    actor = Actor.objects.get(name="Audronius Azubalis")
    assert actor.review_state == ReviewState.PENDING and report.new_actors == ["Audronius Azubalis"]
    statement = Statement.objects.get(speaker=actor)
    assert statement.party.name == "Lithuania" and statement.kind == "threat"


def test_extracting_twice_changes_nothing(document):
    document_statements_extract(document=document)
    before = snapshot(document)
    stances = set(Stance.objects.filter(recorded_via__startswith="extractor").values_list("pk", "stance"))

    report = document_statements_extract(document=document)

    assert snapshot(document) == before
    assert report.statements["inserted"] == report.statements["updated"] == report.statements["deleted"] == 0
    assert report.statements["unchanged"] == len(before)
    assert set(Stance.objects.filter(recorded_via__startswith="extractor").values_list("pk", "stance")) == stances


def test_re_extraction_keeps_every_curator_decision(document):
    user = get_user_model().objects.create_user("curator")
    document_statements_extract(document=document)
    rows = list(machine(document).order_by("start"))
    approved, rejected, corrected = rows[0], rows[1], rows[2]
    curation.review_set(row=approved, state=ReviewState.APPROVED, user=user)
    curation.review_set(row=rejected, state=ReviewState.REJECTED, user=user)
    curation.statement_correct(statement=corrected, data={"kind": "assessment"}, user=user)
    entered = curation.statement_create(
        data={"document": document, "quote": TEXT[:10], "start": 0, "end": 10, "mode": "direct",
              "said_on": date(2011, 12, 6), "kind": "assessment"},
        user=user,
    )  # fmt: skip
    curated_before = {
        s.pk: (s.start, s.end, s.kind, s.review_state, s.speaker_id)
        for s in Statement.objects.filter(pk__in=[approved.pk, rejected.pk, corrected.pk, entered.pk])
    }
    # A machine-made statement nobody has looked at yet, from an earlier version: replaced.
    machine(document).filter(pk=rows[3].pk).update(extractor_version="rules-old", kind="appeal")

    report = document_statements_extract(document=document)

    after = {
        s.pk: (s.start, s.end, s.kind, s.review_state, s.speaker_id)
        for s in Statement.objects.filter(pk__in=curated_before)
    }
    assert after == curated_before
    assert report.statements["kept"] == 4
    # No second statement was suggested on a span a curator already decided on.
    for row in (approved, rejected, corrected):
        assert Statement.objects.filter(document=document, start=row.start, end=row.end).count() == 1
    refreshed = Statement.objects.get(pk=rows[3].pk)
    assert refreshed.extractor_version == EXTRACTOR_VERSION and refreshed.kind != "appeal"


def test_a_statement_the_extractor_no_longer_finds_goes_with_its_suggestions(document):
    document_statements_extract(document=document)
    stale = Statement.objects.create(
        document=document, quote=TEXT[36:60], start=36, end=60, mode="indirect", said_on=date(2012, 2, 1),
        kind="proposal", extractor_version="rules-old",
    )  # fmt: skip
    suggestion = Stance.objects.create(
        party=Party.objects.get(name="NATO"), proposal=Negotiation.objects.get().proposals.first(),
        stance="supports", effective=date(2012, 2, 1), recorded_via="extractor rules-old",
    )  # fmt: skip
    suggestion.evidence.add(stale)
    assert list(stale_documents()) == [document]

    report = document_statements_extract(document=document)

    assert not Statement.objects.filter(pk=stale.pk).exists()
    assert not Stance.objects.filter(pk=suggestion.pk).exists()
    assert report.statements["deleted"] == 1 and report.stances["deleted"] == 1
    assert list(stale_documents()) == []


def test_it_suggests_pending_stances_with_evidence_and_confidence(document):
    document_statements_extract(document=document)

    stance = Stance.objects.get(
        party__name="NATO", proposal__slug="legally-binding-guarantees", recorded_via__startswith="extractor"
    )
    assert stance.stance == "opposes" and stance.review_state == ReviewState.PENDING
    assert 0 < stance.confidence <= 1
    assert [e.kind for e in stance.evidence.all()] == ["rejection"]


def test_a_suggestion_a_curator_rejected_is_not_made_again(document):
    user = get_user_model().objects.create_user("curator")
    document_statements_extract(document=document)
    suggested = Stance.objects.filter(
        party__name="NATO", proposal__slug="legally-binding-guarantees", recorded_via__startswith="extractor"
    )
    stance = suggested.get()
    curation.review_set(row=stance, state=ReviewState.REJECTED, user=user)

    report = document_statements_extract(document=document)

    assert suggested.count() == 1
    assert Stance.objects.get(pk=stance.pk).review_state == ReviewState.REJECTED
    assert report.stances["declined"] >= 1


@pytest.fixture
def fusion_centre(seeded):
    negotiation = Negotiation.objects.get(slug="nato-russia-missile-defence")
    return Proposal.objects.create(
        negotiation=negotiation, issue=Issue.objects.get(negotiation=negotiation, key="joint-centres"),
        slug="brussels-fusion-centre", title="A NATO–Russia data fusion centre in Brussels",
        proponent=Party.objects.get(name="NATO"), kind="proposal", first_stated=date(2012, 2, 1),
    )  # fmt: skip


def page(text: str, *, day: date) -> Document:
    negotiation = Negotiation.objects.get(slug="nato-russia-missile-defence")
    source = Source.objects.create(name="Itar-Tass", kind="page", url="https://example.org/b", negotiation=negotiation)
    return Document.objects.create(
        source=source, title="NATO proposal", publisher="Itar-Tass", published=day, text=text,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )  # fmt: skip


def test_a_proponent_putting_its_proposal_forward_suggests_it_was_tabled_once(fusion_centre):
    document = page(
        "NATO proposal\n\n“We propose to build a NATO–Russia data fusion centre in Brussels for missile defence,” "
        "Rasmussen said on Monday.\n",
        day=date(2012, 2, 1),
    )

    report = document_statements_extract(document=document)

    row = StatusChange.objects.get(proposal=fusion_centre)
    assert (row.status, row.effective, row.review_state) == ("tabled", date(2012, 1, 30), ReviewState.PENDING)
    assert [s.speaker.name for s in row.evidence.all()] == ["Anders Fogh Rasmussen"]
    assert 0 < row.confidence <= 0.9 and report.statuses["suggested"] == 1
    again = document_statements_extract(document=document)
    assert StatusChange.objects.filter(proposal=fusion_centre).count() == 1
    assert (again.statuses["suggested"], again.statuses["unchanged"]) == (0, 1)


def test_a_proposal_that_matches_none_we_know_is_flagged_as_new(seeded):
    document = page(
        "NATO proposal\n\nRasmussen proposed that NATO and Russia open a hotline between the commanders "
        "of their missile defence, as a step in their cooperation.\n",
        day=date(2012, 2, 1),
    )

    document_statements_extract(document=document)

    statement = Statement.objects.get(document=document, speaker__name="Anders Fogh Rasmussen", mode="indirect")
    assert statement.kind == "proposal" and statement.proposes_new, (statement.proposal, statement.quote)
    assert statement.proposal is None


ANTONOV = (
    "Antonov warns NATO\n\nMOSCOW, February 1 (Itar-Tass) — Russian Deputy Defence Minister Anatoly Antonov said "
    "Russia insists on legally binding guarantees that the missile defence system will not be aimed against its "
    "strategic nuclear forces.\n"
)


def test_a_new_person_with_a_party_and_a_post_becomes_a_pending_actor_with_a_suggested_role(seeded):
    document = page(ANTONOV, day=date(2012, 2, 1))

    report = document_statements_extract(document=document)

    actor = Actor.objects.get(name="Anatoly Antonov")
    assert actor.review_state == ReviewState.PENDING and report.new_actors == ["Anatoly Antonov"]
    role = Role.objects.get(actor=actor)
    assert (role.party.name, role.title, role.start, role.end, role.speaks_for_party) == (
        "Russia", "Deputy Defence Minister", date(2012, 2, 1), None, True,
    )  # fmt: skip
    assert "Russian Deputy Defence Minister Anatoly Antonov" in role.history.first().history_change_reason
    statement = Statement.objects.get(speaker=actor)
    assert statement.party.name == "Russia"
    # Its role is only suggested: until a curator approves Antonov, what he says moves no stance.
    assert not Stance.objects.filter(evidence=statement).exists()


def test_extracting_again_suggests_the_role_once_and_keeps_a_curator_s_correction(seeded):
    document = page(ANTONOV, day=date(2012, 2, 1))
    document_statements_extract(document=document)
    role = Role.objects.get(actor__name="Anatoly Antonov")
    role.title = "Deputy Minister of Defence"
    role.save()

    document_statements_extract(document=document)

    assert list(Role.objects.filter(actor__name="Anatoly Antonov").values_list("title", flat=True)) == [
        "Deputy Minister of Defence"
    ]


def an_earlier_reading(document: Document, **new_actor) -> Findings:
    """Today's findings of the document with its new speaker read otherwise, as an earlier extractor did."""
    findings = pipeline.extract_document(document_input(document), selectors.lexicon_load())
    statements = tuple(
        replace(f, new_actor=replace(f.new_actor, **new_actor)) if f.new_actor else f for f in findings.statements
    )
    return replace(findings, statements=statements)


def roles_of(name: str) -> list[tuple]:
    return list(Role.objects.filter(actor__name=name).values_list("party__name", "title", "start", "speaks_for_party"))


def test_reading_again_gives_an_untouched_pending_speaker_the_role_the_new_reading_suggests(seeded):
    document = page(ANTONOV, day=date(2012, 2, 1))
    document_findings_import(
        document=document,
        findings=an_earlier_reading(document, party="NATO", title="Chief Negotiator", since=date(2011, 1, 1)),
    )
    assert roles_of("Anatoly Antonov") == [("NATO", "Chief Negotiator", date(2012, 2, 1), True)]

    document_statements_extract(document=document)

    assert roles_of("Anatoly Antonov") == [("Russia", "Deputy Defence Minister", date(2012, 2, 1), True)]
    assert Actor.objects.get(name="Anatoly Antonov").review_state == ReviewState.PENDING


def test_reading_again_revises_a_role_of_the_same_party_in_place(seeded):
    document = page(ANTONOV, day=date(2012, 2, 1))
    document_findings_import(document=document, findings=an_earlier_reading(document, title="Minister"))
    (before,) = Role.objects.filter(actor__name="Anatoly Antonov")

    document_statements_extract(document=document)

    (after,) = Role.objects.filter(actor__name="Anatoly Antonov")
    assert (after.pk, after.title) == (before.pk, "Deputy Defence Minister")
    assert after.history.first().history_change_reason.startswith(f"{EXTRACTOR_VIA}, read again as")
    document_statements_extract(document=document)  # the same reading writes nothing more
    assert after.history.count() == 2


def test_a_pending_speaker_the_new_reading_does_not_find_is_withdrawn(seeded):
    document = page(ANTONOV, day=date(2012, 2, 1))
    earlier = an_earlier_reading(document, name="Russian Deputy Defence Minister", title="")
    document_findings_import(document=document, findings=earlier)
    assert Actor.objects.filter(name="Russian Deputy Defence Minister").exists()

    report = document_statements_extract(document=document)

    assert report.withdrawn_actors == ["Russian Deputy Defence Minister"]
    assert not Actor.objects.filter(name="Russian Deputy Defence Minister").exists()
    assert Statement.objects.get(document=document).speaker.name == "Anatoly Antonov"
    assert report.line().endswith("1 new speakers, 1 withdrawn")


def test_a_pending_speaker_someone_touched_or_who_speaks_elsewhere_is_kept(seeded):
    touched = page(ANTONOV, day=date(2012, 2, 1))
    elsewhere = Document.objects.create(
        source=touched.source, title=touched.title, published=touched.published, text=ANTONOV, content_hash="0" * 64
    )
    earlier = an_earlier_reading(touched, name="Ivan Madeup", party="NATO", title="Chief Negotiator")
    for document in (touched, elsewhere):
        document_findings_import(document=document, findings=earlier)
    document_statements_extract(document=elsewhere)  # Madeup still speaks in `touched`
    assert roles_of("Ivan Madeup") == [("NATO", "Chief Negotiator", date(2012, 2, 1), True)]

    actor = Actor.objects.get(name="Ivan Madeup")
    actor.aliases = ["I. Madeup"]
    actor.save()  # a person's edit: a change the extractor did not make
    report = document_statements_extract(document=touched)

    assert report.withdrawn_actors == []
    assert roles_of("Ivan Madeup") == [("NATO", "Chief Negotiator", date(2012, 2, 1), True)]
    assert not Statement.objects.filter(speaker=actor).exists()  # kept for a curator to decide


def test_a_party_we_do_not_have_gives_a_new_person_no_role(seeded):
    text = (
        "Zarif on missile defence\n\nIranian Foreign Minister Mohammad Javad Zarif said the missile defence "
        "system in Europe was aimed at Russia and would not bring legally binding guarantees of security.\n"
    )
    document_statements_extract(document=page(text, day=date(2013, 9, 20)))

    actor = Actor.objects.get(name="Mohammad Javad Zarif")
    assert actor.review_state == ReviewState.PENDING and not actor.roles.exists()  # no Iran among the parties


def test_crowds_and_generic_bodies_never_become_actors(seeded):
    text = (
        "Talks stall\n\nDiplomats said the talks on missile defence and legally binding guarantees had stalled.\n\n"
        "Western diplomats said NATO would not give Russia legally binding guarantees on missile defence.\n\n"
        "Russian officials said legally binding guarantees on missile defence were still needed.\n"
    )
    document = page(text, day=date(2012, 2, 1))

    report = document_statements_extract(document=document)

    assert report.new_actors == []
    assert not Actor.objects.filter(name__iregex=r"diplomats|officials").exists()
    said = Statement.objects.filter(document=document)
    assert said.count() == 3 and not said.filter(speaker__isnull=False).exists()
    assert said.get(quote__startswith="legally binding guarantees on missile defence were").party.name == "Russia"


def test_it_stores_how_exactly_each_date_is_known_and_updates_it(document, monkeypatch):
    from dataclasses import replace

    from positions import pipeline

    extract = pipeline.extract_document

    def dated(said_on=None, said_precision="day"):
        def stage(*args):
            findings = extract(*args)
            return replace(
                findings,
                statements=tuple(
                    replace(f, statement=replace(f.statement, said_on=said_on or f.statement.said_on,
                                                 said_precision=said_precision))
                    for f in findings.statements
                ),
            )  # fmt: skip

        return stage

    monkeypatch.setattr(pipeline, "extract_document", dated())
    document_statements_extract(document=document)
    assert set(machine(document).values_list("said_precision", flat=True)) == {"day"}

    # The stage now says a month: extracting again updates the row and what the machine said.
    monkeypatch.setattr(pipeline, "extract_document", dated(date(2011, 6, 1), "month"))
    report = document_statements_extract(document=document)

    assert report.statements["updated"] == machine(document).count()
    for row in machine(document):
        assert (row.said_on, row.said_precision) == (date(2011, 6, 1), "month")
        assert (row.machine["said_on"], row.machine["said_precision"]) == ("2011-06-01", "month")
        assert row.machine_changes() == []


def test_a_document_from_the_past_never_gets_today_s_date(document):
    document_statements_extract(document=document)
    assert {(s.said_on <= date(2012, 2, 1), s.said_precision) for s in machine(document)} == {(True, "day")}


def test_with_no_date_anywhere_a_statement_gets_the_day_it_was_read_marked_approximate(document):
    from django.utils import timezone

    Document.objects.filter(pk=document.pk).update(published=None)
    document.refresh_from_db()
    document_statements_extract(document=document)

    rows = list(machine(document))
    assert rows and {(s.said_on, s.said_precision) for s in rows} == {(timezone.localdate(), "approximate")}


def test_a_curator_s_date_is_a_day_unless_they_say_otherwise(document):
    user = get_user_model().objects.create_user("curator")
    document_statements_extract(document=document)
    row = machine(document).first()
    Statement.objects.filter(pk=row.pk).update(said_precision="month")
    row.refresh_from_db()

    curation.statement_correct(statement=row, data={"said_on": date(2012, 1, 27)}, user=user)
    row.refresh_from_db()
    assert (row.said_on, row.said_precision) == (date(2012, 1, 27), "day")
    curation.statement_correct(statement=row, data={"said_on": date(2011, 6, 1), "said_precision": "month"}, user=user)
    row.refresh_from_db()
    assert (row.said_on, row.said_precision) == (date(2011, 6, 1), "month")
    assert ("said_precision", "day", "month") in row.machine_changes()


def test_its_new_suggestions_are_announced_to_webhooks_once_after_the_commit(
    document, monkeypatch, django_capture_on_commit_callbacks
):
    from positions import tasks
    from positions.models import Subscription

    owner = get_user_model().objects.create_user("subscriber")
    Subscription.objects.create(
        owner=owner, target_url="https://hooks.example/", secret="s", party=Party.objects.first()
    )
    sent = []
    monkeypatch.setattr(tasks.webhook_changes, "delay", lambda *ids: sent.append(ids))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = document_statements_extract(document=document)
    with django_capture_on_commit_callbacks(execute=True) as again:
        document_statements_extract(document=document)

    suggested = Stance.objects.filter(recorded_via__startswith="extractor")
    assert report.stances["suggested"] == suggested.count() > 0 and len(callbacks) == 1
    assert sent == [(sorted(suggested.values_list("pk", flat=True)), report.suggested_status_ids, [])]
    assert again == []  # nothing new: nothing announced


def findings_of(document: Document, count: int) -> Findings:
    """`count` statements, one a sentence of the document: Rasmussen's on two proposals by turns, and every
    third a new speaker's with a suggested post, each suggesting a stance."""
    out = []
    for n, start in enumerate(m.start() for m in re.finditer(r"Sentence", document.text)):
        if n == count:
            break
        end = document.text.index(".", start)
        proposal = ("legally-binding-guarantees", "two-separate-systems")[n % 2]
        new = n % 3 == 2
        speaker = Speaker(name="Ivan Petrov", party="Russia") if new else Speaker(
            name="Anders Fogh Rasmussen", key="anders-fogh-rasmussen", party="NATO"
        )  # fmt: skip
        out.append(
            StatementFinding(
                statement=Found(
                    start=start, end=end, quote=document.text[start:end], mode="indirect", speaker=speaker,
                    said_on=date(2012, 2, 1 + n % 2), kind="rejection", topics=("legal-guarantees",),
                ),
                proposal=proposal,
                stances=(StanceSuggestion(proposal=proposal, party=speaker.party, stance="opposes", confidence=0.7),),
                new_actor=NewActor(name="Ivan Petrov", party="Russia", title="Deputy Minister") if new else None,
            )
        )  # fmt: skip
    return Findings(statements=tuple(out), negotiation="nato-russia-missile-defence")


def said(finding: StatementFinding, day: date) -> StatementFinding:
    return replace(finding, statement=replace(finding.statement, said_on=day))


def long_page(seeded_source: Source, sentences: int, tag: str) -> Document:
    text = " ".join(f"Sentence {n} of {tag} says no to the plan." for n in range(sentences))
    return Document.objects.create(
        source=seeded_source, title=tag, published=date(2012, 2, 1), text=text,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )  # fmt: skip


@pytest.fixture
def seeded_source(seeded) -> Source:
    negotiation = Negotiation.objects.get(slug="nato-russia-missile-defence")
    return Source.objects.create(name="Wire", kind="page", url="https://example.org/w", negotiation=negotiation)


def test_the_queries_of_an_import_do_not_grow_with_its_statements(seeded_source):
    counted = {}
    for count in (3, 12):
        with transaction.atomic():
            document = long_page(seeded_source, count, f"page {count}")
            with CaptureQueriesContext(connection) as queries:
                report = document_findings_import(document=document, findings=findings_of(document, count))
            transaction.set_rollback(True)  # each import from the same rows
        assert report.statements["inserted"] == count and report.stances["suggested"] == min(count, 4)
        counted[count] = len(queries)

    assert counted[12] == counted[3] < 40


def _stance_runs_written() -> int:
    # run rows this transaction has inserted so far: each recompute of a proposal deletes its runs and inserts them
    with connection.cursor() as cursor:
        cursor.execute("SELECT n_tup_ins FROM pg_stat_xact_user_tables WHERE relname = 'positions_stancerun'")
        return cursor.fetchone()[0]


def test_an_import_recomputes_the_runs_of_a_proposal_with_new_stances_once(seeded_source):
    document = long_page(seeded_source, 6, "once")
    before = _stance_runs_written()
    report = document_findings_import(document=document, findings=findings_of(document, 6))
    written = _stance_runs_written() - before

    proposals = Stance.objects.filter(pk__in=report.suggested_stance_ids).values("proposal")
    assert report.stances["suggested"] and report.stances["suggested"] == len(report.suggested_stance_ids)
    assert written == StanceRun.objects.filter(proposal__in=proposals).count() > 0  # not twice that
    for stance in Stance.objects.filter(pk__in=report.suggested_stance_ids):
        assert stance.evidence.exists()
    assert runs_rebuild(write=False).differed == {"stance": 0, "status": 0}


def test_a_suggested_stance_has_one_history_record_with_all_its_evidence(seeded_source):
    first = long_page(seeded_source, 6, "first")
    report = document_findings_import(document=first, findings=findings_of(first, 6))
    stances = Stance.objects.filter(recorded_via__startswith="extractor")

    assert sorted(report.suggested_stance_ids) == sorted(stances.values_list("pk", flat=True))
    assert report.stances["suggested"] + report.stances["unchanged"] == 6
    for stance in stances:
        (record,) = stance.history.all()
        assert (record.history_type, record.history_change_reason) == ("+", EXTRACTOR_VIA)
        evidence = set(stance.evidence.values_list("pk", flat=True))
        assert {row.statement_id for row in record.evidence.all()} == evidence and evidence

    second = long_page(seeded_source, 6, "second")
    document_findings_import(document=second, findings=findings_of(second, 6))
    for stance in stances:
        latest, first_record = stance.history.all()
        assert latest.history_type == "~" and first_record.history_type == "+"
        assert {row.statement_id for row in latest.evidence.all()} == set(stance.evidence.values_list("pk", flat=True))
        assert {s.document_id for s in stance.evidence.all()} == {first.pk, second.pk}

    records = Stance.history.count()
    again = document_findings_import(document=second, findings=findings_of(second, 6))
    assert again.stances["suggested"] == 0 and again.stances["unchanged"] == 6
    assert Stance.history.count() == records  # extracting again adds no evidence: no record


def test_statements_of_one_document_suggesting_one_stance_make_one_row(seeded_source):
    document = long_page(seeded_source, 6, "one row")
    findings = findings_of(document, 6)
    rasmussen = [f for f in findings.statements if f.new_actor is None and f.proposal == "legally-binding-guarantees"]
    same = replace(findings, statements=tuple(said(f, date(2012, 2, 1)) for f in rasmussen))

    report = document_findings_import(document=document, findings=same)

    (stance,) = Stance.objects.filter(recorded_via__startswith="extractor")
    assert (report.stances["suggested"], report.stances["unchanged"]) == (1, 1)
    assert stance.evidence.count() == 2


def test_a_new_speaker_said_to_hold_a_post_gets_one_role_from_the_earliest_day(seeded_source):
    document = long_page(seeded_source, 9, "petrov")
    findings = findings_of(document, 9)
    earlier = replace(
        findings, statements=tuple(said(f, date(2012, 1, 20 - n)) for n, f in enumerate(findings.statements))
    )

    document_findings_import(document=document, findings=earlier)

    (role,) = Role.objects.filter(actor__name="Ivan Petrov")
    assert (role.party.name, role.title, role.start) == ("Russia", "Deputy Minister", date(2012, 1, 12))
