"""Which proposal a statement bears on, and the stance it suggests its party holds (pending, for curators)."""

import math
import re

from positions.statements.classify import fold
from positions.statements.records import Found, ProposalEntry, StanceSuggestion

STOPWORDS = set(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "for",
        "by",
        "with",
        "from",
        "at",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "not",
        "no",
        "than",
        "then",
        "which",
        "who",
        "whom",
        "what",
        "when",
        "where",
        "if",
        "into",
        "over",
        "under",
        "between",
        "each",
        "their",
        "there",
        "our",
        "we",
        "they",
        "would",
        "will",
        "should",
        "could",
        "may",
        "might",
        "can",
        "must",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "so",
        "such",
        "also",
        "only",
        "other",
        "both",
        "any",
        "all",
    ]
)
MIN_SCORE = 2.0  # information (in nats) a statement must share with a proposal's words to bear on it
CONDITIONS = re.compile(r"\b(?:if|only if|unless|provided|as long as|on condition)\b", re.IGNORECASE)


def _stem(word: str) -> str:
    for suffix in ("ations", "ation", "ing", "ies", "ed", "es", "s", "ly"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            word = word[: -len(suffix)]
            break
    return word[:6]


def _stems(text: str) -> set[str]:
    words = re.findall(r"[a-z][a-z0-9]+", fold(text).lower())
    return {_stem(w) for w in words if w not in STOPWORDS and len(w) > 2}


class ProposalIndex:
    """The proposals' words, weighted by how few proposals share them (a word in every title says nothing)."""

    def __init__(self, proposals: tuple[ProposalEntry, ...]):
        self.proposals = proposals
        self.title_words = [_stems(p.title) for p in proposals]
        self.all_words = [_stems(f"{p.title} {p.description}") for p in proposals]
        counts: dict[str, int] = {}
        for words in self.all_words:
            for word in words:
                counts[word] = counts.get(word, 0) + 1
        n = max(1, len(proposals))
        self.weight = {word: math.log((n + 1) / count) for word, count in counts.items()}

    def scores(self, text: str, topics: tuple[str, ...]) -> list[tuple[float, ProposalEntry]]:
        words = _stems(text)
        out = []
        for proposal, title, every in zip(self.proposals, self.title_words, self.all_words, strict=True):
            if topics and proposal.issue not in topics:
                continue
            score = sum(self.weight[w] for w in words & title) + 0.5 * sum(
                self.weight[w] for w in words & (every - title)
            )
            if score >= MIN_SCORE:
                out.append((score, proposal))
        out.sort(key=lambda pair: -pair[0])
        return out


def link(found: Found, index: ProposalIndex, *, speaks_for_party: bool) -> tuple[str, list[StanceSuggestion]]:
    """The proposal a statement bears on most (its key, or "") and the stances it suggests.

    Only a voice that speaks for its party (a head of state, a minister, a spokesperson, or the party
    itself) moves a stance; a legislator's statement is linked but suggests nothing.
    """
    if not found.topics:
        return "", []
    scored = index.scores(found.quote, found.topics)
    if not scored:
        return "", []
    party = found.speaker.party
    suggestions = []
    if party and speaks_for_party:
        # The proposals this statement can take a side on: its own side's for what it puts forward or
        # demands, the other sides' for what it rejects or criticises ("NATO insists on two systems").
        eligible = [
            (score, proposal, stance)
            for score, proposal in scored
            if (stance := stance_for(found, proponent=proposal.proponent == party))
        ]
        if eligible:
            best = eligible[0][0]
            for score, proposal, stance in eligible:
                if score < 0.3 * best or (proposal.proponent != party and score < best):
                    continue  # another party's proposal: only the one the statement bears on most
                confidence = round(min(0.9, found.confidence * min(1.0, score / (2 * MIN_SCORE))), 2)
                suggestions.append(StanceSuggestion(proposal.key, party, stance, confidence))
    return scored[0][1].key, suggestions


def stance_for(found: Found, *, proponent: bool) -> str:
    """The stance a statement's kind suggests: a proponent's own words on its proposal are support;
    anyone's acceptance is support, and a rejection, criticism or threat against it is opposition."""
    kind = found.kind
    if proponent:
        # a proponent speaking of its own proposal holds to it, unless it rejects or criticises it
        if kind not in ("rejection", "criticism"):
            return "supports"
        return ""
    if kind in ("acceptance",):
        return "conditional" if CONDITIONS.search(found.quote) else "supports"
    if kind in ("rejection", "criticism", "threat"):
        return "opposes"
    if kind == "proposal":
        return "conditional" if CONDITIONS.search(found.quote) else "supports"
    return ""


PUTS_FORWARD = ("proposal", "demand", "threat")


def puts_forward(found: Found, proposal: ProposalEntry | None, *, speaks_for_party: bool) -> bool:
    """A proponent's own proposal, demand or threat, said for its party: the proposal is on the table."""
    return (
        speaks_for_party
        and proposal is not None
        and found.kind in PUTS_FORWARD
        and bool(found.speaker.party)
        and proposal.proponent == found.speaker.party
    )


def suggests_new(found: Found, proposal_key: str, *, speaks_for_party: bool) -> bool:
    """An on-topic proposal, demand or threat, said for a party, that matches no proposal we know."""
    return (
        speaks_for_party
        and not proposal_key
        and bool(found.topics)
        and found.kind in PUTS_FORWARD
        and bool(found.speaker.party)
    )
