"""Checks a negotiation file (docs/seed.md) before the seed loader writes anything.

Plain data in, a list of problems out, each with its place in the file as a JSON path
(`parties[3].kind`): every problem is found in one pass, so a curator fixes the file once.
"""

from dataclasses import dataclass
from datetime import date

from positions.days import parse_day
from positions.pipeline import deadline_read
from positions.vocabularies import (
    ActorKind,
    DatePrecision,
    PartyKind,
    ProposalKind,
    ProposalStatus,
    RelationType,
    SourceKind,
    StanceValue,
    StatementKind,
    StatementMode,
)

OPTIONAL_LISTS = {"sources", "relations", "deadlines", "scales"}
MIN_POLL_INTERVAL = 60  # the source_poll_interval_at_least_minute constraint


@dataclass(frozen=True)
class SeedProblem:
    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


class _Checker:
    def __init__(self):
        self.problems: list[SeedProblem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(SeedProblem(path, message))

    def objects(self, data: dict, name: str) -> list[tuple[str, dict]]:
        """The list `name` of the file, as (path, object) pairs for the objects in it."""
        items = data.get(name)
        if items is None and name not in OPTIONAL_LISTS:
            self.add(name, "required: a list")
        return self.each(items, name)

    def each(self, items, path: str) -> list[tuple[str, dict]]:
        if items is None:
            return []
        if not isinstance(items, list):
            self.add(path, "must be a list")
            return []
        pairs = []
        for index, item in enumerate(items):
            if isinstance(item, dict):
                pairs.append((f"{path}[{index}]", item))
            else:
                self.add(f"{path}[{index}]", "must be an object")
        return pairs

    def text(self, item: dict, path: str, name: str, *, required: bool = True) -> str | None:
        value = item.get(name)
        if value is None or value == "":
            if required:
                self.add(f"{path}.{name}", "required")
            return None
        if not isinstance(value, str):
            self.add(f"{path}.{name}", "must be a string")
            return None
        return value

    def day(self, item: dict, path: str, name: str, *, required: bool = True) -> date | None:
        value = item.get(name)
        if value is None or value == "":
            if required:
                self.add(f"{path}.{name}", "required: a date as YYYY-MM-DD")
            return None
        day = parse_day(value)
        if day is None:
            self.add(f"{path}.{name}", f"{value!r} is not a date as YYYY-MM-DD")
        return day

    def choice(self, item: dict, path: str, name: str, choices, *, required: bool = True) -> None:
        value = item.get(name)
        if value is None and not required:
            return
        if value is None:
            self.add(f"{path}.{name}", f"required: one of {', '.join(choices.values)}")
        elif value not in choices.values:
            self.add(f"{path}.{name}", f"{value!r} is not one of {', '.join(choices.values)}")

    def strings(self, item: dict, path: str, name: str) -> list[str]:
        value = item.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.add(f"{path}.{name}", "must be a list of strings")
            return []
        return value

    def flag(self, item: dict, path: str, name: str) -> None:
        if name in item and not isinstance(item[name], bool):
            self.add(f"{path}.{name}", "must be true or false")

    def known(self, value, path: str, names: set, what: str) -> None:
        if value not in names:
            self.add(path, f"unknown {what} {value!r}")

    def unique(self, value, path: str, seen: set, what: str) -> None:
        if value is None:
            return
        if value in seen:
            self.add(path, f"{what} {value!r} appears twice")
        seen.add(value)

    def period(self, start: date | None, end: date | None, path: str, start_name: str) -> None:
        if start and end and end < start:
            self.add(path, f"ends before it starts ({start_name} {start.isoformat()})")


def seed_problems(*, data) -> list[SeedProblem]:
    """Every problem of a negotiation file, in file order; an empty list when it can be loaded."""
    check = _Checker()
    if not isinstance(data, dict):
        check.add("$", "the file must hold one JSON object")
        return check.problems

    parties: set = set()
    party_slugs: set = set()
    for path, item in check.objects(data, "parties"):
        name = check.text(item, path, "name")
        check.unique(name, f"{path}.name", parties, "party")
        check.unique(check.text(item, path, "slug"), f"{path}.slug", party_slugs, "party slug")
        check.choice(item, path, "kind", PartyKind)
        check.strings(item, path, "aliases")
        check.strings(item, path, "metonyms")

    spec = data.get("negotiation")
    if not isinstance(spec, dict):
        check.add("negotiation", "required: an object" if spec is None else "must be an object")
    else:
        check.text(spec, "negotiation", "slug")
        check.text(spec, "negotiation", "title")
        check.text(spec, "negotiation", "description", required=False)
        started = check.day(spec, "negotiation", "started", required=False)
        ended = check.day(spec, "negotiation", "ended", required=False)
        check.period(started, ended, "negotiation.ended", "started")
        for index, name in enumerate(check.strings(spec, "negotiation", "parties")):
            check.known(name, f"negotiation.parties[{index}]", parties, "party")

    issues: set = set()
    for path, item in check.objects(data, "issues"):
        key = check.text(item, path, "key")
        check.text(item, path, "title")
        check.strings(item, path, "keywords")
        if item.get("parent"):  # a parent comes before its children in the file
            check.known(item["parent"], f"{path}.parent", issues, "parent issue (listed earlier)")
        check.unique(key, f"{path}.key", issues, "issue")

    actors: set = set()
    actor_slugs: set = set()
    for path, item in check.objects(data, "actors"):
        check.unique(check.text(item, path, "name"), f"{path}.name", actors, "actor")
        check.unique(check.text(item, path, "slug"), f"{path}.slug", actor_slugs, "actor slug")
        check.choice(item, path, "kind", ActorKind, required=False)
        check.strings(item, path, "aliases")
        for role_path, role in check.each(item.get("roles"), f"{path}.roles"):
            party = check.text(role, role_path, "party")
            if party is not None:
                check.known(party, f"{role_path}.party", parties, "party")
            check.text(role, role_path, "title")
            start = check.day(role, role_path, "start")
            end = check.day(role, role_path, "end", required=False)
            check.period(start, end, f"{role_path}.end", "start")
            check.flag(role, role_path, "speaks_for_party")

    for path, item in check.objects(data, "sources"):
        check.text(item, path, "name")
        check.choice(item, path, "kind", SourceKind)
        check.text(item, path, "url")
        interval = item.get("poll_interval", MIN_POLL_INTERVAL)
        if not isinstance(interval, int) or isinstance(interval, bool) or interval < MIN_POLL_INTERVAL:
            check.add(f"{path}.poll_interval", f"must be a whole number of seconds, at least {MIN_POLL_INTERVAL}")

    documents: set = set()
    for path, item in check.objects(data, "documents"):
        check.unique(check.text(item, path, "key"), f"{path}.key", documents, "document")
        check.text(item, path, "title")
        check.day(item, path, "published", required=False)

    statements: set = set()
    said_on: dict = {}
    for path, item in check.objects(data, "statements"):
        check.unique(check.text(item, path, "key"), f"{path}.key", statements, "statement")
        document = check.text(item, path, "document")
        if document is not None:
            check.known(document, f"{path}.document", documents, "document")
        check.text(item, path, "quote")
        references = (("speaker", actors, "actor"), ("party", parties, "party"), ("addressee", parties, "party"))
        for name, table, what in references:
            if item.get(name):
                check.known(item[name], f"{path}.{name}", table, what)
        day = check.day(item, path, "said_on")
        said_on[item.get("key")] = day
        check.choice(item, path, "said_precision", DatePrecision, required=False)
        _check_precision(check, day, item.get("said_precision"), f"{path}.said_on")
        check.choice(item, path, "mode", StatementMode)
        check.choice(item, path, "kind", StatementKind)
        for index, key in enumerate(check.strings(item, path, "topics")):
            check.known(key, f"{path}.topics[{index}]", issues, "issue")

    proposals: set = set()
    for path, item in check.objects(data, "proposals"):
        check.unique(check.text(item, path, "slug"), f"{path}.slug", proposals, "proposal")
        check.text(item, path, "title")
        for name, table, what in (("issue", issues, "issue"), ("proponent", parties, "party")):
            value = check.text(item, path, name)
            if value is not None:
                check.known(value, f"{path}.{name}", table, what)
        check.choice(item, path, "kind", ProposalKind)
        check.day(item, path, "first_stated")
        for entry_path, entry in check.each(item.get("statuses"), f"{path}.statuses"):
            check.choice(entry, entry_path, "status", ProposalStatus)
            _check_recorded(check, entry, entry_path, statements)
        for entry_path, entry in check.each(item.get("stances"), f"{path}.stances"):
            party = check.text(entry, entry_path, "party")
            if party is not None:
                check.known(party, f"{entry_path}.party", parties, "party")
            check.choice(entry, entry_path, "stance", StanceValue)
            _check_recorded(check, entry, entry_path, statements)

    relations: set = set()
    for path, item in check.objects(data, "relations"):
        ends = [check.text(item, path, name) for name in ("from", "to")]
        for name, slug in zip(("from", "to"), ends, strict=True):
            if slug is not None:
                check.known(slug, f"{path}.{name}", proposals, "proposal")
        if ends[0] is not None and ends[0] == ends[1]:
            check.add(f"{path}.to", "a proposal cannot bear on itself")
        check.choice(item, path, "type", RelationType)
        since = check.day(item, path, "since")
        check.choice(item, path, "since_precision", DatePrecision, required=False)
        _check_precision(check, since, item.get("since_precision"), f"{path}.since")
        if "evidence" not in item:
            check.add(f"{path}.evidence", "required: a list of statement keys")
        elif item["evidence"] == []:
            check.add(f"{path}.evidence", "a relation needs at least one statement as evidence")
        for index, key in enumerate(check.strings(item, path, "evidence")):
            check.known(key, f"{path}.evidence[{index}]", statements, "statement")
        if None not in ends:
            check.unique((*ends, item.get("type")), path, relations, "relation")

    seen_deadlines: set = set()
    for path, item in check.objects(data, "deadlines"):
        proposal = check.text(item, path, "proposal")
        if proposal is not None:
            check.known(proposal, f"{path}.proposal", proposals, "proposal")
        party = check.text(item, path, "party", required=False)
        if party is not None:
            check.known(party, f"{path}.party", parties, "party")
        phrase = check.text(item, path, "phrase")
        check.unique((proposal, party, phrase), f"{path}.phrase", seen_deadlines, "deadline")
        due = check.day(item, path, "due", required=False)
        check.day(item, path, "effective", required=False)
        check.text(item, path, "note", required=False)
        evidence = check.strings(item, path, "evidence")
        if not evidence:
            check.add(f"{path}.evidence", "required: a list of statement keys")
        for index, key in enumerate(evidence):
            check.known(key, f"{path}.evidence[{index}]", statements, "statement")
        said = [said_on[key] for key in evidence if said_on.get(key)]
        if phrase and due is None and said and deadline_read(phrase=phrase, said_on=min(said)) is None:
            check.add(f"{path}.phrase", f"no date can be read from {phrase!r}: give `due`")

    scaled: set = set()
    for path, item in check.objects(data, "scales"):
        issue = check.text(item, path, "issue")
        if issue is not None:
            check.known(issue, f"{path}.issue", issues, "issue")
        check.unique(issue, f"{path}.issue", scaled, "scale of issue")
        check.text(item, path, "title")
        check.text(item, path, "description", required=False)
        steps: set = set()
        positions: set = set()
        for step_path, step in check.each(item.get("steps"), f"{path}.steps"):
            check.unique(check.text(step, step_path, "key"), f"{step_path}.key", steps, "step")
            check.text(step, step_path, "label")
            position = step.get("position")
            if not isinstance(position, int) or isinstance(position, bool) or not 0 <= position <= 100:
                check.add(f"{step_path}.position", "required: a whole number from 0 to 100")
            else:
                check.unique(position, f"{step_path}.position", positions, "position")
            for index, slug in enumerate(check.strings(step, step_path, "proposals")):
                check.known(slug, f"{step_path}.proposals[{index}]", proposals, "proposal")
        if not steps:
            check.add(f"{path}.steps", "required: a list of at least one step")
        for entry_path, entry in check.each(item.get("positions"), f"{path}.positions"):
            party = check.text(entry, entry_path, "party")
            if party is not None:
                check.known(party, f"{entry_path}.party", parties, "party")
            step = check.text(entry, entry_path, "step")
            if step is not None:
                check.known(step, f"{entry_path}.step", steps, "step of this scale")
            _check_recorded(check, entry, entry_path, statements)
    return check.problems


def _check_precision(check: _Checker, day: date | None, precision, path: str) -> None:
    """A date known to the month is stored as the month's first day, one known to the year as 1 January."""
    if day is None:
        return
    if precision == DatePrecision.MONTH and day.day != 1:
        check.add(path, f"{day.isoformat()} is known to the month: write the month's first day")
    elif precision == DatePrecision.YEAR and (day.month, day.day) != (1, 1):
        check.add(path, f"{day.isoformat()} is known to the year: write 1 January")


def _check_recorded(check: _Checker, entry: dict, path: str, statements: set) -> None:
    """What a status change and a stance share: the day it took effect and its evidence."""
    check.day(entry, path, "effective")
    if "evidence" not in entry:
        check.add(f"{path}.evidence", "required: a list of statement keys")
    for index, key in enumerate(check.strings(entry, path, "evidence")):
        check.known(key, f"{path}.evidence[{index}]", statements, "statement")
