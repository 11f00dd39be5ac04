"""Loads a negotiation's seed file (fixtures/*.json) by natural keys: loading twice changes nothing.

The seed's statements are evidence, not articles: each seed Document holds only the quoted
passages (`excerpt=True`), one after another, so that every statement still satisfies
quote == document.text[start:end] and keeps its source's title, publisher, date and URL.
"""

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db import models, transaction

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
    Statement,
    StatusChange,
)
from positions.services.seed_check import SeedProblem, seed_problems
from positions.vocabularies import ReviewState

EXCERPT_SEPARATOR = "\n\n[…]\n\n"
SEED_VIA = "seed"


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
            for name, c in self.outcomes.items()
        ]


def _upsert(report: SeedReport, model, lookup: dict, values: dict, m2m: dict | None = None):
    """Insert or update one row; report inserted / updated / unchanged."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model.objects.create(**lookup, **values)
        outcome = "inserted"
    else:
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        for name in changed:
            setattr(obj, name, values[name])
        if changed:
            obj.save(update_fields=changed)
        outcome = "updated" if changed else "unchanged"
    for name, wanted in (m2m or {}).items():
        manager = getattr(obj, name)
        # The links keep the file's order (a negotiation's own order of its parties, which the pages
        # show): they are made one by one, in that order, and made again when the order changes.
        links = manager.through.objects.filter(**{manager.source_field_name: obj}).order_by("id")
        if list(links.values_list(f"{manager.target_field_name}_id", flat=True)) != [o.pk for o in wanted]:
            manager.clear()
            for item in wanted:
                manager.add(item)
            if outcome == "unchanged":
                outcome = "updated"
    report.count(model, outcome)
    return obj


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
        for role in item.get("roles") or []:
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

    statements = _seed_evidence(report, data, parties=parties, issues=issues, actors=actors)

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
        for change in item.get("statuses") or []:
            _upsert(
                report,
                StatusChange,
                {"proposal": proposal, "effective": _day(change["effective"]), "status": change["status"]},
                {"note": change.get("note", ""), "recorded_via": SEED_VIA, "review_state": ReviewState.APPROVED},
                m2m={"evidence": [statements[key] for key in change["evidence"]]},
            )
        for stance in item.get("stances") or []:
            _upsert(
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
        entries = (item.get("statuses") or []) + (item.get("stances") or [])
        for key in {key for entry in entries for key in entry["evidence"]}:
            statement = statements[key]
            if statement.proposal_id is None:
                statement.proposal = proposal
                statement.save(update_fields=["proposal"])
    return report


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
                    "kind": item["kind"],
                    "confidence": 1.0,
                    "extractor_version": "",
                    "review_state": ReviewState.APPROVED,
                },
                m2m={"topics": [issues[key] for key in item.get("topics", [])]},
            )
    return statements
