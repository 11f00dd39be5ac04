"""The read model of runs (positions/models/runs.py) answers as the history does, whoever writes.

Each check compares the as-of selectors on the read model with the same reads computed from the whole
history (`_runs_in_force` over every row up to the date, and the DISTINCT ON of the rows in force), on
every day a row takes effect, the day before it and after the last, for both visibilities. A rebuild from
the history after a sequence of writes finds nothing to change; a corrupted row is found and repaired; two
writers of one proposal at once leave runs that hold both their rows. A stance stretch's evidence figures
(migration 0025) give the cells of the comparison matrix that counting the run's evidence links gives,
through every kind of write to the evidence and its statements.
"""

import random
import threading
import time
from datetime import date, timedelta

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F

from positions import selectors
from positions.models import (
    Actor,
    Document,
    Negotiation,
    Party,
    Proposal,
    Stance,
    StanceRun,
    Statement,
    StatusChange,
    StatusRun,
)
from positions.services.merge import proposals_merge
from positions.services.runs import runs_rebuild
from positions.vocabularies import ProposalStatus, ReviewState, StanceValue
from tests import factories as f
from tests.conftest import test_database_url as this_test_database_url

pytestmark = pytest.mark.django_db

START = date(2010, 1, 1)


def _days() -> list[date]:
    effective = set(Stance.objects.values_list("effective", flat=True))
    effective |= set(StatusChange.objects.values_list("effective", flat=True))
    days = {day + timedelta(days=shift) for day in effective for shift in (-1, 0, 1)}
    return sorted(days | {START - timedelta(days=1)})


def _from_history(as_of: date, include_pending: bool) -> dict:
    """What the selectors answered before the read model: the runs computed from every row."""
    scope = {"as_of": as_of, "negotiation": None, "proposals": None, "include_pending": include_pending}
    stances = selectors._runs_in_force(selectors._stance_rows(**scope, parties=None), "stance")
    statuses = selectors._runs_in_force(selectors._status_rows(**scope), "status")
    winners = selectors._stance_rows(**scope, parties=None).order_by(
        "proposal_id", "party_id", "-effective", selectors._APPROVED_FIRST, "-recorded_at", "-id"
    )
    return {
        "stances": {(s.proposal_id, s.party_id): (s.id, s.since, s.run) for s in stances},
        "statuses": {(s.proposal_id,): (s.id, s.since, s.run) for s in statuses},
        "in force": sorted(winners.distinct("proposal_id", "party_id").values_list("id", flat=True)),
    }


def _from_runs(as_of: date, include_pending: bool) -> dict:
    scope = {"as_of": as_of, "include_pending": include_pending}
    stances = selectors.stance_runs_as_of(**scope)
    statuses = selectors.status_runs_as_of(**scope)
    return {
        "stances": {(s.proposal_id, s.party_id): (s.id, s.since, s.run) for s in stances},
        "statuses": {(s.proposal_id,): (s.id, s.since, s.run) for s in statuses},
        "in force": sorted(s.id for s in selectors.stances_as_of(**scope)),
    }


def assert_runs_answer_as_the_history():
    for as_of in _days():
        for include_pending in (True, False):
            expected = _from_history(as_of, include_pending)
            assert _from_runs(as_of, include_pending) == expected, (as_of, include_pending)
            by_negotiation = {}
            for negotiation in Negotiation.objects.all():
                found = selectors.statuses_as_of(as_of=as_of, negotiation=negotiation, include_pending=include_pending)
                by_negotiation |= {(s.proposal_id,): s.id for s in found}
            assert by_negotiation == {key: row[0] for key, row in expected["statuses"].items()}


def assert_cells_answer_as_the_evidence():
    """The cells read from the stretches' figures equal those counted from every evidence link of each run."""
    for negotiation in Negotiation.objects.all():
        parties = list(negotiation.parties.all()) + list(
            Party.objects.filter(pk__in=Stance.objects.filter(proposal__negotiation=negotiation).values("party"))
        )
        parties = list({party.pk: party for party in parties}.values())
        for as_of in _days():
            for include_pending in (True, False):
                scope = {"negotiation": negotiation, "as_of": as_of, "include_pending": include_pending}
                counted = selectors._cells_known(args={**scope, "known_at": None}, parties=parties)
                assert selectors.stance_cells_as_of(**scope, parties=parties) == counted, (as_of, include_pending)


def assert_rebuild_changes_nothing():
    report = runs_rebuild(write=False)
    assert report.differed == {"stance": 0, "status": 0}, report.line()


def _random_history(rng: random.Random, proposals: list[Proposal], parties: list) -> None:
    """Stances and status changes on few days (so that days repeat), of every review state and value."""
    states = [ReviewState.APPROVED, ReviewState.PENDING, ReviewState.REJECTED]
    for _ in range(60):
        proposal, party = rng.choice(proposals), rng.choice(parties)
        day = START + timedelta(days=rng.randrange(12))
        value, state = rng.choice(StanceValue.values), rng.choice(states)
        taken = Stance.objects.filter(party=party, proposal=proposal, effective=day, stance=value)
        if state == ReviewState.REJECTED or not taken.exclude(review_state=ReviewState.REJECTED).exists():
            f.stance(proposal=proposal, party=party, effective=day, stance=value, review_state=state)
    for _ in range(20):
        proposal, day = rng.choice(proposals), START + timedelta(days=rng.randrange(12))
        status, state = rng.choice(ProposalStatus.values[:3]), rng.choice(states)
        taken = StatusChange.objects.filter(proposal=proposal, effective=day, status=status)
        if state == ReviewState.REJECTED or not taken.exclude(review_state=ReviewState.REJECTED).exists():
            f.status_change(proposal=proposal, effective=day, status=status, review_state=state)


def test_it_answers_as_the_history_on_the_seed(seeded):
    assert StanceRun.objects.exists() and StatusRun.objects.exists()
    assert_runs_answer_as_the_history()
    assert_rebuild_changes_nothing()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_answers_as_the_history_through_every_kind_of_write(seed, admin_user):
    rng = random.Random(seed)
    negotiation = f.negotiation()
    proposals = [f.proposal(negotiation=negotiation) for _ in range(3)]
    parties = [f.party() for _ in range(3)]
    _random_history(rng, proposals, parties)
    assert_runs_answer_as_the_history()

    # A curator's review, one row at a time and in bulk (QuerySet.update, no model code). The row is one still in
    # force, picked by the test's seed: a rejected row approved could repeat one already stated that day, which
    # the stances' unique constraint refuses (a random pick by the database made this test fail now and then).
    standing = list(Stance.objects.exclude(review_state=ReviewState.REJECTED).order_by("pk"))
    row = rng.choice(standing)
    row.review_state = ReviewState.APPROVED if row.review_state != ReviewState.APPROVED else ReviewState.PENDING
    row.save()
    Stance.objects.filter(review_state=ReviewState.PENDING, effective__lte=START + timedelta(days=5)).update(
        review_state=ReviewState.APPROVED
    )
    assert_runs_answer_as_the_history()

    # Re-dating (a later day for some rows) and a restatement recorded last on a day already stated.
    Stance.objects.filter(pk__in=Stance.objects.order_by("pk").values("pk")[:5]).update(
        effective=F("effective") + timedelta(days=30)
    )
    last = Stance.objects.exclude(review_state=ReviewState.REJECTED).order_by("-effective").first()
    f.stance(proposal=last.proposal, party=last.party, effective=last.effective + timedelta(days=1), stance=last.stance)
    assert_runs_answer_as_the_history()

    # Deletions, a raw SQL write, then a merge of two proposals (stances move, duplicates fold).
    Stance.objects.filter(pk__in=rng.sample(sorted(Stance.objects.values_list("pk", flat=True)), 6)).delete()
    StatusChange.objects.filter(pk=StatusChange.objects.order_by("pk").values("pk")[:1]).delete()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE positions_stance SET stance = 'ambiguous' WHERE id = (SELECT min(id) FROM positions_stance)"
        )
    assert_runs_answer_as_the_history()
    proposals_merge(keep=proposals[0], merged=proposals[1], user=admin_user)
    assert not StanceRun.objects.filter(proposal=proposals[1]).exists()
    assert_runs_answer_as_the_history()
    assert_rebuild_changes_nothing()


def test_a_note_edit_leaves_the_runs_as_they_were():
    stance = f.stance()
    before = list(StanceRun.objects.values_list("id", flat=True))
    Stance.objects.filter(pk=stance.pk).update(note="restated in an interview")
    assert list(StanceRun.objects.values_list("id", flat=True)) == before


def test_a_proposal_moved_to_another_negotiation_takes_its_runs_along():
    stance = f.stance()
    elsewhere = f.negotiation()
    Proposal.objects.filter(pk=stance.proposal_id).update(negotiation=elsewhere)
    assert set(StanceRun.objects.values_list("negotiation_id", flat=True)) == {elsewhere.pk}
    assert_rebuild_changes_nothing()


def test_the_lookup_gives_since_and_last_stated_as_of_the_date():
    first = f.stance(effective=START)
    again = f.stance(proposal=first.proposal, party=first.party, effective=START + timedelta(days=10))
    runs = StanceRun.objects.filter(public=True, validity__contains=START + timedelta(days=5))
    assert [(r.since, r.first_row_id, r.row_id) for r in runs] == [(START, first.pk, first.pk)]
    runs = StanceRun.objects.filter(public=True, validity__contains=START + timedelta(days=500))
    assert [(r.since, r.first_row_id, r.row_id) for r in runs] == [(START, first.pk, again.pk)]


def test_the_rebuild_finds_a_corrupted_row_and_repairs_it():
    rng = random.Random(7)
    negotiation = f.negotiation()
    _random_history(rng, [f.proposal(negotiation=negotiation) for _ in range(2)], [f.party(), f.party()])
    assert_rebuild_changes_nothing()
    StanceRun.objects.filter(pk=StanceRun.objects.order_by("pk").values("pk")[:1]).update(since=date(1990, 1, 1))
    StatusRun.objects.filter(pk=StatusRun.objects.order_by("pk").values("pk")[:1]).delete()

    assert runs_rebuild(write=False).differed == {"stance": 2, "status": 1}  # the bad row and the good one it hides
    assert runs_rebuild().differed == {"stance": 2, "status": 1}
    assert_rebuild_changes_nothing()
    assert_runs_answer_as_the_history()


def test_the_command_reports_the_diff_count_and_check_writes_nothing(capsys):
    f.stance()
    call_command("rebuild_runs", "--check")
    assert "diff count 0" in capsys.readouterr().out
    StanceRun.objects.update(since=date(1990, 1, 1))
    with pytest.raises(CommandError, match="4 rows"):  # two visibilities, each a bad row and the good one missing
        call_command("rebuild_runs", "--check")
    assert "diff count 4" in capsys.readouterr().out
    call_command("rebuild_runs")
    assert "rebuilt" in capsys.readouterr().out
    call_command("rebuild_runs", "--check")
    assert "diff count 0" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_two_writers_of_one_proposal_leave_the_runs_of_both_rows():
    first = f.stance(effective=START)
    insert = (
        "INSERT INTO positions_stance (effective, note, recorded_at, recorded_via, review_state, party_id, "
        "proposal_id, stance) VALUES (%s, '', now(), 'race', 'approved', %s, %s, %s)"
    )
    pair = (first.party_id, first.proposal_id)
    with psycopg.connect(this_test_database_url()) as one, psycopg.connect(this_test_database_url()) as two:

        def later_writer():
            two.execute(insert, (START + timedelta(days=20), *pair, "supports"))
            two.commit()

        one.execute(insert, (START + timedelta(days=10), *pair, "opposes"))
        second = threading.Thread(target=later_writer)
        second.start()
        time.sleep(0.5)
        assert second.is_alive(), "the second writer waits for the first's lock on the proposal"
        one.commit()
        second.join(10)
    assert list(StanceRun.objects.filter(public=True).order_by("validity").values_list("stance", "since")) == [
        ("supports", START),
        ("opposes", START + timedelta(days=10)),
        ("supports", START + timedelta(days=20)),
    ]
    assert_rebuild_changes_nothing()


def _random_evidence(rng: random.Random, stances: list[Stance], parties: list) -> list[Statement]:
    """Statements of every review state, on few days, by the stance's party, another or none, each linked to
    one to three stances (so that a statement may ground two rows of one run)."""
    states = [ReviewState.APPROVED, ReviewState.PENDING, ReviewState.REJECTED]
    speakers = [f.actor(), f.actor(review_state=ReviewState.REJECTED)]
    made = []
    for _ in range(40):
        statement = f.statement(
            said_on=START + timedelta(days=rng.randrange(-3, 12)),
            party=rng.choice([*parties, None]),
            speaker=rng.choice([*speakers, None]),
            review_state=rng.choice(states),
        )
        for stance in rng.sample(stances, rng.randint(1, 3)):
            stance.evidence.add(statement)
        made.append(statement)
    return made


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_stretches_evidence_answers_as_counted_through_every_kind_of_write(seed, admin_user):
    rng = random.Random(seed)
    negotiation = f.negotiation()
    proposals = [f.proposal(negotiation=negotiation) for _ in range(3)]
    parties = [f.party() for _ in range(3)]
    negotiation.parties.add(*parties)
    _random_history(rng, proposals, parties)
    statements = _random_evidence(rng, list(Stance.objects.all()), parties)
    assert StanceRun.objects.filter(statements__gt=1).exists()
    assert_cells_answer_as_the_evidence()
    assert_rebuild_changes_nothing()

    # A statement rejected, approved again, re-dated, given to another party; the same in bulk and in raw SQL.
    one = rng.choice(statements)
    one.review_state = ReviewState.REJECTED if one.review_state != ReviewState.REJECTED else ReviewState.APPROVED
    one.save()
    Statement.objects.filter(pk__in=[s.pk for s in statements[:10]]).update(said_on=F("said_on") + timedelta(days=7))
    Statement.objects.filter(pk__in=[s.pk for s in statements[10:20]]).update(party=rng.choice(parties))
    with connection.cursor() as cursor:
        cursor.execute("UPDATE positions_statement SET review_state = 'approved' WHERE review_state = 'rejected'")
    assert_cells_answer_as_the_evidence()

    # Evidence unlinked, linked, replaced; a statement deleted; a speaker rejected.
    # (picked by the test's seed, never by the database's random order: a run must repeat what it found)
    stance = rng.choice(list(Stance.objects.filter(evidence__isnull=False).distinct().order_by("pk")))
    stance.evidence.remove(stance.evidence.first())
    stance.evidence.add(*rng.sample(statements, 3))
    rng.choice(list(Stance.objects.exclude(pk=stance.pk).order_by("pk"))).evidence.set(rng.sample(statements, 2))
    Statement.objects.filter(pk=rng.choice(statements).pk).delete()
    Actor.objects.update(review_state=ReviewState.REJECTED)
    assert_cells_answer_as_the_evidence()

    # What a cell shows of its statement (migration 0027): quotes edited, speakers given and taken, speakers
    # renamed and approved again, documents moved and their URLs changed, one by one, in bulk and in raw SQL.
    shown = list(Statement.objects.filter(pk__in=StanceRun.objects.values("shown_statement")).order_by("pk"))
    assert shown
    one = rng.choice(shown)
    one.quote, one.speaker = one.quote.upper(), f.actor(name="A speaker named later")
    one.save()
    Statement.objects.filter(pk__in=[s.pk for s in shown[::2]]).update(speaker=None)
    for moved in shown[1::2]:
        elsewhere = f.document(text=f"Moved {moved.pk}: {moved.quote}", url=f"https://a.example/{moved.pk}")
        Statement.objects.filter(pk=moved.pk).update(document=elsewhere)
    Actor.objects.filter(pk=one.speaker_id).update(name="The same speaker, renamed")
    Actor.objects.update(review_state=ReviewState.APPROVED)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE positions_document SET url = url || '?moved'")
        cursor.execute("UPDATE positions_statement SET quote = upper(quote) WHERE id = %s", [shown[-1].pk])
    assert_cells_answer_as_the_evidence()

    # The stances themselves: deleted, re-dated, merged with their evidence.
    Stance.objects.filter(pk__in=rng.sample(sorted(Stance.objects.values_list("pk", flat=True)), 4)).delete()
    Stance.objects.filter(pk__in=Stance.objects.order_by("pk").values("pk")[:5]).update(
        effective=F("effective") + timedelta(days=3)
    )
    proposals_merge(keep=proposals[0], merged=proposals[1], user=admin_user)
    assert_cells_answer_as_the_evidence()
    assert_rebuild_changes_nothing()


def test_the_rebuild_finds_a_stretch_with_wrong_evidence_figures():
    stance = f.stance()
    stance.evidence.add(f.statement(party=stance.party), f.statement())
    assert set(StanceRun.objects.values_list("statements", flat=True)) == {2}
    StanceRun.objects.update(statements=5)
    # the stored row and the recomputed one, in each visibility
    assert runs_rebuild(write=False).differed == {"stance": 4, "status": 0}
    assert runs_rebuild().differed == {"stance": 4, "status": 0}
    assert_rebuild_changes_nothing()
    assert set(StanceRun.objects.values_list("statements", flat=True)) == {2}


def test_a_statement_inserted_after_the_links_to_it_grounds_their_stance():
    # Foreign keys are checked at commit: a COPY of every table, or a fixture, may write the links first.
    stance = f.stance()
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence('positions_statement', 'id'))")
        (statement_id,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO positions_stance_evidence (stance_id, statement_id) VALUES (%s, %s)", [stance.pk, statement_id]
        )
    assert set(StanceRun.objects.values_list("statements", "shown_statement_id")) == {(0, None)}
    f.statement(id=statement_id, party=stance.party)
    assert set(StanceRun.objects.values_list("statements", "shown_statement_id")) == {(1, statement_id)}
    assert_rebuild_changes_nothing()


def test_a_cell_shows_its_statement_as_it_is_now():
    """What a stretch keeps of its shown statement (migration 0027) follows every change to it, through both
    readers of the matrix as now known: the selector and the API's one statement."""
    stance = f.stance()
    negotiation = stance.proposal.negotiation
    speaker = f.actor(name="First name")
    statement = f.statement(party=stance.party, speaker=speaker, document=f.document(url="https://one.example/a"))
    stance.evidence.add(statement)

    def shown() -> tuple:
        cells = selectors.stance_cells_as_of(negotiation=negotiation, as_of=stance.effective, parties=[stance.party])
        cell = cells[(stance.proposal_id, stance.party_id)]["latest_statement"]
        read = selectors.comparison_read(slug=negotiation.slug, as_of=stance.effective, today=date(2030, 1, 1))
        (row,) = read.cells
        written = selectors.compare_cell(stance.party.slug, row)["latest_statement"]
        assert written == {**cell, "said_on": cell["said_on"].isoformat()}
        return cell["quote"], cell["speaker"], cell["url"], cell["document"]

    first = statement.document_id
    assert shown() == (statement.quote, "First name", "https://one.example/a", first)
    corrected = "The plan was fine, as corrected."
    Statement.objects.filter(pk=statement.pk).update(quote=corrected, end=F("start") + len(corrected))
    speaker.name = "Renamed"
    speaker.save()
    Document.objects.filter(pk=first).update(url="https://two.example/b")
    assert shown() == (corrected, "Renamed", "https://two.example/b", first)
    Actor.objects.filter(pk=speaker.pk).update(review_state=ReviewState.REJECTED)
    assert shown()[1] is None
    Actor.objects.filter(pk=speaker.pk).update(review_state=ReviewState.PENDING)
    assert shown()[1] == "Renamed"
    other = f.document(text="Another text.", url="https://three.example/c")
    Statement.objects.filter(pk=statement.pk).update(document=other, speaker=f.actor(name="Someone else"))
    assert shown() == (corrected, "Someone else", "https://three.example/c", other.pk)
    Statement.objects.filter(pk=statement.pk).update(speaker=None)
    assert shown()[1] is None
    assert_rebuild_changes_nothing()
