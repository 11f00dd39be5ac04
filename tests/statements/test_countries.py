"""The country table: states by their common short name, their adjectives, other names and capitals, and
the lexicon's own parties winning over it in the gazetteer."""

from datetime import date

import pytest

from positions.statements.attribution import Gazetteer, scan_mentions
from positions.statements.countries import country_table
from positions.statements.records import Lexicon, PartyEntry, Speaker

from .conftest import build_lexicon

DAY = date(2013, 9, 20)


def test_it_is_built_once_per_process():
    assert country_table() is country_table()


@pytest.mark.parametrize(
    ("word", "country"),
    [
        ("Iranian", "Iran"),
        ("American", "United States"),
        ("Russian", "Russia"),
        ("Soviet", "Russia"),
        ("British", "United Kingdom"),
        ("French", "France"),
        ("Lithuanian", "Lithuania"),
        ("South Korean", "South Korea"),
        ("Czech", "Czech Republic"),
    ],
)
def test_it_gives_an_adjective_its_country(word, country):
    assert country_table().named(word) == country


@pytest.mark.parametrize(
    ("name", "country"),
    [
        ("Russian Federation", "Russia"),
        ("Islamic Republic of Iran", "Iran"),
        ("Republic of Korea", "South Korea"),
        ("United States of America", "United States"),
        ("Great Britain", "United Kingdom"),
        ("Czechia", "Czech Republic"),
        ("U.S.", "United States"),
        ("US", "United States"),
        ("USA", "United States"),
        ("UK", "United Kingdom"),
        ("U.K.", "United Kingdom"),
    ],
)
def test_it_gives_other_names_and_acronyms_the_common_short_name(name, country):
    assert country_table().country(name) == country


def test_its_states_go_by_their_common_english_short_name():
    names = country_table().countries
    for name in ("United States", "Russia", "Iran", "United Kingdom", "South Korea", "North Korea", "Czech Republic"):
        assert name in names
    for official in ("Russian Federation", "Iran, Islamic Republic of", "Korea, Republic of", "Viet Nam"):
        assert official not in names


def test_it_leaves_out_codes_and_native_names_that_are_english_words():
    table = country_table()
    for word in ("IN", "IT", "NO", "IS", "Island", "Mann"):
        assert table.named(word) == "", word


@pytest.mark.parametrize(
    ("place", "country"),
    [("Tehran", "Iran"), ("Moscow", "Russia"), ("Washington", "United States"), ("Beijing", "China")],
)
def test_a_capital_stands_for_its_state(place, country):
    assert country_table().metonym(place) == country
    assert country_table().named(place) == ""  # a metonym only where it speaks, never an adjective or name


def test_a_small_territory_s_capital_is_not_a_speaker():
    assert country_table().metonym("Stanley") == country_table().metonym("Hamilton") == ""


def test_the_parties_that_are_not_states_keep_their_words():
    table = country_table()
    assert [table.named(w) for w in ("NATO", "Alliance", "Allied", "EU", "European")] == [
        "NATO", "NATO", "NATO", "European Union", "European Union",
    ]  # fmt: skip


def test_the_lexicon_s_name_for_a_state_wins_over_the_table():
    lexicon = Lexicon(parties=(PartyEntry("Islamic Republic of Iran", aliases=("Iran",)), PartyEntry("NATO")))
    gaz = Gazetteer(lexicon, DAY)

    assert gaz.named("Iranian") == "Islamic Republic of Iran"
    assert gaz.metonym("Tehran") == "Islamic Republic of Iran"
    assert gaz.named("Russian") == "Russia"  # a state the lexicon lacks: the table's name
    speaker = gaz.resolve_name("Foreign Minister Mohammad Javad Zarif", "the Iranian ")
    assert speaker.party == "Islamic Republic of Iran"


def test_a_lexicon_metonym_of_another_party_wins_over_a_capital():
    # The seed gives Brussels to the European Union, whose seat it is; the table would give it to Belgium.
    lexicon = Lexicon(parties=(PartyEntry("European Union", aliases=("EU",), metonyms=("Brussels",)),))
    gaz = Gazetteer(lexicon, DAY)
    assert gaz.metonym("Brussels") == "European Union"
    assert gaz.named("Belgian") == "Belgium"


def test_a_capital_inside_a_longer_name_is_no_party():
    gaz = Gazetteer(build_lexicon(), DAY)
    for name in ("Washington Post", "Moscow State University", "George Washington", "Tehran Times"):
        speaker = gaz.resolve_name(name)
        assert speaker is not None and speaker.name == name and speaker.party == "", name


def test_a_capital_standing_alone_speaks_for_its_state():
    speaker = Gazetteer(build_lexicon(), DAY).resolve_name("Tehran")
    assert speaker == Speaker(party="Iran", kind="party")
    assert speaker.speaks_for


def test_a_capital_after_a_preposition_is_a_place():
    assert Gazetteer(build_lexicon(), DAY).resolve_name("Lisbon", "what all of us agreed to in ") is None


def test_a_state_s_name_in_a_person_s_name_is_no_party_in_that_document():
    text = (
        "Rep. Jim Jordan (R-Ohio), an oversight panel member, said in a phone interview that the deal was bad.\n\n"
        "Jordan said the department had granted immunity to far too many people in the case."
    )
    gaz = Gazetteer(build_lexicon(), DAY)
    assert all(m.speaker.party != "Jordan" for m in scan_mentions(text, gaz))
    assert gaz.resolve_name("Jordan").name == "Jordan"


def test_new_jersey_is_not_jersey():
    text = "New Jersey Gov. Chris Christie said the plan was reckless and that New Mexico agreed with him."
    mentions = scan_mentions(text, Gazetteer(build_lexicon(), DAY))
    assert {m.speaker.party for m in mentions} <= {"", "United States"}
