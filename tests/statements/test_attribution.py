"""Who speaks: names, titles, role nouns, metonyms, bodies and pronouns, resolved on the document's date."""

from dataclasses import replace
from datetime import date

import pytest

from positions.statements.attribution import Gazetteer, scan_mentions, surname
from positions.statements.records import ActorEntry, Lexicon, PartyEntry, RoleEntry, Speaker

from .conftest import build_lexicon, parties, run, span_of, turner

RASMUSSEN = Speaker("Anders Fogh Rasmussen", "anders-fogh-rasmussen", "NATO", "person")
MEDVEDEV = Speaker("Dmitry Medvedev", "dmitry-medvedev", "Russia", "person")
FOREIGN_MINISTRY = Speaker("Russian Foreign Ministry", "russian-foreign-ministry", "Russia", "body")
OBAMA = Speaker("Barack Obama", "barack-obama", "United States", "person")
IN_OFFICE = date(2010, 1, 1)
AFTER_MEDVEDEV = date(2013, 1, 1)


def _mentions(text: str, day: date = IN_OFFICE, home: str = "") -> list[tuple[str, Speaker]]:
    return [(m.text, m.speaker) for m in scan_mentions(text, Gazetteer(build_lexicon(), day, home))]


def _speaker(text: str, day: date, clause: str, lexicon=None, **document):
    """The speaker of the one statement that covers most of `clause` (who speaks is what these tests are
    about: span boundaries are the tagger's, measured over the whole gold in tests/test_evaluate.py)."""
    found = run(text, day, lexicon or build_lexicon(), **document)
    start, end = span_of(text, clause)
    matches = [f for f in found if min(f.end, end) - max(f.start, start) >= 0.5 * (end - start)]
    assert len(matches) == 1, [(f.quote, f.speaker) for f in found]
    return matches[0].speaker


def test_it_takes_the_last_plain_word_of_a_name_as_the_surname():
    assert surname("Anders Fogh Rasmussen") == "Rasmussen"
    assert surname("Michael R. Turner") == "Turner"
    assert surname("Mr. McFaul") == "McFaul"


def test_it_resolves_a_surname_to_the_known_actor_and_his_party_on_the_day():
    speaker = Gazetteer(build_lexicon(), IN_OFFICE).resolve_name("Rasmussen")
    assert speaker == RASMUSSEN
    assert speaker.speaks_for is True


def test_it_resolves_a_title_and_name():
    gaz = Gazetteer(build_lexicon(), IN_OFFICE)
    assert gaz.resolve_name("Secretary General Rasmussen") == RASMUSSEN
    assert gaz.resolve_name("President Medvedev") == MEDVEDEV


def test_it_keeps_the_party_of_a_former_post_but_not_its_voice():
    speaker = Gazetteer(build_lexicon(), AFTER_MEDVEDEV).resolve_name("President Medvedev")
    assert speaker == MEDVEDEV
    assert speaker.speaks_for is False


def test_it_marks_a_legislator_as_not_speaking_for_his_party():
    speaker = Gazetteer(build_lexicon(turner()), IN_OFFICE).resolve_name("Michael R. Turner")
    assert speaker == Speaker("Michael Turner", "michael-turner", "United States", "person")
    assert speaker.speaks_for is False


def test_it_finds_a_full_name_and_a_titled_surname_in_text():
    text = "Anders Fogh Rasmussen wrote, and Secretary General Rasmussen said so again."
    assert _mentions(text) == [("Anders Fogh Rasmussen", RASMUSSEN), ("Rasmussen", RASMUSSEN)]
    assert [m.start for m in scan_mentions(text, Gazetteer(build_lexicon(), IN_OFFICE))] == [0, text.rindex("Ras")]


def test_it_reads_a_party_s_title_before_a_name_as_that_office_holder():
    text = "NATO Secretary General Anders Fogh Rasmussen wrote in Kommersant."
    assert _mentions(text) == [("NATO Secretary General", RASMUSSEN), ("Anders Fogh Rasmussen", RASMUSSEN)]


def test_it_resolves_a_role_noun_to_who_held_the_post_on_the_day():
    text = "The Russian president said Russia would respond."
    assert _mentions(text, IN_OFFICE)[0] == ("The Russian president", MEDVEDEV)


def test_it_resolves_a_role_noun_to_nobody_it_knows_after_the_term():
    text = "The Russian president said Russia would respond."
    mentions = _mentions(text, AFTER_MEDVEDEV)
    assert all(s.key != "dmitry-medvedev" for _t, s in mentions)
    assert mentions[0] == ("Russian", Speaker(party="Russia", kind="party"))


def test_it_resolves_a_possessive_role_noun():
    assert _mentions("NATO's secretary general said so.") == [("NATO's secretary general", RASMUSSEN)]


def test_it_reads_metonyms_and_aliases_as_parties_without_a_speaker():
    text = "Moscow, the Kremlin, Washington, the White House, the Alliance and U.S. diplomats"
    assert [(t, s.party, s.name, s.kind) for t, s in _mentions(text)] == [
        ("Moscow", "Russia", "", "party"),
        ("the Kremlin", "Russia", "", "party"),
        ("Washington", "United States", "", "party"),
        ("the White House", "United States", "", "party"),
        ("the Alliance", "NATO", "", "party"),
        ("U.S.", "United States", "", "party"),
    ]


def test_it_reads_the_foreign_ministry_as_the_russian_body():
    text = "The Foreign Ministry said the talks had failed."
    assert _mentions(text) == [("Foreign Ministry", FOREIGN_MINISTRY)]


def test_it_names_an_unknown_ministry_of_a_known_country_as_a_new_body():
    text = "The Polish Defence Ministry said the base would be built."
    assert _mentions(text) == [
        ("The Polish Defence Ministry", Speaker("Polish Defence Ministry", "", "Poland", "body"))
    ]


def test_it_does_not_take_another_country_s_foreign_ministry_for_russia_s():
    text = "The Polish Foreign Ministry said the missile defence base in Redzikowo would be built on schedule."
    speaker = _speaker(text, IN_OFFICE, "the missile defence base in Redzikowo would be built on schedule")
    assert speaker.party == "Poland"
    assert speaker.key == ""


def test_it_gives_an_unknown_titled_name_a_new_speaker_with_the_party_of_its_demonym():
    text = "Lithuanian Foreign Minister Audronius Azubalis said NATO must not give Russia legally binding guarantees."
    assert _mentions(text)[:2] == [
        ("Lithuanian", Speaker(party="Lithuania", kind="party")),
        ("Audronius Azubalis", Speaker("Audronius Azubalis", "", "Lithuania", "person")),
    ]
    speaker = _speaker(text, date(2011, 6, 10), "NATO must not give Russia legally binding guarantees")
    assert speaker == Speaker("Audronius Azubalis", "", "Lithuania", "person")
    assert speaker.is_new


# -- through the pipeline: who says each reported clause --------------------------------------------


def test_it_attributes_a_report_by_surname():
    text = "Rasmussen said there was no need for a legally binding agreement on missile defence."
    clause = "there was no need for a legally binding agreement on missile defence"
    assert _speaker(text, IN_OFFICE, clause) == RASMUSSEN


def test_it_attributes_a_report_by_title_and_name():
    text = "Secretary General Rasmussen said NATO would not give legally binding guarantees on missile defence."
    clause = "NATO would not give legally binding guarantees on missile defence"
    assert _speaker(text, IN_OFFICE, clause) == RASMUSSEN


def test_it_attributes_a_role_noun_to_the_office_holder_on_the_day():
    text = "The Russian president said Russia would deploy Iskander missiles in Kaliningrad."
    clause = "Russia would deploy Iskander missiles in Kaliningrad"
    assert _speaker(text, IN_OFFICE, clause) == MEDVEDEV
    later = _speaker(text, AFTER_MEDVEDEV, clause)
    assert later.name != "Dmitry Medvedev" and later.key == ""
    assert later.party == "Russia"


def test_it_attributes_a_metonym_to_the_party_with_no_speaker_name():
    # A view a party holds with no speaker is quoted with the party itself, as the corpus gold does.
    text = "Moscow insists on legally binding guarantees that the missile defence system won't be aimed against it."
    speaker = _speaker(text, IN_OFFICE, text.removesuffix("."))
    assert speaker == Speaker(name="", key="", party="Russia", kind="party")


@pytest.mark.parametrize(("subject", "party"), [("The Kremlin", "Russia"), ("The White House", "United States")])
def test_it_attributes_a_metonym_with_an_article_to_the_party(subject, party):
    text = f"{subject} said the missile defence system in Europe would change the strategic balance."
    speaker = _speaker(text, IN_OFFICE, text.removesuffix("."))
    assert speaker == Speaker(name="", key="", party=party, kind="party")


def test_it_attributes_the_foreign_ministry_to_the_russian_body():
    text = "The Foreign Ministry said legally binding guarantees on missile defence were needed."
    assert _speaker(text, IN_OFFICE, "legally binding guarantees on missile defence were needed") == FOREIGN_MINISTRY


def test_it_attributes_he_said_to_the_most_recent_speaker():
    text = (
        "Medvedev warned that Russia would deploy Iskander missiles in Kaliningrad. "
        "Rasmussen answered in Brussels on Monday. "
        "He said NATO would not give legally binding guarantees on missile defence."
    )
    assert _speaker(text, IN_OFFICE, "NATO would not give legally binding guarantees on missile defence") == RASMUSSEN
    assert _speaker(text, IN_OFFICE, "Russia would deploy Iskander missiles in Kaliningrad") == MEDVEDEV


def test_it_attributes_he_said_to_the_speaker_of_the_previous_paragraph():
    text = (
        "Rasmussen said NATO posed no threat to Russia and its missile defence was no threat either.\n"
        "He added that legally binding guarantees were not needed for missile defence cooperation."
    )
    clause = "legally binding guarantees were not needed for missile defence cooperation"
    assert _speaker(text, IN_OFFICE, clause) == RASMUSSEN


def test_it_resolves_the_president_by_the_home_party_of_the_publisher():
    text = "THE PRESIDENT: Missile defence in Europe is not directed against Russia, and we will cooperate.\n"
    found = run(text, date(2010, 4, 8), build_lexicon(), publisher="The White House, Office of the Press Secretary")
    assert [(f.mode, f.speaker) for f in found] == [("turn", OBAMA)]
    assert run(text, date(2010, 4, 8), build_lexicon()) == []  # two presidents in office: nobody without a home


# -- people nobody entered: their party, post and voice from the words around their name ------------------


def test_it_gives_a_new_minister_the_party_of_the_adjective_before_the_title():
    speaker = Gazetteer(build_lexicon(), date(2013, 9, 20)).resolve_name(
        "Foreign Minister Mohammad Javad Zarif", "In New York on Friday, Iranian "
    )
    assert speaker == Speaker("Mohammad Javad Zarif", "", "Iran", "person")
    assert (speaker.title, speaker.speaks_for) == ("Foreign Minister", True)


def test_it_gives_a_new_legislator_the_united_states_and_no_voice_for_it():
    speaker = Gazetteer(build_lexicon(), IN_OFFICE).resolve_name("Rep. Howard McKeon", "", " (R-CA) said the treaty")
    assert speaker == Speaker("Howard McKeon", "", "United States", "person")
    assert (speaker.title, speaker.speaks_for) == ("Representative", False)


def test_it_reads_a_former_official_s_party_from_an_apposition_but_not_his_voice():
    speaker = Gazetteer(build_lexicon(), IN_OFFICE).resolve_name(
        "Colin Powell", "", ", the former secretary of state, said the treaty"
    )
    assert speaker == Speaker("Colin Powell", "", "United States", "person")
    assert (speaker.title, speaker.speaks_for) == ("Former Secretary of State", False)


def test_it_takes_the_party_nearest_the_name_not_any_in_the_sentence():
    # The old rule took any party named in the clause before the name ("Russia and China" → China).
    speaker = Gazetteer(build_lexicon(), IN_OFFICE).resolve_name(
        "Congressman Mike Rogers", "Threats from Russia and China were discussed today by ", " (R), who chairs"
    )
    assert speaker.party == "United States"


def test_an_apposition_with_no_post_says_nothing_of_the_party():
    speaker = Gazetteer(build_lexicon(), IN_OFFICE).resolve_name("Mohammad Zarif", "", ", who visited Moscow, said")
    assert speaker.party == ""


def test_a_known_actor_keeps_the_party_of_his_role_whatever_the_words_say():
    speaker = Gazetteer(build_lexicon(), IN_OFFICE).resolve_name("Rasmussen", "the Russian ")
    assert speaker == RASMUSSEN


def test_a_crowd_is_nobody_s_name():
    speaker = Gazetteer(build_lexicon(), IN_OFFICE).resolve_name("Diplomats")
    assert (speaker.name, speaker.kind, speaker.key) == ("Diplomats", "crowd", "")


def test_it_attributes_a_capital_s_words_to_its_state():
    text = "Tehran said the missile defence system in Europe was aimed at Iran and would not bring security."
    speaker = _speaker(text, date(2013, 9, 20), text[len("Tehran said ") : -1])
    assert speaker == Speaker(party="Iran", kind="party")


def test_it_attributes_what_diplomats_said_to_no_one():
    text = "Diplomats said the talks on missile defence and legally binding guarantees had stalled."
    found = run(text, IN_OFFICE, build_lexicon())
    assert [f.speaker.kind for f in found] == ["crowd"]
    assert found[0].as_gold()["speaker"] is None and found[0].as_gold(as_written=True)["speaker"] == "Diplomats"


def test_a_post_named_without_its_party_is_held_by_one_of_the_negotiation_s_sides():
    """Read for a negotiation between the UK and the EU, "the Prime Minister" is not Russia's, who held such a
    post on the day; named with its party, or read for every negotiation, it still is."""
    premier = ActorEntry(
        key="dmitry-medvedev",
        name="Dmitry Medvedev",
        roles=(RoleEntry("Russia", "Prime Minister", date(2012, 5, 8), date(2020, 1, 16)),),
    )
    every = Lexicon(actors=(premier,), parties=(*parties(), PartyEntry("United Kingdom"), PartyEntry("European Union")))
    brexit = replace(every, sides=("United Kingdom", "European Union"))
    day = date(2018, 11, 14)
    assert Gazetteer(every, day).role_holder("prime minister", "") == premier
    assert Gazetteer(brexit, day).role_holder("prime minister", "") is None
    assert Gazetteer(brexit, day).role_holder("prime minister", "Russia") == premier
    assert Gazetteer(brexit, day, "Russia").role_holder("prime minister", "") == premier  # a Kremlin transcript


def test_a_release_titled_by_a_post_is_the_announcer_s_when_no_side_holds_the_post():
    premier = ActorEntry(
        key="dmitry-medvedev",
        name="Dmitry Medvedev",
        roles=(RoleEntry("Russia", "Prime Minister", date(2012, 5, 8), date(2020, 1, 16)),),
    )
    lexicon = replace(build_lexicon(premier), sides=("United States", "Poland"))
    text = (
        "Prime Minister Jan Kowalski made the following statement in Warsaw this evening:\n\n"
        "“The government has debated the draft agreement on the base at length.\n\n"
        "“I firmly believe that this agreement was the best that could be negotiated, and we will sign it.”\n"
    )
    found = run(text, date(2018, 11, 14), lexicon, title="Statement by the Prime Minister on the agreement")
    assert found and {f.speaker.name for f in found} == {"Jan Kowalski"}, [(f.speaker, f.quote) for f in found]


def test_a_post_with_its_party_and_no_name_is_its_holder_or_nobody_named():
    """ "The Irish Foreign Minister" is whoever holds that post on the day, and no person called so when the
    register knows nobody: a statement of Ireland's, not a pending actor named "Irish Foreign Minister"."""
    minister = ActorEntry(
        key="simon-coveney",
        name="Simon Coveney",
        roles=(RoleEntry("Ireland", "Foreign Minister", date(2017, 6, 14), date(2022, 12, 17)),),
    )
    every = Lexicon(parties=(*parties(), PartyEntry("Ireland")))
    day = date(2018, 11, 20)
    assert Gazetteer(every, day).resolve_name("Irish Foreign Minister") is None
    assert Gazetteer(replace(every, actors=(minister,)), day).resolve_name("Irish Foreign Minister").name == (
        "Simon Coveney"
    )
    text = "The Irish Foreign Minister said on Monday that the radar in Poland was a threat to nobody.\n"
    found = run(text, day, replace(build_lexicon(), parties=(*parties(), PartyEntry("Ireland"))))
    assert [(f.speaker.name, f.speaker.party) for f in found] == [("", "Ireland")]


@pytest.mark.parametrize(
    "text",
    [
        "Medvedev, who met Rasmussen in Sochi on Monday, said that NATO must give legally binding guarantees.",
        "Medvedev, speaking after a meeting with Rasmussen, said that “NATO must give legally binding guarantees”.",
        "Medvedev, speaking after a meeting with Rasmussen, said: “NATO must give legally binding guarantees.”",
    ],
)
def test_a_name_in_a_clause_on_the_source_is_not_the_speaker(text):
    # a relative clause or a clause set off after the source says what it did, not who it is
    assert _speaker(text, IN_OFFICE, "NATO must give legally binding guarantees") == MEDVEDEV


def test_a_headline_above_a_paragraph_is_not_part_of_the_name_that_opens_it():
    text = "Talks\n\nMichel Barnier said that the missile defence system must not split Europe.\n"
    speaker = _speaker(text, IN_OFFICE, "the missile defence system must not split Europe")
    assert speaker.name == "Michel Barnier"
