"""Loads a negotiation's seed file (fixtures/*.json) by natural keys: loading twice changes nothing.

The seed's statements are evidence, not articles: each seed Document holds only the quoted
passages (`excerpt=True`), one after another, so that every statement still satisfies
quote == document.text[start:end] and keeps its source's title, publisher, date and URL.

A corrected file loaded over an older one leaves what a fresh load leaves: the rows an earlier load
made that the file no longer has (a stance whose date moved, a statement whose quote changed, the
excerpt document that held it, a role whose start moved) go, unless a person has touched them.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db import models, transaction
from django.db.models import Q

from positions.models import (
    Actor,
    Deadline,
    Document,
    Issue,
    Negotiation,
    Party,
    Proposal,
    ProposalRelation,
    Role,
    Scale,
    ScalePosition,
    ScaleStep,
    Source,
    Stance,
    Statement,
    StatusChange,
)
from positions.services.deadlines import deadline_due
from positions.services.seed_check import SeedProblem, seed_problems
from positions.vocabularies import DatePrecision, ReviewState

EXCERPT_SEPARATOR = "\n\n[…]\n\n"
SEED_VIA = "seed"
PRUNED = f"{SEED_VIA}: no longer in the file"


class SeedError(ValueError):
    """The seed file refers to something it does not define, or breaks a rule: every problem found."""

    def __init__(self, problems: list[SeedProblem]):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


@dataclass
class SeedReport:
    outcomes: dict[str, Counter] = field(default_factory=dict)

    def count(self, model: type[models.Model], outcome: str) -> None:
        self.outcomes.setdefault(model.__name__, Counter())[outcome] += 1

    def lines(self) -> list[str]:
        return [
            f"{name}: {c['inserted']} inserted, {c['updated']} updated, {c['unchanged']} unchanged"
            + (f", {c['kept']} kept as a person left them" if c["kept"] else "")
            + (f", {c['removed']} removed" if c["removed"] else "")
            for name, c in self.outcomes.items()
        ]


def _upsert(report: SeedReport, model, lookup: dict, values: dict, m2m: dict | None = None):
    """Insert or update one row; report inserted / updated / unchanged, or kept: a row that a person (or another
    process) has written since a seed load made it stays as they left it, its review state, note and links
    included, even where the file says otherwise (the launcher loads the seed at every start)."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        obj._change_reason = SEED_VIA  # the audit trail names the seed as the writer (see _people_touched)
        obj.save()
        report.count(model, "inserted")
        _set_links(obj, {name: wanted for name, wanted in (m2m or {}).items() if wanted})
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    stale = [name for name, wanted in (m2m or {}).items() if _links(obj, name) != [o.pk for o in wanted]]
    if not changed and not stale:
        report.count(model, "unchanged")
    elif hasattr(model, "history") and obj.pk in _people_touched(model, [obj.pk]):
        report.count(model, "kept")
    else:
        obj._change_reason = SEED_VIA
        for name in changed:
            setattr(obj, name, values[name])
        if changed:
            obj.save(update_fields=changed)
        _set_links(obj, {name: m2m[name] for name in stale})
        report.count(model, "updated")
    return obj


def _links(obj, name: str) -> list[int]:
    manager = getattr(obj, name)
    links = manager.through.objects.filter(**{manager.source_field_name: obj}).order_by("id")
    return list(links.values_list(f"{manager.target_field_name}_id", flat=True))


def _set_links(obj, m2m: dict | None) -> None:
    """The links keep the file's order (a negotiation's own order of its parties, which the pages show): they are
    made one by one, in that order, and made again when the order changes."""
    for name, wanted in (m2m or {}).items():
        manager = getattr(obj, name)
        manager.clear()
        for item in wanted:
            manager.add(item)


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


@transaction.atomic
def negotiation_seed(*, data: dict) -> SeedReport:
    """Upsert one negotiation's parties, issues, actors, evidence, proposals and their histories.

    The whole file is checked first (positions/services/seed_check.py): a file with any problem
    raises SeedError with all of them, and nothing is written."""
    problems = seed_problems(data=data)
    if problems:
        raise SeedError(problems)
    report = SeedReport()

    parties = {}
    for item in data["parties"]:
        parties[item["name"]] = _upsert(
            report,
            Party,
            {"name": item["name"]},
            {
                "slug": item["slug"],
                "kind": item["kind"],
                "aliases": item.get("aliases", []),
                "metonyms": item.get("metonyms", []),
            },
        )

    spec = data["negotiation"]
    negotiation = _upsert(
        report,
        Negotiation,
        {"slug": spec["slug"]},
        {
            "title": spec["title"],
            "description": spec.get("description", ""),
            "started": _day(spec.get("started")),
            "ended": _day(spec.get("ended")),
        },
        m2m={"parties": [parties[name] for name in spec.get("parties", [])]},
    )

    issues = {}
    for item in data["issues"]:  # a parent comes before its children in the file
        issues[item["key"]] = _upsert(
            report,
            Issue,
            {"negotiation": negotiation, "key": item["key"]},
            {
                "title": item["title"],
                "description": item.get("description", ""),
                "keywords": item.get("keywords", []),
                "parent": issues[item["parent"]] if item.get("parent") else None,
            },
        )

    actors = {}
    for item in data["actors"]:
        actor = _upsert(
            report,
            Actor,
            {"slug": item["slug"]},
            {
                "name": item["name"],
                "kind": item.get("kind", "person"),
                "aliases": item.get("aliases", []),
                "review_state": ReviewState.APPROVED,
            },
        )
        actors[item["name"]] = actor
        # Before the upsert: a role whose start moved would otherwise overlap its old row (role_same_post_no_overlap).
        roles = item.get("roles") or []
        _prune_roles(report, actor, [(parties[r["party"]].pk, r["title"], _day(r["start"])) for r in roles])
        for role in roles:
            _upsert(
                report,
                Role,
                {
                    "actor": actor,
                    "party": parties[role["party"]],
                    "title": role["title"],
                    "start": _day(role["start"]),
                },
                {"end": _day(role.get("end")), "speaks_for_party": role.get("speaks_for_party", True)},
            )

    for item in data.get("sources") or []:
        _seed_source(report, item, negotiation)

    # Found before anything moves: afterwards an old statement may no longer be anyone's evidence.
    earlier = set(_seed_statements(negotiation).values_list("pk", flat=True))
    statements = _seed_evidence(report, data, parties=parties, issues=issues, actors=actors)

    kept: dict[type, set[int]] = {StatusChange: set(), Stance: set()}
    proposals = {}
    for item in data["proposals"]:
        proposal = _upsert(
            report,
            Proposal,
            {"negotiation": negotiation, "slug": item["slug"]},
            {
                "title": item["title"],
                "description": item.get("description", ""),
                "issue": issues[item["issue"]],
                "proponent": parties[item["proponent"]],
                "kind": item["kind"],
                "first_stated": _day(item["first_stated"]),
            },
        )
        proposals[item["slug"]] = proposal
        for change in item.get("statuses") or []:
            row = _upsert(
                report,
                StatusChange,
                {"proposal": proposal, "effective": _day(change["effective"]), "status": change["status"]},
                {"note": change.get("note", ""), "recorded_via": SEED_VIA, "review_state": ReviewState.APPROVED},
                m2m={"evidence": [statements[key] for key in change["evidence"]]},
            )
            kept[StatusChange].add(row.pk)
        for stance in item.get("stances") or []:
            row = _upsert(
                report,
                Stance,
                {
                    "proposal": proposal,
                    "party": parties[stance["party"]],
                    "effective": _day(stance["effective"]),
                    "stance": stance["stance"],
                },
                {"note": stance.get("note", ""), "recorded_via": SEED_VIA, "review_state": ReviewState.APPROVED},
                m2m={"evidence": [statements[key] for key in stance["evidence"]]},
            )
            kept[Stance].add(row.pk)

    kept[ProposalRelation] = _seed_relations(report, data, statements, proposals)
    kept[Deadline] = _seed_deadlines(report, data, statements=statements, proposals=proposals, parties=parties)
    placed = _seed_scales(report, data, issues=issues, statements=statements, proposals=proposals, parties=parties)
    seeded_placements = ScalePosition.objects.filter(step__scale__issue__negotiation=negotiation, recorded_via=SEED_VIA)
    _prune(report, ScalePosition, seeded_placements.exclude(pk__in=placed))
    _link_statements(data, statements, proposals)
    for model, ids in kept.items():
        of_negotiation = {
            "from_proposal__negotiation" if model is ProposalRelation else "proposal__negotiation": negotiation
        }
        rows = model.objects.filter(**of_negotiation, recorded_via=SEED_VIA).exclude(pk__in=ids)
        _prune(report, model, rows)
    _prune_evidence(report, earlier - {s.pk for s in statements.values()})
    dropped = negotiation.proposals.exclude(pk__in=[p.pk for p in proposals.values()])
    _prune(
        report,
        Proposal,
        dropped.filter(stances=None, status_changes=None, statements=None, relations_from=None, relations_to=None),
    )
    return report


def _seed_deadlines(report: SeedReport, data: dict, *, statements, proposals, parties) -> set[int]:
    """The file's target dates, found by (proposal, party, phrase); the due day read from the phrase unless given."""
    kept = set()
    for item in data.get("deadlines") or []:
        evidence = [statements[key] for key in item["evidence"]]
        due, precision = deadline_due(phrase=item["phrase"], evidence=evidence, due=_day(item.get("due")))
        row = _upsert(
            report,
            Deadline,
            {
                "proposal": proposals[item["proposal"]],
                "party": parties[item["party"]] if item.get("party") else None,
                "phrase": item["phrase"],
            },
            {
                "due": due,
                "due_precision": precision,
                "effective": _day(item.get("effective")) or min(s.said_on for s in evidence),
                "note": item.get("note", ""),
                "recorded_via": SEED_VIA,
                "review_state": ReviewState.APPROVED,
            },
            m2m={"evidence": evidence},
        )
        kept.add(row.pk)
    return kept


def _seed_scales(report: SeedReport, data: dict, *, issues, statements, proposals, parties) -> set[int]:
    """Each issue's scale and its steps, found by issue and key, and the placements the file makes."""
    kept = set()
    for item in data.get("scales") or []:
        scale = _upsert(
            report,
            Scale,
            {"issue": issues[item["issue"]]},
            {"title": item["title"], "description": item.get("description", "")},
        )
        steps = {}
        for spec in item["steps"]:
            steps[spec["key"]] = _upsert(
                report,
                ScaleStep,
                {"scale": scale, "key": spec["key"]},
                {"label": spec["label"], "position": spec["position"]},
                m2m={"proposals": [proposals[slug] for slug in spec.get("proposals", [])]},
            )
        _prune(report, ScaleStep, scale.steps.exclude(key__in=list(steps)))
        for entry in item.get("positions") or []:
            row = _upsert(
                report,
                ScalePosition,
                {"step": steps[entry["step"]], "party": parties[entry["party"]], "effective": _day(entry["effective"])},
                {"note": entry.get("note", ""), "recorded_via": SEED_VIA, "review_state": ReviewState.APPROVED},
                m2m={"evidence": [statements[key] for key in entry["evidence"]]},
            )
            kept.add(row.pk)
    return kept


def _seed_relations(
    report: SeedReport, data: dict, statements: dict[str, Statement], proposals: dict[str, Proposal]
) -> set[int]:
    """The file's relations between its proposals (natural key: from, to, type), approved, recorded via the seed."""
    kept = set()
    for item in data.get("relations") or []:
        ends = {
            "from_proposal": proposals[item["from"]],
            "to_proposal": proposals[item["to"]],
            "relation": item["type"],
        }
        # The live row of the relation (one at most), whoever made it; a rejected one stays as it is.
        live = ProposalRelation.objects.filter(**ends).exclude(review_state=ReviewState.REJECTED).first()
        row = _upsert(
            report,
            ProposalRelation,
            {"pk": live.pk} if live else ends,
            {
                "effective": _day(item["since"]),
                "effective_precision": item.get("since_precision", DatePrecision.DAY),
                "note": item.get("note", ""),
                "recorded_via": SEED_VIA,
                "review_state": ReviewState.APPROVED,
            },
            m2m={"evidence": [statements[key] for key in item["evidence"]]},
        )
        kept.add(row.pk)
    return kept


def _link_statements(data: dict, statements: dict[str, Statement], proposals: dict[str, Proposal]) -> None:
    """Each statement is linked to the first proposal, in file order, whose history cites it (none: no link).
    A link a person set stays; one an earlier load set follows the file."""
    wanted: dict[str, Proposal] = {}
    for item in data["proposals"]:
        for entry in (item.get("statuses") or []) + (item.get("stances") or []):
            for key in entry["evidence"]:
                wanted.setdefault(key, proposals[item["slug"]])
    touched = _people_touched(Statement, [s.pk for s in statements.values()])
    for key, statement in statements.items():
        proposal = wanted.get(key)
        if statement.proposal_id == (proposal.pk if proposal else None):
            continue
        if statement.proposal_id is None or not (statement.corrected or statement.pk in touched):
            statement.proposal = proposal
            statement._change_reason = SEED_VIA
            statement.save(update_fields=["proposal"])


def _people_touched(model, ids) -> set[int]:
    """Of the rows `ids`, those a person or another process has written: a history record with a user, or with
    a reason that is not the seed's. Rows written only by seed loads (no reason before the seed gave one) are
    the seed's to change or remove."""
    history = model.history.filter(id__in=list(ids)).filter(
        Q(history_user__isnull=False)
        | (Q(history_change_reason__isnull=False) & ~Q(history_change_reason__startswith=SEED_VIA))
    )
    return set(history.values_list("id", flat=True))


def _prune(report: SeedReport, model, rows) -> None:
    """Remove the seed-made rows of `rows` that nobody else has touched, one by one so each leaves a history record."""
    rows = list(rows)
    touched = _people_touched(model, [row.pk for row in rows])
    if model in (StatusChange, Stance, ProposalRelation, Deadline, ScalePosition):
        touched |= {row.pk for row in rows if row.recorded_by_id is not None}
    for row in rows:
        if row.pk in touched:
            continue
        row._change_reason = PRUNED
        row.delete()
        report.count(model, "removed")


def _prune_roles(report: SeedReport, actor: Actor, wanted: list[tuple]) -> None:
    """The file lists all of an actor's roles: the seed-made others go (a start the file moved, a post it dropped)."""
    listed = set(wanted)
    stale = [r for r in actor.roles.all() if (r.party_id, r.title, r.start) not in listed]
    _prune(report, Role, stale)


def _seed_statements(negotiation: Negotiation):
    """The statements of the negotiation's excerpt documents that a seed load made: no extractor, not corrected."""
    of_negotiation = (
        Q(topics__negotiation=negotiation)
        | Q(proposal__negotiation=negotiation)
        | Q(stances__proposal__negotiation=negotiation)
        | Q(status_changes__proposal__negotiation=negotiation)
        | Q(proposal_relations__from_proposal__negotiation=negotiation)
    )
    return Statement.objects.filter(
        of_negotiation, document__excerpt=True, document__source=None, extractor_version="", corrected=False
    ).distinct()


def _prune_evidence(report: SeedReport, gone: set[int]) -> None:
    """Statements an earlier load made that the file no longer has (their span, speaker or document changed), unless
    something still cites them; then the excerpt documents left without a statement."""
    rows = Statement.objects.filter(
        pk__in=gone, stances=None, status_changes=None, proposal_relations=None, deadlines=None, scale_positions=None
    )
    rows = rows.select_related("document")
    rows = list(rows)
    documents = {row.document for row in rows}
    _prune(report, Statement, rows)
    for document in documents:
        if document.excerpt and document.source_id is None and not document.statements.exists():
            document.delete()  # Document keeps no history: the statements' records say what went
            report.count(Document, "removed")


def _seed_source(report: SeedReport, item: dict, negotiation: Negotiation) -> None:
    """A public feed of the negotiation: created paused, so a fresh install fetches nothing until a
    curator turns it on; a reload never touches the switch or the health a curator sees."""
    values = {"kind": item["kind"], "url": item["url"], "poll_interval": item.get("poll_interval", 3600)}
    source = Source.objects.filter(name=item["name"]).first()
    if source is None:
        Source.objects.create(name=item["name"], negotiation=negotiation, is_active=False, **values)
        report.count(Source, "inserted")
        return
    _upsert(report, Source, {"pk": source.pk}, values)


def _seed_evidence(report: SeedReport, data: dict, *, parties, issues, actors) -> dict[str, Statement]:
    """One excerpt Document per source, its text the quotes in file order; the statements on it."""
    by_document: dict[str, list[dict]] = {}
    for item in data["statements"]:
        by_document.setdefault(item["document"], []).append(item)

    statements = {}
    for spec in data["documents"]:
        items = by_document.get(spec["key"], [])
        if not items:
            continue
        spans, cursor = [], 0
        for item in items:
            spans.append((cursor, cursor + len(item["quote"])))
            cursor += len(item["quote"]) + len(EXCERPT_SEPARATOR)
        text = EXCERPT_SEPARATOR.join(item["quote"] for item in items)
        document = _upsert(
            report,
            Document,
            {"content_hash": hashlib.sha256(text.encode("utf-8")).hexdigest()},
            {
                "title": spec["title"],
                "publisher": spec.get("publisher", ""),
                "published": _day(spec.get("published")),
                "url": spec.get("url", ""),
                "language": spec.get("language", "en"),
                "text": text,
                "excerpt": True,
            },
        )
        for item, (start, end) in zip(items, spans, strict=True):
            speaker = actors[item["speaker"]] if item.get("speaker") else None
            party = parties[item["party"]] if item.get("party") else None
            statements[item["key"]] = _upsert(
                report,
                Statement,
                {"document": document, "start": start, "end": end, "speaker": speaker, "party": party},
                {
                    "quote": item["quote"],
                    "mode": item["mode"],
                    "cue": item.get("cue", ""),
                    "addressee": parties[item["addressee"]] if item.get("addressee") else None,
                    "said_on": _day(item["said_on"]),
                    "said_precision": item.get("said_precision", DatePrecision.DAY),
                    "kind": item["kind"],
                    "confidence": 1.0,
                    "extractor_version": "",
                    "review_state": ReviewState.APPROVED,
                },
                m2m={"topics": [issues[key] for key in item.get("topics", [])]},
            )
    return statements
