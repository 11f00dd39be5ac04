"""Words and colours for the vocabularies, shared by the templates, the SVG timeline, CSV and feeds.

Every colour is dark enough for white text (contrast at least 4.5:1) and is never the only cue:
each place that paints a colour also prints the word.
"""

from positions.vocabularies import ProposalStatus, StanceValue, StatementKind

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


def stance_word(value: str | None) -> str:
    return STANCE_WORDS.get(value, "no recorded stance") if value else "no recorded stance"


def status_word(value: str | None) -> str:
    return STATUS_WORDS.get(value, value or "") if value else "not yet tabled"


def value_word(kind: str, value: str | None) -> str:
    """The words for a change's value: a status or a stance."""
    return status_word(value) if kind == "status" else stance_word(value)
