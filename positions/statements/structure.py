"""A document's layout: paragraphs, sentences, transcript speaker labels and stage directions."""

import itertools
import re
from dataclasses import dataclass

from positions.statements import speech

# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "sen",
    "rep",
    "gen",
    "gov",
    "lt",
    "col",
    "adm",
    "sgt",
    "capt",
    "prof",
    "jr",
    "sr",
    "no",
    "vs",
    "etc",
    "jan",
    "feb",
    "mar",
    "apr",
    "aug",
    "sept",
    "sep",
    "oct",
    "nov",
    "dec",
    "u.s",
    "u.n",
    "u.k",
    "e.u",
    "d.c",
    "a.m",
    "p.m",
    "inc",
    "corp",
    "co",
    "ltd",
    "messrs",
    "hon",
    "amb",
}
SENTENCE_END = re.compile(r"[.!?]+[\"”’')\]]*(?=\s+[\"“‘'(\[]*[A-Z0-9])")

# A transcript label: "PRESIDENT OBAMA:", "MR. GIBBS:", "Q", "Q:", "Vladimir Putin:", "Question:".
LABEL = re.compile(
    r"""^(?P<label>
        Q(?=[\s:.])
        | (?:QUESTION|Question)(?=:)
        | (?:(?:Mc|Mac)?[A-Z][A-Z.'’\-]*\s+){0,5}(?:Mc|Mac)?[A-Z][A-Z.'’\-]+  # capitals: MR. McFAUL
        | (?:[A-Z][a-zà-ÿ'’\-]+\.?\s+){1,3}[A-Z][a-zà-ÿ'’\-]+      # a name in mixed case
    )\s*(?::|(?<=^Q)\.?)\s*""",
    re.VERBOSE,
)
# Stage directions at the start of a turn: "(As translated.)", "(Laughter.)", "(inaudible)".
STAGE = re.compile(r"^(?:\((?:[^()]{1,60})\)\s*)+")
QUESTION_LABELS = {"q", "question", "questions", "reporter", "the press", "audience member", "moderator"}
END_MARKS = re.compile(r"^(?:END|\*\s*\*\s*\*|###|-\s*END\s*-)\b")


@dataclass(frozen=True)
class Paragraph:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Turn:
    """A labelled paragraph or one that continues the previous label's turn."""

    paragraph: Paragraph
    label: str  # the label of the turn as written, e.g. "PRESIDENT OBAMA"
    body_start: int  # where the spoken words begin (after label and stage directions)
    question: bool
    opens: bool  # the paragraph carries the label itself


def paragraphs(text: str) -> list[Paragraph]:
    out = []
    for match in re.finditer(r"[^\n]+", text):
        raw = match.group()
        stripped = raw.strip()
        if not stripped:
            continue
        start = match.start() + (len(raw) - len(raw.lstrip()))
        out.append(Paragraph(start, start + len(stripped), stripped))
    return out


def sentences(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """Sentence spans (absolute offsets) in a paragraph's text."""
    spans, start = [], 0
    for match in SENTENCE_END.finditer(text):
        end = match.end()
        word = re.search(r"([A-Za-z.]+)[.!?]+[\"”’)\]]*$", text[start:end])
        abbreviation = word and word.group(1).rstrip(".").lower()
        if abbreviation in ABBREVIATIONS and (abbreviation != "no" or re.match(r"\s+\d", text[end:])):
            continue  # "Mr. Gibbs", "No. 5"; but "the answer was no. Moscow…" ends a sentence
        if word and len(word.group(1).rstrip(".")) == 1 and word.group(1).rstrip(".").isupper():
            continue  # an initial: "Michael R. Turner"
        spans.append((offset + start, offset + end))
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    if start < len(text):
        spans.append((offset + start, offset + len(text)))
    return spans


def label_of(paragraph: Paragraph) -> tuple[str, int] | None:
    """The speaker label opening a paragraph and where the words after it begin, if any."""
    match = LABEL.match(paragraph.text)
    if not match:
        return None
    label = match.group("label").strip()
    rest = paragraph.text[match.end() :]
    if not rest.strip() and label.lower() not in QUESTION_LABELS:
        return None
    mixed = not re.sub(r"\b(?:Mc|Mac)", "", label).isupper() and label.lower() not in QUESTION_LABELS
    if mixed and (len(label.split()) > 4 or (not rest[:1].isupper() and not rest.startswith("("))):
        return None
    if not mixed and len(label) < 2 and label != "Q":
        return None
    return label, paragraph.start + match.end()


def skip_stage_directions(text: str, start: int, end: int) -> int:
    match = STAGE.match(text[start:end])
    return start + match.end() if match else start


def turns(paras: list[Paragraph], text: str) -> list[Turn]:
    """Each paragraph of a transcript as a turn; empty when the document has too few labels to be one."""
    labelled = [(p, label_of(p)) for p in paras]
    named = {lab[0] for _p, lab in labelled if lab and lab[0].lower() not in QUESTION_LABELS}
    capitals = any(re.sub(r"\b(?:Mc|Mac)", "", label).isupper() for label in named)
    if not named or (sum(1 for _p, lab in labelled if lab) < 2 and not capitals):
        return []  # one "Name:" line in running text is not a transcript; one "THE PRESIDENT:" is
    out, current, question = [], "", False
    for para, found in labelled:
        if END_MARKS.match(para.text):
            current, question = "", False
            continue
        if found:
            label, body = found
            question = label.lower() in QUESTION_LABELS
            current = label
            out.append(Turn(para, label, skip_stage_directions(text, body, para.end), question, True))
        elif current:
            out.append(Turn(para, current, skip_stage_directions(text, para.start, para.end), question, False))
    return out


def is_body(paragraph: Paragraph) -> bool:
    """Running text, not a headline: a headline ends with no full stop and is short."""
    count = sum(1 for _ in itertools.islice(re.finditer(r"[A-Za-z0-9’']+", paragraph.text), 25))  # 25 is enough
    return count >= 6 and (count >= 25 or re.search(r"[.!?:][\"”’')]*$", paragraph.text) is not None)


def looks_like_speech(text: str, paras: list[Paragraph]) -> bool:
    """One voice throughout: few paragraphs quote anyone (a report quotes in most of them)."""
    quoting = sum(1 for p in paras if re.search(r"[“\"]", p.text) and re.search(r"\b(?:said|says|told)\b", p.text))
    return quoting <= max(1, len(paras) // 5)


@dataclass(frozen=True)
class Answer:
    """The answer part of a numbered written interview's paragraph: "3. Question…? Answer…"."""

    start: int
    end: int
    question: str


NUMBERED = re.compile(r"^(?P<n>\d{1,2})[.)]\s+")


def numbered_answers(paras: list[Paragraph]) -> list[Answer]:
    """A written interview laid out as numbered questions that run on into their answers, and the
    paragraphs after an answer until the next number; empty unless at least two numbers follow in order."""
    numbered = [(p, NUMBERED.match(p.text)) for p in paras]
    numbers = [int(m.group("n")) for _p, m in numbered if m]
    if len(numbers) < 2 or numbers[:2] != [numbers[0], numbers[0] + 1]:
        return []
    out, current = [], None
    for para, match in numbered:
        if match:
            mark = para.text.find("? ", match.end())
            if mark < 0:
                current = None
                continue
            current = para.text[match.end() : mark + 1]
            start = para.start + mark + 2
            out.append(Answer(start, para.end, current))
        elif current is not None and is_body(para):
            out.append(Answer(para.start, para.end, current))
    return out


@dataclass(frozen=True)
class LabelledQuote:
    """A paragraph that names its speaker and then quotes them: "Congressman Mike Conaway (TX-11): “…”"."""

    label_start: int
    label_end: int
    start: int  # of the quoted words
    end: int


LABELLED_QUOTE = re.compile(
    r"^(?P<label>(?:[A-Z][\w.’'-]*\s+){1,5}?[A-Z][\w’'-]+(?:\s*\([^()]{2,30}\))?)\s*:\s*[\"“](?P<body>.+?)[\"”]?\s*$"
)


# A transcript quoted in a report: “WALLACE: Do you…” is the labelled speaker's, whoever the report names.
QUOTED_LABEL = re.compile(r"^[\"“](?P<label>[A-Z][A-Z.’'-]+(?: [A-Z][A-Z.’'-]+){0,3}):\s+(?P<body>.+?)[\"”]?\s*$")


def labelled_quotes(text: str, paras: list[Paragraph]) -> list[LabelledQuote]:
    out = []
    for para in paras:
        match = LABELLED_QUOTE.match(para.text) or QUOTED_LABEL.match(para.text)
        if match:
            a, b = match.span("body")
            out.append(LabelledQuote(para.start + match.start("label"), para.start + match.end("label"),
                                     para.start + a, para.start + b))  # fmt: skip
    return out


@dataclass(frozen=True)
class Announced:
    """A release's statement: "Rep. Jim Cooper (TN-5) … issued the following statement:", then the quotation
    that follows in the same paragraph and the paragraphs that open with a quotation mark and name no other
    source (a long quotation opens each of its paragraphs with a mark and closes only the last)."""

    lead_start: int  # the announcing sentence, up to its verb: where the announcer is named
    lead_end: int
    quotations: tuple[tuple[int, int], ...]  # the quoted words of each paragraph, marks excluded


ANNOUNCEMENT = re.compile(
    r"\b(?:released|made|issued|gave|delivered)\s+the\s+following\s+(?:joint\s+|written\s+)?"
    r"(?:statements?|remarks|comments)\b"
)
QUOTATION_OPENS = re.compile(r"(?:^|[:.!?][\"”’)]*)\s*$")  # the words before a mark that opens a quotation
CLOSES = {"“": "”", "«": "»", "„": "“”", '"': '"'}  # the marks that close a quotation opened by each


def announced(text: str, paras: list[Paragraph]) -> Announced | None:
    """The document's first announced statement and its quotations, or None."""
    for k, para in enumerate(paras):
        match = ANNOUNCEMENT.search(para.text)
        if match is None:
            continue
        verb = para.start + match.start()
        lead_start = next((a for a, b in sentences(para.text, para.start) if a <= verb < b), para.start)
        out = []
        opening = next((q.open_start for q in speech.quotes(text, para.start + match.end(), para.end)
                        if QUOTATION_OPENS.search(text[para.start : q.open_start])), None)  # fmt: skip
        if opening is not None:
            out.append(_quotation(text, opening, para.end)[:2])
        for later in paras[k + 1 :]:
            if text[later.start] not in CLOSES:
                continue
            start, end, close_end = _quotation(text, later.start, later.end)
            if speech.VERB.search(text, close_end, later.end):
                continue  # "“…,” Smith said.": a source of its own, the tagger's to read
            out.append((start, end))
        out = [(a, b) for a, b in out if b > a]
        return Announced(lead_start, verb, tuple(out)) if out else None
    return None


def _quotation(text: str, opening: int, end: int) -> tuple[int, int, int]:
    """The quoted words of the quotation whose mark stands at `opening` (its start and end, marks and spaces
    left out) and where its closing mark ends: at the first closing mark of its kind (a straight one before
    a space, a stop or the end), else at `end` (it goes on in the next paragraph)."""
    closing = CLOSES[text[opening]]
    stop = close_end = end
    for i in range(opening + 1, end):
        if text[i] in closing and (text[i] != '"' or i + 1 == end or text[i + 1].isspace() or text[i + 1] in ".,;:!?)"):
            stop, close_end = i, i + 1
            break
    start = opening + 1
    while start < stop and text[start].isspace():
        start += 1
    while stop > start and text[stop - 1].isspace():
        stop -= 1
    return start, stop, close_end


@dataclass(frozen=True)
class NounReport:
    """A statement named by a noun and its owner: "Medvedev’s statement that Russia may pull out…"."""

    owner_start: int
    owner_end: int
    start: int  # of the clause
    end: int


NOUN_REPORT = re.compile(
    r"(?P<owner>(?:[A-Z][\w.’'-]*\s+){0,4}[A-Z][\w’'-]+)(?:’s|'s)\s+(?:recent\s+|latest\s+|earlier\s+)?"
    r"(?:statements?|remarks|comments|words|claims?|warnings?|threats?|assertions?|assurances?|proposals?|offer"
    r"|position|view|insistence|demands?|pledges?|promises?)\s+that\s+"
)


NOUN_REPORT_TAIL = re.compile(r",\s+(?:[A-Z][\w.’'-]*\s+){1,4}(?:said|says|added|stated|told)\b")


def noun_reports(text: str, paras: list[Paragraph]) -> list[NounReport]:
    """Statements a sentence names by their owner's noun, the clause running to the next comma before a
    new subject's verb, or to the sentence's end."""
    out = []
    for para in paras:
        for match in NOUN_REPORT.finditer(text, para.start, para.end):
            spans = sentences(text[para.start : para.end], para.start)
            end = next((b for _a, b in spans if b > match.end()), para.end)
            tail = NOUN_REPORT_TAIL.search(text[match.end() : end])
            stop = match.end() + tail.start() if tail else end
            while stop > match.end() and text[stop - 1] in " .,;:":
                stop -= 1
            out.append(NounReport(match.start("owner"), match.end("owner"), match.end(), stop))
    return out
