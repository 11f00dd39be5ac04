"""Which negotiation a document is read against, its issues, and the relevance and issue judgements."""

import math

import pytest

from positions.statements.learned import LinearModel
from positions.statements.records import PartyEntry, Speaker, TopicEntry
from positions.statements.topics import (
    ISSUE,
    RELEVANT,
    Judge,
    Scope,
    choose_negotiation,
    issue_features,
    statement_features,
)

MISSILE_DEFENCE = (
    TopicEntry("legal-guarantees", "Legal guarantees", "A treaty that the system will not target Russia.",
               ("legally binding", "guarantees"), "missile-defence"),
    TopicEntry("architecture", "Architecture", "Two separate systems that exchange data.",
               ("two separate systems", "sectoral"), "missile-defence"),
)  # fmt: skip
IRAN = (
    TopicEntry("enrichment", "Enrichment", "Uranium enrichment levels.", ("enrichment", "centrifuges"), "iran"),
    TopicEntry("sanctions", "Sanctions", "Sanctions relief.", ("sanctions",), "iran"),
)
BOTH = MISSILE_DEFENCE + IRAN
PARTIES = (PartyEntry("Russia", metonyms=("Moscow",)), PartyEntry("NATO"), PartyEntry("Iran"))
MEDVEDEV = Speaker(name="Dmitry Medvedev", key="dmitry-medvedev", party="Russia", speaks_for=True)
TEXT = "Moscow wants legally binding guarantees that the missile defence system will not target it."
QUOTE = "We need legally binding guarantees, not two separate systems."


def scope(text: str = TEXT, title: str = "Missile defence talks", topics=BOTH) -> Scope:
    return Scope(text, title, topics, ("missile defence",), PARTIES)


def test_it_reads_a_document_against_the_only_negotiation_there_is():
    assert choose_negotiation("Centrifuges spin in Natanz.", "", IRAN) == "iran"
    assert choose_negotiation("Nothing to do with anything.", "", MISSILE_DEFENCE) == "missile-defence"
    assert choose_negotiation("Anything.", "", ()) == ""


def test_it_reads_a_document_against_the_negotiation_whose_keywords_it_uses_most():
    text = "Sanctions relief depends on enrichment and centrifuges; legally binding guarantees came up once."
    assert choose_negotiation(text, "", BOTH) == "iran"
    assert choose_negotiation(TEXT, "", BOTH) == "missile-defence"
    assert choose_negotiation(TEXT, "", IRAN + MISSILE_DEFENCE) == "missile-defence"
    assert choose_negotiation("Centrifuges.", "Sanctions on the table", BOTH) == "iran"  # the title counts too


def test_it_takes_the_first_negotiation_on_a_tie():
    assert choose_negotiation("Nothing to do with anything.", "", BOTH) == "missile-defence"
    assert choose_negotiation("Nothing to do with anything.", "", IRAN + MISSILE_DEFENCE) == "iran"
    assert choose_negotiation("Sanctions and guarantees.", "", BOTH) == "missile-defence"


def test_its_scope_keeps_only_the_chosen_negotiation_s_issues():
    found = scope()
    assert found.keys == ("legal-guarantees", "architecture")
    assert {t.negotiation for t in found.topics} == {"missile-defence"}
    assert found.doc_counts["legal-guarantees"] == 2
    assert found.doc_subject and found.title_on_topic
    iranian = scope("Sanctions relief depends on enrichment and centrifuges.", "Iran talks")
    assert iranian.keys == ("enrichment", "sanctions")
    assert "enrichment" not in scope().vocabulary and "enrich" not in scope().vocabulary


def finite(features: dict[str, float]) -> bool:
    return all(isinstance(v, float | int) and math.isfinite(v) for v in features.values())


@pytest.mark.parametrize("quote", [QUOTE, "", "“”", "The weather was fine today in Moscow and in Tehran."])
@pytest.mark.parametrize("mode", ["direct", "turn"])
def test_its_statement_features_are_finite_numbers(quote, mode):
    f = statement_features(scope(), quote, "", "", mode, MEDVEDEV)
    assert finite(f)
    assert f["bias"] == f[f"mode={mode}"] == 1.0
    assert 0.0 <= f["vocab_share"] <= 1.0
    assert 0.0 <= f["qdensity"] <= 1.0


def test_its_statement_features_say_how_the_statement_uses_the_negotiation_s_vocabulary():
    on = statement_features(scope(), QUOTE, "", "", "direct", MEDVEDEV)
    off = statement_features(scope(), "The weather was fine today.", "", "", "direct", MEDVEDEV)
    assert on["qhits=3+"] == on["qissues=2"] == on["qstrong=1"] == 1.0
    assert off["qhits=0"] == off["qissues=0"] == off["qstrong=0"] == 1.0
    assert on["vocab_share"] > off["vocab_share"] == 0.0
    assert on["known=1"] == on["party=1"] == on["speaks_for=1"] == 1.0
    moscow = statement_features(scope(), "Moscow and NATO disagree.", "", "", "direct", MEDVEDEV)
    assert moscow["parties=2"] == moscow["others=1"] == 1.0  # NATO is the other side: Moscow is the speaker's own


def test_its_issue_features_are_finite_numbers_that_name_the_issue():
    for key in ("legal-guarantees", "architecture"):
        for quote in (QUOTE, "", "The weather was fine."):
            f = issue_features(scope(), key, quote, "a window on guarantees", "")
            assert finite(f)
            assert f[f"key={key}"] > 0
            assert not any(name.startswith("key=") and name != f"key={key}" for name in f)
    f = issue_features(scope(), "legal-guarantees", QUOTE, "", "")
    assert f["qi=2"] == f["qi_strong=1"] == f["qi_top=1"] == 1.0
    assert f["qi_share"] == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="not an issue"):
        issue_features(scope(), "enrichment", QUOTE, "", "")  # not an issue of this document's negotiation


def binary(weights: dict[str, float], intercept: float) -> LinearModel:
    return LinearModel(("0", "1"), {name: (w,) for name, w in weights.items()}, (intercept,))


def test_the_judge_gives_no_topics_below_the_relevance_threshold():
    judge = Judge(binary({}, -3.0), binary({"bias": 10.0}, 0.0), scope())
    judged = judge.judge(QUOTE, "", "", "direct", MEDVEDEV)
    assert judged.relevance == pytest.approx(1 / (1 + math.exp(3.0))) and judged.relevance < RELEVANT
    assert judged.topics == ()


def test_the_judge_gives_the_issues_above_the_issue_threshold():
    judge = Judge(binary({}, 3.0), binary({"key=architecture": 6.0, "key=legal-guarantees": 4.0}, -3.0), scope())
    judged = judge.judge(QUOTE, "", "", "direct", MEDVEDEV)
    assert judged.relevance > RELEVANT
    assert judged.topics == ("architecture", "legal-guarantees")  # most probable first


def test_the_judge_gives_the_likeliest_issue_when_none_reaches_the_threshold():
    issues = binary({"key=architecture": 1.0}, -4.0)  # architecture: 0.05, legal guarantees: 0.02
    assert issues.probabilities({"bias": 1.0, "key=architecture": 1.0})["1"] < ISSUE
    judge = Judge(binary({"qstrong=1": 5.0}, -1.0), issues, scope())
    assert judge.judge(QUOTE, "", "", "direct", MEDVEDEV).topics == ("architecture",)
    assert judge.judge("The weather was fine.", "", "", "direct", MEDVEDEV).topics == ()


def test_the_judge_gives_no_topics_when_the_negotiation_has_no_issues():
    judge = Judge(binary({}, 3.0), binary({}, 3.0), scope(topics=()))
    judged = judge.judge(QUOTE, "", "", "direct", MEDVEDEV)
    assert judged.relevance > RELEVANT
    assert judged.topics == ()
