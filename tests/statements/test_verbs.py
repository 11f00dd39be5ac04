"""The one table of reporting verbs: their forms in running text and the kind a cue says by itself."""

import re

import pytest

from positions.statements.verbs import KIND_WORDS, REPORTING, cue_kind, forms, is_reporting, pattern


@pytest.mark.parametrize(
    ("lemma", "expected"),
    [
        ("say", {"say", "says", "said", "saying"}),
        ("warn", {"warn", "warns", "warned", "warning"}),
        ("guarantee", {"guarantee", "guarantees", "guaranteed", "guaranteeing"}),
        ("deny", {"deny", "denies", "denied", "denying"}),
        ("insist", {"insist", "insists", "insisted", "insisting"}),
        ("propose", {"propose", "proposes", "proposed", "proposing"}),
        ("stress", {"stress", "stresses", "stressed", "stressing"}),
        ("write", {"write", "writes", "wrote", "written", "writing"}),
        ("tell", {"tell", "tells", "told", "telling"}),
    ],
)
def test_it_gives_the_forms_a_reporting_verb_takes(lemma, expected):
    assert expected <= set(forms(lemma))
    assert forms(lemma)[0] == lemma


def test_it_gives_according_to_as_it_is_written():
    assert forms("according") == ("according to",)


def test_its_pattern_matches_every_form_of_every_verb_and_no_other_word():
    verb = re.compile(rf"\b(?:{pattern()})\b")
    for lemma in ("say", "warn", "guarantee", "deny", "according", "call", "rule"):
        for form in forms(lemma):
            assert verb.fullmatch(form), form
    assert verb.search("Lavrov said on Monday").group() == "said"
    assert verb.search("as it guarantees nothing").group() == "guarantees"
    assert verb.search("according to Lavrov").group() == "according to"  # the longest form first
    assert not verb.search("The weather was fine, in Moscow.")
    assert not verb.fullmatch("sayings")


@pytest.mark.parametrize(
    ("lemma", "particle", "kind"),
    [
        ("call", "on", "appeal"),
        ("call", "for", "appeal"),
        ("Call", "On", "appeal"),
        ("call", "", ""),  # "he called it a mistake"
        ("rule", "out", "rejection"),
        ("rule", "", ""),
        ("rule", "on", ""),
        ("warn", "", "threat"),
        ("Warn", "", "threat"),
        ("insist", "on", "demand"),  # a particle the table does not pair keeps the verb's own kind
        ("say", "", ""),
        ("deliberate", "", ""),  # not in the table
    ],
)
def test_it_gives_the_kind_a_cue_says_by_itself(lemma, particle, kind):
    assert cue_kind(lemma, particle) == kind


def test_it_knows_which_lemmas_report_speech():
    assert is_reporting("say") and is_reporting("Warn") and is_reporting("according")
    assert not is_reporting("eat")
    assert set(REPORTING.values()) - {""} <= set(KIND_WORDS)  # every kind the table gives is one of the nine


@pytest.mark.parametrize(("lemma", "past"), [("admit", "admitted"), ("slam", "slammed"), ("quip", "quipped")])
def test_it_doubles_the_final_consonant_of_a_short_verb(lemma, past):
    assert past in forms(lemma)
    assert re.compile(rf"\b(?:{pattern()})\b").fullmatch(past)
