"""A statement's kind: the table's cue verbs and phrases where they speak, the learned model elsewhere."""

import pytest

from positions.statements.kinds import KindModel, kind_features, phrase_features, table_kind
from positions.statements.learned import LinearModel

from .conftest import parsed, span_of


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This is unacceptable.", {"phrase=criticism": 1.0, "phrase1=criticism": 1.0}),
        ("We will respond. We call on NATO to reconsider.",
         {"phrase=threat": 1.0, "phrase1=threat": 1.0, "phrase=appeal": 1.0}),
        ("We are ready to talk. This is unacceptable.",
         {"phrase=proposal": 1.0, "phrase1=proposal": 1.0, "phrase=criticism": 1.0}),
        ("It is not aimed at Russia.", {"phrase=assurance": 1.0, "phrase1=assurance": 1.0}),
        ("We insist on legally binding guarantees.", {"phrase=demand": 1.0, "phrase1=demand": 1.0}),
        ("Russia will not accept it.", {"phrase=rejection": 1.0, "phrase1=rejection": 1.0}),
        ("The weather was fine.", {}),
        ("", {}),
    ],
)  # fmt: skip
def test_it_gives_the_kinds_the_table_s_phrases_say_in_the_statement_and_its_first_sentence(text, expected):
    assert phrase_features(text) == expected


def test_it_reads_phrases_with_spellings_folded_and_capitals_ignored():
    assert phrase_features("WE CRITICISE the plan.") == phrase_features("We criticize the plan.")
    assert "phrase1=criticism" in phrase_features("We criticize the plan.")


def test_its_table_gives_the_cue_s_kind_first():
    features = {"cuek=threat": 1.0, "phrase1=proposal": 1.0, "phrase=criticism": 1.0}
    assert table_kind(features) == "threat"


def test_its_table_gives_the_first_sentence_s_phrases_before_the_whole_statement_s():
    # criticism stands before proposal in the table, but only the proposal opens the statement
    features = {"cuek=plain": 1.0, "phrase=criticism": 1.0, "phrase=proposal": 1.0, "phrase1=proposal": 1.0}
    assert table_kind(features) == "proposal"


def test_its_table_gives_the_whole_statement_s_phrases_in_the_table_s_order():
    features = {"cuek=none": 1.0, "phrase=proposal": 1.0, "phrase=criticism": 1.0}
    assert table_kind(features) == "criticism"
    assert table_kind({"cuek=plain": 1.0}) == ""
    assert table_kind({}) == ""


TEXT = "Lavrov warned that Russia would respond to any deployment. He said so on Monday."


def test_its_features_of_a_parsed_statement_give_its_mode_cue_and_table_kind():
    sequences = parsed(TEXT)
    start, end = span_of(TEXT, "Russia would respond to any deployment")
    warned = kind_features(sequences, start, end, "warn", "indirect", TEXT[start:end])
    assert warned == {
        "bias": 1.0, "mode=indirect": 1.0, "phrase=threat": 1.0, "phrase1=threat": 1.0, "cuek=threat": 1.0,
        "table=threat": 1.0,
        # its words: a modal verb, and a kind word ("respond") in its opening, once
        "modal_would": 1.0, "open=threat": 1.0, "words=threat": 1 / 3,
    }  # fmt: skip
    said = kind_features(sequences, start, end, "say", "indirect", "Russia is ready to cooperate.")
    assert said["cuek=plain"] == said["table=proposal"] == 1.0
    plain = kind_features([], 0, 0, "", "turn", "The weather was fine.")
    assert plain == {"bias": 1.0, "mode=turn": 1.0, "cuek=none": 1.0, "table=none": 1.0}


def test_its_model_speaks_where_the_table_does_not():
    model = KindModel(LinearModel(("assessment", "proposal"), {"mode=turn": (3.0,)}, (-1.0,)))
    assert model({"bias": 1.0, "mode=turn": 1.0, "cuek=threat": 1.0}) == "threat"
    assert model({"bias": 1.0, "mode=turn": 1.0, "cuek=plain": 1.0, "phrase=demand": 1.0}) == "demand"
    assert model({"bias": 1.0, "mode=turn": 1.0, "cuek=none": 1.0}) == "proposal"
    assert model({"bias": 1.0, "mode=direct": 1.0, "cuek=none": 1.0}) == "assessment"
