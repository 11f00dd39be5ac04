"""The comparison's answer, read by one query (selectors.comparison_read), written without DRF's fields and by orjson,
is byte for byte the one DRF's serializer and renderer wrote from the ORM's reads with the evidence counted at each
request; a proposal's history written by `represented` and orjson is DRF's; `represented` gives what `.data` gives."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import path
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.throttling import SimpleRateThrottle

from positions import selectors
from positions.api.comparison import CompareSerializer, CompareView, ProposalHistorySerializer, ProposalHistoryView
from positions.api.plain import represented
from positions.api.serializers import StatementSerializer
from positions.models import Actor, Negotiation, Party, Proposal, Stance, StanceRun, Statement
from positions.vocabularies import ReviewState
from tests import factories as f

urlpatterns = [
    path("api/v1/compare", CompareView.as_view(), name="api-compare"),
    path("api/v1/proposals/<int:pk>/history", ProposalHistoryView.as_view(), name="api-proposal-history"),
]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

SEED = "nato-russia-missile-defence"
DAYS = ["2009-01-01", "2010-11-20", "2011-12-06", "2012-06-30", "2013-12-31"]
QUERIES = [{"as_of": day} for day in DAYS]
QUERIES += [{"as_of": day, "approved_only": "true"} for day in DAYS]
QUERIES += [{"as_of": "2012-06-30", "parties": "united-states,russia"}, {}, {"approved_only": "true"}]


@pytest.fixture(autouse=True)
def unthrottled(monkeypatch, settings):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None})
    settings.ANSWER_CACHE = False  # every answer built


def _answers(client, negotiation: str) -> dict[str, bytes]:
    found = {}
    for query in QUERIES:
        response = client.get("/api/v1/compare", {"negotiation": negotiation, **query})
        assert response.status_code == 200, response.content
        found[json.dumps(query)] = response.content
    return found


def _answers_before(monkeypatch, slug: str) -> dict[str, bytes]:
    """The answers as they were built before the read model's evidence figures, the one query and orjson: the ORM's
    reads (`positions_compare`) with each run's evidence counted from its links, DRF's serializer and renderer."""

    def counted(*, negotiation, as_of, parties, include_pending):
        args = {"negotiation": negotiation, "as_of": as_of, "include_pending": include_pending, "known_at": None}
        return selectors._cells_known(args=args, parties=parties)

    negotiation = Negotiation.objects.get(slug=slug)
    found = {}
    with monkeypatch.context() as patched:
        patched.setattr(selectors, "stance_cells_as_of", counted)
        for query in QUERIES:
            slugs = query["parties"].split(",") if "parties" in query else None
            if "as_of" in query:
                as_of = date.fromisoformat(query["as_of"])
            else:
                as_of = selectors.negotiation_default_date(negotiation=negotiation, today=timezone.localdate())
            matrix = selectors.positions_compare(
                negotiation=negotiation,
                as_of=as_of,
                parties=selectors.negotiation_parties(negotiation=negotiation, slugs=slugs),
                include_pending=query.get("approved_only") != "true",
            )
            found[json.dumps(query)] = JSONRenderer().render(CompareSerializer(matrix).data)
    return found


def test_it_answers_the_seed_byte_for_byte_as_before(client, seeded, monkeypatch):
    now = _answers(client, SEED)
    assert now == _answers_before(monkeypatch, SEED)
    shown = json.loads(now[json.dumps({"as_of": "2013-12-31"})])
    assert any(cell["statements"] > 1 for row in shown["proposals"] for cell in row["cells"])
    assert any(row["deadlines"] for row in shown["proposals"]), "the seed's deadlines are in the comparison"
    assert any(cell["latest_statement"] is None for row in shown["proposals"] for cell in row["cells"])


def test_it_answers_byte_for_byte_as_before_after_curators_edit_the_evidence(client, seeded, monkeypatch):
    russia = Party.objects.get(slug="russia")
    stances = list(Stance.objects.filter(party=russia).order_by("id"))
    statements = list(Statement.objects.filter(party=russia).order_by("id")[:6])
    stances[0].evidence.add(*statements[:3])
    stances[-1].evidence.add(statements[3])
    Statement.objects.filter(pk=statements[4].pk).update(review_state=ReviewState.REJECTED)
    Statement.objects.filter(pk=statements[5].pk).update(said_on=date(2013, 1, 2), party=None)
    f.stance(
        proposal=stances[0].proposal, party=russia, effective=date(2013, 6, 1), stance=stances[0].stance
    ).evidence.add(f.statement(party=russia, said_on=date(2013, 6, 1)))
    shown = StanceRun.objects.exclude(shown_statement=None).order_by("id").values("shown_statement__speaker")[:1]
    assert Actor.objects.filter(pk__in=shown).update(review_state=ReviewState.REJECTED) == 1  # quoted without name
    assert _answers(client, SEED) == _answers_before(monkeypatch, SEED)


def test_it_answers_each_proposal_s_history_byte_for_byte_as_drf_wrote_it(client, seeded):
    for proposal in Proposal.objects.filter(negotiation__slug=SEED).order_by("id"):
        response = client.get(f"/api/v1/proposals/{proposal.id}/history")
        assert response.status_code == 200, response.content
        history = selectors.proposal_history(proposal_id=proposal.id)
        assert response.content == JSONRenderer().render(ProposalHistorySerializer(history).data), proposal.slug


class _Inner(serializers.Serializer):
    when = serializers.DateTimeField()
    day = serializers.DateField(allow_null=True)


class _Outer(serializers.Serializer):
    number = serializers.IntegerField()
    name = serializers.CharField()
    flag = serializers.BooleanField()
    choice = serializers.ChoiceField(choices=[("a", "A"), ("1", "one")])
    optional = serializers.CharField(required=False)
    defaulted = serializers.IntegerField(default=7)
    computed = serializers.SerializerMethodField()
    inner = _Inner(allow_null=True)
    inners = _Inner(many=True)

    def get_computed(self, instance) -> str:
        return f"computed from {instance['name']}"


def test_represented_gives_what_drf_gives_for_every_kind_of_value():
    moment = datetime(2012, 5, 1, 12, 30, tzinfo=UTC)
    rows = [
        {
            "number": 3,
            "name": "plain",
            "flag": True,
            "choice": "a",
            "optional": "here",
            "defaulted": 1,
            "inner": {"when": moment, "day": date(2012, 5, 1)},
            "inners": [{"when": moment, "day": None}, {"when": moment + timedelta(hours=1), "day": date(2013, 1, 1)}],
        },
        # Values of other types than the converters expect, keys missing, a nested value that is not a dict.
        {
            "number": True,
            "name": 5,
            "flag": "yes",
            "choice": 1,
            "inner": None,
            "inners": [],
        },
    ]
    for row in rows:
        assert represented(_Outer, row) == _Outer(row).data
        assert JSONRenderer().render(represented(_Outer, row)) == JSONRenderer().render(_Outer(row).data)


def test_represented_gives_what_drf_gives_for_the_comparison(seeded):
    negotiation = Negotiation.objects.get(slug=SEED)
    parties = selectors.negotiation_parties(negotiation=negotiation)
    for day in DAYS:
        found = selectors.positions_compare(negotiation=negotiation, as_of=date.fromisoformat(day), parties=parties)
        assert represented(CompareSerializer, found) == CompareSerializer(found).data


def test_a_statement_list_s_entries_are_written_as_drf_writes_the_statements():
    """selectors.statement_entries, written by `represented`, is StatementSerializer's output of the same rows read as
    model instances (statements_visible, as the list read them before): every reference present and absent, topics
    of two negotiations, a rejected speaker and a rejected statement, for the public and for a curator."""
    later, earlier = f.negotiation(title="Zeta talks"), f.negotiation(title="Alpha talks")
    topics = [f.issue(negotiation=later, key="b-key"), f.issue(negotiation=later, key="a-key")]
    topics.append(f.issue(negotiation=earlier, key="z-key"))
    document = f.document("The minister said the plan.", url="https://example.org/a", published=date(2011, 2, 3))
    full = f.statement(
        document=document,
        speaker=f.actor(),
        party=f.party(),
        addressee=f.party(),
        proposal=f.proposal(),
        kind="demand",
        confidence=0.375,
        proposes_new=True,
        said_precision="month",
    )
    full.topics.set(topics)
    bare = f.statement()  # no speaker, party, addressee, proposal or topics; a document without a date
    unnamed = f.statement(speaker=f.actor(review_state=ReviewState.REJECTED), party=f.party())
    unnamed.topics.set(topics[2:])
    rejected = f.statement(review_state=ReviewState.REJECTED, speaker=f.actor())
    ids = [unnamed.pk, rejected.pk, 10**9, full.pk, bare.pk]  # any order; an id that names nothing is left out
    for curator in (False, True):
        entries = selectors.statement_entries(ids=ids, curator=curator)
        instances = selectors.rows_by_ids(rows=selectors.statements_visible(curator=curator), ids=ids)
        written = [represented(StatementSerializer, entry) for entry in entries]
        assert written == StatementSerializer(instances, many=True).data
        assert JSONRenderer().render(written) == JSONRenderer().render(StatementSerializer(instances, many=True).data)
        assert [s["id"] for s in written] == [unnamed.pk, *([rejected.pk] if curator else []), full.pk, bare.pk]
        assert written[-2]["topics"] == ["z-key", "a-key", "b-key"]  # by negotiation title, then key
        assert (written[0]["speaker"] is None) is not curator
