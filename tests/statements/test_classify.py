"""The issues' keywords found in text (positions/statements/classify.py)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from positions.statements import classify
from positions.statements.classify import fold, keyword_hits, mentions_subject, strong, topics_of
from positions.statements.records import TopicEntry

from .conftest import topics

TOPICS = topics()
SUBJECTS = ("missile defence",)


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


def _unfiltered_hits(text, topics):
    """keyword_hits as it was before its literal pre-check: every pattern run over the text."""
    folded = classify._fold(text)
    lowered = folded.lower()
    hits = []
    for topic in topics:
        plain, caps = classify._keyword_pattern(tuple(topic.keywords))
        if plain is not None:
            written = folded if len(folded) == len(lowered) else lowered
            hits.extend((topic.key, written[m.start() : m.end()]) for m in plain.finditer(lowered))
        if caps is not None:
            hits.extend((topic.key, match.group()) for match in caps.finditer(folded))
    return hits


WORDS = [
    "start",
    "START",
    "New",
    "defense",
    "Defence",
    "missile",
    "missiles",
    "center",
    "centre",
    "İ",
    "ı",
    "ſ",
    "organize",
    "organization",
    "NRC",
    "-",
    "’",
    "—",
    "  ",
    "\n",
    "treaty",
    "tactical",
    "nuclear",
    "weapons",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS) | st.text(max_size=8), max_size=25).map(" ".join))
def test_the_literal_pre_check_finds_what_the_patterns_alone_find(text):
    """A pattern is skipped only where none of its literals stands in the text: the same hits, and the same
    answer to whether the text names the subject, as running every pattern."""
    text = f"{text} {TOPICS[0].keywords[0]}" if len(text) % 3 == 0 else text
    assert keyword_hits(text, TOPICS) == _unfiltered_hits(text, TOPICS)
    for subjects in (SUBJECTS, ("New START", "missile defenses")):
        plain, caps = classify._keyword_pattern(subjects)
        folded = classify._fold(text)
        expected = bool((plain and plain.search(folded.lower())) or (caps and caps.search(folded)))
        assert mentions_subject(text, subjects) == expected
