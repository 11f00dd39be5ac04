"""Hand-built lexicons and helpers for the database-free statement stages (no models, no `db`)."""

from datetime import date

import pytest

from positions.statements import structure, tagger
from positions.statements.extract import extract
from positions.statements.records import (
    ActorEntry,
    DocumentInput,
    Found,
    Lexicon,
    PartyEntry,
    ProposalEntry,
    RoleEntry,
    TopicEntry,
)
from positions.statements.tagger import Sequence
from tests.conftest import SHARED, shared

SEED_NAME = "2011-12-06_itar-tass_rasmussen-two-separate-systems"
SEED_ARTICLE = SHARED / "corpus" / "raw" / f"{SEED_NAME}.txt"  # a news report: not kept in the project
SEED_PUBLISHED = date(2011, 12, 6)
WHITE_HOUSE = "The White House, Office of the Press Secretary"


def rasmussen() -> ActorEntry:
    return ActorEntry(
        key="anders-fogh-rasmussen",
        name="Anders Fogh Rasmussen",
        aliases=("Rasmussen",),
        roles=(RoleEntry("NATO", "Secretary General", date(2009, 8, 1), date(2014, 9, 30)),),
    )


def medvedev() -> ActorEntry:
    return ActorEntry(
        key="dmitry-medvedev",
        name="Dmitry Medvedev",
        aliases=("Medvedev", "President Medvedev"),
        roles=(RoleEntry("Russia", "President", date(2008, 5, 7), date(2012, 5, 7)),),
    )


def russian_foreign_ministry() -> ActorEntry:
    return ActorEntry(
        key="russian-foreign-ministry",
        name="Russian Foreign Ministry",
        kind="body",
        aliases=("Foreign Ministry", "the Foreign Ministry", "the Russian Foreign Ministry"),
        roles=(RoleEntry("Russia", "Ministry of Foreign Affairs", date(1991, 12, 26), None),),
    )


def obama() -> ActorEntry:
    return ActorEntry(
        key="barack-obama",
        name="Barack Obama",
        aliases=("Obama", "President Obama", "the President"),
        roles=(RoleEntry("United States", "President", date(2009, 1, 20), date(2017, 1, 20)),),
    )


def toner() -> ActorEntry:
    return ActorEntry(
        key="mark-toner",
        name="Mark Toner",
        aliases=("Toner",),
        roles=(
            RoleEntry("United States", "Deputy Spokesperson, Department of State", date(2011, 5, 1), date(2013, 6, 30)),
        ),
    )


def mcfaul() -> ActorEntry:
    return ActorEntry(
        key="michael-mcfaul",
        name="Michael McFaul",
        aliases=("McFaul",),
        roles=(
            RoleEntry(
                "United States", "Senior Director for Russian and Eurasian Affairs", date(2009, 1, 21), date(2012, 1, 9)
            ),
        ),
    )


def gibbs() -> ActorEntry:
    return ActorEntry(
        key="robert-gibbs",
        name="Robert Gibbs",
        aliases=("Gibbs",),
        roles=(RoleEntry("United States", "White House Press Secretary", date(2009, 1, 20), date(2011, 2, 11)),),
    )


def turner() -> ActorEntry:
    """A legislator: his post does not speak for the United States."""
    return ActorEntry(
        key="michael-turner",
        name="Michael Turner",
        aliases=("Turner", "Michael R. Turner"),
        roles=(
            RoleEntry(
                "United States",
                "Member of the U.S. House of Representatives",
                date(2003, 1, 3),
                None,
                speaks_for_party=False,
            ),
        ),
    )


def parties() -> tuple[PartyEntry, ...]:
    return (
        PartyEntry("NATO", aliases=("the Alliance",)),
        PartyEntry("Russia", metonyms=("Moscow", "the Kremlin")),
        PartyEntry("United States", aliases=("U.S.",), metonyms=("Washington", "the White House")),
        PartyEntry("Poland", metonyms=("Warsaw",)),
    )


def topics() -> tuple[TopicEntry, ...]:
    return (
        TopicEntry("legal-guarantees", keywords=("legally binding", "guarantees")),
        TopicEntry("architecture", keywords=("two separate systems",)),
        TopicEntry("new-start", keywords=("new start", "START")),
        TopicEntry("countermeasures", keywords=("iskander", "kaliningrad")),
    )


def proposals() -> tuple[ProposalEntry, ...]:
    return (
        ProposalEntry(
            key="two-separate-systems",
            title="Two separate but cooperating missile defence systems",
            issue="architecture",
            proponent="NATO",
            description="NATO and Russia each build and run their own system for the same purpose and exchange data.",
        ),
        ProposalEntry(
            key="sectoral-defence",
            title="Sectoral missile defence for Europe",
            issue="architecture",
            proponent="Russia",
            description="Russia would intercept missiles flying across its sector of a joint European shield.",
        ),
        ProposalEntry(
            key="legal-guarantee",
            title="Legally binding guarantee of non-targeting",
            issue="legal-guarantees",
            proponent="Russia",
            description=(
                "A treaty that the missile defence system will not be aimed at Russia's strategic nuclear forces."
            ),
        ),
    )


def build_lexicon(*extra_actors: ActorEntry) -> Lexicon:
    return Lexicon(
        actors=(rasmussen(), medvedev(), russian_foreign_ministry(), obama(), toner(), *extra_actors),
        parties=parties(),
        topics=topics(),
        proposals=proposals(),
        subjects=("missile defence",),
    )


@pytest.fixture
def lexicon() -> Lexicon:
    return build_lexicon()


@pytest.fixture
def seed_text() -> str:
    return shared("corpus", "raw", f"{SEED_NAME}.txt").read_text(encoding="utf-8")


def run(text: str, published: date | None, lexicon: Lexicon, **document) -> list[Found]:
    """Extract from a text and check that every statement's offsets give back its quote."""
    found = extract(DocumentInput(text=text, published=published, **document), lexicon)
    for f in found:
        assert text[f.start : f.end] == f.quote, f
    return found


def one(found: list[Found], prefix: str) -> Found:
    """The single statement whose quote begins with prefix."""
    matches = [f for f in found if f.quote.startswith(prefix)]
    assert len(matches) == 1, [f.quote[:60] for f in found]
    return matches[0]


def parsed(text: str) -> list[Sequence]:
    """The tagger's sequences of a text, one per paragraph piece, as the extractor builds them (spaCy, no CRF)."""
    return tagger.sequences(text, [(p.start, p.end) for p in structure.paragraphs(text)])


def words_of(text: str, sequence: Sequence) -> list[str]:
    return [text[a:b] for a, b in sequence.offsets]


def span_of(text: str, part: str) -> tuple[int, int]:
    """Where part stands in text (it must stand there exactly once)."""
    assert text.count(part) == 1, part
    start = text.index(part)
    return start, start + len(part)
