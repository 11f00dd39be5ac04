"""The plain data the statement stages take and return: a lexicon of who and what, a document, statements."""

from dataclasses import dataclass, field
from datetime import date

# Bumped whenever a change to the stages can change their output, so re-extraction knows what is stale.
EXTRACTOR_VERSION = "rules-2026.11.2"


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


@dataclass(frozen=True)
class ProposalEntry:
    key: str  # the proposal's slug
    title: str
    issue: str
    proponent: str
    description: str = ""


@dataclass(frozen=True)
class Lexicon:
    """What the tracker knows: actors with their roles, parties with their names, topics, proposals."""

    actors: tuple[ActorEntry, ...] = ()
    parties: tuple[PartyEntry, ...] = ()
    topics: tuple[TopicEntry, ...] = ()
    proposals: tuple[ProposalEntry, ...] = ()
    # What the negotiations are about as a whole ("missile defence"): a statement naming it is on topic.
    subjects: tuple[str, ...] = ()


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
    kind: str = "person"  # person, body, party (a party with no speaker) or description ("the GOP nominee")
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
        the document words it, PolNeAR's convention, rather than the canonical name of our gold."""
        return {
            "quote": self.quote,
            "start": self.start,
            "end": self.end,
            "speaker": (self.source if as_written and self.source else self.speaker.name) or None,
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
