"""Relations between proposals a statement states: one sentence naming two proposals around a relation cue
("in response to", "instead of", "unless", "if … then") suggests how the one bears on the other (pending,
for curators).

The cue table below is the whole rule: each cue is a pattern over one sentence whose group `a` is the
clause naming the proposal the relation goes from, and group `b` the one it goes to. Each clause is matched
to the proposals with the linker's index (positions/statements/link.py), the best one on each side, two
different proposals. A conditional cue between a threat and a demand ("we will deploy X unless Y is met")
is a threat backing the demand.
"""

import re
from dataclasses import dataclass

from positions.statements.link import MIN_SCORE, ProposalIndex
from positions.statements.records import Found, ProposalEntry, RelationSuggestion

_FLAGS = re.IGNORECASE | re.DOTALL
# The values of vocabularies.RelationType and ProposalKind, spelled out: the stages import no Django
# (tests/statements/test_relations.py checks they are the vocabulary's).
COUNTER_TO, SUPERSEDES, CONDITIONAL_ON, BACKS, ALTERNATIVE_TO = (
    "counter_to", "supersedes", "conditional_on", "backs", "alternative_to",
)  # fmt: skip
THREAT, DEMAND = "threat", "demand"


@dataclass(frozen=True)
class Cue:
    words: str  # how the cue reads, for the curator
    pattern: re.Pattern  # groups `a` (the clause naming the "from" proposal) and `b` (the "to" one)
    relation: str
    conditional: bool = False  # a threat conditional on a demand backs it


def _infix(words: str, relation: str, *, reverse: bool = False, conditional: bool = False, name: str = "") -> Cue:
    """A cue between two clauses: "A in response to B" (from A to B), or with `reverse` "B replaced by A"."""
    first, second = ("b", "a") if reverse else ("a", "b")
    pattern = re.compile(rf"(?P<{first}>.+?)\b(?:{words})\b(?P<{second}>.+)", _FLAGS)
    return Cue(name or words, pattern, relation, conditional)


def _leading(word: str, relation: str) -> Cue:
    """A sentence that opens with its condition: "If B, A", "Unless B, A" (A holds on condition of B)."""
    pattern = re.compile(rf"^\W*{word}\b(?P<b>[^,;]+)[,;](?P<a>.+)", _FLAGS)
    return Cue(f"{word} …,", pattern, relation, conditional=True)


CUES: tuple[Cue, ...] = (
    Cue("if … then", re.compile(r"\bif\b(?P<b>.+?)[,;]?\s*\bthen\b(?P<a>.+)", _FLAGS), CONDITIONAL_ON, True),
    _leading("if", CONDITIONAL_ON),
    _leading("unless", CONDITIONAL_ON),
    _infix(
        r"in (?:response|reply|answer|retaliation) to|as an? (?:response|reply|answer|reaction) to|in retaliation for",
        COUNTER_TO,
        name="in response to",
    ),
    _infix(r"instead of|in place of", ALTERNATIVE_TO, name="instead of"),
    _infix(r"rather than", ALTERNATIVE_TO),
    _infix(
        r"(?:is|are|was|were|be|been|being)\s+(?:replaced|superseded)\s+by",
        SUPERSEDES,
        reverse=True,
        name="replaced by",
    ),
    _infix(r"replaces?|replacing|supersedes?|superseding", SUPERSEDES, name="replaces"),
    _infix(r"unless", CONDITIONAL_ON, conditional=True),
    _infix(r"as long as|so long as|provided that|on condition that", CONDITIONAL_ON, name="as long as"),
    _infix(r"in (?:exchange|return) for", CONDITIONAL_ON, name="in exchange for"),
)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[^a-z])")


def sentences(text: str) -> list[str]:
    return [s for s in SENTENCE_END.split(text) if s.strip()]


def relations(found: Found, index: ProposalIndex) -> list[RelationSuggestion]:
    """The relations the statement's sentences state between two proposals, at most one a sentence.

    Only a statement on the negotiation's topics is read (as the linker reads it); the proposals of
    every issue are candidates, since a threat on one issue may back a demand on another.
    """
    if not found.topics:
        return []
    out: dict[tuple[str, str, str], RelationSuggestion] = {}
    for sentence in sentences(found.quote):
        suggestion = _sentence_relation(sentence, index, found.confidence)
        if suggestion is not None:
            out.setdefault((suggestion.from_proposal, suggestion.to_proposal, suggestion.relation), suggestion)
    return list(out.values())


def _sentence_relation(sentence: str, index: ProposalIndex, confidence: float) -> RelationSuggestion | None:
    for cue in CUES:
        match = cue.pattern.search(sentence)
        if match is None:
            continue
        pair = _two_proposals(match.group("a"), match.group("b"), index)
        if pair is None:
            continue
        (score_a, first), (score_b, second) = pair
        relation = cue.relation
        if cue.conditional and first.kind == THREAT and second.kind == DEMAND:
            relation = BACKS
        sure = min(1.0, min(score_a, score_b) / (2 * MIN_SCORE))
        return RelationSuggestion(first.key, second.key, relation, cue.words, round(min(0.9, confidence * sure), 2))
    return None


def _two_proposals(
    a: str, b: str, index: ProposalIndex
) -> tuple[tuple[float, ProposalEntry], tuple[float, ProposalEntry]] | None:
    """The proposal each clause names best; two different ones, or None."""
    first = index.scores(a, ())
    if not first:
        return None
    second = [(score, p) for score, p in index.scores(b, ()) if p.key != first[0][1].key]
    if not second:
        return None
    return first[0], second[0]
