"""The words and sentences of the vocabularies: one for every value, in one place."""

from positions.pages import labels
from positions.vocabularies import ProposalKind, ProposalStatus, StanceValue


def test_every_stance_and_status_has_one_sentence():
    assert set(labels.STANCE_MEANINGS) == set(StanceValue)
    assert set(labels.STATUS_MEANINGS) == set(ProposalStatus)
    sentences = [*labels.STANCE_MEANINGS.values(), *labels.STATUS_MEANINGS.values()]
    assert all(s[0].isupper() and s.endswith(".") and s.count(". ") == 0 for s in sentences)
    assert len(set(sentences)) == len(sentences)


def test_the_legend_follows_the_vocabularies_order():
    legend = labels.legend()
    assert [value for value, _, _ in legend["stances"]] == StanceValue.values
    assert [value for value, _, _ in legend["statuses"]] == ProposalStatus.values
    assert legend["no_stance"][0] == "no recorded stance"


def test_every_proposal_kind_has_a_verb():
    assert {labels.proposal_verb(kind) for kind in ProposalKind.values} == {
        "proposed",
        "demanded",
        "threatened",
        "offered",
    }
