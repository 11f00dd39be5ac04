"""Which negotiation a document is read against, its issues, and the relevance and issue judgements."""

import math

import pytest

from positions.statements.learned import LinearModel
from positions.statements.records import PartyEntry, Speaker, TopicEntry
from positions.statements.topics import (
    ISSUE,
    RELEVANT,
    Asked,
    Judge,
    Scope,
    choose_negotiation,
    issue_features,
    nearby_features,
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


def test_its_statement_signs_are_given_again_for_the_statement_s_group_but_not_its_words():
    turn = statement_features(scope(), QUOTE, "", "", "turn", MEDVEDEV)
    report = statement_features(scope(), QUOTE, "", "", "indirect", MEDVEDEV)
    for f, own, other in ((turn, "turn", "report"), (report, "report", "turn")):
        shared = [name for name in f if not name.startswith(("turn|", "report|"))]
        assert f[f"{own}|bias"] == 1.0 and f[f"{own}|qstrong=1"] == 1.0
        assert not any(name.startswith(f"{other}|") for name in f)
        assert not any(name.startswith(f"{own}|s=") for name in f)  # the words stay shared
        assert all(f[f"{own}|{name}"] == f[name] for name in shared if not name.startswith("s="))
    assert report["report|mode=indirect"] == 1.0 and "report|mode=direct" not in report


def test_its_statement_features_say_what_the_cue_verb_says_by_itself():
    def cue_signs(cue: str, mode: str = "indirect") -> set[str]:
        f = statement_features(scope(), QUOTE, "", "", mode, MEDVEDEV, cue=cue)
        return {name for name in f if name.startswith("cuek|")}

    assert cue_signs("warn") == {"cuek|mode=threat|indirect"}  # the table's kind of the verb
    assert cue_signs("insist") == {"cuek|mode=demand|indirect"}
    assert cue_signs("discuss") == {"cuek|mode=plain|indirect"}  # a cue the table gives no kind
    assert cue_signs("") == {"cuek|mode=none|indirect"}
    assert cue_signs("", "turn") == {"cuek|mode=none|turn"}
    assert "report|cuek|mode=threat|indirect" in statement_features(scope(), QUOTE, "", "", "indirect", MEDVEDEV,
                                                                      cue="warn")  # fmt: skip


def binary(weights: dict[str, float], intercept: float) -> LinearModel:
    return LinearModel(("0", "1"), {name: (w,) for name, w in weights.items()}, (intercept,))


ALONE = binary({}, 0.0)  # every statement read alone: 0.5


def test_the_judge_gives_no_topics_below_the_relevance_threshold():
    judge = Judge(ALONE, binary({}, -3.0), binary({"bias": 10.0}, 0.0), scope())
    judged = judge.judge(QUOTE, "", "", "direct", MEDVEDEV)
    assert judged.relevance == pytest.approx(1 / (1 + math.exp(3.0))) and judged.relevance < RELEVANT
    assert judged.topics == ()


def test_the_judge_gives_the_issues_above_the_issue_threshold():
    judge = Judge(ALONE, binary({}, 3.0), binary({"key=architecture": 6.0, "key=legal-guarantees": 4.0}, -3.0),
                  scope())  # fmt: skip
    judged = judge.judge(QUOTE, "", "", "direct", MEDVEDEV)
    assert judged.relevance > RELEVANT
    assert judged.topics == ("architecture", "legal-guarantees")  # most probable first


def test_the_judge_gives_the_likeliest_issue_when_none_reaches_the_threshold():
    issues = binary({"key=architecture": 1.0}, -4.0)  # architecture: 0.05, legal guarantees: 0.02
    assert issues.probabilities({"bias": 1.0, "key=architecture": 1.0})["1"] < ISSUE
    judge = Judge(ALONE, binary({"qstrong=1": 5.0}, -1.0), issues, scope())
    assert judge.judge(QUOTE, "", "", "direct", MEDVEDEV).topics == ("architecture",)
    assert judge.judge("The weather was fine.", "", "", "direct", MEDVEDEV).topics == ()


def test_the_judge_gives_no_topics_when_the_negotiation_has_no_issues():
    judge = Judge(ALONE, binary({}, 3.0), binary({}, 3.0), scope(topics=()))
    judged = judge.judge(QUOTE, "", "", "direct", MEDVEDEV)
    assert judged.relevance > RELEVANT
    assert judged.topics == ()


def test_each_statement_s_neighbours_are_the_nearest_of_its_group_on_either_side():
    alone = [0.9, 0.1, 0.8, 0.2, 0.7]
    groups = ["turn", "report", "turn", "report", "turn"]
    near = nearby_features(alone, groups)
    assert near[0] == {"near_before": 0.5, "near_after": 0.8}  # nobody before it: 0.5
    assert near[2] == {"near_before": 0.9, "near_after": 0.7}  # the turns around it, not the reports between
    assert near[1] == {"near_before": 0.5, "near_after": 0.2}
    assert near[3] == {"near_before": 0.1, "near_after": 0.5}
    assert near[4] == {"near_before": 0.8, "near_after": 0.5}
    assert nearby_features([], []) == []


def test_a_statement_is_judged_with_how_its_neighbours_were_judged_alone():
    # Alone, a turn is relevant when it names the issue's words; with its neighbours, the same plain turn
    # is kept between two such turns and dropped between two that are not.
    alone = binary({"qstrong=1": 8.0}, -4.0)
    relevance = binary({"qstrong=1": 8.0, "near_before": 3.0, "near_after": 3.0}, -4.0)
    judge = Judge(alone, relevance, binary({"bias": 10.0}, 0.0), scope())
    plain = "We discussed it at length and will go on doing so."

    def turns(*quotes: str) -> list:
        return judge.judge_all([Asked(q, "", "", "turn", MEDVEDEV) for q in quotes])

    between_on_topic = turns(QUOTE, plain, QUOTE)
    between_off_topic = turns("The weather was fine today.", plain, "Trade grew by a tenth last year.")
    p_on = between_on_topic[1].relevance
    p_off = between_off_topic[1].relevance
    on_topic_alone = 1 / (1 + math.exp(-4.0))  # QUOTE names a phrase of the issue's: strong
    assert p_on == pytest.approx(1 / (1 + math.exp(-(-4.0 + 2 * 3.0 * on_topic_alone))))
    assert p_on > RELEVANT > p_off
    assert between_on_topic[1].topics and not between_off_topic[1].topics
    # a quotation between them is not their neighbour: it has none, and reads 0.5 on both sides
    mixed = judge.judge_all([Asked(QUOTE, "", "", "turn", MEDVEDEV), Asked(plain, "", "", "direct", MEDVEDEV),
                             Asked(QUOTE, "", "", "turn", MEDVEDEV)])  # fmt: skip
    assert mixed[1].relevance == pytest.approx(1 / (1 + math.exp(-(-4.0 + 3.0))))
    # judged alone (no neighbours), the same statement is the one-statement document
    assert judge.judge(plain, "", "", "turn", MEDVEDEV).relevance == pytest.approx(mixed[1].relevance)


def test_a_statement_no_neighbour_could_lift_over_the_threshold_has_its_issues_left_unread():
    calls = []

    class Counting(LinearModel):
        def probabilities(self, features):
            calls.append(features)
            return super().probabilities(features)

    issues = Counting(("0", "1"), {"bias": (10.0,)}, (0.0,))
    never = binary({"near_before": 1.0, "near_after": 1.0}, -10.0)  # at most 2 from the neighbours: p < 0.001
    judged = Judge(ALONE, never, issues, scope()).judge_all([Asked(QUOTE, "", "", "turn", MEDVEDEV)] * 3)
    assert [j.topics for j in judged] == [(), (), ()] and calls == []
    maybe = binary({"near_before": 6.0, "near_after": 6.0}, -4.0)
    judged = Judge(ALONE, maybe, issues, scope()).judge_all([Asked(QUOTE, "", "", "turn", MEDVEDEV)] * 3)
    assert all(j.topics for j in judged) and len(calls) == 3 * len(scope().keys)
