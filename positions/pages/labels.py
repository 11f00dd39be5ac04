"""Words, sentences and colours for the vocabularies, shared by the templates, the SVG timeline, CSV and feeds.

Every colour is dark enough for white text (contrast at least 4.5:1) and is never the only cue:
each place that paints a colour also prints the word.
"""

from positions.vocabularies import (
    RELATION_MEANINGS,
    RELATION_WORDS,
    STANCE_MEANINGS,
    STATUS_MEANINGS,
    ProposalKind,
    ProposalStatus,
    StanceValue,
    StatementKind,
)

STANCE_COLOURS = {
    StanceValue.SUPPORTS: "#1a6b32",
    StanceValue.OPPOSES: "#a8201a",
    StanceValue.CONDITIONAL: "#7a4d00",
    StanceValue.AMBIGUOUS: "#4f5660",
}
STATUS_COLOURS = {
    ProposalStatus.TABLED: "#0b57a4",
    ProposalStatus.UNDER_DISCUSSION: "#5a3ea8",
    ProposalStatus.ACCEPTED: "#1a6b32",
    ProposalStatus.REJECTED: "#a8201a",
    ProposalStatus.IMPLEMENTED: "#0c6464",
    ProposalStatus.WITHDRAWN: "#595959",
    ProposalStatus.STALLED: "#7a4d00",
    ProposalStatus.SUPERSEDED: "#3d3d3d",
}
STANCE_WORDS = dict(StanceValue.choices)
STATUS_WORDS = dict(ProposalStatus.choices)
KIND_WORDS = dict(StatementKind.choices)

# The legend: one sentence for each stance and status (positions/vocabularies.py, shared with the codebook).
NO_STANCE_MEANING = "No quoted statement of the party on the proposal is recorded up to that date."
NOT_TABLED_MEANING = "No status is recorded for it up to that date."
# What a proponent did, by the proposal's kind: "Russia demanded …".
PROPOSAL_VERBS = {
    ProposalKind.PROPOSAL: "proposed",
    ProposalKind.DEMAND: "demanded",
    ProposalKind.THREAT: "threatened",
    ProposalKind.OFFER: "offered",
}


def stance_word(value: str | None) -> str:
    return STANCE_WORDS.get(value, "no recorded stance") if value else "no recorded stance"


def status_word(value: str | None) -> str:
    return STATUS_WORDS.get(value, value or "") if value else "not yet tabled"


def value_word(kind: str, value: str | None) -> str:
    """The words for a change's value: a status or a stance."""
    return status_word(value) if kind == "status" else stance_word(value)


def legend() -> dict:
    """The legend's entries, in the vocabularies' order: (value, word, sentence)."""
    return {
        "stances": [(value, stance_word(value), STANCE_MEANINGS[value]) for value in StanceValue.values],
        "no_stance": (stance_word(None), NO_STANCE_MEANING),
        "statuses": [(value, status_word(value), STATUS_MEANINGS[value]) for value in ProposalStatus.values],
        "no_status": (status_word(None), NOT_TABLED_MEANING),
    }


def proposal_verb(kind: str) -> str:
    return PROPOSAL_VERBS.get(kind, "put forward")


def relation_legend() -> list[tuple[str, str, str]]:
    """What each relation between proposals means: (value, words on the arrow, sentence)."""
    return [(value, RELATION_WORDS[value][0], meaning) for value, meaning in RELATION_MEANINGS.items()]
