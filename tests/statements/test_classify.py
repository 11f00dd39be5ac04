"""What a statement is: its kind from cue verbs and content, its topics from the issues' keywords."""

import pytest

from positions.statements.classify import fold, keyword_hits, kind_of, mentions_subject, strong, topics_for, topics_of
from positions.statements.records import TopicEntry

from .conftest import topics

TOPICS = topics()
SUBJECTS = ("missile defence",)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Russia may pull out of the START if the US develops missile defence in Europe", "threat"),
        ("Russia will have to take adequate measures, including Iskander missiles in Kaliningrad", "threat"),
        ("there was no need for a legally binding agreement with Russia", "rejection"),
        ("Moscow insists on legally binding guarantees that the system won't be aimed against it", "demand"),
        ("the importance of ensuring legally binding guarantees that the system won't be aimed at Russia", "demand"),
        ("We call on Russia to join the missile defence cooperation", "appeal"),
        ("Russia and NATO should create two separate missile defence systems", "proposal"),
        ("the missile defence systems do not and cannot threaten Russia's strategic deterrent", "assurance"),
        ("NATO has so far not listened to Russia's proposals on missile defence", "criticism"),
        ("This type of investment is a waste of money", "criticism"),
        ("The talks lasted three hours", "assessment"),
    ],
)
def test_it_tells_the_kind_from_what_a_statement_says(text, kind):
    assert kind_of(text) == kind


@pytest.mark.parametrize(
    ("cue", "kind"),
    [
        ("insists", "demand"),
        ("demanded", "demand"),
        ("called on", "appeal"),
        ("urged", "appeal"),
        ("warned", "threat"),
        ("rejected", "rejection"),
        ("proposed", "proposal"),
        ("assured", "assurance"),
        ("criticized", "criticism"),
        ("agreed", "acceptance"),
    ],
)
def test_it_tells_the_kind_from_the_cue_verb_first(cue, kind):
    assert kind_of("the talks on the system lasted three hours", cue) == kind


def test_it_falls_back_on_the_content_for_a_neutral_cue():
    assert kind_of("there was no need for a legally binding agreement", "said") == "rejection"
    assert kind_of("on legally binding guarantees for Russia", "insists") == "demand"
    assert kind_of("the talks lasted three hours", "said") == "assessment"


def test_it_reads_a_threat_against_a_treaty_as_criticism_not_a_threat():
    text = "we see no basis for threats to withdraw from it"
    assert kind_of(text) == "criticism"


def test_it_folds_british_and_american_spelling():
    assert fold("missile defense centers, theater, organization") == "missile defence centres, theatre, organisation"
    assert fold("Russia’s “defense”—now") == "Russia's “defence”-now"


def test_it_keeps_letter_case_when_folding():
    assert fold("New START") == "New START"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The New START Treaty benefits both countries", ("new-start",)),
        ("We will START now", ("new-start",)),
        ("new start treaty", ("new-start",)),
        ("Let us start the meeting", ()),
        ("They restart the talks", ()),
        ("the START-2 treaty", ()),
    ],
)
def test_it_matches_an_acronym_keyword_only_in_capitals(text, expected):
    assert topics_of(text, TOPICS) == expected


def test_it_reports_each_keyword_use():
    hits = keyword_hits("The New START Treaty and legally binding guarantees", TOPICS)
    assert [(key, word.lower()) for key, word in hits] == [
        ("legal-guarantees", "legally binding"),
        ("legal-guarantees", "guarantees"),
        ("new-start", "new start"),
        ("new-start", "start"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "two separate systems",
        "two separate missile defence systems",
        "two separate missile defense systems for one goal",
        "Two Separate Systems",
        "two separate system",
    ],
)
def test_it_matches_a_phrase_keyword_with_words_inside_and_either_spelling(text):
    assert topics_of(text, TOPICS) == ("architecture",)


def test_it_does_not_stretch_a_phrase_keyword_over_more_than_two_words():
    assert topics_of("two separate and independent missile defence systems", TOPICS) == ()


def test_it_matches_defence_keywords_in_american_spelling():
    spelled = (TopicEntry("deployment", keywords=("missile defence", "theatre")),)
    assert topics_of("The missile defense theater", spelled) == ("deployment",)


def test_it_matches_a_plural_keyword_in_the_singular():
    assert topics_of("the best guarantee for Russia", TOPICS) == ("legal-guarantees",)


def test_it_orders_topics_by_how_often_they_are_used():
    text = "Iskander missiles in Kaliningrad and legally binding guarantees, more Iskanders"
    assert topics_of(text, TOPICS) == ("countermeasures", "legal-guarantees")


def test_it_breaks_ties_by_the_order_of_the_issues():
    assert topics_of("New START and Iskander", TOPICS) == ("new-start", "countermeasures")


def test_it_finds_the_negotiation_subject_in_either_spelling():
    assert mentions_subject("Missile Defense in Europe", SUBJECTS)
    assert not mentions_subject("The missile threat from Iran", SUBJECTS)


def test_it_calls_a_phrase_or_two_keywords_strong_and_one_common_word_weak():
    assert strong([("legal-guarantees", "legally binding")])
    assert strong([("new-start", "START")])
    assert strong([("legal-guarantees", "guarantee"), ("countermeasures", "iskander")])
    assert not strong([("legal-guarantees", "guarantee")])
    assert not strong([])


def _topics_for(text, window="", fallback=()):
    return topics_for(text, window or text, topics=TOPICS, subjects=SUBJECTS, fallback=fallback)


def test_it_gives_an_off_topic_statement_no_topics():
    text = "The weather in Brussels was fine today and everyone enjoyed a long lunch after the meeting."
    assert _topics_for(text, fallback=("legal-guarantees",)) == ()


def test_it_gives_a_statement_its_own_strong_keywords():
    assert _topics_for("Russia wants legally binding guarantees") == ("legal-guarantees",)


def test_it_needs_the_subject_nearby_for_a_single_weak_keyword():
    assert _topics_for("We discussed guarantees.") == ()
    assert _topics_for("We discussed guarantees.", "On missile defence, we discussed guarantees.") == (
        "legal-guarantees",
    )


def test_it_gives_a_long_statement_on_the_subject_the_topics_of_its_window_or_the_document():
    text = "The talks on missile defence in Europe went on for many long hours and ended very late at night."
    assert _topics_for(text, "Iskander missiles in Kaliningrad. " + text) == ("countermeasures",)
    assert _topics_for(text, fallback=("new-start", "architecture")) == ("new-start",)


def test_it_gives_a_short_statement_with_no_keyword_no_topics_even_near_the_subject():
    assert _topics_for("It went well.", "Missile defence talks. It went well.", fallback=("new-start",)) == ()
