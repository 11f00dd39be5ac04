"""Which proposal a statement bears on, and the stance it suggests for its party."""

import pytest

from positions.statements.link import (
    MIN_SCORE,
    ProposalIndex,
    StanceSuggestion,
    link,
    puts_forward,
    stance_for,
    suggests_new,
)
from positions.statements.records import Found, Speaker

from .conftest import proposals

INDEX = ProposalIndex(proposals())
NATO = Speaker("Anders Fogh Rasmussen", "anders-fogh-rasmussen", "NATO", "person")
RUSSIA = Speaker("Dmitry Medvedev", "dmitry-medvedev", "Russia", "person")
UNITED_STATES = Speaker("Mark Toner", "mark-toner", "United States", "person")
TWO_SYSTEMS = "Russia and NATO should create two separate missile defence systems for one and the same purpose."
NO_GUARANTEE = "There was no need for a legally binding guarantee that the systems were not aimed at Russia."


def _found(quote, speaker, kind, topics, confidence=0.8):
    return Found(0, len(quote), quote, "indirect", speaker, kind=kind, topics=topics, confidence=confidence)


def test_it_weighs_words_by_how_few_proposals_share_them():
    assert INDEX.weight["separa"] > INDEX.weight["missil"]
    assert INDEX.weight["missil"] == pytest.approx(0.2877, abs=1e-4)  # log(4/3): in all three proposals


def test_it_scores_only_proposals_within_the_statement_s_topics():
    assert [p.key for _s, p in INDEX.scores(TWO_SYSTEMS, ("architecture",))] == ["two-separate-systems"]
    assert INDEX.scores(TWO_SYSTEMS, ("new-start",)) == []


def test_it_links_the_proposal_sharing_distinctive_words():
    key, _suggestions = link(_found(TWO_SYSTEMS, NATO, "proposal", ("architecture",)), INDEX, speaks_for_party=True)
    assert key == "two-separate-systems"


def test_it_links_the_proposal_of_the_statement_s_topic_when_it_names_two_proposals():
    text = "Two separate missile defence systems need no legally binding guarantee of non-targeting for Russia."
    assert link(_found(text, NATO, "proposal", ("legal-guarantees",)), INDEX, speaks_for_party=True)[0] == (
        "legal-guarantee"
    )
    assert link(_found(text, NATO, "proposal", ("architecture",)), INDEX, speaks_for_party=True)[0] == (
        "two-separate-systems"
    )


def test_it_links_nothing_without_topics_or_shared_words():
    assert link(_found(TWO_SYSTEMS, NATO, "proposal", ()), INDEX, speaks_for_party=True) == ("", [])
    weather = _found("The weather in Brussels was fine today.", NATO, "assessment", ("architecture",))
    assert link(weather, INDEX, speaks_for_party=True) == ("", [])


def test_it_needs_the_minimum_score_to_link():
    assert all(score >= MIN_SCORE for score, _p in INDEX.scores(TWO_SYSTEMS, ()))
    assert INDEX.scores("Missile defence in Europe.", ()) == []


def test_it_suggests_a_proponent_supports_its_own_proposal():
    found = _found(TWO_SYSTEMS, NATO, "proposal", ("architecture",))
    assert link(found, INDEX, speaks_for_party=True) == (
        "two-separate-systems",
        [StanceSuggestion("two-separate-systems", "NATO", "supports", 0.8)],
    )


def test_it_suggests_a_non_proponent_s_rejection_opposes():
    found = _found(NO_GUARANTEE, NATO, "rejection", ("legal-guarantees",))
    assert link(found, INDEX, speaks_for_party=True) == (
        "legal-guarantee",
        [StanceSuggestion("legal-guarantee", "NATO", "opposes", 0.8)],
    )


def test_it_suggests_nothing_for_a_legislator():
    found = _found(NO_GUARANTEE, UNITED_STATES, "rejection", ("legal-guarantees",))
    assert link(found, INDEX, speaks_for_party=False) == ("legal-guarantee", [])


def test_it_suggests_nothing_for_a_statement_with_no_party():
    found = _found(NO_GUARANTEE, Speaker("Some Analyst"), "rejection", ("legal-guarantees",))
    assert link(found, INDEX, speaks_for_party=True) == ("legal-guarantee", [])


def test_it_scales_the_suggestion_s_confidence_by_the_statement_s():
    found = _found(TWO_SYSTEMS, NATO, "proposal", ("architecture",), confidence=0.5)
    assert link(found, INDEX, speaks_for_party=True)[1] == [
        StanceSuggestion("two-separate-systems", "NATO", "supports", 0.5)
    ]


@pytest.mark.parametrize(
    ("kind", "stance"),
    [
        ("proposal", "supports"),
        ("demand", "supports"),
        ("threat", "supports"),
        ("assurance", "supports"),
        ("appeal", "supports"),
        ("acceptance", "supports"),
        ("rejection", ""),
        ("criticism", ""),
        ("assessment", "supports"),  # a proponent stating its own proposal holds to it
    ],
)
def test_it_reads_a_proponent_s_statement_on_its_own_proposal(kind, stance):
    assert stance_for(_found(TWO_SYSTEMS, NATO, kind, ("architecture",)), proponent=True) == stance


@pytest.mark.parametrize(
    ("kind", "quote", "stance"),
    [
        ("rejection", NO_GUARANTEE, "opposes"),
        ("criticism", NO_GUARANTEE, "opposes"),
        ("threat", NO_GUARANTEE, "opposes"),
        ("acceptance", "We accept the guarantee.", "supports"),
        ("acceptance", "We accept the guarantee only if it is binding.", "conditional"),
        ("proposal", "We propose a guarantee.", "supports"),
        ("proposal", "We propose a guarantee, provided NATO agrees.", "conditional"),
        ("demand", "We demand a guarantee.", ""),
        ("assessment", "The guarantee is a complex matter.", ""),
    ],
)
def test_it_reads_another_party_s_statement_on_a_proposal(kind, quote, stance):
    assert stance_for(_found(quote, RUSSIA, kind, ("legal-guarantees",)), proponent=False) == stance


def test_only_a_proponent_putting_its_own_proposal_forward_puts_it_on_the_table():
    two_systems = next(p for p in proposals() if p.key == "two-separate-systems")
    proposal = _found(TWO_SYSTEMS, NATO, "proposal", ("architecture",))
    assert puts_forward(proposal, two_systems, speaks_for_party=True)
    assert not puts_forward(proposal, two_systems, speaks_for_party=False)  # a legislator's words
    assert not puts_forward(
        _found(TWO_SYSTEMS, RUSSIA, "proposal", ("architecture",)), two_systems, speaks_for_party=True
    )
    assert not puts_forward(
        _found(TWO_SYSTEMS, NATO, "assessment", ("architecture",)), two_systems, speaks_for_party=True
    )
    assert not puts_forward(proposal, None, speaks_for_party=True)


def test_an_on_topic_proposal_matching_nothing_is_suggested_as_new():
    hotline = _found("NATO and Russia should open a hotline.", NATO, "proposal", ("cooperation",))
    assert suggests_new(hotline, "", speaks_for_party=True)
    assert not suggests_new(hotline, "two-separate-systems", speaks_for_party=True)
    assert not suggests_new(hotline, "", speaks_for_party=False)
    assert not suggests_new(_found("A hotline.", NATO, "proposal", ()), "", speaks_for_party=True)
    assert not suggests_new(_found("A hotline.", NATO, "assessment", ("cooperation",)), "", speaks_for_party=True)
