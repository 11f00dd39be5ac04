"""The comparison's answer written by `plain.represented` from the read model of runs is, byte for byte, the one
DRF's serializer wrote from the evidence counted at each request; `represented` gives what `.data` gives."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import path
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.throttling import SimpleRateThrottle

from positions import selectors
from positions.api import comparison
from positions.api.comparison import CompareSerializer, CompareView
from positions.api.plain import represented
from positions.models import Negotiation, Party, Stance, Statement
from positions.vocabularies import ReviewState
from tests import factories as f

urlpatterns = [path("api/v1/compare", CompareView.as_view(), name="api-compare")]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]

SEED = "nato-russia-missile-defence"
DAYS = ["2009-01-01", "2010-11-20", "2011-12-06", "2012-06-30", "2013-12-31"]


@pytest.fixture(autouse=True)
def unthrottled(monkeypatch, settings):
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {"anon": None, "user": None})
    settings.ANSWER_CACHE = False  # every answer built


def _counted_and_drf(monkeypatch):
    """The answer as it was built before the read model's evidence figures and `represented`."""

    def counted(*, negotiation, as_of, parties, include_pending):
        args = {"negotiation": negotiation, "as_of": as_of, "include_pending": include_pending, "known_at": None}
        return selectors._cells_known(args=args, parties=parties)

    monkeypatch.setattr(selectors, "stance_cells_as_of", counted)
    monkeypatch.setattr(comparison, "represented", lambda serializer_class, data: serializer_class(data).data)


def _answers(client, negotiation: str) -> dict[str, bytes]:
    queries = [{"as_of": day} for day in DAYS]
    queries += [{"as_of": day, "approved_only": "true"} for day in DAYS]
    queries += [{"as_of": "2012-06-30", "parties": "united-states,russia"}]
    found = {}
    for query in queries:
        response = client.get("/api/v1/compare", {"negotiation": negotiation, **query})
        assert response.status_code == 200, response.content
        found[json.dumps(query)] = response.content
    return found


def test_it_answers_the_seed_byte_for_byte_as_before(client, seeded, monkeypatch):
    now = _answers(client, SEED)
    with monkeypatch.context() as patched:
        _counted_and_drf(patched)
        before = _answers(client, SEED)
    assert now == before
    shown = json.loads(now[json.dumps({"as_of": "2013-12-31"})])
    assert any(cell["statements"] > 1 for row in shown["proposals"] for cell in row["cells"])


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
    now = _answers(client, SEED)
    with monkeypatch.context() as patched:
        _counted_and_drf(patched)
        assert _answers(client, SEED) == now


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
