"""What the words naming a speaker say of them (`describe`), and the actor a speaker nobody entered becomes."""

from datetime import date

import pytest

from positions.statements.attribution import Gazetteer
from positions.statements.people import GENERIC_TITLE, Clues, describe, new_actor
from positions.statements.records import Found, NewActor, Speaker

from .conftest import build_lexicon, one, run

US, RUSSIA = "United States", "Russia"


@pytest.mark.parametrize(
    ("phrase", "clues"),
    [
        # heads of state and government, ministers, spokespersons, envoys: they speak for the party
        ("Iranian Foreign Minister Mohammad Javad Zarif", Clues("Iran", "Foreign Minister", True, "person")),
        ("Russian Deputy Foreign Minister Sergei Ryabkov", Clues(RUSSIA, "Deputy Foreign Minister", True, "person")),
        ("Lavrov, Russia's foreign minister", Clues(RUSSIA, "Foreign Minister", True, "person")),
        ("the foreign minister of Iran", Clues("Iran", "Foreign Minister", True, "person")),
        ("Kremlin spokesman Dmitry Peskov", Clues(RUSSIA, "Spokesperson", True, "person")),
        ("a Kremlin aide", Clues(RUSSIA, "Adviser", True, "crowd")),
        ("White House spokesman", Clues(US, "Spokesperson", True, "person")),
        ("White House Press Secretary Robert Gibbs", Clues(US, "Press Secretary", True, "person")),
        ("State Department spokesman", Clues(US, "Spokesperson", True, "person")),
        ("NATO Secretary General", Clues("NATO", "Secretary General", True, "person")),
        ("Tehran's envoy", Clues("Iran", "Envoy", True, "person")),
        ("Iran's chief negotiator", Clues("Iran", "Chief Negotiator", True, "person")),
        ("the American ambassador to Moscow", Clues(US, "Ambassador", True, "person")),
        ("the Iranian president's spokesman", Clues("Iran", "Spokesperson", True, "person")),
        ("Secretary of State Hillary Clinton", Clues(US, "Secretary of State", True, "person")),
        # US legislators: domestic voices
        ("Rep. Howard McKeon (R-CA)", Clues(US, "Representative", False, "person")),
        ("Sen. John McCain", Clues(US, "Senator", False, "person")),
        ("Congressman Rob Bishop (UT-01)", Clues(US, "Representative", False, "person")),
        ("(D-Wis.)", Clues(US, "Member of Congress", False, "person")),
        ("(TX-11)", Clues(US, "Representative", False, "person")),
        # former officials, analysts, governors: domestic voices too
        ("Colin Powell, the former secretary of state", Clues(US, "Former Secretary of State", False, "person")),
        ("ex-ambassador Michael McFaul", Clues("", "Former Ambassador", False, "person")),
        ("Former Soviet leader Mikhail Gorbachev", Clues(RUSSIA, "", False, "person")),
        ("a Moscow State University professor", Clues("", "Professor", False, "crowd")),
        ("Victor Cha, a Korea scholar", Clues("", "Analyst", False, "person")),
        # the body they speak for
        ("an official of the Iranian Foreign Ministry", Clues("Iran", "Official", True, "crowd")),
        ("the Polish Defence Ministry", Clues("Poland", "", True, "body")),
        ("Pentagon", Clues(US, "", True, "body")),
        # crowds and generic bodies: never actors
        ("diplomats", Clues("", "", None, "crowd")),
        ("Officials", Clues("", "", None, "crowd")),
        ("Western diplomats", Clues("", "", None, "crowd")),
        ("U.S. officials", Clues(US, "", None, "crowd")),
        ("a senior official", Clues("", "Senior Official", None, "crowd")),
        ("analysts", Clues("", "", None, "crowd")),
        ("experts", Clues("", "", None, "crowd")),
        ("observers", Clues("", "", None, "crowd")),
        ("sources close to the talks", Clues("", "", None, "crowd")),
        ("critics", Clues("", "", None, "crowd")),
        ("Lawmakers", Clues("", "", None, "crowd")),
        # names alone, and a state's name inside another name
        ("Colin Powell", Clues("", "", None, "person")),
        ("Jordan Smith", Clues("", "", None, "person")),
        ("Moscow State University", Clues("", "", None, "person")),
        ("Tehran", Clues("Iran", "", None, "")),
    ],
)
def test_it_reads_the_words_naming_a_speaker(phrase, clues):
    assert describe(phrase) == clues


def test_a_gazetteer_gives_the_lexicon_s_metonyms_and_names():
    gaz = Gazetteer(build_lexicon(), date(2012, 1, 1))
    assert describe("Kremlin aide Yuri Ushakov", gaz) == Clues(RUSSIA, "Adviser", True, "person")
    assert describe("an Alliance spokesperson", gaz).party == "NATO"


def found(speaker: Speaker, said_on=date(2013, 9, 20), source: str = "") -> Found:
    return Found(0, 40, "The missile defence system is a threat.", "indirect", speaker, said_on=said_on, source=source)


def test_a_new_person_becomes_an_actor_with_the_role_their_words_suggest():
    zarif = Speaker("Mohammad Javad Zarif", party="Iran", speaks_for=True, title="Foreign Minister")
    assert new_actor(found(zarif, source="Iranian Foreign Minister Mohammad Javad Zarif")) == NewActor(
        name="Mohammad Javad Zarif",
        kind="person",
        party="Iran",
        title="Foreign Minister",
        since=date(2013, 9, 20),
        speaks_for=True,
        evidence="Iranian Foreign Minister Mohammad Javad Zarif",
    )


def test_a_new_person_with_a_party_and_no_post_gets_the_generic_title():
    assert new_actor(found(Speaker("Rob Nabors", party=US))).title == GENERIC_TITLE
    assert new_actor(found(Speaker("Rob Nabors"))).title == ""  # no party, no role to suggest


def test_known_actors_parties_descriptions_and_crowds_become_no_actor():
    for speaker in (
        Speaker("Anders Fogh Rasmussen", "anders-fogh-rasmussen", "NATO"),
        Speaker(party="Russia", kind="party"),
        Speaker("the GOP nominee", kind="description"),
        Speaker("Diplomats", kind="crowd"),
        Speaker("Officials", kind="body"),  # how the extractor words a subject it could not place
    ):
        assert new_actor(found(speaker)) is None, speaker


def test_a_new_person_takes_a_party_from_the_words_naming_them_not_from_the_clause_before():
    """ "NATO's spokesman Jan Olsen said after a meeting with special envoy Anna Berg" names Berg "special envoy":
    NATO is Olsen's, not hers."""
    text = (
        "NATO spokesman Jan Olsen said after a meeting with special envoy Anna Berg that the talks on the radar "
        "in Poland would go on.\n\nBerg said later that the radar in Poland was not aimed at Russia.\n"
    )
    found = run(text, date(2011, 11, 20), build_lexicon())
    berg = one(found, "the radar in Poland was not aimed")
    assert (berg.speaker.name, berg.speaker.party) == ("Anna Berg", "")


def test_a_pronoun_after_a_surname_is_the_person_the_document_named_in_full():
    text = (
        "Polish envoy Anna Berg met the NATO delegation on Monday.\n\n"
        "Berg, for her part, said Warsaw would not accept any limits on the radar in Poland. "
        "\u201cWe cannot accept limits on the radar that leave Poland without defence,\u201d she said.\n"
    )
    found = run(text, date(2011, 11, 20), build_lexicon())
    assert {f.speaker.name for f in found} == {"Anna Berg"}, [(f.speaker.name, f.quote[:40]) for f in found]
