"""The stages together: a document in, its statements out, attributed, dated and classified."""

import json
import os
import random
import socket
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from positions.statements import nlp
from positions.statements.extract import extract
from positions.statements.records import DocumentInput, Speaker

from .conftest import SEED_PUBLISHED, WHITE_HOUSE, build_lexicon, gibbs, mcfaul, one, run, span_of, turner

REPO = Path(__file__).resolve().parents[2]
RASMUSSEN = Speaker("Anders Fogh Rasmussen", "anders-fogh-rasmussen", "NATO", "person")
MEDVEDEV = Speaker("Dmitry Medvedev", "dmitry-medvedev", "Russia", "person")
OBAMA = Speaker("Barack Obama", "barack-obama", "United States", "person")
TONER = Speaker("Mark Toner", "mark-toner", "United States", "person")
MCFAUL = Speaker("Michael McFaul", "michael-mcfaul", "United States", "person")
GIBBS = Speaker("Robert Gibbs", "robert-gibbs", "United States", "person")
FOREIGN_MINISTRY = Speaker("Russian Foreign Ministry", "russian-foreign-ministry", "Russia", "body")
RUSSIA = Speaker(party="Russia", kind="party")


@pytest.fixture
def seed_found(seed_text):
    return run(seed_text, SEED_PUBLISHED, build_lexicon(), publisher="Itar-Tass")


def _at(text, found, part):
    start, end = span_of(text, part)
    matches = [f for f in found if (f.start, f.end) == (start, end)]
    assert len(matches) == 1, [(f.start, f.end, f.quote[:50]) for f in found]
    return matches[0]


# -- the seed report ---------------------------------------------------------------------------------


def test_it_gives_back_each_quote_at_its_offsets_in_document_order(seed_text, seed_found):
    assert len(seed_found) >= 20
    assert all(seed_text[f.start : f.end] == f.quote for f in seed_found)
    assert [(f.start, f.end) for f in seed_found] == sorted((f.start, f.end) for f in seed_found)
    keys = [(f.start, f.end, f.speaker.name, f.speaker.party) for f in seed_found]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("quote", "mode", "speaker", "kind"),
    [
        (
            "Russia and NATO should create two separate missile defence system for one and the same purpose",
            "indirect",
            RASMUSSEN,
            "proposal",
        ),
        ("Today we face a serious and growing threat of a missile attack,", "direct", RASMUSSEN, "assessment"),
        ("the United States hopes for further cooperation with Russia on missile defence", "indirect", TONER, "appeal"),
        (
            "Russia may pull out of the START if the US develops missile defence in Europe, and may place Iskander "
            "missiles in the Kaliningrad region",
            "indirect",
            MEDVEDEV,
            "threat",
        ),
        (
            "The New START Treaty benefits the security and stability of both our countries, and its implementation is "
            "going well, and we see no basis for threats to withdraw from it.",
            "direct",
            TONER,
            "criticism",
        ),
        pytest.param(
            "Moscow insists on legally binding guarantees that the missile defence system being created by the United "
            "States and NATO in Europe won’t be aimed against it",
            "indirect",
            RUSSIA,
            "demand",
            # the tagger takes only the clause after "that" (two thirds of the gold span) for what Moscow insists on
            marks=pytest.mark.xfail(strict=True, reason="the learned tagger keeps only the that-clause"),
        ),
        (
            "The Russian side stressed the importance of ensuring legally binding guarantees that the missile defence "
            "system being created by the United States and NATO won’t be aimed against Russia’s strategic nuclear "
            "forces,",
            "direct",
            FOREIGN_MINISTRY,
            "demand",
        ),
        (
            "there was no need for a legally binding agreement with Russia that would guarantee that their missile "
            "defence systems were not directed against each other",
            "indirect",
            RASMUSSEN,
            "rejection",
        ),
    ],
)
def test_it_finds_the_seed_s_statements_with_their_speakers(seed_text, seed_found, quote, mode, speaker, kind):
    """Span, mode and speaker of the gold's statements; kinds are learned and measured over the whole gold
    (tests/test_evaluate.py), not asserted one by one."""
    start = seed_text.index(quote, seed_text.index("MOSCOW, December 6"))  # the first time in the body
    found = [f for f in seed_found if f.start < start + len(quote) and start < f.end]
    assert found, [(f.start, f.end, f.quote[:50]) for f in seed_found]
    best = max(found, key=lambda f: min(f.end, start + len(quote)) - max(f.start, start))
    overlap = min(best.end, start + len(quote)) - max(best.start, start)
    assert overlap >= 0.8 * max(len(quote), best.end - best.start), (best.quote, quote)
    assert (best.mode, best.speaker) == (mode, speaker), (best.quote, best.speaker)


def test_it_finds_the_gold_span_of_rasmussen_s_sochi_assurance(seed_text, seed_found):
    quote = (
        "he was convinced that all 28 NATO member states would have signed a statement pledging not to use force "
        "against each other"
    )
    statement = _at(seed_text, seed_found, quote)
    assert (statement.mode, statement.speaker) == ("indirect", RASMUSSEN)


def test_it_finds_the_metonym_s_statement_with_no_speaker_name(seed_text, seed_found):
    start = seed_text.index("Moscow insists on legally binding guarantees")
    end = seed_text.index("against it", start) + len("against it")
    statement = next(f for f in seed_found if f.start < end and start < f.end)
    assert statement.as_gold()["speaker"] is None
    assert statement.as_gold()["party"] == "Russia"


def test_it_takes_no_statement_from_the_headlines(seed_text, seed_found):
    body = seed_text.index("MOSCOW, December 6")
    assert all(f.start >= body for f in seed_found)


def test_it_leaves_the_dateline_out_of_a_statement(seed_found):
    assert not any("Itar-Tass" in f.quote or f.quote.startswith("MOSCOW") for f in seed_found)


def test_it_gives_statements_in_the_gold_format(seed_found):
    assert one(seed_found, "The New START Treaty").as_gold() == {
        "quote": "The New START Treaty benefits the security and stability of both our countries, and its "
        "implementation is going well, and we see no basis for threats to withdraw from it.",
        "start": 2351,
        "end": 2521,
        "speaker": "Mark Toner",
        "party": "United States",
        "mode": "direct",
        "kind": "criticism",
        "topics": ["new-start"],
    }


# -- determinism, network, robustness ----------------------------------------------------------------


def test_it_gives_the_same_statements_for_the_same_input(seed_text):
    document = DocumentInput(seed_text, SEED_PUBLISHED, publisher="Itar-Tass")
    assert extract(document, build_lexicon()) == extract(document, build_lexicon())


HASHSEED_PROGRAM = """
import json, sys
sys.path.insert(0, sys.argv[1])
from positions.statements.extract import extract
from positions.statements.records import DocumentInput
from tests.statements.conftest import SEED_ARTICLE, SEED_PUBLISHED, build_lexicon
text = SEED_ARTICLE.read_text(encoding="utf-8")
found = extract(DocumentInput(text, SEED_PUBLISHED, publisher="Itar-Tass"), build_lexicon())
print(json.dumps([f.as_gold() for f in found]))
"""


def test_it_gives_the_same_statements_whatever_the_hash_seed(seed_found):
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", HASHSEED_PROGRAM, str(REPO)],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        outputs.append(json.loads(done.stdout))
    assert outputs[0] == outputs[1]
    assert outputs[0] == [f.as_gold() for f in seed_found]


def test_it_uses_no_network(monkeypatch, seed_text):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("extraction must not use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    with pytest.raises(OSError, match="must not use the network"):
        socket.create_connection(("example.org", 80))
    attempts.clear()
    found = run(seed_text, SEED_PUBLISHED, build_lexicon(), publisher="Itar-Tass")
    assert len(found) >= 20
    assert attempts == []


def test_it_copes_with_a_document_of_stray_marks_and_odd_characters():
    rnd = random.Random(6)
    text = "".join(rnd.choice("“”\"'«»„‘’ \n\t.,:;()[]—–-Q\u00a0\u200b\ufeff") for _ in range(2000))
    assert run(text, SEED_PUBLISHED, build_lexicon()) == []


@pytest.mark.parametrize("text", ["", "\n\n", '"', "“" * 2000, "”" * 2000, '"\n' * 1000, "Q\n" * 1000])
def test_it_finds_nothing_in_a_document_of_marks(text):
    assert run(text, SEED_PUBLISHED, build_lexicon()) == []


def test_it_works_without_a_publication_date():
    text = "Rasmussen said NATO would not give legally binding guarantees on missile defence."
    found = run(text, None, build_lexicon())
    assert [(f.speaker, f.said_on) for f in found] == [(RASMUSSEN, None)]


# -- news ------------------------------------------------------------------------------------------


def test_it_gives_a_quotation_going_on_in_a_new_paragraph_to_the_same_speaker():
    text = (
        "Rasmussen said: “NATO and Russia should build two separate missile defence systems for the same goal.\n"
        "“The systems will exchange data in joint centres and cooperate on missile defence.”\n"
    )
    found = run(text, SEED_PUBLISHED, build_lexicon())
    assert [(f.quote.rstrip("."), f.mode, f.speaker) for f in found] == [
        ("NATO and Russia should build two separate missile defence systems for the same goal", "direct", RASMUSSEN),
        ("The systems will exchange data in joint centres and cooperate on missile defence", "direct", RASMUSSEN),
    ]


def test_it_reads_two_reports_in_one_sentence():
    text = (
        "Rasmussen said NATO would not give legally binding guarantees on missile defence, and Medvedev warned "
        "that Russia would deploy Iskander missiles in Kaliningrad."
    )
    found = run(text, SEED_PUBLISHED, build_lexicon())
    assert [(f.quote, f.speaker) for f in found] == [
        ("NATO would not give legally binding guarantees on missile defence", RASMUSSEN),
        ("Russia would deploy Iskander missiles in Kaliningrad", MEDVEDEV),
    ]


def test_it_attributes_a_clause_after_a_subject_with_an_apposition():
    text = (
        "Mark Toner, deputy spokesman for the US Department of State, said Russia had nothing to fear from "
        "missile defence in Europe."
    )
    found = run(text, SEED_PUBLISHED, build_lexicon())
    assert [(f.quote, f.mode, f.speaker) for f in found] == [
        ("Russia had nothing to fear from missile defence in Europe", "indirect", TONER)
    ]


# -- transcripts -----------------------------------------------------------------------------------

BRIEFING = """THE WHITE HOUSE
Office of the Press Secretary

MR. GIBBS: Good afternoon. Mike McFaul will talk about the trip to Moscow.

MR. McFAUL: Thanks, Robert. The President will discuss missile defence and the START follow-on treaty with President Medvedev in Moscow.

Q Mike, will missile defence be discussed, and what about legally binding guarantees on the START treaty?

MR. McFAUL: Yes. President Medvedev told me that Russia would welcome cooperation on missile defence in Europe.

Q: And Iskander missiles in Kaliningrad? Will Russia deploy them if missile defence goes ahead?

MR. McFAUL: (As translated.) We do not expect that.

END 2:15 P.M. EDT
"""  # noqa: E501


@pytest.fixture
def briefing_found():
    return run(BRIEFING, date(2009, 7, 1), build_lexicon(mcfaul(), gibbs()), publisher=WHITE_HOUSE)


def test_it_gives_each_paragraph_of_a_turn_to_the_labelled_speaker(briefing_found):
    assert [(f.mode, f.speaker, f.quote) for f in briefing_found if f.mode == "turn"] == [
        ("turn", GIBBS, "Good afternoon. Mike McFaul will talk about the trip to Moscow."),
        (
            "turn",
            MCFAUL,
            "Thanks, Robert. The President will discuss missile defence and the START follow-on treaty "
            "with President Medvedev in Moscow.",
        ),
        (
            "turn",
            MCFAUL,
            "Yes. President Medvedev told me that Russia would welcome cooperation on missile defence in Europe.",
        ),
        ("turn", MCFAUL, "We do not expect that."),
    ]


def test_it_takes_no_statement_from_reporters_questions(briefing_found):
    questions = [p for p in BRIEFING.split("\n") if p.startswith("Q")]
    assert len(questions) == 2
    for question in questions:
        start, end = span_of(BRIEFING, question)
        assert not any(f.start < end and start < f.end for f in briefing_found), question


def test_it_finds_a_report_nested_in_a_turn(briefing_found):
    nested = _at(BRIEFING, briefing_found, "Russia would welcome cooperation on missile defence in Europe")
    assert (nested.mode, nested.speaker) == ("indirect", MEDVEDEV)


def test_it_dates_every_turn_by_the_briefing(briefing_found):
    assert {f.said_on for f in briefing_found} == {date(2009, 7, 1)}


WHITE_HOUSE_REMARKS = """THE WHITE HOUSE
Office of the Press Secretary
For Immediate Release April 8, 2010

THE PRESIDENT: Good afternoon. We have agreed that the New START treaty will be ratified soon.

Q Mr. President, will Russia pull out of the START treaty if missile defence goes ahead in Europe?

THE PRESIDENT: I don't think so. Missile defence in Europe is not directed against Russia.
"""


def test_it_resolves_the_president_of_a_white_house_transcript_to_obama():
    found = run(WHITE_HOUSE_REMARKS, date(2010, 4, 8), build_lexicon(), publisher=WHITE_HOUSE)
    assert [(f.mode, f.speaker, f.quote) for f in found] == [
        ("turn", OBAMA, "Good afternoon. We have agreed that the New START treaty will be ratified soon."),
        ("turn", OBAMA, "I don't think so. Missile defence in Europe is not directed against Russia."),
    ]
    assert found[0].topics == ("new-start",)


def test_it_resolves_the_president_to_no_one_once_his_term_is_over():
    found = run(WHITE_HOUSE_REMARKS, date(2018, 4, 8), build_lexicon(), publisher=WHITE_HOUSE)
    assert found == []


def test_it_reads_a_kremlin_transcript_with_mixed_case_labels():
    text = (
        "Dmitry Medvedev: Good afternoon. We discussed missile defence in Europe and the New START treaty today.\n"
        "Question: Will Russia deploy Iskander missiles in Kaliningrad if missile defence goes ahead?\n"
        "Dmitry Medvedev: (As translated.) If our concerns about missile defence are ignored, Russia will have to "
        "take adequate measures, including Iskander missiles in Kaliningrad.\n"
    )
    found = run(text, date(2011, 11, 12), build_lexicon(), publisher="President of Russia")
    assert [(f.mode, f.speaker, f.quote[:30]) for f in found] == [
        ("turn", MEDVEDEV, "Good afternoon. We discussed m"),
        ("turn", MEDVEDEV, "If our concerns about missile "),
    ]


def test_it_reads_the_turns_of_a_principal_nobody_placed_and_not_those_of_a_named_questioner():
    """A press conference whose speaker the register does not know and the text gives no side: the one who
    answers speaks (a statement with no party, for curators to place), the one who asks does not."""
    text = (
        "MICHEL DUPONT: Good afternoon. Ministers today confirmed their support for the plan for missile defence.\n\n"
        "We are ready to discuss the radar in Poland as soon as Russia agrees to talk.\n\n"
        "ANNA SMITH: Mr Dupont, will the radar be deployed before the summit?\n\n"
        "MICHEL DUPONT: I will not speculate on the summit. We have prepared for every scenario.\n"
    )
    found = run(text, date(2011, 11, 20), build_lexicon(), title="Press conference by Michel Dupont")
    turns = [(f.speaker.name, f.speaker.party, f.quote[:24]) for f in found if f.mode == "turn"]
    assert turns == [
        ("Michel Dupont", "", "Good afternoon. Minister"),
        ("Michel Dupont", "", "We are ready to discuss "),
        ("Michel Dupont", "", "I will not speculate on "),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Rasmussen said " * 2000,  # one 30,000-character "sentence" full of cues
        ("Rasmussen said that NATO, " * 150 + ".\n") * 10,
    ],
    ids=["one-endless-sentence", "long-lists-of-cues"],
)
def test_it_reads_hostile_runs_of_reporting_verbs_without_choking(text):
    found = extract(DocumentInput(text, date(2011, 12, 6)), build_lexicon())
    assert all(text[f.start : f.end] == f.quote for f in found)
    assert len(found) <= 10 * 12  # at most MAX_CUES reports a sentence, whatever the input


def test_it_reads_a_long_text_on_one_line_up_to_max_chars_with_offsets_that_match(monkeypatch):
    # Issue 17's report at a unit test's size: one paragraph far longer than a piece, a context or the cap.
    monkeypatch.setattr(nlp, "MAX_CHARS", 24_000)
    sentence = "Russia demands guarantees on missile defence, Lavrov said, "
    text = (sentence * 1000).rstrip()  # 59,000 characters
    found = run(text, SEED_PUBLISHED, build_lexicon())
    assert len(found) >= 200
    assert [(f.start, f.end) for f in found] == sorted((f.start, f.end) for f in found)
    assert nlp.MAX_CHARS - nlp.CHUNK < max(f.end for f in found) <= nlp.MAX_CHARS
    assert all(len(f.quote) < 10 * len(sentence) for f in found)  # statements, not runs of the paragraph


def test_it_gives_a_transcript_quoted_in_a_report_to_the_labelled_speaker():
    text = (
        "Pence answered questions on the debate.\n\n"
        '"WALLACE: Do you really see those two as equivalent threats to missile defence cooperation?"\n'
    )
    found = one(run(text, date(2016, 9, 25), build_lexicon()), "Do you really see")
    assert found.speaker.name == "Wallace" and found.mode == "direct"


def test_it_names_a_speaker_described_by_a_possession_as_written_unless_the_possession_speaks_for_its_owner():
    lexicon = build_lexicon(turner())
    text = (
        "Rep. Turner’s letter requested the declassification of the missile defence study.\n\n"
        "Ivana Trump's brief said the claim was not her view of missile defence."
    )
    found = run(text, date(2012, 3, 26), lexicon)
    assert one(found, "the declassification").speaker.name == "Michael Turner"
    assert one(found, "the claim was not her view").speaker.name == "Ivana Trump's brief"


def test_it_drops_what_comes_between_a_speaker_and_the_verb_from_the_speakers_name():
    text = (
        "Cruz has long said that he backs missile defence in Europe.\n\n"
        "Mr. Obama often says that NATO needs missile defence."
    )
    found = run(text, date(2016, 9, 25), build_lexicon())
    assert one(found, "he backs").speaker.name == "Cruz"
    assert one(found, "NATO needs missile").speaker.name == "Barack Obama"


class TestTheSourceAsWritten:
    """How the document names each speaker, kept beside the resolved name (PolNeAR scores that)."""

    def test_it_keeps_the_title_and_party_tag_before_the_verb(self):
        text = "The vote is close. Sen. David Perdue (R-Ga.) said he did not believe the polls were right."
        found = one(run(text, date(2016, 9, 27), build_lexicon()), "he did not believe")
        assert found.speaker.name == "David Perdue"
        assert found.source == "Sen. David Perdue (R-Ga.)"
        assert found.as_gold(as_written=True)["speaker"] == "Sen. David Perdue (R-Ga.)"
        assert found.as_gold()["speaker"] == "David Perdue"

    def test_it_keeps_an_apposition_between_name_and_verb(self):
        text = "Brian Fallon, the campaign’s press secretary, noted that the campaign faced a crossroads in May."
        found = one(run(text, date(2016, 9, 27), build_lexicon()), "the campaign faced")
        assert found.source == "Brian Fallon, the campaign’s press secretary,"

    def test_it_keeps_what_follows_a_name_after_the_verb(self):
        text = (
            "“If indeed he is not intelligent, then nobody is,” said Rep. Jim Clyburn (D-S.C.), the assistant "
            "leader of the Democratic caucus."
        )
        found = one(run(text, date(2016, 9, 16), build_lexicon()), "If indeed")
        assert found.speaker.name == "Jim Clyburn"
        assert found.source == "Rep. Jim Clyburn (D-S.C.), the assistant leader of the Democratic caucus"

    def test_it_writes_the_title_a_name_stands_in_apposition_to_and_resolves_the_name(self):
        text = "The ruling came on Tuesday. Apple's chief executive, Tim Cook, said the ruling was political nonsense."
        found = one(run(text, date(2016, 10, 4), build_lexicon()), "the ruling was political")
        assert found.speaker.name == "Tim Cook"
        assert found.source == "Apple's chief executive, Tim Cook,"

    def test_a_pronoun_is_resolved_and_kept_as_written(self):
        # PolNeAR writes a pronoun source as the pronoun ("He"); our gold gives the person it stands for.
        text = "Sen. David Perdue spoke on Tuesday. He said the polls were wrong about the whole race."
        found = one(run(text, date(2016, 9, 27), build_lexicon()), "the polls were wrong")
        assert found.speaker.name == "David Perdue"
        assert found.source == "He"
        assert found.as_gold(as_written=True)["speaker"] == "He"
        assert found.as_gold()["speaker"] == "David Perdue"


def test_a_release_s_statement_is_its_announcer_s_once_each_paragraph():
    """ "X released the following statement", then X's quotation: X is the subject of the announcing verb (not
    the President its opening clause names, nor the second of two subjects), and each paragraph of the
    quotation is one statement of X's, whatever the tagger reads in it."""
    text = (
        "Harris and Webb answer the President on missile defence\n"
        "Reacting to reports that President Obama will delay the radar in Poland, Rep. Ann Harris (OR-3) and Rep. "
        "Tom Webb (TX-9) released the following statement:\n"
        "“Delaying the radar in Poland leaves our allies exposed to the missile threat from Iran. Russia has said "
        "that missile defence in Europe threatens its deterrent, and the Administration must answer that claim.\n"
        "“We will ask the Pentagon to brief Congress on missile defence cooperation with Russia before any "
        "decision is taken.”\n"
    )
    found = run(text, SEED_PUBLISHED, build_lexicon())
    quotation = [f for f in found if f.mode == "direct"]
    assert [(f.quote[:30], f.speaker.name, f.speaker.party, f.source) for f in quotation] == [
        ("Delaying the radar in Poland l", "Ann Harris", "United States", "Rep. Ann Harris (OR-3)"),
        ("We will ask the Pentagon to br", "Ann Harris", "United States", "Rep. Ann Harris (OR-3)"),
    ]
    assert not [f for f in found if f.start < quotation[0].end and f.end > quotation[0].start and f.mode != "direct"]
