"""The plain data the statement stages take and return: a lexicon of who and what, a document, statements."""

import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

# Bumped whenever a change to the stages' code can change their output; the fitted models' own version
# (a digest of their files, in trained/card.json) follows it, so re-extraction knows what is stale.
CODE_VERSION = "2026.12.1"


def _models_version() -> str:
    card = Path(__file__).resolve().parent / "trained" / "card.json"
    try:
        return json.loads(card.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError):
        return "untrained"


EXTRACTOR_VERSION = f"{CODE_VERSION}+{_models_version()}"


@dataclass(frozen=True)
class RoleEntry:
    party: str
    title: str
    start: date
    end: date | None
    speaks_for_party: bool = True

    def holds_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class ActorEntry:
    key: str  # the actor's slug
    name: str
    kind: str = "person"  # person or body
    aliases: tuple[str, ...] = ()
    roles: tuple[RoleEntry, ...] = ()


@dataclass(frozen=True)
class PartyEntry:
    name: str
    aliases: tuple[str, ...] = ()
    metonyms: tuple[str, ...] = ()


@dataclass(frozen=True)
class TopicEntry:
    key: str
    title: str = ""
    description: str = ""
    keywords: tuple[str, ...] = ()
    negotiation: str = ""  # the slug of the negotiation the issue belongs to


@dataclass(frozen=True)
class ProposalEntry:
    key: str  # the proposal's slug
    title: str
    issue: str
    proponent: str
    description: str = ""
    kind: str = "proposal"  # proposal, demand, threat or offer


@dataclass(frozen=True)
class Lexicon:
    """What the tracker knows: actors with their roles, parties with their names, topics, proposals."""

    actors: tuple[ActorEntry, ...] = ()
    parties: tuple[PartyEntry, ...] = ()
    topics: tuple[TopicEntry, ...] = ()
    proposals: tuple[ProposalEntry, ...] = ()
    # What the negotiations are about as a whole ("missile defence"): a statement naming it is on topic.
    subjects: tuple[str, ...] = ()
    # The sides of the one negotiation a document is read for (() when read for all): a post named without
    # its party ("the Prime Minister") is one of theirs, not whoever holds such a post anywhere on the day.
    sides: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentInput:
    text: str
    published: date | None = None
    title: str = ""
    publisher: str = ""
    author: str = ""


# How exactly a statement's date is known: the day, only its month or year, or roughly ("last week").
PRECISIONS = ("day", "month", "year", "approximate")


@dataclass(frozen=True)
class DateSaid:
    """When something was said, as precisely as the text tells it (the first day of a month said "in June")."""

    day: date
    precision: str = "day"  # one of PRECISIONS


@dataclass(frozen=True)
class Speaker:
    """Who said it: a known actor (key set), a new name (key empty), or a party alone (name empty)."""

    name: str = ""
    key: str = ""
    party: str = ""
    # person, body, party (a party with no speaker), description ("the GOP nominee") or crowd ("Western
    # diplomats", "a senior official": many, or one nobody names; never an actor, and no speaker in gold)
    kind: str = "person"
    # Holds a post that speaks for the party on the day (a minister, not a legislator): moves its stance.
    speaks_for: bool = field(default=False, compare=False)
    # The words this mention names the speaker with ("Rep. Gwen Moore (D-Wis.)", "Brian Fallon, the
    # campaign's press secretary,"): how the document identifies its source, whoever it resolves to.
    written: str = field(default="", compare=False)
    # The post the text gives a speaker nobody entered ("Foreign Minister", "Senator"), for a suggested role.
    title: str = field(default="", compare=False)

    @property
    def is_new(self) -> bool:
        return bool(self.name) and not self.key


@dataclass(frozen=True)
class Found:
    """One statement found in a document."""

    start: int
    end: int
    quote: str
    mode: str  # direct, indirect, turn
    speaker: Speaker
    cue: str = ""
    said_on: date | None = None
    said_precision: str = "day"  # one of PRECISIONS
    kind: str = "assessment"
    topics: tuple[str, ...] = ()
    confidence: float = 0.5
    addressee: str = ""
    notes: tuple[str, ...] = field(default=(), compare=False)
    source: str = field(default="", compare=False)  # the speaker as the document words it, when it names them

    def as_gold(self, *, as_written: bool = False) -> dict:
        """The corpus gold format of one statement (corpus/README.md). `as_written` gives the speaker as
        the document words it, PolNeAR's convention, rather than the canonical name of our gold (which names
        nobody for a crowd: "diplomats said")."""
        if as_written:
            speaker = self.source or self.speaker.name
        else:
            speaker = "" if self.speaker.kind == "crowd" else self.speaker.name
        return {
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "speaker": speaker or None,
            "party": self.speaker.party or None,
            "mode": self.mode,
            "kind": self.kind,
            "topics": list(self.topics),
        }


@dataclass(frozen=True)
class NewActor:
    """A speaker nobody entered, with the role the text suggests for them on the day they spoke."""

    name: str
    kind: str = "person"  # person or body
    party: str = ""
    title: str = ""
    since: date | None = None
    speaks_for: bool = False  # the suggested post speaks for the party (a minister, not a legislator)
    evidence: str = ""  # the words the party and title were read from ("Iranian Foreign Minister")


@dataclass(frozen=True)
class StanceSuggestion:
    """A stance a statement suggests its party holds on a proposal (pending, for curators)."""

    proposal: str  # the proposal's key
    party: str
    stance: str  # supports, opposes, conditional
    confidence: float


@dataclass(frozen=True)
class RelationSuggestion:
    """A statement names two proposals with a relation cue ("in response to", "instead of", "unless"):
    `from_proposal` bears on `to_proposal` as `relation` says (pending, for curators)."""

    from_proposal: str  # the proposals' keys
    to_proposal: str
    relation: str  # one of vocabularies.RelationType
    cue: str  # the words the relation was read from
    confidence: float


@dataclass(frozen=True)
class StatementFinding:
    """One statement and what it suggests: the proposal it bears on, stances, a proposal tabled, a new actor."""

    statement: Found
    proposal: str = ""  # the key of the proposal it bears on most, or ""
    proposes_new: bool = False  # puts forward something that matches no proposal we know
    stances: tuple[StanceSuggestion, ...] = ()
    tabled: str = ""  # the key of a proposal its proponent puts on the table here, or ""
    new_actor: NewActor | None = None  # its speaker, when nobody entered them
    relations: tuple[RelationSuggestion, ...] = ()  # relations between two proposals it names


@dataclass(frozen=True)
class Findings:
    """Everything the statement stages decided about one document, as data: the importer stores it."""

    statements: tuple[StatementFinding, ...] = ()
    negotiation: str = ""  # the slug of the negotiation whose issues the topics are
    extractor_version: str = EXTRACTOR_VERSION

    @property
    def new_actors(self) -> tuple[NewActor, ...]:
        seen: dict[str, NewActor] = {}
        for finding in self.statements:
            if finding.new_actor is not None:
                seen.setdefault(finding.new_actor.name, finding.new_actor)
        return tuple(seen.values())
