"""Relations between proposals read from relation cues, on sentences written for these tests (a made-up
fisheries negotiation, so that nothing here is tuned to the corpus)."""

import pytest

from positions.statements import relations as stage
from positions.statements.link import ProposalIndex
from positions.statements.records import Found, ProposalEntry, RelationSuggestion, Speaker
from positions.vocabularies import ProposalKind, RelationType

PROPOSALS = (
    ProposalEntry("quota-cut", "Cut of the cod quota by a fifth", "quotas", "Norway", kind="demand"),
    ProposalEntry("fish-embargo", "Embargo on salmon imports", "trade", "Norway", kind="threat"),
    ProposalEntry("stock-survey", "Joint scientific survey of cod stocks", "science", "Iceland"),
    ProposalEntry("protected-bay", "Marine protected area in the northern bay", "quotas", "Iceland"),
    ProposalEntry("fleet-licences", "Licensing scheme for foreign trawler fleets", "quotas", "Iceland", kind="offer"),
)
INDEX = ProposalIndex(PROPOSALS)
SPEAKER = Speaker("A. Minister", "a-minister", "Iceland", "person")


def found(quote: str, *, topics=("quotas",), confidence=0.8) -> Found:
    return Found(0, len(quote), quote, "direct", SPEAKER, topics=topics, confidence=confidence)


def read(quote: str, **kw) -> list[tuple[str, str, str]]:
    return [(r.from_proposal, r.to_proposal, r.relation) for r in stage.relations(found(quote, **kw), INDEX)]


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        (
            "Iceland tabled a marine protected area in the northern bay in response to the demand for a cod quota cut.",
            ("protected-bay", "quota-cut", "counter_to"),
        ),
        (
            "We offer a licensing scheme for foreign trawlers instead of a cut of the cod quota.",
            ("fleet-licences", "quota-cut", "alternative_to"),
        ),
        (
            "They want a protected area in the northern bay rather than a licensing scheme for trawler fleets.",
            ("protected-bay", "fleet-licences", "alternative_to"),
        ),
        (
            "The licensing scheme for foreign fleets replaces the protected area in the northern bay.",
            ("fleet-licences", "protected-bay", "supersedes"),
        ),
        (
            "The protected area in the northern bay was replaced by a licensing scheme for trawler fleets.",
            ("fleet-licences", "protected-bay", "supersedes"),
        ),
        (
            "We will join the scientific survey of cod stocks as long as the northern bay becomes a protected area.",
            ("stock-survey", "protected-bay", "conditional_on"),
        ),
        (
            "Iceland accepts the licensing scheme for trawler fleets in exchange for a joint survey of cod stocks.",
            ("fleet-licences", "stock-survey", "conditional_on"),
        ),
        (
            "If the northern bay becomes a protected area, then we will take part in a joint survey of cod stocks.",
            ("stock-survey", "protected-bay", "conditional_on"),
        ),
    ],
)
def test_it_reads_the_relation_each_cue_states(quote, expected):
    assert read(quote) == [expected]


def test_a_threat_conditional_on_a_demand_backs_it():
    unless = "Norway will impose an embargo on salmon imports unless the cod quota is cut by a fifth."
    assert read(unless) == [("fish-embargo", "quota-cut", "backs")]
    leading = "If the cod quota is not cut by a fifth, Norway will impose an embargo on salmon imports."
    assert read(leading) == [("fish-embargo", "quota-cut", "backs")]


def test_a_condition_between_two_proposals_that_are_no_threat_and_demand_stays_conditional():
    quote = "Unless the northern bay is a protected area, there will be no survey of cod stocks."
    assert read(quote) == [("stock-survey", "protected-bay", "conditional_on")]


def test_it_suggests_nothing_without_a_cue_or_without_two_proposals():
    assert read("Iceland tabled a marine protected area in the northern bay and a survey of cod stocks.") == []
    assert read("We acted in response to public pressure over the northern bay protected area.") == []
    assert read("The weather was fine instead of the storms we feared.") == []


def test_it_reads_only_statements_on_the_negotiation_s_topics():
    assert read("We offer a licensing scheme for trawler fleets instead of a cut of the cod quota.", topics=()) == []


def test_each_sentence_states_its_own_relation():
    quote = (
        "We offer a licensing scheme for trawler fleets instead of a cut of the cod quota. "
        "Norway will impose an embargo on salmon imports unless the cod quota is cut."
    )
    assert read(quote) == [("fleet-licences", "quota-cut", "alternative_to"), ("fish-embargo", "quota-cut", "backs")]


def test_a_suggestion_names_its_cue_and_is_no_surer_than_its_statement():
    [suggestion] = stage.relations(
        found("We offer a licensing scheme for trawler fleets instead of a cut of the cod quota.", confidence=0.5),
        INDEX,
    )
    assert isinstance(suggestion, RelationSuggestion)
    assert suggestion.cue == "instead of"
    assert 0 < suggestion.confidence <= 0.5


def test_the_cue_table_speaks_the_vocabulary():
    assert {cue.relation for cue in stage.CUES} <= set(RelationType.values)
    assert {stage.COUNTER_TO, stage.SUPERSEDES, stage.CONDITIONAL_ON, stage.BACKS, stage.ALTERNATIVE_TO} == set(
        RelationType.values
    )
    assert {stage.THREAT, stage.DEMAND} <= set(ProposalKind.values)
