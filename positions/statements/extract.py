"""The statement stages in order: layout → spans → sources → speakers → dates → topics and kinds.

Where the layout decides, it decides: a transcript's labelled turns, a speech whose author the title
names, a numbered written interview, a release's "Name (TX-11): “…”" lines. Everywhere else, and
inside turns for what a speaker reports of others, the learned parts decide: the tagger finds
contents and sources, the linker pairs them, the relevance model keeps what bears on the
negotiation, the topic model picks its issues, the kind model its kind.
"""

import itertools
import re
from dataclasses import dataclass, replace
from datetime import date

from positions.statements import dates, nlp, structure, tagger, verbs
from positions.statements.attribution import FULL_NAME, Gazetteer, scan_mentions
from positions.statements.kinds import kind_features
from positions.statements.linker import (
    THRESHOLD,
    candidates,
    contents_and_sources,
    continues,
    cue_between,
    subject_of,
    who,
    written_extent,
)
from positions.statements.models import Models, shipped
from positions.statements.records import DocumentInput, Found, Lexicon, Speaker
from positions.statements.speakers import People
from positions.statements.topics import Asked, Judge, Scope

MIN_WORDS = 3  # a content of fewer words is a fragment ("“third-rate”"), not a statement
TITLE_AUTHOR = (
    re.compile(
        r"\b(?:Remarks|Statement|Speech|Address|Lecture|Op-?[Ee]d|Article|Message|Letter)\b[^.]*?"
        r"\bby (?P<who>.+?)(?: at | on | to | in | before |\(|,|$)"
    ),
    re.compile(r"^(?P<who>.+?)['’]s (?:Remarks|Speech|Address|Statement|Lecture|Article|Message|Interview)\b", re.I),
    re.compile(
        r"\b(?:[Cc]onference|[Ss]peech|[Aa]ddress|[Rr]emarks|[Ss]tatement|[Mm]essage|[Ii]nterview) (?:of|with|by) "
        r"(?P<who>[A-Z].+?)(?: at | on | to |\(|,|$)"
    ),
)
SELF_PARTY = (
    re.compile(r"\bI(?:'m|’m| am) (?:the )?(?P<c>[A-Z][a-z]+) (?:Foreign|Defen[cs]e|Prime) Minister"),
    re.compile(
        r"\b(?:Minister|Secretary|President|Ambassador)\b[\w ]{0,30}? (?:of|from) (?P<c>[A-Z][a-z]+(?: [A-Z][a-z]+)?)"
    ),
    re.compile(r"\bI(?:'m|’m| am)? represent(?:ing)? (?:the )?(?:[\w ]{0,60}? of )?(?P<c>[A-Z][a-z]+)"),
)
LONG_CONTEXT = 10_000  # characters: no paragraph of our corpus or PolNeAR's is this long (the longest: 6,323)
GENERIC_LABELS = ("the president", "the vice president", "the prime minister", "the secretary general")


@dataclass
class Candidate:
    """A statement before it is judged on topic: where, who, how it was found."""

    start: int
    end: int
    mode: str
    speaker: Speaker
    cue: str = ""
    cue_lemma: str = ""
    confidence: float = 0.5
    turn: "Candidate | None" = None  # the turn a report nested in a turn belongs to
    window: str = ""  # the words around it that say what it is about (the question a turn answers)
    structural: bool = False  # found by the layout, not the tagger


class _Document:
    """One document being read: its text, paragraphs, parse, the people it names."""

    def __init__(self, doc: DocumentInput, lexicon: Lexicon, models: Models):
        self.doc = doc
        self.text = doc.text
        self.day = doc.published or date.today()
        self.models = models
        probe = Gazetteer(lexicon, self.day)
        self.home = probe.party_in_phrase(doc.publisher) if doc.publisher else ""
        self.gaz = Gazetteer(lexicon, self.day, self.home)
        self.lexicon = lexicon
        self.paras = structure.paragraphs(self.text)
        self.sequences, self.labels, self.marginals = models.tagger.read(
            tagger.each_sequence(self.text, [(p.start, p.end) for p in self.paras])
        )
        self.mentions = scan_mentions(self.text[: nlp.MAX_CHARS], self.gaz)
        self.people = People(self.text, self.gaz, self.mentions, tagger.persons(self.sequences))
        self.dates = dates.DateIndex(self.text, doc.published)
        self.label_spans: list[tuple[int, int]] = []  # a transcript's labels: "THE PRESIDENT:", "Q"
        self._full_names = _names_by_surname(f"{doc.title}\n{doc.author}\n{self.text[:20000]}")

    def in_body(self, position: int) -> bool:
        """Whether a position lies in running text, not in a headline, a caption or a label."""
        para = next((p for p in self.paras if p.start <= position < p.end), None)
        return para is not None and structure.is_body(para)

    def label_speaker(self, label: str) -> Speaker | None:
        """The speaker a transcript label names: "PRESIDENT OBAMA", "MR. McFAUL", "Sergei Lavrov"."""
        words = label.title() if re.sub(r"\b(?:Mc|Mac)", "", label).isupper() else label
        words = re.sub(r"\b(Mr|Mrs|Ms|Dr)\b(?!\.)", r"\1.", words)
        lowered = words.lower()
        if lowered in GENERIC_LABELS:
            holder = self.gaz.role_holder(lowered.removeprefix("the "), self.home)
            return self.gaz.speaker_for(holder) if holder else None
        speaker = self.gaz.resolve_name(words)
        if speaker and speaker.key:
            return speaker
        full = self._full_names.get(words.split()[-1].upper())
        if full:
            found = self.gaz.resolve_name(full)
            if found and found.key:
                return found
            if found:
                return replace(found, key="", party=found.party or self.home)
        if speaker:
            return replace(speaker, key="", party=speaker.party or self.home)
        return None


def _names_by_surname(text: str) -> dict[str, str]:
    names: dict[str, str] = {}
    for match in re.finditer(FULL_NAME, text):
        words = match.group().split()
        if len(words) >= 2 and len(match.group()) > len(names.get(words[-1].upper(), "")):
            names[words[-1].upper()] = match.group()
    return names


def speech_author(doc: _Document) -> Speaker | None:
    """The author of a speech, statement or interview named in the document's metadata or title."""
    if doc.doc.author:
        found = doc.gaz.resolve_name(doc.doc.author)
        if found:
            return found
    for pattern in TITLE_AUTHOR:
        match = pattern.search(doc.doc.title)
        if match:
            who = re.sub(r"^(?:the|The) ", "the ", match.group("who").strip())
            return doc.label_speaker(who)
    return None


def _self_introduced(doc: _Document, speaker: Speaker, words: str) -> Speaker:
    """A new speaker's party from how they introduce themselves ("I'm the Danish Foreign Minister")."""
    for pattern in SELF_PARTY:
        for match in pattern.finditer(words):
            party = doc.gaz.party_in(match.group("c"))
            if party:
                return replace(speaker, party=party)
    return speaker


# -- the layout's statements -------------------------------------------------------------------------


def _turns(doc: _Document, turns: list[structure.Turn]) -> list[Candidate]:
    speakers: dict[str, Speaker | None] = {}
    said_by: dict[str, list[str]] = {}
    questioners: set[str] = set()
    for turn in turns:
        said_by.setdefault(turn.label, []).append(doc.text[turn.body_start : turn.paragraph.end])
        if turn.question and len(turn.paragraph.text.split()) <= 9:
            # "Question: RIA Novosti, Yelena Glushakova." names who asks, not who answers.
            questioners.update(w.casefold() for w in re.findall(r"[A-Z][\w’'-]+", turn.paragraph.text))
    out = []
    asked = ""
    answer: list[Candidate] = []  # the paragraphs of the turn being read, to share their context

    def close() -> None:
        for previous, c in itertools.pairwise(answer):
            c.window = f"{c.window}\n{doc.text[previous.start : previous.end]}"

    for turn in turns:
        if turn.question:
            asked = turn.paragraph.text if turn.opens else f"{asked}\n{turn.paragraph.text}"
            continue
        if turn.opens:
            close()
            answer = []
        if turn.label not in speakers:
            speaker = doc.label_speaker(turn.label)
            if speaker is not None and not speaker.key:
                if turn.label.split()[-1].casefold() in questioners:
                    speaker = None
                else:
                    speaker = _self_introduced(doc, speaker, " ".join(said_by[turn.label]))
            speakers[turn.label] = speaker
        speaker = speakers[turn.label]
        if speaker is None or not (speaker.party or _answers(said_by[turn.label])):
            continue  # a journalist or moderator: their words are questions, not positions
        if len(doc.text[turn.body_start : turn.paragraph.end].split()) < MIN_WORDS:
            continue  # "Thank you."
        found = Candidate(turn.body_start, turn.paragraph.end, "turn", speaker, confidence=0.85, window=asked,
                          structural=True)  # fmt: skip
        out.append(found)
        answer.append(found)
    close()
    return out


def _answers(turns: list[str]) -> bool:
    """Whether a speaker nobody placed answers rather than asks: few of their turns' paragraphs end in a
    question mark (a press conference's principal, whose side the text may never name)."""
    asked = sum(1 for words in turns if words.rstrip().rstrip("”\"'").endswith("?"))
    return 2 * asked < len(turns)


def _speech(doc: _Document, author: Speaker) -> list[Candidate]:
    out, previous = [], ""
    for para in doc.paras:
        if not structure.is_body(para) or not re.search(r"[.!?]", para.text):
            continue
        start = structure.skip_stage_directions(doc.text, para.start, para.end)
        out.append(Candidate(start, para.end, "turn", author, confidence=0.8, window=previous, structural=True))
        previous = para.text
    return out


def _announced(doc: _Document) -> list[Candidate]:
    """A release's statement (structure.announced): its quotations are the announcer's, the subject of the
    announcing verb (or, when the parse gives no named one, the first person its sentence names); what they
    quote of others is read inside them as a turn's reports are."""
    found = structure.announced(doc.text, doc.paras)
    if found is None:
        return []
    subject = subject_of(doc.sequences, found.lead_end)
    speaker = doc.people.resolve(*subject) if subject else None
    if speaker is None or not speaker.name:  # no subject, or none named ("Washington, D.C. — Rep. …" misparsed)
        speaker = doc.people.first_person(found.lead_start, found.lead_end) or speaker
    if speaker is None or not (speaker.name or speaker.party) or speaker.kind == "crowd":
        return []
    lead = doc.text[found.lead_start : found.lead_end]
    return [
        Candidate(a, b, "direct", speaker, confidence=0.8, window=lead, structural=True)
        for a, b in found.quotations
        if len(doc.text[a:b].split()) >= MIN_WORDS
    ]


def _interview(doc: _Document, answers: list[structure.Answer], author: Speaker) -> list[Candidate]:
    return [
        Candidate(a.start, a.end, "turn", author, confidence=0.8, window=a.question, structural=True) for a in answers
    ]


def _labelled_quotes(doc: _Document) -> list[Candidate]:
    """ "Congressman Mike Conaway (TX-11): “…”": a release's line of who said what."""
    out = []
    for found in structure.labelled_quotes(doc.text, doc.paras):
        label = doc.text[found.label_start : found.label_end]
        speaker = doc.label_speaker(re.sub(r"\s*\([^()]*\)$", "", label)) or doc.people.resolve(
            found.label_start, found.label_end
        )
        if speaker is not None and (speaker.name or speaker.party):
            out.append(Candidate(found.start, found.end, "direct", speaker, confidence=0.8, structural=True))
    return out


def _noun_reports(doc: _Document) -> list[Candidate]:
    """ "Medvedev’s statement that Russia may pull out…": a report a sentence names by its owner's noun."""
    out = []
    for found in structure.noun_reports(doc.text, doc.paras):
        speaker = doc.people.resolve(found.owner_start, found.owner_end)
        if speaker is not None and (speaker.name or speaker.party) and found.end - found.start > 15:
            out.append(Candidate(found.start, found.end, "indirect", speaker, "statement", confidence=0.6,
                                 structural=False))  # fmt: skip
    return out


# -- the tagger's statements -------------------------------------------------------------------------


def _tagged(doc: _Document, turns: list[Candidate], every: bool = False) -> list[Candidate]:
    """Contents the tagger found, each with the source the linker pairs it with, resolved to a speaker;
    with `every`, also those it could not attribute and fragments (to score the tagger on a corpus that
    annotates every attribution)."""
    contents, sources = contents_and_sources(doc.sequences, doc.labels)
    pool = candidates(doc.sequences, sources, contents)
    out: list[Candidate] = []
    previous: Candidate | None = None
    for content in contents:
        start, end = tagger.trim(doc.text, content.start, content.end)
        if tagger.words(doc.text[start:end]) < (1 if every else MIN_WORDS):
            continue
        turn = next((t for t in turns if t.start <= start and end <= t.end + 1), None)
        if turn is None and not every and not doc.in_body(start):
            continue  # a headline or a caption: nobody is reported to have said it
        direct = tagger.quoted(doc.sequences[content.seq], content.first, content.last)
        source, link_p = doc.models.linker.source(doc.sequences, content, pool, 0.0 if every else THRESHOLD)
        speaker = None
        cue, cue_lemma = "", ""
        if source is not None and any(a <= source.start < b for a, b in doc.label_spans):
            continue  # the tagger took a transcript's label ("THE PRESIDENT:") for a source: the turn speaks
        if source is not None:
            speaker = doc.people.resolve(*who(doc.sequences, source), own=turn.speaker if turn else None,
                                         shown=written_extent(doc.sequences, source, content))  # fmt: skip
            cue, cue_lemma = cue_between(doc.sequences, source, content)
        elif direct and previous is not None and previous.mode == "direct" and continues(doc.text, previous.end, start):
            speaker = previous.speaker  # a quotation that goes on after its cue, or in the next paragraph
        if speaker is None and every:
            speaker = Speaker(written="")
        if speaker is None:
            continue
        if turn is not None and (speaker == turn.speaker or (not speaker.name and speaker.party == turn.speaker.party)):
            continue  # the turn's own words, or its own side's: the turn is the statement
        if turn is not None and turn.mode == "direct" and 2 * (end - start) > turn.end - turn.start:
            continue  # most of a release's quotation: the quotation itself, whoever else its sentence names
        # "Russia opposes…", "The Russians have expressed concerns about…": a view held by a side, quoted with
        # the side when what it holds is the verb's object; "Iran has made it clear that…" quotes the clause.
        if (
            source is not None
            and speaker.kind in ("party", "crowd")
            and not direct
            and 0 <= start - source.end <= 60
            and (verbs.cue_kind(cue_lemma) or cue_lemma in verbs.HOLDING)
            and not re.search(r"[.;:,!?“”\"]|\bthat\b", doc.text[source.end : start])
        ):
            start = source.start
        marginals = doc.marginals[content.seq][content.first : content.last]
        tag_p = sum(marginals) / len(marginals)
        found = Candidate(start, end, "direct" if direct else "indirect", speaker, cue, cue_lemma,
                          confidence=round(tag_p * (link_p if source is not None else 0.8), 3), turn=turn)  # fmt: skip
        out.append(found)
        previous = found
    return out


def context(doc: _Document, c: Candidate) -> tuple[str, str]:
    """The words around a statement that say what it is about, and the turn it is reported in."""
    if c.structural:
        return c.window, ""
    para = next((p for p in doc.paras if p.start <= c.start < p.end), None)
    window = _around(doc.text, c, para.start, para.end) if para is not None else ""
    parent = _around(doc.text, c, c.turn.start, c.turn.end) if c.turn is not None else ""
    return window, parent


def _around(text: str, c: Candidate, start: int, end: int) -> str:
    """text[start:end], or a piece's length of it around the statement when it is longer than LONG_CONTEXT:
    a book on one line must not be read again for each of its statements."""
    if end - start > LONG_CONTEXT:
        start, end = max(start, c.start - nlp.CHUNK // 2), min(end, c.end + nlp.CHUNK // 2)
    return text[start:end]


def _decide(doc: _Document, found: list[Candidate]) -> list[Found]:
    """Dates, topics and kinds of every candidate; those the relevance model judges off topic get no topics."""
    out = []
    scope = Scope(doc.text, doc.doc.title, doc.lexicon.topics, doc.lexicon.subjects, doc.lexicon.parties)
    judge = Judge(doc.models.relevance_alone, doc.models.relevance, doc.models.issues, scope)
    found = sorted(found, key=lambda c: (c.start, c.end))  # document order: a statement is read with its neighbours
    judged = judge.judge_all(
        Asked(doc.text[c.start : c.end], *context(doc, c), c.mode, c.speaker, c.cue_lemma) for c in found
    )
    for c, verdict in zip(found, judged, strict=True):
        quote = doc.text[c.start : c.end]
        topics = verdict.topics
        # a turn is said the day of its transcript; what it reports is dated within the turn (`lo`)
        said = doc.dates.said(c.start, c.end, c.turn.start if c.turn else 0) if c.mode != "turn" else None
        kind = doc.models.kind(
            kind_features(doc.sequences, c.start, c.end, c.cue_lemma, c.mode, doc.text[c.start : c.end])
        )
        out.append(
            Found(
                start=c.start,
                end=c.end,
                quote=quote,
                mode=c.mode,
                speaker=c.speaker,
                cue=c.cue,
                said_on=said.day if said else doc.doc.published,
                said_precision=said.precision if said else "day",
                kind=kind,
                topics=topics,
                confidence=c.confidence if c.speaker.key or not c.speaker.name else round(c.confidence * 0.8, 3),
                source=c.speaker.written,
            )
        )
    return out


def read(document: DocumentInput, lexicon: Lexicon, models: Models | None = None, *, every: bool = False):
    """The document read and its candidate statements, before they are judged (training uses this)."""
    doc = _Document(document, lexicon, models or shipped())
    structural: list[Candidate] = []
    turns = structure.turns(doc.paras, doc.text)
    doc.label_spans = [(t.paragraph.start, t.body_start) for t in turns if t.opens]
    answers = structure.numbered_answers(doc.paras)
    author = speech_author(doc) if document.title or document.author else None
    if turns:
        structural = _turns(doc, turns)
    elif answers and author is not None:
        structural = _interview(doc, answers, author)
    elif author is not None and structure.looks_like_speech(doc.text, doc.paras):
        structural = _speech(doc, author)
    else:
        structural = _announced(doc)
    labelled = _labelled_quotes(doc) + _noun_reports(doc)
    tagged = [
        c for c in _tagged(doc, structural, every)
        if not any(lab.start < c.end and c.start < lab.end for lab in labelled)
    ]  # fmt: skip
    return doc, [*structural, *labelled, *tagged]


def extract(
    document: DocumentInput, lexicon: Lexicon, models: Models | None = None, *, every: bool = False
) -> list[Found]:
    """Every statement of a document, attributed, dated and classified, in document order (with `every`, also
    the contents no source could be found for, unattributed: for scoring the tagger alone)."""
    doc, found = read(document, lexicon, models, every=every)
    return finish(doc, found)


def finish(doc: _Document, found: list[Candidate]) -> list[Found]:
    """The candidates judged, dated and classified, one per span and speaker, in document order."""
    unique: dict[tuple, Found] = {}
    for f in sorted(_decide(doc, found), key=lambda f: (f.start, f.end)):
        unique.setdefault((f.start, f.end, f.speaker.name, f.speaker.party), f)
    return list(unique.values())
