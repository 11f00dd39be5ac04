"""A worker's lexicon (selectors.lexicon_cached): loaded once, kept until a write of migration 0023's triggers."""

import threading
from datetime import date

import pytest
from django.db import connection, transaction

from positions import selectors
from positions.models import Actor, Issue, LexiconWrite, Negotiation, Party, Proposal, Role
from positions.services import ingest, lexicon_writes_compact
from positions.vocabularies import ReviewState
from tests import factories
from tests.test_ingest import serve_feed

pytestmark = pytest.mark.django_db


@pytest.fixture
def loads(monkeypatch) -> list:
    """The calls of lexicon_load, from a process that has kept no lexicon yet."""
    calls = []
    load = selectors.lexicon_load

    def counted(*, negotiation=None):
        calls.append(negotiation)
        return load(negotiation=negotiation)

    monkeypatch.setattr(selectors, "_LEXICONS", {})
    monkeypatch.setattr(selectors, "lexicon_load", counted)
    return calls


@pytest.fixture
def known():
    speaker = factories.actor(name="Anders Fogh Rasmussen")
    factories.role(actor=speaker, party=factories.party(name="NATO"))
    return speaker


def test_it_loads_the_lexicon_once_for_many_documents(site, known, loads):
    source = serve_feed(site, 4)
    result = ingest.source_poll(source_id=source.pk, trigger="test")
    assert [ingest.item_process(item_id=pk) for pk in result.new_item_ids] == ["done"] * 4
    assert loads == [None]


def test_a_negotiation_s_lexicon_is_kept_apart_from_another_s(known, loads):
    first, second = factories.negotiation(), factories.negotiation()
    factories.issue(negotiation=first, key="deployment")
    for _ in range(2):
        assert [t.key for t in selectors.lexicon_cached(negotiation=first).topics] == ["deployment"]
        assert selectors.lexicon_cached(negotiation=second).topics == ()
    assert loads == [first, second]


def approve(actor: Actor) -> None:
    Actor.objects.filter(pk=actor.pk).update(review_state=ReviewState.APPROVED)


CHANGES = {
    "a party's alias": lambda actor: Party.objects.filter(name="NATO").update(aliases=["the Alliance"]),
    "a new party": lambda actor: factories.party(name="Iran"),
    "an approved actor's alias": lambda actor: Actor.objects.filter(pk=actor.pk).update(aliases=["Rasmussen"]),
    "an approved actor's role": lambda actor: factories.role(actor=actor, title="Prime Minister"),
    "a role's end": lambda actor: Role.objects.filter(actor=actor).update(end=date(2014, 9, 30)),
    "a deleted role": lambda actor: Role.objects.filter(actor=actor).delete(),
    "a pending actor approved": lambda actor: approve(factories.actor(review_state=ReviewState.PENDING)),
    "an actor rejected": lambda actor: Actor.objects.filter(pk=actor.pk).update(review_state=ReviewState.REJECTED),
    "an issue's keywords": lambda actor: Issue.objects.filter(pk=factories.issue().pk).update(keywords=["radar"]),
    "a proposal's title": lambda actor: Proposal.objects.filter(pk=factories.proposal().pk).update(title="Two centres"),
    "a negotiation's title": lambda actor: Negotiation.objects.update(title="NATO–Russia missile defence talks"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_it_loads_the_lexicon_again_after_a_change_to_what_it_holds(known, loads, change):
    factories.negotiation()
    kept = selectors.lexicon_cached()
    before = selectors.lexicon_version()
    CHANGES[change](known)

    assert selectors.lexicon_version() != before
    assert selectors.lexicon_cached() == selectors.lexicon_load() != kept
    assert selectors.lexicon_cached() == selectors.lexicon_load()
    assert len(loads) == 4  # the first, the reload after the change, and the two fresh loads compared with


def test_the_speakers_and_roles_the_ingest_suggests_leave_the_lexicon_as_it_is(known, loads):
    selectors.lexicon_cached()
    before = selectors.lexicon_version()

    pending = factories.actor(name="Dmitry Rogozin", review_state=ReviewState.PENDING)
    factories.role(actor=pending, party=Party.objects.get(name="NATO"), title="Envoy")
    Role.objects.filter(actor=pending).update(start=date(2011, 1, 1))
    Actor.objects.filter(pk=pending.pk).update(aliases=["Rogozin"])

    assert selectors.lexicon_version() == before
    selectors.lexicon_cached()
    assert len(loads) == 1


def test_a_write_rolled_back_never_gives_its_number_to_other_data(known, loads):
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.party(name="Iran")
        rolled_back = selectors.lexicon_version()
        assert any(p.name == "Iran" for p in selectors.lexicon_cached().parties)
        raise RuntimeError
    factories.party(name="Syria")

    assert selectors.lexicon_version() not in ("0.0", rolled_back)
    names = {p.name for p in selectors.lexicon_cached().parties}
    assert "Syria" in names and "Iran" not in names


def test_folding_the_writes_moves_the_version_once_to_one_never_seen(known, loads):
    seen = {selectors.lexicon_version()}
    for name in ("Iran", "Syria", "Cuba"):
        factories.party(name=name)
        seen.add(selectors.lexicon_version())
    before = selectors.lexicon_cached()
    rows = LexiconWrite.objects.count()
    assert rows >= 4

    assert lexicon_writes_compact() == rows
    assert LexiconWrite.objects.count() == 1
    folded = selectors.lexicon_version()
    assert folded not in seen
    assert lexicon_writes_compact() == 0 and selectors.lexicon_version() == folded  # one row: nothing to fold
    assert selectors.lexicon_cached() == before and len(loads) == 2  # loaded again once, the same lexicon
    factories.party(name="Libya")
    assert selectors.lexicon_version() not in {*seen, folded}
    assert "Libya" in {p.name for p in selectors.lexicon_cached().parties}


@pytest.mark.django_db(transaction=True)
def test_two_writers_of_the_lexicon_do_not_wait_for_each_other():
    first, second = factories.party(), factories.party()
    written, done = threading.Event(), threading.Event()

    def curator():
        try:
            with transaction.atomic():
                Party.objects.filter(pk=first.pk).update(aliases=["first"])
                written.set()
                done.wait(20)
        finally:
            connection.close()

    thread = threading.Thread(target=curator)
    thread.start()
    try:
        assert written.wait(20)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            Party.objects.filter(pk=second.pk).update(aliases=["second"])
    finally:
        done.set()
        thread.join()


def test_a_negotiation_s_lexicon_knows_its_sides_and_loads_again_when_they_change(known, loads):
    negotiation = factories.negotiation()
    nato = Party.objects.get(name="NATO")
    assert selectors.lexicon_cached(negotiation=negotiation).sides == ()
    assert selectors.lexicon_cached().sides == ()  # read for every negotiation: every party is a side
    before = selectors.lexicon_version()
    negotiation.parties.add(nato)

    assert selectors.lexicon_version() != before
    assert selectors.lexicon_cached(negotiation=negotiation).sides == ("NATO",)
    negotiation.parties.remove(nato)
    assert selectors.lexicon_cached(negotiation=negotiation).sides == ()
    assert len(loads) == 4
