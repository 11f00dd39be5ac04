"""Layout: paragraphs, sentences, transcript labels, stage directions and turns."""

import pytest

from positions.statements.structure import (
    Paragraph,
    announced,
    label_of,
    paragraphs,
    sentences,
    skip_stage_directions,
    turns,
)

BRIEFING = (
    "THE WHITE HOUSE\n"
    "Office of the Press Secretary\n"
    "\n"
    "MR. GIBBS: Good afternoon. Mike McFaul will brief you on the trip.\n"
    "Q Robert, will missile defence come up in Moscow?\n"
    "MR. McFAUL: Well, the President will raise it with President Medvedev.\n"
    "And he will also discuss the START follow-on treaty.\n"
    "PRESIDENT OBAMA: (As translated.) (Applause.) Thank you all very much.\n"
    "Q: One more question on missile defence?\n"
    "Vladimir Putin: Good evening, colleagues.\n"
    "END 2:15 P.M. EDT\n"
    "This paragraph comes after the end of the briefing.\n"
)


def _texts(text, spans):
    return [text[a:b] for a, b in spans]


def test_it_gives_each_nonblank_line_as_a_paragraph_with_exact_offsets():
    text = "  First paragraph here.\n\n\tSecond one.  \r\nThird\n   \n"
    paras = paragraphs(text)
    assert paras == [
        Paragraph(2, 23, "First paragraph here."),
        Paragraph(26, 37, "Second one."),
        Paragraph(41, 46, "Third"),
    ]
    assert all(text[p.start : p.end] == p.text for p in paras)


def test_it_gives_no_paragraphs_for_blank_text():
    assert paragraphs(" \n\n\t\n") == []


def test_it_splits_sentences_at_full_stops_question_and_exclamation_marks():
    text = "Russia objects. Will NATO listen? It must! Talks go on."
    assert _texts(text, sentences(text)) == ["Russia objects.", "Will NATO listen?", "It must!", "Talks go on."]


def test_it_does_not_split_after_a_title_abbreviation():
    text = "Mr. Gibbs spoke first. Then Mr. McFaul answered."
    assert sentences(text) == [(0, 22), (23, 48)]


def test_it_does_not_split_after_us_inside_a_sentence():
    text = "The U.S. Senate will vote on the treaty. Russia objects."
    assert _texts(text, sentences(text)) == ["The U.S. Senate will vote on the treaty.", "Russia objects."]


def test_it_does_not_split_after_a_middle_initial():
    text = "Rep. Michael R. Turner wrote to Secretary Gates. He asked for the study."
    assert _texts(text, sentences(text)) == [
        "Rep. Michael R. Turner wrote to Secretary Gates.",
        "He asked for the study.",
    ]


def test_it_keeps_a_closing_quotation_mark_with_its_sentence():
    text = "“We will respond.” Medvedev said so."
    assert _texts(text, sentences(text)) == ["“We will respond.”", "Medvedev said so."]


def test_it_adds_the_offset_to_sentence_spans():
    assert sentences("One two. Three four.", offset=100) == [(100, 108), (109, 120)]


def test_it_keeps_a_last_sentence_without_a_full_stop():
    text = "It ended. And then"
    assert _texts(text, sentences(text)) == ["It ended.", "And then"]


def test_it_splits_after_a_sentence_ending_in_the_word_no():
    text = "Russia's answer was no. Moscow will respond."
    assert _texts(text, sentences(text)) == ["Russia's answer was no.", "Moscow will respond."]


@pytest.mark.parametrize(
    ("line", "label", "body"),
    [
        ("PRESIDENT OBAMA: Thank you all.", "PRESIDENT OBAMA", "Thank you all."),
        ("MR. GIBBS: Good afternoon.", "MR. GIBBS", "Good afternoon."),
        ("MR. McFAUL: Well, thanks.", "MR. McFAUL", "Well, thanks."),
        ("THE PRESIDENT: Thank you.", "THE PRESIDENT", "Thank you."),
        ("Q Robert, a question.", "Q", "Robert, a question."),
        ("Q: One more question.", "Q", "One more question."),
        ("Vladimir Putin: Good evening, colleagues.", "Vladimir Putin", "Good evening, colleagues."),
        ("Question: Will Russia respond?", "Question", "Will Russia respond?"),
    ],
)
def test_it_reads_a_speaker_label_and_where_the_words_begin(line, label, body):
    para = Paragraph(40, 40 + len(line), line)
    found = label_of(para)
    assert found is not None
    assert found[0] == label
    assert line[found[1] - 40 :] == body


@pytest.mark.parametrize(
    "line",
    [
        "Note: the article was updated.",  # one mixed-case word
        "Washington Post: the talks resumed.",  # words after it start in lower case
        "Rasmussen said: Russia must cooperate.",
        "Quoting Medvedev, NATO said nothing.",
        "MR. GIBBS:",  # a label with no words after it
    ],
)
def test_it_reads_no_label_where_there_is_none(line):
    assert label_of(Paragraph(0, len(line), line)) is None


def test_it_skips_stage_directions_at_the_start():
    text = "(As translated.) (Laughter.) We will respond."
    assert text[skip_stage_directions(text, 0, len(text)) :] == "We will respond."
    assert skip_stage_directions("We (inaudible) go.", 0, 18) == 0


def test_it_reads_a_transcript_as_turns():
    found = turns(paragraphs(BRIEFING), BRIEFING)
    assert [(t.label, t.question, t.opens, BRIEFING[t.body_start : t.paragraph.end]) for t in found] == [
        ("MR. GIBBS", False, True, "Good afternoon. Mike McFaul will brief you on the trip."),
        ("Q", True, True, "Robert, will missile defence come up in Moscow?"),
        ("MR. McFAUL", False, True, "Well, the President will raise it with President Medvedev."),
        ("MR. McFAUL", False, False, "And he will also discuss the START follow-on treaty."),
        ("PRESIDENT OBAMA", False, True, "Thank you all very much."),
        ("Q", True, True, "One more question on missile defence?"),
        ("Vladimir Putin", False, True, "Good evening, colleagues."),
    ]


def test_it_skips_as_translated_at_the_start_of_a_turn():
    found = turns(paragraphs(BRIEFING), BRIEFING)
    obama = next(t for t in found if t.label == "PRESIDENT OBAMA")
    assert obama.paragraph.text.startswith("PRESIDENT OBAMA: (As translated.)")
    assert BRIEFING[obama.body_start :].startswith("Thank you all very much.")


def test_it_continues_a_turn_over_unlabelled_paragraphs_until_the_next_label():
    text = (
        "MR. McFAUL: First paragraph of the answer.\n"
        "Second paragraph of the answer.\n"
        "(Laughter.) Third paragraph of the answer.\n"
        "Q Next question, please?\n"
        "MR. GIBBS: Thank you.\n"
    )
    found = turns(paragraphs(text), text)
    assert [(t.label, t.opens, text[t.body_start : t.paragraph.end]) for t in found] == [
        ("MR. McFAUL", True, "First paragraph of the answer."),
        ("MR. McFAUL", False, "Second paragraph of the answer."),
        ("MR. McFAUL", False, "Third paragraph of the answer."),
        ("Q", True, "Next question, please?"),
        ("MR. GIBBS", True, "Thank you."),
    ]


def test_it_stops_a_turn_at_end():
    found = turns(paragraphs(BRIEFING), BRIEFING)
    assert found[-1].label == "Vladimir Putin"
    assert not any("after the end" in t.paragraph.text or t.paragraph.text.startswith("END") for t in found)


def test_it_starts_again_at_a_label_after_end():
    text = "MR. GIBBS: Good afternoon.\nEND\nNot a turn at all here.\nMR. GIBBS: We are back.\n"
    found = turns(paragraphs(text), text)
    assert [(t.label, t.paragraph.text) for t in found] == [
        ("MR. GIBBS", "MR. GIBBS: Good afternoon."),
        ("MR. GIBBS", "MR. GIBBS: We are back."),
    ]


def test_it_does_not_take_a_single_name_line_in_prose_for_a_transcript():
    text = (
        "Rasmussen said NATO would go ahead with missile defence.\n"
        "Vladimir Putin: We will respond to that.\n"
        "The talks ended without agreement.\n"
    )
    assert label_of(paragraphs(text)[1]) == ("Vladimir Putin", text.index("We will"))
    assert turns(paragraphs(text), text) == []


def test_it_takes_a_single_capitals_label_for_a_transcript():
    text = "THE PRESIDENT: Thank you. Missile defence is not directed against Russia.\nIt protects Europe.\n"
    found = turns(paragraphs(text), text)
    assert [(t.label, t.opens) for t in found] == [("THE PRESIDENT", True), ("THE PRESIDENT", False)]


def test_it_reads_mixed_case_labels_of_a_kremlin_transcript():
    text = "Dmitry Medvedev: Good afternoon.\nQuestion: Will Russia respond?\nDmitry Medvedev: Yes, we will.\n"
    found = turns(paragraphs(text), text)
    assert [(t.label, t.question, text[t.body_start : t.paragraph.end]) for t in found] == [
        ("Dmitry Medvedev", False, "Good afternoon."),
        ("Question", True, "Will Russia respond?"),
        ("Dmitry Medvedev", False, "Yes, we will."),
    ]


RELEASE = (
    "Harris welcomes the radar agreement\n"
    "WASHINGTON – Rep. Ann Harris (OR-3), who sits on the Strategic Forces Subcommittee, today released the "
    "following statement after the talks in Brussels ended:\n"
    "“The agreement on the radar is a step forward for missile defence cooperation. It shows that the two sides "
    "can share data.\n"
    "“We still need written guarantees before the next phase begins.”\n"
    "“Moscow will not accept the plan as it stands,” Dmitry Rogozin told reporters on Friday.\n"
    "Harris is a member of the House Armed Services Committee.\n"
)


def test_a_release_s_announced_statement_is_its_quotation_paragraphs_that_name_no_other_source():
    found = announced(RELEASE, paragraphs(RELEASE))
    assert RELEASE[found.lead_start : found.lead_end].startswith("WASHINGTON – Rep. Ann Harris (OR-3)")
    assert RELEASE[found.lead_end :].startswith("released the following statement")
    assert _texts(RELEASE, found.quotations) == [
        "The agreement on the radar is a step forward for missile defence cooperation. It shows that the two sides "
        "can share data.",  # no closing mark: the quotation goes on in the next paragraph
        "We still need written guarantees before the next phase begins.",
    ]


def test_an_announced_statement_may_follow_its_announcement_in_the_same_paragraph():
    text = (
        'Senator Paul Reed (R-Utah) made the following statement on reports that the President will have "more '
        'room" after the vote: "The President says “trust me,” but the record says otherwise. We need the text."'
    )
    found = announced(text, paragraphs(text))
    # the quotation that opens after the colon, to its straight closing mark; not "more room", inside the lead
    assert _texts(text, found.quotations) == [
        "The President says “trust me,” but the record says otherwise. We need the text."
    ]


def test_a_document_with_no_announcement_or_nothing_quoted_after_it_has_no_announced_statement():
    assert announced(BRIEFING, paragraphs(BRIEFING)) is None
    text = "Rep. Ann Harris released the following statement.\nThe radar agreement is a step forward, she said.\n"
    assert announced(text, paragraphs(text)) is None
