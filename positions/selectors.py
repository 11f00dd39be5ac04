"""Reads: who spoke for whom on a date, and each proposal's status and stances as of a date.

"As of D" follows DESIGN.md: for each (party, proposal) the latest stance with effective <= D,
for each proposal the latest status with effective <= D. Rejected rows never count; pending
ones count unless `include_pending=False`. On the same day an approved row wins over a pending
one, then the one recorded last.

A stance or status is a run: it began when first stated and holds until a different value is in
force. A row that repeats the value in force the day before is a restatement: it adds evidence,
not a change. "Since" is the run's start; the changes list only the rows that start a run.

The stance and status in force as now known are read from the read model of runs (positions.models.runs,
kept by triggers in the transaction of every write): one range lookup on `validity`. The history itself
answers what needs every row (changes, timelines, summaries) and every read as known at a past moment.

"As known at K" (`known_at`): the same reads over the rows as the tracker held them at moment K, read
from the audit history (django-simple-history's records: each row's latest record by K, unless that
record is its deletion), so that a citation's answer stays the same after curators change things. The
proposals, stances, status changes and their evidence links are read as they were; the statements
themselves (their quotes, documents and review) as they are now. `known_at=None` is now.
"""

import calendar
import gzip
import hashlib
import json
import logging
import os
import re
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from typing import TypeVar

import orjson
import psycopg
from django.conf import settings
from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connection, connections, transaction
from django.db.backends.postgresql.base import ServerBindingCursor
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    Exists,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from psycopg import pq

from positions.filters import InvalidFilters, StatementFilter
from positions.models import (
    Actor,
    Deadline,
    Delivery,
    Document,
    Issue,
    Negotiation,
    Party,
    Proposal,
    ProposalRelation,
    Role,
    ScalePosition,
    Stance,
    StanceRun,
    Statement,
    StatusChange,
    StatusRun,
    Subscription,
)
from positions.statements.records import ActorEntry, Lexicon, PartyEntry, ProposalEntry, RoleEntry, TopicEntry
from positions.vocabularies import (
    CAMEO_ROOT,
    DEADLINE_CLOSED,
    DEADLINE_MET,
    KIND_MEANINGS,
    RELATION_WORDS,
    STANCE_MEANINGS,
    STATUS_MEANINGS,
    DeadlineState,
    ProposalStatus,
    ReviewState,
    StanceValue,
    StatementKind,
)

T = TypeVar("T")
logger = logging.getLogger(__name__)

_APPROVED_FIRST = Case(
    When(review_state=ReviewState.APPROVED, then=Value(0)), default=Value(1), output_field=IntegerField()
)


def _visible(include_pending: bool) -> Q:
    if include_pending:
        return ~Q(review_state=ReviewState.REJECTED)
    return Q(review_state=ReviewState.APPROVED)


def role_on(*, actor: Actor, on: date) -> Role | None:
    """The role an actor held on a date; with overlapping roles, one that speaks for its party,
    then the one taken up last (a minister who is also a party official speaks as minister)."""
    return (
        Role.objects.filter(actor=actor, start__lte=on)
        .filter(Q(end__isnull=True) | Q(end__gte=on))
        .select_related("party")
        .order_by("-speaks_for_party", "-start", "-id")
        .first()
    )


def party_for_actor_on(*, actor: Actor, on: date) -> Party | None:
    role = role_on(actor=actor, on=on)
    return role.party if role else None


def rows_known(model, *, known_at: datetime | None) -> QuerySet:
    """The rows of a model with audit history as the tracker held them at `known_at`, or as they are now
    when None. As known, they are history records (the row's fields and `id`, its own foreign keys): each
    row's latest record by then (DISTINCT ON, one pass over the history's index), left out when that
    record is its deletion. Every read below runs on either, in the same number of queries."""
    if known_at is None:
        return model.objects.all()
    records = model.history.filter(history_date__lte=known_at)
    latest = records.order_by("id", "-history_date", "-history_id").distinct("id").values("history_id")
    return model.history.filter(history_id__in=latest).exclude(history_type="-").order_by()


def _evidence_links(model, *, known_at: datetime | None) -> tuple[QuerySet, str]:
    """The evidence links (statement, row) of a stance or status change model as known at `known_at`, and
    the path from a link to its row (its model's name now, `history` as known). Either has `<model>_id`."""
    if known_at is None:
        return model.evidence.through.objects.all(), model._meta.model_name
    copied = model.history.model.evidence.model  # simple-history's copy of the links of each record
    return copied.objects.filter(history__in=rows_known(model, known_at=known_at)), "history"


def _of_negotiation(negotiation: Negotiation, known_at: datetime | None) -> Q:
    """Rows (stances, status changes) on the negotiation's proposals, as known at `known_at`: by the
    proposals' own history, since a proposal merged away since then is no longer there to join."""
    if known_at is None:
        return Q(proposal__negotiation=negotiation)
    return Q(proposal_id__in=rows_known(Proposal, known_at=known_at).filter(negotiation=negotiation).values("id"))


def proposals_as_of(*, negotiation: Negotiation, as_of: date, known_at: datetime | None = None) -> QuerySet[Proposal]:
    """Proposals already on the table on that date (as known at `known_at`)."""
    return (
        rows_known(Proposal, known_at=known_at)
        .filter(negotiation=negotiation, first_stated__lte=as_of)
        .select_related("issue", "proponent")
        .order_by("issue__key", "first_stated", "title")
    )


# What a run needs of each row: the whole history up to the date is read, not just the rows in force.
_RUN_FIELDS = ("id", "proposal_id", "effective", "review_state", "recorded_at")


def _stance_rows(
    *,
    as_of: date,
    negotiation: Negotiation | None,
    proposals: Iterable[Proposal] | None,
    parties: Iterable[Party] | None,
    include_pending: bool,
    known_at: datetime | None = None,
) -> QuerySet[Stance]:
    stances = rows_known(Stance, known_at=known_at).filter(_visible(include_pending), effective__lte=as_of)
    if negotiation is not None:
        stances = stances.filter(_of_negotiation(negotiation, known_at))
    if proposals is not None:
        stances = stances.filter(proposal_id__in=[proposal.id for proposal in proposals])
    if parties is not None:
        stances = stances.filter(party__in=list(parties))
    return stances


def _in_force(
    *,
    as_of: date,
    negotiation: Negotiation | None,
    proposals: Iterable[Proposal] | None,
    include_pending: bool,
    parties: Iterable[Party] | None = None,
) -> Q:
    """Rows in force on `as_of` as now known, by the read model of runs (positions.models.runs): a negotiation's
    by one lookup on its GiST index, given proposals' by their rows' own index. A row is in force in at most
    one stretch per visibility: one join, no duplicates."""
    found = Q(in_force__public=not include_pending, in_force__validity__contains=as_of)
    if negotiation is not None:
        # btree_gist compares bigint with bigint only: a bare literal id is an integer and misses the index.
        found &= Q(in_force__negotiation_id=Cast(Value(negotiation.pk), BigIntegerField()))
    if proposals is not None:
        found &= Q(proposal_id__in=[proposal.id for proposal in proposals])
    if parties is not None:
        found &= Q(party__in=list(parties))
    return found


def _run_rows(run_model, *, as_of: date, include_pending: bool) -> ArraySubquery:
    """The ids of the rows that stated the run in force (annotated `since`) up to `as_of`, the first one first."""
    runs = run_model.objects.filter(
        proposal_id=OuterRef("proposal_id"),
        public=not include_pending,
        since=OuterRef("since"),
        validity__startswith__lte=as_of,
    )
    if run_model is StanceRun:
        runs = runs.filter(party_id=OuterRef("party_id"))
    return ArraySubquery(runs.order_by("validity").values("row_id"))


def stances_as_of(
    *,
    as_of: date,
    negotiation: Negotiation | None = None,
    proposals: Iterable[Proposal] | None = None,
    parties: Iterable[Party] | None = None,
    include_pending: bool = True,
    known_at: datetime | None = None,
) -> QuerySet[Stance]:
    """One stance per (proposal, party): the one in force on `as_of` (as known at `known_at`). One query."""
    scope = {"negotiation": negotiation, "proposals": proposals, "parties": parties}
    if known_at is None:
        stances = Stance.objects.filter(_in_force(as_of=as_of, **scope, include_pending=include_pending))
        return stances.select_related("party", "proposal").order_by("proposal_id", "party_id")
    stances = _stance_rows(as_of=as_of, **scope, include_pending=include_pending, known_at=known_at)
    return (
        stances.select_related("party", "proposal")
        .order_by("proposal_id", "party_id", "-effective", _APPROVED_FIRST, "-recorded_at", "-id")
        .distinct("proposal_id", "party_id")
    )


def stance_runs_as_of(
    *,
    as_of: date,
    negotiation: Negotiation | None = None,
    proposals: Iterable[Proposal] | None = None,
    parties: Iterable[Party] | None = None,
    include_pending: bool = True,
    known_at: datetime | None = None,
) -> list[Stance]:
    """The stances of `stances_as_of`, each with `since`, the day its run began, and `run`, the ids of
    the rows that stated it, the first one first. One query: on the read model of runs, or, as known at a
    past moment, over every row up to `as_of`."""
    scope = {"negotiation": negotiation, "proposals": proposals, "parties": parties}
    fields = (*_RUN_FIELDS, "stance", "party_id", "party__slug", "party__name")
    if known_at is None:
        stances = Stance.objects.filter(_in_force(as_of=as_of, **scope, include_pending=include_pending))
        stances = stances.annotate(since=F("in_force__since")).annotate(
            run=_run_rows(StanceRun, as_of=as_of, include_pending=include_pending)
        )
        return list(stances.select_related("party").only(*fields).order_by("proposal_id", "party_id"))
    stances = _stance_rows(as_of=as_of, **scope, include_pending=include_pending, known_at=known_at)
    return _runs_in_force(stances.select_related("party").only(*fields), "stance")


def stance_as_of(*, party: Party, proposal: Proposal, as_of: date, include_pending: bool = True) -> Stance | None:
    return stances_as_of(as_of=as_of, proposals=[proposal], parties=[party], include_pending=include_pending).first()


def _status_rows(
    *,
    as_of: date,
    negotiation: Negotiation | None,
    proposals: Iterable[Proposal] | None,
    include_pending: bool,
    known_at: datetime | None = None,
) -> QuerySet[StatusChange]:
    changes = rows_known(StatusChange, known_at=known_at).filter(_visible(include_pending), effective__lte=as_of)
    if negotiation is not None:
        changes = changes.filter(_of_negotiation(negotiation, known_at))
    if proposals is not None:
        changes = changes.filter(proposal_id__in=[proposal.id for proposal in proposals])
    return changes


def statuses_as_of(
    *,
    as_of: date,
    negotiation: Negotiation | None = None,
    proposals: Iterable[Proposal] | None = None,
    include_pending: bool = True,
    known_at: datetime | None = None,
) -> QuerySet[StatusChange]:
    """One status change per proposal: the one in force on `as_of` (as known at `known_at`). One query."""
    scope = {"negotiation": negotiation, "proposals": proposals, "include_pending": include_pending}
    if known_at is None:
        changes = StatusChange.objects.filter(_in_force(as_of=as_of, **scope))
        return changes.select_related("proposal").order_by("proposal_id")
    changes = _status_rows(as_of=as_of, **scope, known_at=known_at)
    return (
        changes.select_related("proposal")
        .order_by("proposal_id", "-effective", _APPROVED_FIRST, "-recorded_at", "-id")
        .distinct("proposal_id")
    )


def status_as_of(*, proposal: Proposal, as_of: date, include_pending: bool = True) -> StatusChange | None:
    return statuses_as_of(as_of=as_of, proposals=[proposal], include_pending=include_pending).first()


def status_runs_as_of(
    *,
    as_of: date,
    negotiation: Negotiation | None = None,
    proposals: Iterable[Proposal] | None = None,
    include_pending: bool = True,
    known_at: datetime | None = None,
) -> list[StatusChange]:
    """The status changes of `statuses_as_of`, each with `since` and `run` as in `stance_runs_as_of`.
    One query."""
    scope = {"negotiation": negotiation, "proposals": proposals, "include_pending": include_pending}
    if known_at is None:
        changes = StatusChange.objects.filter(_in_force(as_of=as_of, **scope))
        changes = changes.annotate(since=F("in_force__since")).annotate(
            run=_run_rows(StatusRun, as_of=as_of, include_pending=include_pending)
        )
        return list(changes.only(*_RUN_FIELDS, "status").order_by("proposal_id"))
    changes = _status_rows(as_of=as_of, **scope, known_at=known_at)
    return _runs_in_force(changes.only(*_RUN_FIELDS, "status"), "status")


def _runs_in_force(rows, field: str) -> list:
    """The row in force at the end of each (proposal, party) history of these rows, with its run's
    start as `since` and the ids of its run's rows, oldest first, as `run`."""
    found = []
    for history in _histories(rows, field):
        row, previous, since = history[-1]
        before = {r.id: p for r, p, _ in history}
        run = [row.id]
        while _restates(field, row, previous):
            run.append(previous.id)
            previous = before[previous.id]
        row.since, row.run = since, run[::-1]
        found.append(row)
    return found


def actors_visible(*, curator: bool) -> QuerySet[Actor]:
    """Speakers a reader may see: a rejected one is gone from every public surface."""
    return Actor.objects.all() if curator else Actor.objects.exclude(review_state=ReviewState.REJECTED)


def speaker_shown(*, curator: bool, path: str = "speaker") -> FilteredRelation:
    """The speaker at `path` as a reader may see it, for filters and exported columns (annotate it as
    `shown_speaker`): for the public, no speaker when a curator rejected it."""
    states = [state for state in ReviewState.values if curator or state != ReviewState.REJECTED]
    return FilteredRelation(path, condition=Q(**{f"{path}__review_state__in": states}))


def _public_speakers() -> Prefetch:
    # The statement stays public (its party still spoke) but `statement.speaker` is None, so no
    # template, serializer or label can show the rejected name.
    return Prefetch("speaker", queryset=actors_visible(curator=False))


def statements_visible(*, curator: bool) -> QuerySet[Statement]:
    """Statements a reader may see: the public never sees rejected ones, nor the speakers a curator
    rejected (the statement shows none); curators see all. `shown_speaker` is the speaker the reader
    may see, for filters."""
    statements = Statement.objects.select_related("document", "party", "addressee", "proposal")
    statements = statements.annotate(shown_speaker=speaker_shown(curator=curator))
    # A statement names its document; the document's whole text (and MinHash) would be read for every
    # row of a list for nothing: a tenth of the list's time at 1,000,000 statements (docs/benchmarks.md).
    statements = statements.defer("document__text", "document__minhash").prefetch_related("topics")
    if curator:
        return statements.select_related("speaker")
    return statements.exclude(review_state=ReviewState.REJECTED).prefetch_related(_public_speakers())


def statements_rows(*, matching: QuerySet[Statement], fields: list, curator: bool) -> QuerySet:
    """The matching statements once each, by said_on then id, as tuples of `fields` (value paths or
    expressions, which may use `shown_speaker`). One query."""
    # A semi-join keeps each statement once without DISTINCT over every field (topic filters join).
    rows = Statement.objects.filter(pk__in=matching.values("pk"))
    rows = rows.annotate(shown_speaker=speaker_shown(curator=curator))
    return rows.order_by("said_on", "id").values_list(*fields)


def statements_matching(*, filters: Mapping[str, str], curator: bool) -> QuerySet[Statement]:
    """The statements a reader may see that match the statement filters (positions/filters.py: the
    API's list and exports take the same ones), full-text search included. Raises InvalidFilters,
    naming each bad value, when one is malformed or names nothing."""
    filterset = StatementFilter(filters, queryset=statements_visible(curator=curator))
    if not filterset.is_valid():
        raise InvalidFilters(filterset.errors)
    return filterset.qs


_ENTRY_FIELDS = (
    "id",
    "quote",
    "start",
    "end",
    "mode",
    "cue",
    "said_on",
    "said_precision",
    "kind",
    "proposes_new",
    "confidence",
    "extractor_version",
    "review_state",
    "created_at",
)
_ENTRY_REFERENCES = (  # each reference's fields, those of the API's reference serializers
    ("document", ("id", "title", "url", "publisher", "published")),
    ("speaker", ("id", "slug", "name")),
    ("party", ("id", "slug", "name")),
    ("addressee", ("id", "slug", "name")),
)


def statement_entries(*, ids: list[int], curator: bool) -> list[dict]:
    """The statements with these ids that a reader may see (statements_visible's rule), in the ids' order, as
    plain dicts: their own fields, `proposal` as its id, `document`, `speaker`, `party` and `addressee` as dicts
    of their reference fields (None when absent; for the public, a speaker a curator rejected is absent) and
    `topics` as the issues' keys in the issues' order. What a list's page is written from (plain.represented),
    without a model instance per row and per reference. Two queries however many ids: the statements with
    their references, then their topics."""
    rows = Statement.objects.filter(pk__in=ids)
    if not curator:
        rows = rows.exclude(review_state=ReviewState.REJECTED)
    paths = [*_ENTRY_FIELDS, "proposal_id", "speaker__review_state"]
    paths += [f"{name}__{field}" for name, fields in _ENTRY_REFERENCES for field in fields]
    own = len(_ENTRY_FIELDS)
    found = {}
    for values in rows.order_by().values_list(*paths):
        entry = dict(zip(_ENTRY_FIELDS, values[:own], strict=True))
        entry["proposal"], speaker_state = values[own], values[own + 1]
        at = own + 2
        for name, fields in _ENTRY_REFERENCES:
            reference = values[at : at + len(fields)]
            at += len(fields)
            hidden = name == "speaker" and not curator and speaker_state == ReviewState.REJECTED
            entry[name] = None if reference[0] is None or hidden else dict(zip(fields, reference, strict=True))
        entry["topics"] = []
        found[entry["id"]] = entry
    if found:
        links = Statement.topics.through.objects.filter(statement_id__in=list(found))
        links = links.order_by("issue__negotiation", "issue__key")  # Issue.Meta's order: by negotiation (its title)
        for statement, key in links.values_list("statement_id", "issue__key"):
            found[statement]["topics"].append(key)
    return [found[pk] for pk in ids if pk in found]


# --- Statements as a table: the query of the CSV exports (the API's and the search page's) ---------

EXPORT_CHUNK_SIZE = 2000  # rows per fetch from the server-side cursor

CAMEO = Case(
    *(When(kind=kind, then=Value(code)) for kind, code in CAMEO_ROOT.items()),
    default=Value(""),
    output_field=CharField(),
)
# A correlated subquery, not a join: a join would be narrowed by a `topic=` filter on the same
# relation, and the row would list only the topic asked for.
TOPIC_KEYS = Subquery(
    Statement.topics.through.objects.filter(statement_id=OuterRef("pk"))
    .values("statement_id")
    .annotate(keys=StringAgg("issue__key", delimiter=";", order_by="issue__key"))
    .values("keys"),
    output_field=CharField(),
)

# (header, what the database returns for it). csv writes None as "" and a date as
# str(date), which is its ISO form. The speaker is `shown_speaker`: the one the reader may see.
STATEMENT_COLUMNS = [
    ("statement_id", "id"),
    ("said_on", "said_on"),
    ("said_precision", "said_precision"),
    ("document_id", "document_id"),
    ("document_url", "document__url"),
    ("document_title", "document__title"),
    ("publisher", "document__publisher"),
    ("published", "document__published"),
    ("speaker_id", "shown_speaker__id"),
    ("speaker", "shown_speaker__name"),
    ("party_id", "party_id"),
    ("party", "party__name"),
    ("addressee", "addressee__name"),
    ("mode", "mode"),
    ("cue", "cue"),
    ("kind", "kind"),
    ("cameo", CAMEO),
    ("topics", TOPIC_KEYS),
    ("proposal_id", "proposal_id"),
    ("confidence", "confidence"),
    ("review_state", "review_state"),
    ("extractor_version", "extractor_version"),
    ("start", "start"),
    ("end", "end"),
    ("quote", "quote"),
]
EVENT_COLUMNS = [
    ("event_id", "id"),
    ("date", "said_on"),
    ("source_actor", Coalesce("shown_speaker__name", "party__name")),
    ("source_party", "party__name"),
    ("target", "addressee__name"),
    ("cameo_code", CAMEO),
    ("kind", "kind"),
    ("quote", "quote"),
    ("url", "document__url"),
    ("document_id", "document_id"),
]


def statements_table(
    *,
    matching: QuerySet[Statement],
    columns: list[tuple] = STATEMENT_COLUMNS,
    curator: bool,
    chunk_size: int = EXPORT_CHUNK_SIZE,
) -> tuple[list[str], Iterator[tuple]]:
    """The headers of `columns` and, lazily, one row of them per matching statement, by said_on then id,
    read from a server-side cursor `chunk_size` rows at a time: one query, flat memory, whatever the size."""
    rows = statements_rows(matching=matching, fields=[source for _, source in columns], curator=curator)
    return [header for header, _ in columns], rows.iterator(chunk_size=chunk_size)


def rows_visible(model, *, curator: bool) -> QuerySet:
    """Stances or status changes a reader may see (rejected ones are for curators only)."""
    return model.objects.all() if curator else model.objects.exclude(review_state=ReviewState.REJECTED)


# --- The read API: the comparison matrix, the changes between two dates, a proposal's timeline ----

# On the same day an approved row is in force before a pending one (rejected ones never are).
_REVIEW_RANK = {ReviewState.APPROVED: 0, ReviewState.PENDING: 1, ReviewState.REJECTED: 2}


def negotiation_by_slug(*, slug: str) -> Negotiation | None:
    return Negotiation.objects.filter(slug=slug).first()


def negotiation_parties(
    *, negotiation: Negotiation, slugs: Iterable[str] | None = None, own_order: bool = False
) -> list[Party]:
    """The negotiation's parties by name, or with `own_order` in the negotiation's own order, or, given
    slugs, those of them in the slugs' order.

    The own order is the order the parties were linked to the negotiation: the order its seed lists
    them (NATO, Russia, United States…), then any a curator added later. It does not depend on a date,
    so a page's columns stand still while its date moves. Slugs that are not parties to the
    negotiation are left out: the caller compares. One query.
    """
    if own_order:
        links = Negotiation.parties.through.objects.filter(negotiation=negotiation).select_related("party")
        links = links.only("id", "party__id", "party__slug", "party__name").order_by("id")
        return [link.party for link in links]
    parties = negotiation.parties.only("id", "slug", "name")
    if slugs is None:
        return list(parties.order_by("name"))
    slugs = list(slugs)
    by_slug = {party.slug: party for party in parties.filter(slug__in=slugs)}
    return [by_slug[slug] for slug in slugs if slug in by_slug]


def _party_ref(party: Party | None) -> dict | None:
    return None if party is None else {"id": party.id, "slug": party.slug, "name": party.name}


def _in_force_order(row) -> tuple:
    """Sort key whose maximum is the row in force, the order of stances_as_of and statuses_as_of."""
    return (row.effective, -_REVIEW_RANK.get(row.review_state, 2), row.recorded_at, row.id)


def _stance_evidence(*, stance_ids: list[int], known_at: datetime | None = None) -> dict[int, list[dict]]:
    """The evidence statements of these stances (as known at `known_at`), by stance id: one query on the
    through table (or its history)."""
    links, _ = _evidence_links(Stance, known_at=known_at)
    links = links.filter(stance_id__in=stance_ids)
    links = links.exclude(statement__review_state=ReviewState.REJECTED)
    links = links.annotate(shown_speaker=speaker_shown(curator=False, path="statement__speaker"))
    rows = links.order_by().values(
        "stance_id",
        "statement_id",
        "statement__quote",
        "statement__said_on",
        "statement__party_id",
        "shown_speaker__name",
        "statement__document_id",
        "statement__document__url",
    )
    by_stance: dict[int, list[dict]] = {}
    for row in rows:
        by_stance.setdefault(row["stance_id"], []).append(row)
    return by_stance


def _said_last(row: dict) -> tuple:
    return (row["statement__said_on"], row["statement_id"])


def _compare_cell(party: Party, stance: Stance | None, evidence: list[dict]) -> dict:
    """A cell of the matrix as known at a past moment: the stance's run and the statement shown for it, the
    latest of the party's own speakers' (a party's words are the best evidence of its stance), else of others'.
    As now known, `stance_cells_as_of` reads the same from the read model of runs."""
    own = [r for r in evidence if r["statement__party_id"] == party.id]
    shown = max(own or evidence, key=_said_last, default=None)
    latest = max(evidence, key=_said_last, default=None)
    return {
        "party": party.slug,
        "stance": stance.stance if stance else None,
        "since": stance.since if stance else None,
        "last_stated": stance and (latest["statement__said_on"] if latest else stance.effective),
        "review_state": stance.review_state if stance else None,
        "statements": len(evidence),
        "latest_statement": shown
        and {
            "id": shown["statement_id"],
            "quote": shown["statement__quote"],
            "said_on": shown["statement__said_on"],
            "speaker": shown["shown_speaker__name"],
            "url": shown["statement__document__url"],
            "document": shown["statement__document_id"],
        },
    }


def _no_stance(party: Party) -> dict:
    return empty_cell(party.slug)


def empty_cell(party_slug: str) -> dict:
    """A cell of the matrix where the party has no stance on the proposal (as `_compare_cell` writes one)."""
    return {
        "party": party_slug,
        "stance": None,
        "since": None,
        "last_stated": None,
        "review_state": None,
        "statements": 0,
        "latest_statement": None,
    }


def _cells_known(*, args: dict, parties: list[Party]) -> dict[tuple[int, int], dict]:
    """The cells with a stance, as known at `args["known_at"]`: each run's evidence counted from the history."""
    stances = {(s.proposal_id, s.party_id): s for s in stance_runs_as_of(**args, parties=parties)}
    evidence = _stance_evidence(stance_ids=[i for s in stances.values() for i in s.run], known_at=args["known_at"])
    cells = {}
    by_id = {party.id: party for party in parties}
    for key, stance in stances.items():
        # A statement may ground two rows of a run: it counts once.
        grounds = {r["statement_id"]: r for i in stance.run for r in evidence.get(i, [])}
        cells[key] = _compare_cell(by_id[stance.party_id], stance, list(grounds.values()))
    return cells


_CELL_FIELDS = (
    "proposal_id",
    "party_id",
    "stance",
    "since",
    "last_stated",
    "review_state",
    "statements",
    "shown_statement_id",
    "shown_quote",
    "shown_said_on",
    "shown_speaker_name",
    "shown_url",
    "shown_document_id",
)


def stance_cells_as_of(
    *, negotiation: Negotiation, as_of: date, parties: Iterable[Party], include_pending: bool = True
) -> dict[tuple[int, int], dict]:
    """The cells of the comparison matrix that have a stance on `as_of`, as now known, by (proposal id, party id):
    the stance in force, its run's start, when last stated, its review state, how many statements ground the run
    and the one shown first (`_compare_cell`'s, as `positions_compare` gives them). One query: the stretches in
    force (the GiST index of the read model of runs) with their row's review state and the figures they carry
    (migration 0025), with what each shows of its statement (0027: the speaker's name unless rejected, the URL)."""
    slugs = {party.id: party.slug for party in parties}
    found = Q(public=not include_pending, validity__contains=as_of, party_id__in=list(slugs))
    found &= Q(negotiation_id=Cast(Value(negotiation.pk), BigIntegerField()))  # bigint: see `_in_force`
    rows = StanceRun.objects.filter(found).order_by().values_list(*_CELL_FIELDS)
    return {(row[0], row[1]): compare_cell(slugs[row[1]], row) for row in rows}


def compare_cell(party_slug: str, row) -> dict:
    """A cell of the matrix with a stance, as `positions_compare` gives it, from a stretch of the read model of runs
    read in the order of `_CELL_FIELDS` (and of COMPARISON_SQL's cells)."""
    _, _, stance, since, last_stated, state, statements, shown, quote, said_on, speaker, url, document = row
    return {
        "party": party_slug,
        "stance": stance,
        "since": since,
        "last_stated": last_stated,
        "review_state": state,
        "statements": statements,
        "latest_statement": shown
        and {"id": shown, "quote": quote, "said_on": said_on, "speaker": speaker, "url": url, "document": document},
    }


@dataclass(frozen=True)
class StatusInForce:
    """A proposal's status run in force on a day: what the matrix and the deadlines read of it."""

    status: str
    since: date
    review_state: str


def statuses_in_force(
    *, negotiation: Negotiation, as_of: date, include_pending: bool = True
) -> dict[int, StatusInForce]:
    """The status run in force on `as_of` of each of the negotiation's proposals that has one, as now known, by
    proposal id: one lookup of the read model of runs (as `status_runs_as_of`, without the ids of the run's rows)."""
    found = Q(public=not include_pending, validity__contains=as_of)
    found &= Q(negotiation_id=Cast(Value(negotiation.pk), BigIntegerField()))  # bigint: see `_in_force`
    rows = StatusRun.objects.filter(found).order_by().values_list("proposal_id", "status", "since", "row__review_state")
    return {proposal: StatusInForce(status, since, state) for proposal, status, since, state in rows}


_PROPOSAL_FIELDS = (
    "id",
    "slug",
    "title",
    "issue__key",
    "proponent_id",
    "proponent__slug",
    "proponent__name",
    "kind",
    "first_stated",
)


def positions_compare(
    *,
    negotiation: Negotiation,
    as_of: date,
    parties: list[Party],
    include_pending: bool = True,
    known_at: datetime | None = None,
) -> dict:
    """The comparison matrix as of a date, as known at `known_at` (None: now): every proposal tabled by
    then (by issue key, first stated, title) with its status and, for each party in the given order,
    the stance in force: since when (its run's start), when last stated (its run's latest evidence, else its latest
    row's date), how many evidence statements ground its run and the one shown first.

    Each proposal carries its deadlines set by then with their state that day (`deadlines_as_of`) and
    `overdue`, whether any of them is past due and unmet.

    Rejected rows and statements never count, for anyone: they are not in force and ground
    nothing. Four queries whatever the size of the matrix as now known (the cells with their evidence figures are
    one lookup of the read model of runs, `stance_cells_as_of`), five as known at a past moment (each run's
    evidence counted from the history); deadlines as they are now.
    """
    proposals = proposals_as_of(negotiation=negotiation, as_of=as_of, known_at=known_at).values_list(*_PROPOSAL_FIELDS)
    args = {"negotiation": negotiation, "as_of": as_of, "include_pending": include_pending, "known_at": known_at}
    if known_at is None:
        scope = {"negotiation": negotiation, "as_of": as_of, "include_pending": include_pending}
        statuses = statuses_in_force(**scope)
        stances = stance_cells_as_of(**scope, parties=parties)
    else:
        statuses = {change.proposal_id: change for change in status_runs_as_of(**args)}
        stances = _cells_known(args=args, parties=parties)
    deadlines: dict[int, list[dict]] = {}
    # deadlines as they are now, also as known at a past moment; their states read the statuses as known then
    for entry in deadlines_as_of(
        negotiation=negotiation, as_of=as_of, include_pending=include_pending, statuses=statuses
    ):
        deadlines.setdefault(entry["proposal"]["id"], []).append(entry)

    rows = []
    for proposal, slug, title, issue, proponent, proponent_slug, proponent_name, kind, first_stated in proposals:
        status = statuses.get(proposal)
        cells = [stances.get((proposal, party.id)) or _no_stance(party) for party in parties]
        rows.append(
            {
                "id": proposal,
                "slug": slug,
                "title": title,
                "issue": issue,
                "proponent": proponent and {"id": proponent, "slug": proponent_slug, "name": proponent_name},
                "kind": kind,
                "first_stated": first_stated,
                "status": status
                and {"status": status.status, "since": status.since, "review_state": status.review_state},
                "deadlines": deadlines.get(proposal, []),
                "overdue": any(entry["overdue"] for entry in deadlines.get(proposal, [])),
                "cells": cells,
            }
        )
    parties_out = [_party_ref(party) for party in parties]
    return {
        "negotiation": negotiation.slug,
        "as_of": as_of,
        "known_at": known_at,
        "parties": parties_out,
        "proposals": rows,
    }


class _Planned(ServerBindingCursor):
    """A psycopg cursor that binds parameters on the server and prepares every statement it runs, so that PostgreSQL
    plans it once per connection (psycopg keeps the names, and prepares again after a ROLLBACK or a DISCARD ALL).
    Django leaves psycopg's own preparing off (for poolers in transaction mode: one must keep prepared statements
    per client, PgBouncer 1.21's max_prepared_statements, as for the data version's statement)."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)

    def _convert_query(self, query, params=None):
        # Kept for Django's query log, which reads it with client-side binding (last_executed_query): the
        # statement with its placeholders ($1…).
        self._query = found = super()._convert_query(query, params)
        return found


def planned_cursor():
    """Django's cursor (its checks, query log, execute wrappers and errors) over a `_Planned` cursor: for a read
    run at every request whose planning would cost PostgreSQL as much as a third of running it."""
    with connection.cursor() as opened:
        return type(opened)(_Planned(connection.connection), connection)


# The comparison matrix as now known in one statement, one round trip: the negotiation named by its slug and the
# day to read (the one asked, else `negotiation_default_date`'s), its parties by name, the proposals tabled by then
# with the status run in force (`statuses_in_force`), every stance cell in force (`stance_cells_as_of`, all the
# negotiation's parties) and whether any deadline is set by then. Lists come as JSON text: PostgreSQL writes a date
# in JSON as YYYY-MM-DD, as the answer shows it, and Python reads the text in one call of orjson's parser (140 µs
# for the 240 cells at 1,000,000 statements, against 350 for the standard library's).
COMPARISON_SQL = """
WITH asked AS (
    SELECT n.id, n.slug,
        coalesce(%(as_of)s::date, CASE WHEN n.ended < %(today)s::date THEN n.ended ELSE %(today)s::date END) AS as_of
    FROM positions_negotiation n
    WHERE n.slug = %(slug)s
)
SELECT a.id, a.slug, a.as_of,
    (SELECT json_agg(json_build_array(p.id, p.slug, p.name) ORDER BY p.name)
        FROM positions_negotiation_parties np JOIN positions_party p ON p.id = np.party_id
        WHERE np.negotiation_id = a.id)::text,
    (SELECT json_agg(
            json_build_array(
                p.id, p.slug, p.title, i.key, json_build_array(pp.id, pp.slug, pp.name), p.kind, p.first_stated,
                sr.status, sr.since, sr.review_state
            )
            ORDER BY i.key, p.first_stated, p.title
        )
        FROM positions_proposal p
        JOIN positions_issue i ON i.id = p.issue_id
        JOIN positions_party pp ON pp.id = p.proponent_id
        LEFT JOIN (
            -- the negotiation's statuses in force by one lookup of the GiST index, not one per proposal
            SELECT sr.proposal_id, sr.status, sr.since, sc.review_state
            FROM positions_statusrun sr JOIN positions_statuschange sc ON sc.id = sr.row_id
            WHERE sr.negotiation_id = a.id AND sr.validity @> a.as_of AND sr.public = %(public)s
        ) sr ON sr.proposal_id = p.id
        WHERE p.negotiation_id = a.id AND p.first_stated <= a.as_of)::text,
    (SELECT json_agg(
            json_build_array(
                r.proposal_id, r.party_id, r.stance, r.since, r.last_stated, r.review_state, r.statements,
                r.shown_statement_id, r.shown_quote, r.shown_said_on, r.shown_speaker_name, r.shown_url,
                r.shown_document_id
            )
        )
        FROM positions_stancerun r
        WHERE r.negotiation_id = a.id AND r.validity @> a.as_of AND r.public = %(public)s)::text,
    EXISTS (
        SELECT FROM positions_deadline dl JOIN positions_proposal dp ON dp.id = dl.proposal_id
        WHERE dp.negotiation_id = a.id AND dl.effective <= a.as_of
    )
FROM asked a
"""


@dataclass(frozen=True)
class ComparisonRead:
    """What the comparison matrix as now known is made of, as one query read it; dates in the lists are
    YYYY-MM-DD strings. `parties`: [id, slug, name] of every party to the negotiation, by name; `proposals`:
    [id, slug, title, issue key, proponent [id, slug, name], kind, first stated, status, since, review state] by
    issue key, first stated and title (the status three null when none is in force); `cells`: [proposal, party,
    stance, since, last stated, review state, statements, shown statement id, its quote, said_on, speaker (null
    when rejected), document URL, document id] of every stance in force; `deadlines`: `deadlines_as_of`'s
    entries (date objects), by proposal id."""

    negotiation_id: int
    slug: str
    as_of: date
    parties: list[list]
    proposals: list[list]
    cells: list[list]
    deadlines: dict[int, list[dict]]


def comparison_read(
    *, slug: str, as_of: date | None, today: date, include_pending: bool = True
) -> ComparisonRead | None:
    """`positions_compare`'s matrix as now known, of the negotiation with this slug, as of `as_of` (None: the day
    `negotiation_default_date` gives for `today`): one query, the same rows (the read model of runs), and one more
    for the deadlines when any is set by then. None when no negotiation has the slug."""
    params = {"slug": slug, "as_of": as_of, "today": today, "public": not include_pending}
    with planned_cursor() as cursor:
        cursor.execute(COMPARISON_SQL, params)
        found = cursor.fetchone()
    if found is None:
        return None
    negotiation, slug, as_of, parties, proposals, cells, any_deadline = found
    proposals = orjson.loads(proposals) if proposals else []
    deadlines: dict[int, list[dict]] = {}
    if any_deadline:
        statuses = {row[0]: StatusInForce(row[7], date.fromisoformat(row[8]), row[9]) for row in proposals if row[7]}
        scope = {"negotiation": Negotiation(id=negotiation, slug=slug), "include_pending": include_pending}
        for entry in deadlines_as_of(as_of=as_of, **scope, statuses=statuses):
            deadlines.setdefault(entry["proposal"]["id"], []).append(entry)
    return ComparisonRead(
        negotiation_id=negotiation,
        slug=slug,
        as_of=as_of,
        parties=orjson.loads(parties) if parties else [],
        proposals=proposals,
        cells=orjson.loads(cells) if cells else [],
        deadlines=deadlines,
    )


# --- Deadlines: what is due by when, and whether it is met, as of a date ---------------------------


def deadline_state(*, due: date, status: str | None, as_of: date) -> str:
    """Where a deadline stands on `as_of`, given the proposal's status in force that day: met once agreed or
    carried out, closed once refused, withdrawn or superseded, else overdue the day after it is due."""
    if status in DEADLINE_MET:
        return DeadlineState.MET
    if status in DEADLINE_CLOSED:
        return DeadlineState.CLOSED
    return DeadlineState.OVERDUE if due < as_of else DeadlineState.UPCOMING


def deadlines_as_of(
    *,
    as_of: date,
    negotiation: Negotiation | None = None,
    proposals: Iterable[Proposal] | None = None,
    statuses: Mapping[int, StatusChange | StatusInForce] | None = None,
    include_pending: bool = True,
    evidence: bool = False,
) -> list[dict]:
    """The deadlines set by `as_of` (effective <= as_of), by due day, each with its state that day
    (`deadline_state`), read from the proposal's status run in force (`statuses`: by proposal id, from
    `status_runs_as_of` or `statuses_in_force`, when the caller has them; else read here), and for a met or
    closed one the day that status began (`settled_on`). With `evidence`, each carries its public evidence
    statements.
    One query, one more for the statuses when not given, one more for the evidence when asked."""
    rows = Deadline.objects.filter(_visible(include_pending), effective__lte=as_of)
    if negotiation is not None:
        rows = rows.filter(proposal__negotiation=negotiation)
    if proposals is not None:
        proposals = list(proposals)
        rows = rows.filter(proposal__in=proposals)
    rows = rows.select_related("party", "proposal").order_by("due", "proposal__title", "id")
    if evidence:
        public = Statement.objects.exclude(review_state=ReviewState.REJECTED).order_by("said_on", "id")
        rows = rows.prefetch_related(
            Prefetch("evidence", queryset=public.only("id", "quote", "said_on", "document_id"))
        )
    if statuses is None:
        scope = {"negotiation": negotiation, "proposals": proposals, "include_pending": include_pending}
        statuses = {row.proposal_id: row for row in status_runs_as_of(as_of=as_of, **scope)}
    found = []
    for row in rows:
        status = statuses.get(row.proposal_id)
        value = status.status if status else None
        state = deadline_state(due=row.due, status=value, as_of=as_of)
        settled = status.since if state in (DeadlineState.MET, DeadlineState.CLOSED) else None
        entry = {
            "id": row.id,
            "proposal": {"id": row.proposal.id, "slug": row.proposal.slug, "title": row.proposal.title},
            "party": _party_ref(row.party),
            "phrase": row.phrase,
            "due": row.due,
            "due_precision": row.due_precision,
            "set_on": row.effective,
            "review_state": row.review_state,
            "state": state,
            "overdue": state == DeadlineState.OVERDUE,
            "settled_on": settled,
            "late": bool(settled and state == DeadlineState.MET and settled > row.due),
        }
        if evidence:
            entry["evidence"] = [
                {"id": s.id, "quote": s.quote, "said_on": s.said_on, "document": s.document_id}
                for s in row.evidence.all()
            ]
        found.append(entry)
    return found


def _evidence_ids_between(
    model, *, negotiation: Negotiation, after: date, until: date, known_at: datetime | None = None
) -> dict:
    """Statement ids grounding each row of `model` with after < effective <= until, by row id."""
    owner = model._meta.model_name  # the through table's column: stance, statuschange
    links, row = _evidence_links(model, known_at=known_at)
    window = {f"{row}__proposal__negotiation": negotiation, f"{row}__effective__gt": after}
    links = links.filter(**window, **{f"{row}__effective__lte": until})
    links = links.exclude(statement__review_state=ReviewState.REJECTED)
    by_row: dict[int, list[int]] = {}
    for row_id, statement_id in links.order_by("statement__said_on", "statement_id").values_list(
        f"{owner}_id", "statement_id"
    ):
        by_row.setdefault(row_id, []).append(statement_id)
    return by_row


def positions_changes(
    *, negotiation: Negotiation, date_from: date, date_to: date, known_at: datetime | None = None
) -> dict:
    """What changed after `date_from` up to and including `date_to`, as known at `known_at` (None: now).

    `changes`: every status change and stance with date_from < effective <= date_to that differs
    from the value in force the day before it took effect (`previous`; a restatement changed
    nothing), by date, proposal title and party name, each with its evidence statement ids.
    `summary`: each (proposal, party) — party None for the status — whose value in force on
    date_from differs from the one on date_to, by the as-of rule of `stances_as_of`. Rejected rows
    and statements changed nothing: left out. Five queries whatever the number of changes.
    """
    upto = {"proposal__negotiation": negotiation, "effective__lte": date_to}
    between = {"negotiation": negotiation, "after": date_from, "until": date_to, "known_at": known_at}
    public = ~Q(review_state=ReviewState.REJECTED)
    histories = (
        ("status", rows_known(StatusChange, known_at=known_at).filter(public, **upto).select_related("proposal")),
        ("stance", rows_known(Stance, known_at=known_at).filter(public, **upto).select_related("proposal", "party")),
    )
    evidence = {
        "status": _evidence_ids_between(StatusChange, **between),
        "stance": _evidence_ids_between(Stance, **between),
    }

    changes, summary = [], []
    for field, rows in histories:
        for history in _histories(rows, field):
            on_from = None
            for row, previous, _ in history:
                if row.effective <= date_from:
                    on_from = row
                elif not _restates(field, row, previous):
                    order = (row.effective, row.proposal.title, _party_name(row), row.recorded_at, row.id)
                    changes.append((order, _change(field, row, previous, evidence[field].get(row.id, []))))
            last = history[-1][0]
            before, after = getattr(on_from, field, None), getattr(last, field, None)
            if before != after:
                party = getattr(last, "party", None)
                entry = {"proposal": last.proposal_id, "party": party and party.slug, "before": before, "after": after}
                summary.append(((last.proposal.title, _party_name(last)), entry))
    return {
        "negotiation": negotiation.slug,
        "from": date_from,
        "to": date_to,
        "known_at": known_at,
        "changes": [entry for _, entry in sorted(changes, key=lambda c: c[0])],
        "summary": [entry for _, entry in sorted(summary, key=lambda s: s[0])],
    }


def _histories(rows, field: str) -> Iterator[list[tuple]]:
    """Each (proposal, party) history of these rows in in-force order, every row with the row in
    force the day before it took effect (None for the first day) and the day its run began: its
    own date, or that row's run start when it restates that row's `field`."""
    groups: dict[tuple, list] = {}
    for row in rows:
        groups.setdefault((row.proposal_id, getattr(row, "party_id", None)), []).append(row)
    for group in groups.values():
        group.sort(key=_in_force_order)
        history, day, last, before_day, since = [], None, None, None, {}
        for row in group:
            if row.effective != day:
                # The last row of the earlier days is the one in force the day before.
                day, before_day = row.effective, last
            since[row.id] = since[before_day.id] if _restates(field, row, before_day) else row.effective
            history.append((row, before_day, since[row.id]))
            last = row
        yield history


def _restates(field: str, row, previous) -> bool:
    """Whether `row` says again what was in force the day before: evidence, not a change."""
    return previous is not None and getattr(previous, field) == getattr(row, field)


def _party_name(row) -> str:
    """The name of a stance's party; "" for a status change, which sorts first."""
    party = getattr(row, "party", None)
    return party.name if party else ""


def _change(field: str, row, previous, evidence: list[int]) -> dict:
    """One entry of `changes`; `field` is the row's value field and the change's type."""
    party = getattr(row, "party", None)
    return {
        "date": row.effective,
        "type": field,
        "proposal": {"id": row.proposal.id, "slug": row.proposal.slug, "title": row.proposal.title},
        "party": _party_ref(party),
        "value": getattr(row, field),
        "previous": getattr(previous, field, None),
        "review_state": row.review_state,
        "evidence": evidence,
    }


def _history_evidence(
    model,
    *,
    proposals: list[Proposal] | None = None,
    curator: bool,
    until: date | None = None,
    rows: Q | None = None,
    known_at: datetime | None = None,
) -> dict[int, list[dict]]:
    """The evidence of every row of `model` on these proposals (in force by `until`, when given; as known
    at `known_at`), or of the rows `rows` says (a condition on the evidence links, as they are now), by row
    id, by date said: one query, no document text."""
    owner = model._meta.model_name
    if rows is not None:
        links, row = model.evidence.through.objects.filter(rows), owner
    else:
        links, row = _evidence_links(model, known_at=known_at)
        links = links.filter(**{f"{row}__proposal__in": proposals})
    if until is not None:
        links = links.filter(**{f"{row}__effective__lte": until})
    if not curator:
        links = links.exclude(statement__review_state=ReviewState.REJECTED)
    links = links.annotate(shown_speaker=speaker_shown(curator=curator, path="statement__speaker"))
    rows = links.order_by("statement__said_on", "statement_id").values(
        f"{owner}_id",
        "statement_id",
        "statement__quote",
        "statement__said_on",
        "shown_speaker__name",
        "statement__party__slug",
        "statement__kind",
        "statement__document_id",
        "statement__document__title",
        "statement__document__url",
        "statement__document__publisher",
        "statement__document__published",
    )
    by_row: dict[int, list[dict]] = {}
    for r in rows:
        by_row.setdefault(r[f"{owner}_id"], []).append(
            {
                "id": r["statement_id"],
                "quote": r["statement__quote"],
                "said_on": r["statement__said_on"],
                "speaker": r["shown_speaker__name"],
                "party": r["statement__party__slug"],
                "kind": r["statement__kind"],
                "document": {
                    "id": r["statement__document_id"],
                    "title": r["statement__document__title"],
                    "url": r["statement__document__url"],
                    "publisher": r["statement__document__publisher"],
                    "published": r["statement__document__published"],
                },
            }
        )
    return by_row


def proposal_history(*, proposal_id: int, curator: bool = False, known_at: datetime | None = None) -> dict | None:
    """A proposal and its timeline, as known at `known_at` (None: now): status changes and stances by
    effective date, then recorded_at,
    each with the start of its run (`since`), whether it restates the value in force the day before
    (`restatement`) and its evidence statements and their documents, a stance's party's own first.
    None when there is no such proposal. Rejected rows and statements are for curators only (a
    rejected row never was in force: no run, no restatement). Its relations to other proposals are events
    too (type "relation", see `proposal_relations`). Seven queries whatever the number of events.
    """
    proposals = rows_known(Proposal, known_at=known_at).select_related("negotiation", "issue", "proponent")
    proposal = proposals.filter(id=proposal_id).first()
    if proposal is None:
        return None
    events = []
    for kind, model, field in (("status", StatusChange, "status"), ("stance", Stance, "stance")):
        rows = rows_known(model, known_at=known_at).filter(proposal_id=proposal.id)
        if not curator:
            rows = rows.exclude(review_state=ReviewState.REJECTED)
        evidence = _history_evidence(model, proposals=[proposal.id], curator=curator, known_at=known_at)
        # The columns the timeline shows, not model instances: a popular proposal's hundreds of rows and their
        # parties cost twice as much as instances (12 ms against 5 for 297 stances at 1,000,000 statements).
        columns = [*_HISTORY_COLUMNS, field, *(_HISTORY_PARTY if model is Stance else ())]
        rows = [SimpleNamespace(**values) for values in rows.values(*columns)]
        in_force = [row for row in rows if row.review_state != ReviewState.REJECTED]
        runs = {
            row.id: (since, _restates(field, row, previous))
            for history in _histories(in_force, field)
            for row, previous, since in history
        }
        for row in rows:
            party = _history_party(row) if getattr(row, "party_id", None) is not None else None
            since, restatement = runs.get(row.id, (None, False))
            statements = evidence.get(row.id, [])
            if party is not None:
                statements = sorted(statements, key=lambda s: s["party"] != party["slug"])  # stable: by date within
            event = {
                "id": row.id,
                "date": row.effective,
                "type": kind,
                "party": party,
                "value": getattr(row, field),
                "since": since,
                "restatement": restatement,
                "review_state": row.review_state,
                "note": row.note,
                "recorded_at": row.recorded_at,
                "evidence": statements,
                "relation": None,
            }
            events.append((row.effective, row.recorded_at, row.id, event))
    for relation in _relations(proposal=proposal, curator=curator):
        event = {
            "id": relation["id"],
            "date": relation["since"],
            "type": "relation",
            "party": None,
            "value": relation["type"],
            "since": relation["since"],
            "restatement": False,
            "review_state": relation["review_state"],
            "note": relation["note"],
            "recorded_at": relation["recorded_at"],
            "evidence": relation["evidence"],
            "relation": {k: relation[k] for k in ("direction", "label", "proposal", "since_precision")},
        }
        events.append((relation["since"], relation["recorded_at"], relation["id"], event))
    events.sort(key=lambda e: e[:3])
    return {
        "id": proposal.id,
        "slug": proposal.slug,
        "title": proposal.title,
        "negotiation": proposal.negotiation.slug,
        "issue": proposal.issue.key,
        "issue_title": proposal.issue.title,
        "proponent": _party_ref(proposal.proponent),
        "kind": proposal.kind,
        "first_stated": proposal.first_stated,
        "known_at": known_at,
        "events": [event for *_, event in events],
    }


_HISTORY_COLUMNS = ("id", "proposal_id", "effective", "review_state", "recorded_at", "note")
_HISTORY_PARTY = ("party_id", "party__slug", "party__name")


def _history_party(row: SimpleNamespace) -> dict:
    """A stance's party as `_party_ref` gives it, from the columns `_HISTORY_PARTY` read."""
    return {"id": row.party_id, "slug": row.party__slug, "name": row.party__name}


def _proposal_ref(proposal: Proposal) -> dict:
    return {"id": proposal.id, "slug": proposal.slug, "title": proposal.title, "kind": proposal.kind}


def _relations(
    *, proposal: Proposal, curator: bool, states: Iterable[str] | None = None, types: Iterable[str] | None = None
) -> list[dict]:
    """The relations from and to `proposal` (see `proposal_relations`): two queries. As they are now, also for a
    history as known at a past moment (`proposal` may then be its historical record: it is read by id)."""
    rows = rows_visible(ProposalRelation, curator=curator).filter(
        Q(from_proposal_id=proposal.id) | Q(to_proposal_id=proposal.id)
    )
    if states is not None:
        rows = rows.filter(review_state__in=list(states))
    if types is not None:
        rows = rows.filter(relation__in=list(types))
    rows = list(rows.select_related("from_proposal", "to_proposal").order_by("effective", "recorded_at", "id"))
    # By the proposal, not by the rows' ids: one query whether there are relations or not.
    linked = Q(proposalrelation__from_proposal_id=proposal.id) | Q(proposalrelation__to_proposal_id=proposal.id)
    evidence = _history_evidence(ProposalRelation, rows=linked, curator=curator)
    out = []
    for row in rows:
        outgoing = row.from_proposal_id == proposal.id
        other = row.to_proposal if outgoing else row.from_proposal
        out.append(
            {
                "id": row.id,
                "type": row.relation,
                "direction": "outgoing" if outgoing else "incoming",
                "label": RELATION_WORDS[row.relation][0 if outgoing else 1],
                "proposal": _proposal_ref(other),
                "since": row.effective,
                "since_precision": row.effective_precision,
                "review_state": row.review_state,
                "note": row.note,
                "recorded_at": row.recorded_at,
                "evidence": evidence.get(row.id, []),
            }
        )
    return out


def proposal_relations(
    *, proposal_id: int, curator: bool = False, states: Iterable[str] | None = None, types: Iterable[str] | None = None
) -> dict | None:
    """A proposal and its relations to other proposals, both ways, by the day each holds from: the relation's
    type, its direction (`outgoing`: this proposal bears on the other; `incoming`: the other on this one), the
    words for it from this proposal's side, the other proposal, since when, the review state and the evidence
    statements. Pending relations are shown (marked by their review state), rejected ones and rejected
    statements to curators only; `states` and `types` keep only those review states and types. None when
    there is no such proposal. Three queries whatever the number of relations."""
    proposal = Proposal.objects.filter(pk=proposal_id).first()
    if proposal is None:
        return None
    found = _relations(proposal=proposal, curator=curator, states=states, types=types)
    return {**_proposal_ref(proposal), "relations": found}


def lexicon_load(*, negotiation: Negotiation | None = None) -> Lexicon:
    """What the statement stages need to know, as plain data: approved actors with their roles, parties,
    and the issues and proposals of one negotiation or of all, with that negotiation's sides (six queries).
    Speakers the extractor found and nobody has reviewed yet are left out, so that extracting again gives the
    same result."""
    actors = Actor.objects.filter(review_state=ReviewState.APPROVED).prefetch_related(
        Prefetch("roles", queryset=Role.objects.select_related("party").order_by("start"))
    )
    issues = Issue.objects.select_related("negotiation").order_by("negotiation_id", "pk")
    proposals = Proposal.objects.select_related("issue", "proponent").order_by("pk")
    if negotiation is not None:
        issues = issues.filter(negotiation=negotiation)
        proposals = proposals.filter(negotiation=negotiation)
    negotiations = [negotiation] if negotiation is not None else list(Negotiation.objects.order_by("pk"))
    parties = list(Party.objects.order_by("pk"))
    return Lexicon(
        actors=tuple(
            ActorEntry(
                key=actor.slug,
                name=actor.name,
                kind=actor.kind,
                aliases=tuple(actor.aliases),
                roles=tuple(
                    RoleEntry(r.party.name, r.title, r.start, r.end, r.speaks_for_party) for r in actor.roles.all()
                ),
            )
            for actor in actors.order_by("pk")
        ),
        parties=tuple(PartyEntry(p.name, tuple(p.aliases), tuple(p.metonyms)) for p in parties),
        topics=tuple(TopicEntry(i.key, i.title, i.description, tuple(i.keywords), i.negotiation.slug) for i in issues),
        proposals=tuple(
            ProposalEntry(p.slug, p.title, p.issue.key, p.proponent.name, p.description, p.kind) for p in proposals
        ),
        subjects=tuple(filter(None, (_subject_of(n.title, parties) for n in negotiations))),
        sides=tuple(p.name for p in negotiation.parties.order_by("pk")) if negotiation is not None else (),
    )


def _subject_of(title: str, parties: list[Party]) -> str:
    """What a negotiation is about, from its title without its parties: "NATO–Russia missile defence"."""
    names = sorted({n for p in parties for n in (p.name, *p.aliases) if n}, key=len, reverse=True)
    for name in names:
        title = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", title)
    title = re.sub(r"[\s–—/,&:-]+", " ", re.sub(r"\b(?:talks|negotiations?|and|on|the)\b", " ", title))
    return title.strip().lower()


_LEXICONS: dict[int | None, tuple[str, Lexicon]] = {}  # this process's, by negotiation: (version, lexicon)


def lexicon_version() -> str:
    """Moves whenever a write to what `lexicon_load` reads becomes visible (LexiconWrite, filled by the
    triggers of migration 0023): how many such writes this snapshot sees, and the highest id, which tells
    a write rolled back from the one committed after it."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), coalesce(max(id), 0) FROM positions_lexiconwrite")
        count, last = cursor.fetchone()
    return f"{count}.{last}"


def lexicon_cached(*, negotiation: Negotiation | None = None) -> Lexicon:
    """`lexicon_load`'s answer, kept in this process until the lexicon's version moves: one query when it
    has not. The version is read before the lexicon, so a write between the two costs a reload, never an
    out-of-date lexicon kept under a newer version."""
    version = lexicon_version()
    key = negotiation.pk if negotiation is not None else None
    kept = _LEXICONS.get(key)
    if kept is None or kept[0] != version:
        kept = _LEXICONS[key] = (version, lexicon_load(negotiation=negotiation))
    return kept[1]


# --- Where an issue stands: a summary built only from the record -------------------------------


def _said_first(statements: list[dict], party: str | None = None) -> dict | None:
    """The earliest of these statements (they come by date said), the party's own speakers' first."""
    own = [s for s in statements if party and s["party"] == party]
    return (own or statements or [None])[0]


def _said_latest(statements: list[dict]) -> dict | None:
    return max(statements, key=lambda s: (s["said_on"], s["id"]), default=None)


def _run_evidence(row, evidence: dict[int, list[dict]]) -> list[dict]:
    """The statements grounding a row's run (`row.run`, from `_runs_in_force`), each once, by date said."""
    found = {s["id"]: s for i in row.run for s in evidence.get(i, [])}
    return sorted(found.values(), key=lambda s: (s["said_on"], s["id"]))


def issue_summary(
    *, negotiation: Negotiation, key: str, as_of: date, include_pending: bool = True, known_at: datetime | None = None
) -> dict | None:
    """Where an issue stands on `as_of` (as known at `known_at`), from the record alone: for each proposal
    of the issue tabled by then (in the matrix's order), who put it forward and the statement that first grounds it; its
    status run; each party's stance run (`since`, `last_stated`, the statements that began it and
    last restated it), in the negotiation's own order, and the parties with none; and its real
    changes (a value that differs from the one before it: a restatement is not a change), by date,
    each with its statement. Every clause a page builds from it can link its quote. None when the
    negotiation has no such issue. Seven queries whatever the size of the history.
    """
    issue = Issue.objects.filter(negotiation=negotiation, key=key).first()
    if issue is None:
        return None
    parties = negotiation_parties(negotiation=negotiation, own_order=True)
    order = {party.id: i for i, party in enumerate(parties)}
    proposals = list(proposals_as_of(negotiation=negotiation, as_of=as_of, known_at=known_at).filter(issue=issue))
    ids = [proposal.id for proposal in proposals]  # ids: as known, a row is a history record, its pk another
    upto = {"proposal_id__in": ids, "effective__lte": as_of}
    known = {"known_at": known_at}
    histories = {
        "status": list(rows_known(StatusChange, **known).filter(_visible(include_pending), **upto)),
        "stance": list(rows_known(Stance, **known).filter(_visible(include_pending), **upto).select_related("party")),
    }
    evidence = {
        "status": _history_evidence(StatusChange, proposals=ids, curator=False, until=as_of, **known),
        "stance": _history_evidence(Stance, proposals=ids, curator=False, until=as_of, **known),
    }
    statuses = {row.proposal_id: row for row in _runs_in_force(histories["status"], "status")}
    stances: dict[int, list] = {}
    for row in _runs_in_force(histories["stance"], "stance"):
        stances.setdefault(row.proposal_id, []).append(row)
    changes: dict[int, list] = {}
    for field, rows in histories.items():
        for history in _histories(rows, field):
            for row, previous, _ in history:
                if previous is None or _restates(field, row, previous):
                    continue  # a first value is the proposal's or the stance's own clause
                party = getattr(row, "party", None)
                change = {
                    "date": row.effective,
                    "type": field,
                    "party": _party_ref(party),
                    "previous": getattr(previous, field),
                    "value": getattr(row, field),
                    "review_state": row.review_state,
                    "statement": _said_first(evidence[field].get(row.id, []), party and party.slug),
                }
                changes.setdefault(row.proposal_id, []).append(((row.effective, _party_name(row), row.id), change))

    summary = []
    for proposal in proposals:
        proponent = proposal.proponent
        grounds = [
            s
            for row in histories["status"]
            if row.proposal_id == proposal.id
            for s in evidence["status"].get(row.id, [])
        ]
        grounds += [
            s
            for row in histories["stance"]
            if row.proposal_id == proposal.id and row.party_id == proponent.id
            for s in evidence["stance"].get(row.id, [])
        ]
        status = statuses.get(proposal.id)
        held = sorted(stances.get(proposal.id, []), key=lambda r: (order.get(r.party_id, len(order)), r.party.name))
        answered = {row.party_id for row in held}
        summary.append(
            {
                "id": proposal.id,
                "slug": proposal.slug,
                "title": proposal.title,
                "kind": proposal.kind,
                "proponent": _party_ref(proponent),
                "first_stated": proposal.first_stated,
                "first_statement": _said_first(sorted(grounds, key=lambda s: (s["said_on"], s["id"])), proponent.slug),
                "status": status
                and {
                    "status": status.status,
                    "since": status.since,
                    "review_state": status.review_state,
                    "statement": _said_first(_run_evidence(status, evidence["status"])),
                },
                "stances": [_stance_clause(row, evidence["stance"]) for row in held],
                "no_stance": [_party_ref(party) for party in parties if party.id not in answered],
                "changes": [change for _, change in sorted(changes.get(proposal.id, []), key=lambda c: c[0])],
            }
        )
    return {
        "negotiation": negotiation.slug,
        "issue": {"key": issue.key, "title": issue.title, "description": issue.description},
        "as_of": as_of,
        "known_at": known_at,
        "proposals": summary,
    }


def _stance_clause(row: Stance, evidence: dict[int, list[dict]]) -> dict:
    """A party's stance run as a summary's clause: since when, with the statement that began it (the
    party's own first), and when last stated, with that statement."""
    began = _said_first(evidence.get(row.run[0], []), row.party.slug) or _said_first(
        _run_evidence(row, evidence), row.party.slug
    )
    latest = _said_latest(_run_evidence(row, evidence))
    return {
        "party": _party_ref(row.party),
        "stance": row.stance,
        "since": row.since,
        "last_stated": latest["said_on"] if latest else row.effective,
        "review_state": row.review_state,
        "since_statement": began,
        "last_statement": latest,
    }


# --- The pages for students: what each page shows, in a fixed number of queries ------------------


def negotiations_list() -> list[Negotiation]:
    return list(Negotiation.objects.order_by("title"))


def negotiation_issues(*, negotiation: Negotiation) -> list[Issue]:
    return list(Issue.objects.filter(negotiation=negotiation).order_by("key"))


def negotiation_default_date(*, negotiation: Negotiation, today: date) -> date:
    """The day a page reads when none is asked for: today, or the day the negotiation ended."""
    return negotiation.ended if negotiation.ended and negotiation.ended < today else today


def changes_history(
    *,
    negotiation: Negotiation | None = None,
    party: Party | None = None,
    proposal: Proposal | None = None,
    limit: int | None = None,
) -> list[dict]:
    """Every status change and stance change, newest first, each with the value in force the day
    before it took effect (`previous`, never the same: restatements are left out), narrowed to a
    negotiation, a party (its stances only) or a proposal. The entries are those of
    `positions_changes`, plus the row's id and recorded_at. Rejected rows changed nothing. Two queries
    (one with a party) whatever the history's length.
    """
    scope = {}
    if negotiation is not None:
        scope["proposal__negotiation"] = negotiation
    if proposal is not None:
        scope["proposal"] = proposal
    histories = []
    if party is None:
        statuses = rows_visible(StatusChange, curator=False).filter(**scope).select_related("proposal")
        histories.append(("status", statuses))
    stances = rows_visible(Stance, curator=False).filter(**scope).select_related("proposal", "party")
    if party is not None:
        stances = stances.filter(party=party)
    histories.append(("stance", stances))

    changes = []
    for field, rows in histories:
        for history in _histories(rows, field):
            for row, previous, _ in history:
                if _restates(field, row, previous):
                    continue
                change = _change(field, row, previous, [])
                change.update(id=row.id, recorded_at=row.recorded_at, note=row.note)
                del change["evidence"]
                changes.append(((row.effective, row.recorded_at, row.id), change))
    changes.sort(key=lambda c: c[0], reverse=True)
    entries = [entry for _, entry in changes]
    return entries[:limit] if limit is not None else entries


def changes_of_rows(*, stance_ids: Iterable[int] = (), status_ids: Iterable[int] = ()) -> list[dict]:
    """The changes these stances and status changes make in the public record as it stands: the entries
    of `changes_history` (plus the proposal's negotiation and the row's evidence ids) for those of the
    rows that are visible and start a run. A row that restates the value in force, or was rejected, or
    is gone, changed nothing. Three queries per kind of row, whatever their number."""
    found = []
    for field, model, ids in (("stance", Stance, set(stance_ids)), ("status", StatusChange, set(status_ids))):
        if not ids:
            continue
        touched = rows_visible(model, curator=False).filter(pk__in=ids)
        if field == "stance":
            groups = Q(pk__in=[])
            for proposal_id, party_id in touched.values_list("proposal_id", "party_id").distinct():
                groups |= Q(proposal_id=proposal_id, party_id=party_id)
            rows = rows_visible(model, curator=False).filter(groups).select_related("proposal", "party")
        else:
            proposals = touched.values("proposal_id")
            rows = rows_visible(model, curator=False).filter(proposal_id__in=proposals).select_related("proposal")
        announced = []
        for history in _histories(rows, field):
            for row, previous, _ in history:
                if row.id in ids and not _restates(field, row, previous):
                    announced.append((row, previous))
        evidence: dict[int, list[int]] = {}
        owner = model._meta.model_name
        links = model.evidence.through.objects.filter(**{f"{owner}_id__in": [row.id for row, _ in announced]})
        links = links.exclude(statement__review_state=ReviewState.REJECTED).order_by(
            "statement__said_on", "statement_id"
        )
        for row_id, statement_id in links.values_list(f"{owner}_id", "statement_id"):
            evidence.setdefault(row_id, []).append(statement_id)
        for row, previous in announced:
            change = _change(field, row, previous, evidence.get(row.id, []))
            change.update(id=row.id, recorded_at=row.recorded_at, note=row.note)
            change["negotiation"] = row.proposal.negotiation_id
            found.append(change)
    return found


def statements_announced(*, ids: Iterable[int]) -> list[dict]:
    """Approved statements among these ids, each with what a subscriber follows it by: its party, its
    proposal and the negotiations of its proposal and topics. Four queries."""
    statements = (
        Statement.objects.filter(pk__in=list(ids), review_state=ReviewState.APPROVED)
        .select_related("party", "proposal", "document")
        .defer("document__text", "document__minhash")
        .prefetch_related(
            _public_speakers(), Prefetch("topics", queryset=Issue.objects.only("id", "key", "negotiation_id"))
        )
        .order_by("pk")
    )
    found = []
    for statement in statements:
        negotiations = {topic.negotiation_id for topic in statement.topics.all()}
        if statement.proposal is not None:
            negotiations.add(statement.proposal.negotiation_id)
        document = statement.document
        found.append(
            {
                "id": statement.id,
                "quote": statement.quote,
                "said_on": statement.said_on,
                "said_precision": statement.said_precision,
                "kind": statement.kind,
                "speaker": statement.speaker.name if statement.speaker else None,
                "party": _party_ref(statement.party),
                "proposal": statement.proposal
                and {"id": statement.proposal.id, "slug": statement.proposal.slug, "title": statement.proposal.title},
                "topics": sorted(topic.key for topic in statement.topics.all()),
                "document": {"id": document.id, "title": document.title, "url": document.url},
                "negotiations": sorted(negotiations),
            }
        )
    return found


def subscriptions_of(*, owner) -> QuerySet[Subscription]:
    """An API user's own subscriptions, with what they follow."""
    return Subscription.objects.filter(owner=owner).select_related("negotiation", "party", "proposal").order_by("id")


def deliveries_of(*, subscription: Subscription) -> QuerySet[Delivery]:
    """A subscription's delivery log, newest first, each delivery with its attempts."""
    return subscription.deliveries.prefetch_related("attempt_log").order_by("-created_at", "-id")


def _light(statements: QuerySet[Statement]) -> QuerySet[Statement]:
    """Public statements for a list: their documents without the text, and no topics."""
    statements = statements.prefetch_related(None).prefetch_related(_public_speakers())
    return statements.defer("document__text", "document__minhash")


def statements_by_ids(*, ids: Iterable[int]) -> dict[int, Statement]:
    """Public statements by id, with their speaker, party and document (no document text). Two queries."""
    rows = _light(statements_visible(curator=False).filter(pk__in=list(ids)))
    return {statement.id: statement for statement in rows}


def proposal_statements(*, proposal_id: int) -> list[Statement]:
    """The public statements linked to a proposal, by date: the marks on its timeline. Two queries."""
    rows = statements_visible(curator=False).filter(proposal_id=proposal_id)
    return list(_light(rows).order_by("said_on", "id"))


def document_with_statements(*, document_id: int) -> tuple[Document, list[Statement]] | None:
    """A document and its public statements in text order, for highlighting. Three queries."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None:
        return None
    statements = _light(statements_visible(curator=False).filter(document=document))
    return document, list(statements.order_by("start", "-end", "id"))


def party_profile(*, slug: str, statements: int = 20) -> dict | None:
    """A party: its negotiations, who held posts in it when, its stance history and its latest
    statements (at most `statements` of them, with the total). Seven queries."""
    party = Party.objects.filter(slug=slug).first()
    if party is None:
        return None
    public = statements_visible(curator=False).filter(party=party)
    return {
        "party": party,
        "negotiations": list(party.negotiations.order_by("title")),
        # A rejected speaker's roles are not public; a pending one's are its suggested posts, marked unreviewed.
        "roles": list(
            party.roles.filter(actor__in=actors_visible(curator=False))
            .select_related("actor")
            .order_by("start", "actor__name")
        ),
        "stances": changes_history(party=party),
        "statements": list(_light(public).order_by("-said_on", "-id")[:statements]),
        "statement_count": public.count(),
    }


def actor_profile(*, slug: str, statements: int = 20) -> dict | None:
    """A speaker: roles over time and the latest statements (at most `statements`, with the total).
    Rejected speakers are not public. Five queries."""
    actor = actors_visible(curator=False).filter(slug=slug).first()
    if actor is None:
        return None
    public = statements_visible(curator=False).filter(speaker=actor)
    return {
        "actor": actor,
        "roles": list(actor.roles.select_related("party").order_by("start")),
        "statements": list(_light(public).order_by("-said_on", "-id")[:statements]),
        "statement_count": public.count(),
    }


def search_choices() -> dict:
    """The options of the statement search's filters. Four queries."""
    return {
        "negotiations": list(Negotiation.objects.order_by("title").values("slug", "title")),
        "parties": list(Party.objects.order_by("name").values("slug", "name")),
        "actors": list(actors_visible(curator=False).order_by("name").values("slug", "name")),
        "topics": list(Issue.objects.order_by("key").values_list("key", flat=True).distinct()),
    }


def party_by_slug(*, slug: str) -> Party | None:
    return Party.objects.filter(slug=slug).first()


def proposal_by_id(*, proposal_id: int) -> Proposal | None:
    return Proposal.objects.filter(pk=proposal_id).first()


# --- cached answers ---------------------------------------------------------------------------

ANSWER_SECONDS = 24 * 3600  # a version names its data: an answer expires only to free the cache


def data_version() -> str:
    """Moves whenever a table the public reads read is written (DataWrite, filled by triggers): the
    summed weight says how many writes this snapshot sees, the highest id tells a write that was rolled
    back from the one committed after it.

    A cached answer's only query, and so the first of its request: on a connection kept from an earlier
    request, Django would first check it with a `SELECT 1` (CONN_HEALTH_CHECKS), a round trip of its own.
    This query is that check instead: one PostgreSQL dropped fails it, is closed, and the query runs again
    on a new connection, which is what the check would have done. Not inside a transaction, where a
    closed connection cannot be replaced (nor is the check due there: Django makes it before the first)."""
    # The connection's wrapper looked up once: every attribute read through django.db.connection is a lookup
    # of its own in asgiref's Local (some 1-5 µs each, ten of them here).
    db = connections[DEFAULT_DB_ALIAS]
    if db.health_check_enabled and not db.health_check_done and not db.in_atomic_block:
        db.health_check_done = True  # Django's own check is skipped: this query is it
        try:
            return _data_version(db)
        except (InterfaceError, OperationalError):
            db.close()
    return _data_version(db)


VERSION_SQL = "SELECT coalesce(sum(weight), 0), coalesce(max(id), 0) FROM positions_datawrite"


def _data_version(db) -> str:
    if _unwatched(db):
        found = _data_version_by_libpq(db)
        if found is not None:
            return found
    with db.cursor() as cursor:
        cursor.execute(VERSION_SQL)
        weight, last = cursor.fetchone()
    return f"{weight}.{last}"


def _unwatched(db) -> bool:
    # Outside a transaction (where psycopg would send a BEGIN first) and with nobody watching the queries
    # (DEBUG's log, CaptureQueriesContext, an execute_wrapper but the writes' own), which libpq's own call
    # would not show them.
    return (
        db.connection is not None
        and db.get_autocommit()
        and not db.in_atomic_block
        and not db.queries_logged
        and all(wrapper is watch_writes for wrapper in db.execute_wrappers)
    )


VERSION_STATEMENT = b"positions_data_version"


def _data_version_by_libpq(db=None) -> str | None:
    """The version by libpq on the connection Django opened: psycopg's cursor and its wait loop in Python
    cost a cached answer's web process some 45 µs of its ~350. A statement prepared once per connection:
    PostgreSQL's backend then skips parsing and planning it, a third of its work for the query. None when
    anything but the row came back (a connection PostgreSQL dropped, say): Django's cursor then runs the
    query and raises as usual."""
    opened = (db or connections[DEFAULT_DB_ALIAS]).connection
    try:
        result = _version_executed(opened)
        if _unprepared(result):  # prepared on a connection since replaced, or by a pooler's other server
            opened._version_prepared = False
            result = _version_executed(opened)
            if _unprepared(result):
                result = opened.pgconn.exec_(VERSION_SQL.encode())
    except psycopg.Error:
        return None
    if result.status != pq.ExecStatus.TUPLES_OK:
        return None
    return f"{result.get_value(0, 0).decode()}.{result.get_value(0, 1).decode()}"


def _version_executed(opened):
    if not getattr(opened, "_version_prepared", False):
        prepared = opened.pgconn.prepare(VERSION_STATEMENT, VERSION_SQL.encode())
        # "already exists": prepared before on the same server session (a pooler's), which is as good
        if prepared.status != pq.ExecStatus.COMMAND_OK and prepared.error_field(_SQLSTATE) != b"42P05":
            return prepared
        opened._version_prepared = True
    return opened.pgconn.exec_prepared(VERSION_STATEMENT, [])


_SQLSTATE = pq.DiagnosticField.SQLSTATE


def _unprepared(result) -> bool:
    # 26000: no prepared statement of that name on this server session
    return result.status == pq.ExecStatus.FATAL_ERROR and result.error_field(_SQLSTATE) == b"26000"


VERSION_CHANNEL = "positions_data_version"  # migration 0026: NOTIFY on it when a write that moves it commits


# --- the tracker's writes, signalled ----------------------------------------------------------------
#
# With Redis as the cache, every transaction of the tracker's that wrote moves a signal there once it has
# committed, before its request answers or its task ends (`watch_writes`, on every connection). An anonymous
# reader's answer reads that signal in the throttle's round trip (positions/api/throttling.py) and reads the
# data version from PostgreSQL again only when the signal has moved since its web process last did, when
# PostgreSQL has announced a write (LISTEN/NOTIFY), or once settings.ANSWER_SIGNAL_LAG_MS has passed: a write
# made through the tracker is seen by every request that starts after it answered (a busy reader let through
# without a round trip, on the signal its process's last count read: settings.API_THROTTLE_SYNC_MS later at most),
# and one made outside it (SQL by hand, a restore), which moves no signal, within that lag.

SIGNAL_KEY = "data_version_signal"
# What a statement that writes starts with; anything else counts as one, except the reads and transaction
# control below (a signal too many costs each web process one read of the version, one too few a stale answer).
_NOT_WRITES = ("SELECT", "SHOW", "SET ", "SAVEPOINT", "RELEASE", "ROLLBACK", "BEGIN", "COMMIT", "EXPLAIN")
_NOT_WRITES += ("LISTEN", "UNLISTEN", "DECLARE", "FETCH", "CLOSE", "DEALLOCATE", "PREPARE", "EXECUTE")


def watch_writes(execute, sql, params, many, context):
    """An execute wrapper on every connection (positions.apps): a statement that may write has the signal
    moved once its transaction commits (at once in autocommit). Only with Redis as the cache."""
    result = execute(sql, params, many, context)
    if _may_write(sql) and _signalled():
        db = context["connection"]
        if not db.in_atomic_block:
            signal_writes()
        elif not any(entry[1] is signal_writes for entry in db.run_on_commit):
            transaction.on_commit(signal_writes, using=db.alias, robust=True)
    return result


def _may_write(sql) -> bool:
    text = sql if isinstance(sql, str) else str(sql)
    head = text.lstrip(" \t\n(")
    start = head[:16].upper()
    if start.startswith("WITH"):
        whole = head.upper()
        return any(word in whole for word in ("INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE"))
    return not start.startswith(_NOT_WRITES)


def _signalled():
    """The cache's Redis (None with another cache: the version is then read at every request)."""
    found = caches["default"]
    return found if isinstance(found, RedisCache) else None


_clients: dict[int, tuple] = {}


def redis_client(found):
    """A Redis client of the cache `found`'s pool, made once per pool: Django's get_client makes a new one at
    every call, and redis-py copies some 170 reply callbacks into each (about 90 µs, a tenth of the CPU a
    cached answer costs its web process)."""
    pool = found._cache._get_connection_pool(True)
    known = _clients.get(id(pool))
    if known is None or known[0] is not pool:
        known = _clients[id(pool)] = (pool, found._cache._client(connection_pool=pool))
    return known[1]


def signal_writes() -> None:
    """Moves the signal: a value never used before (a reader compares it with the one it read the version
    beside, so a key Redis evicted or lost, read as "0", or made again, can never look unmoved). A Redis that
    fails is logged, not raised (the write has committed); readers then see the write once PostgreSQL's
    announcement reaches them, or after the lag."""
    found = _signalled()
    if found is None:
        return
    try:
        redis_client(found).set(found.make_key(SIGNAL_KEY), uuid.uuid4().hex)
    except Exception:
        logger.warning("the data version's signal could not be moved in Redis", exc_info=True)


class _Watched(threading.local):
    """Per thread, the version last read on the connection that listens for its moves, since when, and the
    signal read before it (None: read without one)."""

    opened = pid = version = signal = None
    read_at = 0.0
    moved = False


_WATCHED = _Watched()


def data_version_lagged(*, lag: float, signal: str | None = None) -> str:
    """The data version, or the one this thread read less than `lag` seconds ago when nothing has said since
    that it moved: neither `signal` (the tracker's writes' signal, read from Redis before this call; None
    without one) nor PostgreSQL's announcement. `lag` is settings.ANSWER_SIGNAL_LAG_MS's with a signal, else
    settings.ANSWER_VERSION_LAG_MS's (opt-in; 0, the default, reads it every time). The
    connection the version is read on LISTENs for migration 0026's NOTIFY before its first read, so a write
    that commits after a read is announced on it: the next request reads again once the announcement has
    arrived (about a round trip after the commit), and in any case once `lag` has passed. The lag is the
    bound for when the announcement is late or lost (a listener PostgreSQL dropped unnoticed, a pooler's
    other session): never is an answer older than the last read of the version by more than `lag`.

    Read afresh, as data_version reads it, whenever the listener is not known to be good: a new connection
    (Django's, replaced after CONN_MAX_AGE or an error; a forked process), a socket that fails, a
    transaction open (whose snapshot the version belongs to)."""
    watched = _WATCHED
    known = lag > 0 and connection.connection is watched.opened is not None and watched.pid == os.getpid()
    if (
        known
        and not connection.in_atomic_block
        and signal == watched.signal
        and _quiet(watched)
        and time.monotonic() - watched.read_at < lag
    ):
        return watched.version
    watched.moved, began = False, time.monotonic()
    version = data_version()
    opened = connection.connection
    if lag <= 0 or connection.in_atomic_block or opened is None:
        return version
    if opened is not watched.opened or watched.pid != os.getpid():
        watched.opened = None
        if not _listening(opened, watched):
            return version
        watched.opened, watched.pid = opened, os.getpid()
        watched.moved, began = False, time.monotonic()
        version = data_version()  # the first read that a write after it is sure to be announced to
    watched.version, watched.read_at, watched.signal = version, began, signal
    return version


def _listening(opened, watched: _Watched) -> bool:
    def announced(notify) -> None:  # a notification psycopg received while running a query of Django's
        if notify.channel == VERSION_CHANNEL:
            watched.moved = True

    def noticed(diagnostic) -> None:  # an idle connection hears one when PostgreSQL ends it: read afresh
        watched.moved = True

    try:
        result = opened.pgconn.exec_(f"LISTEN {VERSION_CHANNEL}".encode())
    except psycopg.Error:
        return False
    if result.status != pq.ExecStatus.COMMAND_OK:
        return False
    opened.add_notify_handler(announced)
    opened.add_notice_handler(noticed)
    return True


def _quiet(watched: _Watched) -> bool:
    """Whether no announcement has come since the last read: what reached the socket is read without waiting
    (libpq's PQconsumeInput), and every notification libpq holds is taken (parsing them passes any notice,
    such as the FATAL of a connection PostgreSQL ended, to `_listening`'s handler)."""
    pgconn = watched.opened.pgconn
    try:
        if pgconn.status != pq.ConnStatus.OK:
            raise psycopg.OperationalError("connection not OK")
        pgconn.consume_input()
        while (notify := pgconn.notifies()) is not None:
            if notify.relname.decode() == VERSION_CHANNEL:
                watched.moved = True
    except psycopg.Error:
        watched.opened = None  # read afresh, on a connection Django's health check replaces
        return False
    return not watched.moved


def answer_tag(*parts, lag: float = 0, signal: str | None = None) -> str:
    """The name of one answer: what was asked (`parts`: the view, its normalised query, who asks, in what
    format), today's date (a default as_of is today, a citation says when it was retrieved) and the data
    version (read now, or with `lag`, data_version_lagged's, given the `signal` read). The same name means
    the same bytes: it is the ETag and the cache key."""
    version = data_version_lagged(lag=lag, signal=signal) if lag > 0 else data_version()
    asked = repr((version, timezone.localdate().isoformat(), parts))
    return hashlib.sha256(asked.encode()).hexdigest()[:32]


class _Recent:
    """The last answers this process served, by key: a hit costs no round trip to the shared cache (nor
    unpickling the answer). Keys name the data version, so an entry is never stale, only unused; the
    oldest go first past `size`. Answers are read, never changed, by those who get them."""

    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict[str, object] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            answer = self.entries.get(key)
            if answer is not None:
                self.entries.move_to_end(key)
            return answer

    def put(self, key: str, answer) -> None:
        with self.lock:
            self.entries[key] = answer
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


# Answers and their gzip (answer_gzipped): compare's JSON at 1,000,000 statements is ~110 kB (25 kB gzipped),
# so some 7 MB at most.
RECENT_ANSWERS = _Recent(64)


def cached_answer(tag: str, build: Callable[[], T]) -> T:
    """The answer named `tag`, built once per data version (in the shared cache: Redis or the database,
    and the last few in this process too); built every time when settings.ANSWER_CACHE is off (the
    benchmark's cold rows)."""
    answer = answer_stored(tag=tag)
    if answer is None:
        answer = build()
        answer_keep(tag=tag, answer=answer)
    return answer


def answer_keep(*, tag: str, answer) -> None:
    """Stores the answer named `tag` (in the shared cache and this process's recent ones), unless
    settings.ANSWER_CACHE is off."""
    if settings.ANSWER_CACHE:
        key = f"answer:{tag}"
        cache.set(key, answer, ANSWER_SECONDS)
        RECENT_ANSWERS.put(key, answer)


def answer_stored(*, tag: str):
    """The answer named `tag` if one was stored (this process's recent ones first, then the shared cache),
    else None; always None when settings.ANSWER_CACHE is off."""
    if not settings.ANSWER_CACHE:
        return None
    key = f"answer:{tag}"
    answer = RECENT_ANSWERS.get(key)
    if answer is None:
        answer = cache.get(key)
        if answer is not None:
            RECENT_ANSWERS.put(key, answer)
    return answer


GZIP_LEVEL = 6  # zlib's default: compare's 110 kB in 3.4 ms to 25 kB, where level 9 took 5.8 ms for 24 kB


def answer_gzipped(*, tag: str, body: bytes) -> bytes:
    """`body`, the bytes of the stored answer named `tag`, compressed with gzip: once per answer, kept beside
    it as an answer of its own (`cached_answer`). Without a timestamp in the header, so that every process
    makes and serves the same bytes."""
    return cached_answer(f"{tag}:gzip", lambda: gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0))


# --- long lists --------------------------------------------------------------------------------

COUNT_CAP = 10_000  # counted exactly up to here; past it PostgreSQL's estimate is close enough to page by


def count_capped(*, rows: QuerySet, cap: int | None = None) -> tuple[int, bool]:
    """How many rows, and whether exactly: counting stops after `cap` + 1 (COUNT_CAP by default: an index
    walk of that many at most), and past it the planner's estimate is taken, never less than what was
    counted."""
    cap = COUNT_CAP if cap is None else cap
    counted = rows.order_by().values("pk")[: cap + 1].count()
    if counted <= cap:
        return counted, True
    plan = json.loads(rows.order_by().explain(format="json"))
    return max(int(plan[0]["Plan"]["Plan Rows"]), counted), False


class BadCursor(ValueError):
    """A keyset cursor that does not name a place in this list (altered, or from another ordering)."""


def keyset_order(*, rows: QuerySet) -> list[str]:
    """The order of a long list's pages: `rows`' own (a leading "-" for descending), ended by the primary key
    in the direction of the last field, so that every row has one place and ties do not move between pages."""
    order = [str(f) for f in rows.query.order_by] or ["id"]
    if not any(f.lstrip("-") in ("pk", "id") for f in order):
        order.append("-id" if order[-1].startswith("-") else "id")
    return order


def keyset_after(*, rows: QuerySet, order: list[str], values: list) -> QuerySet:
    """The rows after the one whose `order` fields hold `values` (as keyset_order and keyset_values give them):
    (a > x) or (a = x and b > y) or …, each comparison turned for a descending field. With an index on the
    ordering, PostgreSQL reads from that place on instead of skipping the rows before it."""
    if len(values) != len(order):
        raise BadCursor("the cursor belongs to another ordering")
    model = rows.model
    typed = []
    for field, value in zip(order, values, strict=True):
        name = field.lstrip("-")
        try:
            model_field = model._meta.pk if name == "pk" else model._meta.get_field(name)
            typed.append(model_field.to_python(value))
        except Exception as error:  # a FieldDoesNotExist or a ValidationError: either way, not our cursor
            raise BadCursor(f"the cursor's {name} is not valid") from error
    descending = {f.startswith("-") for f in order}
    if len(descending) == 1:
        # one direction: a row comparison, "(said_on, id) > (x, y)", which PostgreSQL reads off the index
        columns = Tuple(*(F(f.lstrip("-")) for f in order))
        after = (TupleLessThan if descending.pop() else TupleGreaterThan)(columns, typed)
        return rows.filter(after).order_by(*order)
    after = Q()
    for k, field in enumerate(order):
        name = field.lstrip("-")
        step = Q(**{f"{name}__{'lt' if field.startswith('-') else 'gt'}": typed[k]})
        for earlier, value in zip(order[:k], typed[:k], strict=True):
            step &= Q(**{earlier.lstrip("-"): value})
        after |= step
    return rows.filter(after).order_by(*order)


def keyset_values(*, row, order: list[str]) -> list:
    """The values of `row` (a model instance or a dict of its fields) that mark its place in `order`, as JSON
    can hold them."""
    out = []
    for field in order:
        name = field.lstrip("-")
        value = row[name] if isinstance(row, dict) else getattr(row, name)
        out.append(value.isoformat() if hasattr(value, "isoformat") else value)
    return out


def page_ids(*, rows: QuerySet, start: int, stop: int) -> list:
    """The ids of rows[start:stop], sorted and cut on the table's own indexes: a page's first step, its rows
    (rows_by_ids, or a reader's own such as statement_entries) the second, so that the top-N sort comes before
    the joins, not after."""
    return list(rows.values_list("pk", flat=True)[start:stop])


def rows_by_ids(*, rows: QuerySet, ids: list) -> list:
    """The rows of `rows` with these ids, in the ids' order, with whatever `rows` joins and prefetches."""
    found = {row.pk: row for row in rows.filter(pk__in=ids).order_by()}
    return [found[pk] for pk in ids if pk in found]


def counted_page(*, rows: QuerySet, start: int, stop: int, cap: int | None = None) -> tuple[int, bool, list | None]:
    """count_capped's figures and, when they are exact, the ids of the ordered rows[start:stop], from one pass
    over the matching rows: the first cap + 1 rows found (in no order) are counted, and when there are no
    more than `cap` of them they are all there is, so the page is sorted and cut from them. A full-text
    search's matches, scattered over the table, are read once instead of twice (once to count, once to
    sort): 11.6–15.9 ms against 20.2–26.2 for 2,077 matches among 1,000,000 statements (a loaded machine).
    Where counting walks an index alone (an unsearched list) the pass costs more than the count and the
    ordered ids together (7.0–8.1 against 5.6–6.3 ms): it is for searches.
    Past the cap the ids are None: the page needs the ordered query (page_ids)."""
    cap = COUNT_CAP if cap is None else cap
    order = keyset_order(rows=rows)
    keys = rows.order_by().values_list("pk", *(f.lstrip("-") for f in order))[: cap + 1]
    found, params = keys.query.sql_with_params()
    columns = [f"k{i}" for i in range(len(order) + 1)]
    by = ", ".join(f"k{i} {'DESC' if f.startswith('-') else 'ASC'}" for i, f in enumerate(order, start=1))
    query = (
        f"WITH found ({', '.join(columns)}) AS MATERIALIZED ({found}), counted AS (SELECT count(*) AS n FROM found) "
        "SELECT n, CASE WHEN n <= %s "
        f"THEN ARRAY(SELECT k0 FROM found ORDER BY {by} LIMIT %s OFFSET %s) END FROM counted"
    )
    with connections[rows.db].cursor() as cursor:
        cursor.execute(query, [*params, cap, max(0, stop - start), start])
        counted, ids = cursor.fetchone()
    if counted <= cap:
        return counted, True, ids
    plan = json.loads(rows.order_by().explain(format="json"))
    return max(int(plan[0]["Plan"]["Plan Rows"]), counted), False, None


# --- the codebook and the release tables: the public record as data --------------------------------

_APPROVED = ReviewState.APPROVED


def _example(row: dict, prefix: str = "") -> dict:
    """An example statement of the codebook, from a values() row whose statement fields start with `prefix`."""
    return {
        "id": row[f"{prefix}id"],
        "quote": row[f"{prefix}quote"],
        "said_on": row[f"{prefix}said_on"],
        "speaker": row["shown_speaker__name"],
        "party": row[f"{prefix}party__name"],
        "document": {
            "title": row[f"{prefix}document__title"],
            "publisher": row[f"{prefix}document__publisher"],
            "published": row[f"{prefix}document__published"],
            "url": row[f"{prefix}document__url"],
        },
    }


def _example_fields(prefix: str = "") -> list[str]:
    names = ["id", "quote", "said_on", "party__name", "document__title", "document__publisher"]
    names += ["document__published", "document__url"]
    return [f"{prefix}{name}" for name in names] + ["shown_speaker__name"]


def _statement_examples(by: str) -> dict:
    """One approved statement for each value of `by` (a statement field or path): a direct quote first,
    then the earliest said, then the lowest id, so that the same record gives the same example."""
    direct_first = Case(When(mode="direct", then=Value(0)), default=Value(1), output_field=IntegerField())
    rows = Statement.objects.filter(review_state=_APPROVED).annotate(shown_speaker=speaker_shown(curator=False))
    rows = rows.annotate(direct_first=direct_first).order_by(by, "direct_first", "said_on", "id").distinct(by)
    return {row[by]: _example(row) for row in rows.values(by, *_example_fields())}


def _position_examples(model, field: str) -> dict:
    """One approved evidence statement of an approved row of `model` (stance or status change) for each
    value of its `field`, the stance's own party's words first, then the earliest said, then the lowest id."""
    owner = model._meta.model_name
    links = model.evidence.through.objects.filter(
        **{f"{owner}__review_state": _APPROVED}, statement__review_state=_APPROVED
    )
    links = links.annotate(shown_speaker=speaker_shown(curator=False, path="statement__speaker"))
    by = f"{owner}__{field}"
    order = [by]
    if model is Stance:
        own = Case(
            When(statement__party_id=F("stance__party_id"), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        links = links.annotate(own_first=own)
        order.append("own_first")
    rows = links.order_by(*order, "statement__said_on", "statement_id").distinct(by)
    extra = [f"{owner}__proposal__title"] + ([f"{owner}__party__name"] if model is Stance else [])
    found = {}
    for row in rows.values(by, *extra, *_example_fields("statement__")):
        example = _example(row, "statement__")
        example["proposal"] = row[f"{owner}__proposal__title"]
        if model is Stance:
            example["stance_party"] = row["stance__party__name"]
        found[row[by]] = example
    return found


def codebook() -> dict:
    """Every kind (with its CAMEO root), stance, status, topic (each negotiation's issues) and party, defined,
    each with an example from the public record where one exists: an approved statement (the evidence of
    an approved stance or status for those), its speaker, party, date and source. Seven queries."""
    kinds = _statement_examples("kind")
    stances = _position_examples(Stance, "stance")
    statuses = _position_examples(StatusChange, "status")
    topics = _statement_examples("topics__id")
    parties = _statement_examples("party_id")
    issues = Issue.objects.select_related("negotiation", "parent").order_by("negotiation__slug", "key")
    party_rows = Party.objects.prefetch_related(
        Prefetch("negotiations", queryset=Negotiation.objects.order_by("slug"))
    ).order_by("name")
    return {
        "kinds": [
            {
                "value": value,
                "label": label,
                "definition": KIND_MEANINGS[value],
                "cameo": CAMEO_ROOT[value],
                "example": kinds.get(value),
            }
            for value, label in StatementKind.choices
        ],
        "stances": [
            {"value": value, "label": label, "definition": STANCE_MEANINGS[value], "example": stances.get(value)}
            for value, label in StanceValue.choices
        ],
        "statuses": [
            {"value": value, "label": label, "definition": STATUS_MEANINGS[value], "example": statuses.get(value)}
            for value, label in ProposalStatus.choices
        ],
        "topics": [
            {
                "value": issue.key,
                "label": issue.title,
                "definition": issue.description,
                "negotiation": issue.negotiation.slug,
                "parent": issue.parent.key if issue.parent else None,
                "example": topics.get(issue.id),
            }
            for issue in issues
        ],
        "parties": [
            {
                "value": party.slug,
                "label": party.name,
                "definition": party.get_kind_display(),
                "aliases": sorted(party.aliases),
                "metonyms": sorted(party.metonyms),
                "negotiations": [n.slug for n in party.negotiations.all()],
                "example": parties.get(party.id),
            }
            for party in party_rows
        ],
    }


def _ids(values) -> str:
    return ";".join(str(i) for i in sorted(i for i in values if i is not None))


def _public_evidence(model) -> dict[int, str]:
    """The approved evidence statements of each approved row of `model`, as "id;id", by row id. One query."""
    owner = model._meta.model_name
    links = model.evidence.through.objects.filter(
        **{f"{owner}__review_state": _APPROVED}, statement__review_state=_APPROVED
    )
    found: dict[int, list[int]] = {}
    for row_id, statement_id in links.values_list(f"{owner}_id", "statement_id"):
        found.setdefault(row_id, []).append(statement_id)
    return {row_id: _ids(ids) for row_id, ids in found.items()}


# (header, value path) of each release table but the statements (STATEMENT_COLUMNS), in a fixed order.
RELEASE_COLUMNS = {
    "stances.csv": [
        ("stance_id", "id"),
        ("proposal_id", "proposal_id"),
        ("proposal", "proposal__slug"),
        ("party_id", "party_id"),
        ("party", "party__name"),
        ("stance", "stance"),
        ("effective", "effective"),
        ("note", "note"),
    ],
    "statuses.csv": [
        ("status_change_id", "id"),
        ("proposal_id", "proposal_id"),
        ("proposal", "proposal__slug"),
        ("status", "status"),
        ("effective", "effective"),
        ("note", "note"),
    ],
    "proposals.csv": [
        ("proposal_id", "id"),
        ("negotiation", "negotiation__slug"),
        ("slug", "slug"),
        ("title", "title"),
        ("issue", "issue__key"),
        ("proponent", "proponent__name"),
        ("kind", "kind"),
        ("first_stated", "first_stated"),
        ("description", "description"),
    ],
    "parties.csv": [
        ("party_id", "id"),
        ("slug", "slug"),
        ("name", "name"),
        ("kind", "kind"),
        ("aliases", "aliases"),
        ("metonyms", "metonyms"),
    ],
    "actors.csv": [("actor_id", "id"), ("slug", "slug"), ("name", "name"), ("kind", "kind"), ("aliases", "aliases")],
    "roles.csv": [
        ("role_id", "id"),
        ("actor_id", "actor_id"),
        ("actor", "actor__name"),
        ("party_id", "party_id"),
        ("party", "party__name"),
        ("title", "title"),
        ("start", "start"),
        ("end", "end"),
        ("speaks_for_party", "speaks_for_party"),
    ],
    "documents.csv": [
        ("document_id", "id"),
        ("url", "url"),
        ("title", "title"),
        ("publisher", "publisher"),
        ("author", "author"),
        ("published", "published"),
        ("language", "language"),
        ("content_sha256", "content_hash"),
    ],
}


def _tidy(value):
    """A list (aliases, metonyms) as one sorted "a;b" cell."""
    return ";".join(sorted(value)) if isinstance(value, list) else value


def _table(name: str, rows: QuerySet, evidence: dict[int, str] | None = None) -> tuple[list[str], Iterator[tuple]]:
    columns = RELEASE_COLUMNS[name]
    headers = [header for header, _ in columns] + (["evidence"] if evidence is not None else [])
    values = rows.order_by("id").values_list(*(path for _, path in columns))

    def lines() -> Iterator[tuple]:
        for row in values.iterator(chunk_size=EXPORT_CHUNK_SIZE):
            cells = tuple(_tidy(value) for value in row)
            yield (*cells, evidence.get(row[0], "")) if evidence is not None else cells

    return headers, lines()


def release_tables() -> dict[str, tuple[list[str], Iterator[tuple]]]:
    """The public record as tidy tables, by file name: headers in a fixed order and rows sorted by id (the
    statements by date said, then id, as every export): approved statements (the public export's columns),
    approved stances and status changes (with the ids of their approved evidence statements, "id;id"),
    proposals, parties, approved speakers and their roles, and the documents approved statements quote
    (metadata, no text). Nothing the public does not see and no moment of writing: the same record gives
    the same tables. Each table is read lazily, one query each."""
    approved = statements_visible(curator=False).filter(review_state=_APPROVED)
    documents = Document.objects.filter(pk__in=Statement.objects.filter(review_state=_APPROVED).values("document_id"))
    return {
        "statements.csv": statements_table(matching=approved, curator=False),
        "stances.csv": _table("stances.csv", Stance.objects.filter(review_state=_APPROVED), _public_evidence(Stance)),
        "statuses.csv": _table(
            "statuses.csv", StatusChange.objects.filter(review_state=_APPROVED), _public_evidence(StatusChange)
        ),
        "proposals.csv": _table("proposals.csv", Proposal.objects.all()),
        "parties.csv": _table("parties.csv", Party.objects.all()),
        "actors.csv": _table("actors.csv", Actor.objects.filter(review_state=_APPROVED)),
        "roles.csv": _table("roles.csv", Role.objects.filter(actor__review_state=_APPROVED)),
        "documents.csv": _table("documents.csv", documents),
    }


# --- A position scale: where each party stands on an issue's outcomes, over time ----------------


def _month_end(day: date) -> date:
    return date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])


def _months(start: date, end: date) -> list[date]:
    """The first day of each month from `start`'s to `end`'s."""
    months, day = [], date(start.year, start.month, 1)
    while day <= end:
        months.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return months


def _placement_order(row) -> tuple:
    return (row.effective, -_REVIEW_RANK.get(row.review_state, 2), row.recorded_at, row.id)


def _value_on(points: list[dict], day: date) -> dict | None:
    """The point in force on `day` of a party's change points (by date)."""
    found = None
    for point in points:
        if point["date"] > day:
            break
        found = point
    return found


def issue_scale(*, negotiation: Negotiation, key: str, as_of: date, include_pending: bool = True) -> dict | None:
    """Each party's position on the issue's scale over time, up to `as_of`, with its salience per month.

    Position: a party stands at the step of a proposal it supports (the step's `proposals`); supporting
    several, at the one whose support began last (a tie: the higher step). A curator's placement
    (ScalePosition) wins over the stances from its date on, until a stance run that begins after it. Each
    change point names what placed the party there and the statement it rests on. `distance`: between the
    two furthest parties placed (None while fewer than two are), at each day it changes.

    Salience, per party and month: how much of what the party said that month (its public statements on
    any of the negotiation's issues) was about this issue, 0–100, a statement about this issue alone
    counting fully and one about k issues counting 1/k (`statements`: how many touched the issue).
    `months` is the tidy table: one row per party and month from the negotiation's start (the issue's
    first record without one) to `as_of`, the position held at the month's end (or on `as_of`).
    None when the negotiation has no such issue; `scale` None when the issue has no scale. Eight queries.
    """
    issue = Issue.objects.filter(negotiation=negotiation, key=key).select_related("scale").first()
    if issue is None:
        return None
    scale = getattr(issue, "scale", None)
    members = negotiation_parties(negotiation=negotiation, own_order=True)
    steps = list(scale.steps.prefetch_related("proposals").order_by("position")) if scale else []
    step_of: dict[int, list] = {}
    for step in steps:
        for proposal in step.proposals.all():
            step_of.setdefault(proposal.id, []).append(step)
    stances = list(
        Stance.objects.filter(_visible(include_pending), proposal_id__in=list(step_of), effective__lte=as_of)
        .select_related("party", "proposal")
        .order_by()
    )
    evidence = _stance_evidence(stance_ids=[row.id for row in stances])
    placements = list(
        ScalePosition.objects.filter(_visible(include_pending), step__in=steps, effective__lte=as_of)
        .select_related("step", "party")
        .prefetch_related("evidence")
    )
    points = _scale_points(stances, placements, step_of, evidence)

    # Salience: every public statement of the negotiation's parties on its issues, up to as_of.
    topics = Statement.topics.through.objects.filter(issue__negotiation=negotiation)
    said = (
        Statement.objects.filter(_visible(include_pending), party__in=members, said_on__lte=as_of)
        .filter(Exists(topics.filter(statement_id=OuterRef("pk"))))
        .annotate(
            on_issue=Exists(topics.filter(statement_id=OuterRef("pk"), issue=issue)),
            topic_count=Subquery(
                topics.filter(statement_id=OuterRef("pk")).values("statement_id").annotate(n=Count("id")).values("n"),
                output_field=IntegerField(),
            ),
        )
        .values_list("party_id", "said_on", "on_issue", "topic_count")
    )
    spoken: dict[tuple, list] = {}  # (party id, month) -> [all, weighted on the issue, on the issue]
    for party_id, said_on, on_issue, count in said:
        tally = spoken.setdefault((party_id, said_on.replace(day=1)), [0, 0.0, 0])
        tally[0] += 1
        if on_issue:
            tally[1] += 1 / max(count or 1, 1)
            tally[2] += 1

    shown = [p for p in members if p.id in points or any(k[0] == p.id and v[2] for k, v in spoken.items())]
    starts = [row.effective for row in stances] + [day for (_, day), v in spoken.items() if v[2]]
    start = negotiation.started or min(starts, default=as_of)
    months = []
    for month in _months(min(start, as_of), as_of):
        end = min(_month_end(month), as_of)
        for party in shown:
            point = _value_on(points.get(party.id, []), end)
            total, weighted, count = spoken.get((party.id, month), [0, 0.0, 0])
            months.append(
                {
                    "month": month.strftime("%Y-%m"),
                    "party": _party_ref(party),
                    "position": point["position"] if point else None,
                    "step": point["step"] if point else None,
                    "salience": round(100 * weighted / total, 1) if total else 0.0,
                    "statements": count,
                }
            )
    by_slug = {p.id: p for p in members}
    series = [
        {"party": _party_ref(by_slug[pid]), "points": points[pid]} for pid in [p.id for p in shown] if pid in points
    ]
    return {
        "negotiation": negotiation.slug,
        "issue": {"key": issue.key, "title": issue.title},
        "as_of": as_of,
        "start": min(start, as_of),
        "scale": scale
        and {
            "title": scale.title,
            "description": scale.description,
            "steps": [
                {
                    "key": step.key,
                    "label": step.label,
                    "position": step.position,
                    "proposals": [{"id": p.id, "slug": p.slug, "title": p.title} for p in step.proposals.all()],
                }
                for step in steps
            ],
        },
        "parties": series,
        "distance": _scale_distance(series),
        "months": months,
    }


# The tidy table of `issue_scale`, in the DEU's shape (negotiation, issue, actor, date, position, salience),
# one row per party and month; the page's download and the API's are this one table.
ISSUE_POSITION_HEADERS = ["negotiation", "issue", "party", "date", "position", "salience", "step", "statements"]


def issue_positions_rows(found: dict) -> list[tuple]:
    """The rows of ISSUE_POSITION_HEADERS for an `issue_scale` answer, by month, then the parties' own order."""
    return [
        (
            found["negotiation"],
            found["issue"]["key"],
            row["party"]["name"],
            row["month"],
            row["position"],
            row["salience"],
            row["step"],
            row["statements"],
        )
        for row in found["months"]
    ]


def _scale_points(stances: list[Stance], placements: list, step_of: dict, evidence: dict) -> dict[int, list[dict]]:
    """By party id, the days its position changed: {date, position, step, label, source, proposal, statement}."""
    runs: dict[int, list[tuple]] = {}  # party id -> [(row, since)] of every stance row, in in-force order
    for history in _histories(stances, "stance"):
        for row, _previous, since in history:
            runs.setdefault(row.party_id, []).append((row, since))
    placed: dict[int, list] = {}
    for row in sorted(placements, key=_placement_order):
        placed.setdefault(row.party_id, []).append(row)
    found: dict[int, list[dict]] = {}
    for party_id in sorted(set(runs) | set(placed)):
        rows = runs.get(party_id, [])
        days = sorted({row.effective for row, _ in rows} | {row.effective for row in placed.get(party_id, [])})
        points: list[dict] = []
        for day in days:
            in_force: dict[int, tuple] = {}
            for row, since in rows:
                if row.effective <= day:
                    in_force[row.proposal_id] = (row, since)  # rows come in in-force order
            candidates = [
                (since, step.position, step, row)
                for row, since in in_force.values()
                if row.stance == "supports"
                for step in step_of.get(row.proposal_id, [])
            ]
            derived = max(candidates, key=lambda c: c[:2], default=None)
            placement = next((p for p in reversed(placed.get(party_id, [])) if p.effective <= day), None)
            if placement is not None and (derived is None or placement.effective >= derived[0]):
                statement = next(iter(placement.evidence.all()), None)
                point = {
                    "date": placement.effective,
                    "step": placement.step.key,
                    "label": placement.step.label,
                    "position": placement.step.position,
                    "source": "curator",
                    "proposal": None,
                    "statement": statement
                    and {
                        "id": statement.id,
                        "quote": statement.quote,
                        "said_on": statement.said_on,
                        "document": statement.document_id,
                    },
                    "review_state": placement.review_state,
                }
            elif derived is not None:
                since, _, step, row = derived
                grounds = sorted(evidence.get(row.id, []), key=_said_last)
                own = [g for g in grounds if g["statement__party_id"] == party_id]
                shown = (own or grounds or [None])[0]
                point = {
                    "date": since,
                    "step": step.key,
                    "label": step.label,
                    "position": step.position,
                    "source": "stance",
                    "proposal": {"id": row.proposal.id, "slug": row.proposal.slug, "title": row.proposal.title},
                    "statement": shown
                    and {
                        "id": shown["statement_id"],
                        "quote": shown["statement__quote"],
                        "said_on": shown["statement__said_on"],
                        "document": shown["statement__document_id"],
                    },
                    "review_state": row.review_state,
                }
            else:
                point = {"date": day, "step": None, "label": None, "position": None, "source": "stance"}
                point.update(proposal=None, statement=None, review_state=None)
            if not points or (points[-1]["step"], points[-1]["source"]) != (point["step"], point["source"]):
                point["date"] = day  # the day it changed (a run restated since earlier changes nothing)
                points.append(point)
        while points and points[0]["position"] is None:
            points.pop(0)
        if points:
            found[party_id] = points
    return found


def _scale_distance(series: list[dict]) -> list[dict]:
    """The distance between the two furthest parties placed, on each day it changes (None: fewer than two)."""
    days = sorted({point["date"] for s in series for point in s["points"]})
    changes: list[dict] = []
    for day in days:
        placed = []
        for s in series:
            point = _value_on(s["points"], day)
            if point and point["position"] is not None:
                placed.append((point["position"], s["party"]["slug"]))
        if len(placed) < 2:
            entry = {"date": day, "distance": None, "low": None, "high": None}
        else:
            low, high = min(placed), max(placed)
            entry = {"date": day, "distance": high[0] - low[0], "low": low[1], "high": high[1]}
        if not changes or (changes[-1]["distance"], changes[-1]["low"], changes[-1]["high"]) != (
            entry["distance"],
            entry["low"],
            entry["high"],
        ):
            changes.append(entry)
    return changes
