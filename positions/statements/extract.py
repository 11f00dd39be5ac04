"""The statement stages in order: layout → quotes, reports and turns → speakers → dates → kinds and topics."""

import re
from dataclasses import replace
from datetime import date

from positions.statements import classify, dates, speech, structure
from positions.statements.attribution import FULL_NAME, Gazetteer, Mention, scan_mentions
from positions.statements.records import DocumentInput, Found, Lexicon, Speaker

ADVERBS = (  # words between a speaker and the verb: "has", "also", "clearly"
    r"\b(?:has|have|had|also|later|earlier|then|again|repeatedly|previously|recently|today|personally|once|further"
    r"|is|was|were|are|first|often|never|always|long|still|already|[a-z]+ly)"
)
APPOSITION_GAP = re.compile(
    rf"^(?:\s*\([^()]{{1,30}}\))?(?:\s+of [A-Z][\w.]*(?:\s[A-Z][\w.]*)*)?"  # "(R-CA)", "of Maryland"
    rf"(?:\s*,[^“”\"]{{0,160}},|\s*,)?\s*(?:{ADVERBS}\s+)*$"  # ", the panel's ranking Democrat,"
)
# After a name that follows its verb: "(D-S.C.)", ", the assistant leader of the Democratic caucus".
WRITTEN_TAIL = re.compile(r"(?:\s*\([^()]{1,30}\))?(?:\s*,[^,;“”\"]{1,160}?(?=,|[.;]\s|[.;]?$))?")
NOUN_PHRASE = re.compile(
    rf"(?:^|[,;:—–]\s+|\b(?:and|but|while|because|as|that|which|who|where|when)\s+)(?P<np>[^,;:“”\"()]{{1,70}}?)\s*(?:{ADVERBS}\s+)*$"
)
FIRST_PERSON_WORDS = {"i", "we", "you", "me", "us", "my", "our", "your"}
# fmt: off
NOT_SUBJECTS = {
    "and", "but", "so", "or", "because", "although", "though", "when", "while", "if", "i", "we", "you",
    "it", "this", "that", "there", "here", "what", "which", "who", "he", "she", "they", "one", "then",
    "not", "also", "to", "of", "in", "on", "for", "with", "by", "is", "was", "be", "been",
}
# fmt: on
# "MOSCOW, December 6 (Itar-Tass) — ": where a news report begins, not what anyone said.
DATELINE = re.compile(r"[A-Z][A-Z .]{2,30}(?:,\s*[A-Z][a-z]+\.? \d{1,2})?\s*(?:\([^()]{1,40}\))?\s*[—–-]+\s*")
TEMPORAL_TAIL = re.compile(
    r"\s+(?:[a-z]+ly|now|today|yesterday|also|again|just|still|often|never|always|already|long|has|have|had|(?:did|does|do|was"
    r"|were|is|are|would|will|could)(?:n['’]t| not)|(?:on|last|this|next|early|late)\s+[A-Z]?[a-z]+"
    r"|(?:on|in) (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))$"
)
CONTINUES = re.compile(r"(?:And|But|So|Also|That is why|That's why)\b")
# What speaks for its owner: "Rep. Turner’s letter", "the senator's office" (not "Ivana Trump's brief").
SPEAKS_FOR_OWNER = r"(?:letter|statement|office|spokes(?:man|woman|person)|press office|website|account)"
QUOTED_LABEL = re.compile(r"((?:[A-Z][A-Z.'’-]+ ){0,3}[A-Z][A-Z.'’-]{2,}):\s+")
PARTICIPLE = re.compile(r"\w+ing\b")
# A name right after a preposition is an object ("a letter to Secretary Gates"), whatever titles it has.
OBJECT = re.compile(
    r"\b(?:to|with|for|from|of|by|at|on|against|about|toward|towards)\s+(?:the\s+)?(?:[A-Z][\w.]*\s+){0,5}$"
)
COORDINATED = re.compile(r"^\s*(?:\([^()]{1,30}\))?\s*,?\s*and\s+(?:[A-Z][\w.’']*\s+){0,6}$")
SELF_PARTY = (
    re.compile(r"\bI(?:'m|’m| am) (?:the )?(?P<c>[A-Z][a-z]+) (?:Foreign|Defen[cs]e|Prime) Minister"),
    re.compile(
        r"\b(?:Minister|Secretary|President|Ambassador)\b[\w ]{0,30}? (?:of|from) (?P<c>[A-Z][a-z]+(?: [A-Z][a-z]+)?)"
    ),
    re.compile(r"\bI(?:'m|’m| am)? represent(?:ing)? (?:the )?(?:[\w ]{0,60}? of )?(?P<c>[A-Z][a-z]+)"),
)
FIRST_PERSON = re.compile(r"\b(?:I|we|We|you|You)(?:['’](?:ve|d|ll|m|re))?\s+(?:\w+\s+)?$")
POSSESSIVE_CLAIM = re.compile(
    r"(?P<who>[A-Z][\w.’' ]{1,60}?)(?:’s|'s) (?:statements?|remarks|comments|words|claims?|warnings?|threats?"
    r"|assertions?|assurances?|proposals?|offer|position|view|plan|idea) (?:that|is to|is that|was to|was that) "
)
GENERIC_SOURCE = re.compile(
    r"\b(?:officials?|sources?|experts?|analysts?|diplomats?|aides?|spokes(?:man|woman|person)|observers|critics"
    r"|a source|the source|people|residents|voters|supporters|lawmakers|members)\s*(?:,[^,]{0,80},)?\s*$",
    re.IGNORECASE,
)
STATEMENT_INTRO = re.compile(
    r"\b(?:released|issued|made|delivered|gave|sent|wrote|said|stated)\b(?:[^.“”\"]{0,40}?)"
    r"\b(?:the following|this|these|a|the) "
    r"(?:joint )?(?:statement|remarks|comments|letter)\b|\b(?:said|stated|wrote|added)\s*:\s*$"
)
TITLE_AUTHOR = (
    re.compile(
        r"\b(?:Remarks|Statement|Speech|Address|Lecture|Op-?[Ee]d|Article|Message|Letter)\b[^.]*?"
        r"\bby (?P<who>.+?)(?: at | on | to | in | before |\(|,|$)"
    ),
    re.compile(r"^(?P<who>.+?)['’]s (?:Remarks|Speech|Address|Statement|Lecture|Article|Message)\b"),
    re.compile(
        r"\b(?:[Cc]onference|[Ss]peech|[Aa]ddress|[Rr]emarks|[Ss]tatement|[Mm]essage) of "
        r"(?P<who>[A-Z].+?)(?: at | on | to |\(|,|$)"
    ),
)


class _Document:
    """Per-document state: the text, its mentions, the last speaker (for pronouns and run-on quotes)."""

    def __init__(self, doc: DocumentInput, lexicon: Lexicon):
        self.doc = doc
        self.text = doc.text
        self.day = doc.published or date.today()
        probe = Gazetteer(lexicon, self.day)
        home = probe.party_in_phrase(doc.publisher) if doc.publisher else ""
        self.gaz = Gazetteer(lexicon, self.day, home)
        self.home = home
        self.mentions = scan_mentions(self.text, self.gaz)
        self.last_person: tuple[int, Speaker] | None = None
        self.topics = lexicon.topics
        self.subjects = lexicon.subjects
        self.paras = structure.paragraphs(self.text)
        self.main_topics = classify.topics_of(self.text, self.topics)
        headline = doc.title or (self.paras[0].text if self.paras else "")
        self.headline_on_topic = classify.mentions_subject(headline, self.subjects) or classify.strong(
            classify.keyword_hits(headline, self.topics)
        )
        self.found: list[Found] = []
        self._full_names = self._names_by_surname(f"{doc.title}\n{doc.author}\n{self.text}")
        # One person per surname in a document: "Congressman Mike Rogers (R-AL)" then "Rogers said".
        self.clusters: dict[str, Speaker] = {}
        for m in self.mentions:
            sp = m.speaker
            if sp.name and not sp.key and sp.kind == "person":
                last = sp.name.split()[-1]
                known = self.clusters.get(last)
                if (
                    known is None
                    or (len(sp.name) > len(known.name) and not known.party)
                    or (sp.party and not known.party and len(sp.name) >= len(known.name))
                ):
                    self.clusters[last] = sp

    @staticmethod
    def _names_by_surname(text: str) -> dict[str, str]:
        names: dict[str, str] = {}
        for match in re.finditer(FULL_NAME, text):
            words = match.group().split()
            if len(words) >= 2:
                last = words[-1]
                if len(match.group()) > len(names.get(last.upper(), "")):
                    names[last.upper()] = match.group()
        return names

    # -- who ---------------------------------------------------------------------------------------
    def person_before(self, pos: int) -> Speaker | None:
        best = None
        for m in self.mentions:
            if m.start >= pos:
                break
            if m.speaker.kind in ("person", "body") and m.speaker.name:
                best = (m.start, m.speaker)
        if self.last_person and (best is None or self.last_person[0] >= best[0]):
            return self.last_person[1]
        return best[1] if best and best[0] >= pos - 2000 else None

    def subject(
        self, v0: int, v1: int, lo: int, hi: int, side: str, phrases: bool = True, quoted: bool = False
    ) -> Speaker | None:
        """The speaker of a reporting verb at [v0, v1) in the sentence [lo, hi), with the words naming them."""
        who = self._subject(v0, v1, lo, hi, side, phrases, quoted)
        if who is not None and who.name and who.kind == "person":
            written = self.written_as(who, v0, v1, lo, hi)
            if written:
                return replace(who, written=written)
        return who

    def written_as(self, who: Speaker, v0: int, v1: int, lo: int, hi: int) -> str:
        """The phrase naming `who` next to the verb, titles and apposition included, or "" when the
        verb's subject is not a name ("he said", "the minister said")."""
        surname = re.escape(who.name.split()[-1])
        last = None
        for last in re.finditer(rf"\b{surname}\b", self.text[lo:v0]):  # noqa: B007 - the nearest one
            pass
        if last is not None and APPOSITION_GAP.match(self.text[lo + last.end() : v0]):
            start = lo + last.start()
            titles = re.search(r"(?:\b[A-Z][\w.’'-]*\s+)*$", self.text[lo:start])
            start -= len(titles.group()) if titles else 0
            return re.sub(rf"(?:\s+{ADVERBS})+$", "", self.text[start:v0].rstrip())
        after = self.text[v1:hi]
        named = re.search(rf"\b{surname}\b", after[:100])
        if named is None or not re.fullmatch(r"\s*(?:[\w.’'/-]+\s+){0,6}", after[: named.start()]):
            return ""
        tail = WRITTEN_TAIL.match(after, named.end())
        return after[: tail.end()].strip()

    def _subject(
        self, v0: int, v1: int, lo: int, hi: int, side: str, phrases: bool = True, quoted: bool = False
    ) -> Speaker | None:
        before = self.text[lo:v0]
        if side in ("before", "after", "opinion"):
            pronoun = re.search(rf"\b(?P<p>[Hh]e|[Ss]he|[Hh]is|[Hh]er)\s*(?:{ADVERBS}\s+)*(?:opinion,?\s*)?$", before)
            if pronoun or side == "opinion":
                return self.person_before(v0)
            if FIRST_PERSON.search(before):
                return None
            if PARTICIPLE.match(self.text, v0):
                # "Turner sent a letter to Gates requesting that…": the sentence's subject, not its object.
                subjects = [
                    m
                    for m in self.mentions
                    if lo <= m.start and m.end <= v0 and not OBJECT.search(self.text[max(lo, m.start - 30) : m.start])
                ]
                people = [m for m in subjects if m.speaker.kind != "party"]
                if people or subjects:
                    return self._speaker_of((people or subjects)[0])
            for i in range(len(self.mentions) - 1, -1, -1):
                m = self.mentions[i]
                if OBJECT.search(self.text[max(lo, m.start - 30) : m.start]):
                    continue  # "…to Secretary of Defense Robert Gates": an object, not who speaks
                if m.end <= v0 and m.start >= lo and APPOSITION_GAP.match(self.text[m.end : v0]):
                    # "X (R-CA) and Subcommittee Chairman Y (R-OH) made the following joint statement": X first.
                    while (
                        i > 0
                        and self.mentions[i - 1].speaker.name
                        and COORDINATED.match(self.text[self.mentions[i - 1].end : self.mentions[i].start])
                    ):
                        i -= 1
                    return self._speaker_of(self.mentions[i])
                if m.end <= v0 - 140:
                    break
            named = re.search(rf"(?P<name>{FULL_NAME})\b\s*(?:,[^,“”\"]{{0,100}},)?\s*(?:{ADVERBS}\s+)*$", before)
            if named:
                speaker = self.gaz.resolve_name(
                    named.group("name"), before[: named.start()], self.text[named.end() + lo :]
                )
                if speaker:
                    return speaker
            if GENERIC_SOURCE.search(before):
                described = self.noun_phrase(before)  # "Administration officials", "A Democratic source"
                return described or Speaker(party=self.gaz.party_in_phrase(before[-80:]))
            phrase = self.noun_phrase(before) if side == "before" and phrases else None
            if phrase is not None:
                return phrase
        after = self.text[v1:hi]
        # "said Turner", "said Lithuanian Foreign Minister Audronius Azubalis": the first person named
        # after the verb (titles and adjectives between), or a party right after it ("said Moscow").
        party_first = None
        for m in self.mentions:
            if m.start < v1:
                continue
            if m.start > v1 + 60 or not re.match(r"^\s*(?:[A-Z][\w.’'-]*\s+){0,5}$", self.text[v1 : m.start]):
                break
            if m.speaker.kind != "party":
                return self._speaker_of(m)
            party_first = party_first or m.speaker
        if party_first is not None:
            return party_first
        # "said Turner", "said 9/11 widow Terry Strada." (a description may come first when the name ends it)
        named = re.match(rf"\s*(?P<name>{FULL_NAME})\b", after) or re.match(
            rf"\s*(?:[a-z0-9/.’'-]+\s+){{1,4}}?(?P<name>{FULL_NAME})\b"
            + ("" if quoted else r"(?!\s+(?:in|to|at|of|and)\b)"),
            after,
        )
        if named:
            return self.gaz.resolve_name(named.group("name"), "", after[named.end() :])
        pronoun = re.match(r"\s*(?:he|she)\b", after)
        if pronoun:
            return self.person_before(v0)
        return None

    def party_clause_start(self, who: Speaker, report: speech.Report) -> int:
        """Where a party's reported view begins: with the party itself ("The Russians have expressed
        concerns about…", "Russia opposes…"), the way a view with no speaker is quoted."""
        if who.kind != "party" or report.subject_side != "before":
            return report.start
        for m in self.mentions_near(report.cue_start - 10):
            gap = self.text[m.end : report.cue_start]
            if m.speaker == who and m.end <= report.cue_start and re.fullmatch(rf"\s*(?:{ADVERBS}\s+)*", gap):
                return m.start
        return report.start

    def mentions_near(self, pos: int) -> list[Mention]:
        return [m for m in self.mentions if abs(m.start - pos) <= 20]

    def noun_phrase(self, before: str) -> Speaker | None:
        """A subject that is neither a name we know nor a pronoun: "The IMF", "Russian officials", "experts"."""
        found = NOUN_PHRASE.search(before)
        if not found:
            return None
        phrase = found.group("np").strip()
        while True:  # "the Administration finally", "Clinton now", "Wells Fargo just this month"
            shorter = TEMPORAL_TAIL.sub("", phrase)
            if shorter == phrase:
                break
            phrase = shorter
        words = phrase.split()
        folded = [w.lower().replace("’", "'") for w in words]
        if not 1 <= len(words) <= 7 or folded[0] in NOT_SUBJECTS or folded[-1] in NOT_SUBJECTS:
            return None
        if any(w in FIRST_PERSON_WORDS or w.startswith(("i'", "we'", "you'")) for w in folded):
            return None
        owner = re.search(rf"(?P<name>{FULL_NAME})(?:’s|'s)\s+(?:{SPEAKS_FOR_OWNER})$", phrase)
        if owner:  # "Rep. Turner’s letter requested…": the letter speaks for Turner
            found = self.gaz.resolve_name(owner.group("name"))
            if found is not None:
                return self.clusters.get(found.name.split()[-1], found) if not found.key else found
        party = self.gaz.party_in_phrase(phrase)
        bare = words[1:] if words[0].lower() in ("the", "a", "an") else words
        names_party = phrase in self.gaz.party_names or phrase.casefold().removeprefix("the ") in self.gaz.party_folded
        if bare and bare[0][:1].isupper() and not names_party:
            # "The IMF", "The GOP nominee", "Connecticut’s tax commissioner": a speaker described, kept as written.
            kind = "body" if all(w[:1].isupper() for w in bare) and len(bare) <= 4 else "description"
            return Speaker(name=phrase, party=party, kind=kind)
        return Speaker(party=party)

    def _speaker_of(self, mention: Mention) -> Speaker:
        return mention.speaker

    def label_speaker(self, label: str) -> Speaker | None:
        words = label.title() if re.sub(r"\b(?:Mc|Mac)", "", label).isupper() else label
        words = re.sub(r"\b(Mr|Mrs|Ms|Dr)\b(?!\.)", r"\1.", words)
        lowered = words.lower()
        if lowered in ("the president", "the vice president", "the prime minister", "the secretary general"):
            holder = self.gaz.role_holder(lowered.removeprefix("the "), self.home)
            return self.gaz.speaker_for(holder) if holder else None
        speaker = self.gaz.resolve_name(words)
        if speaker and speaker.key:
            return speaker
        last = words.split()[-1].upper()
        full = self._full_names.get(last)
        if full:
            found = self.gaz.resolve_name(full)
            if found and found.key:
                return found
            if found:
                return Speaker(found.name, "", found.party or self.home)
        if speaker:
            return Speaker(speaker.name, "", speaker.party or self.home)
        return None

    def remember(self, pos: int, speaker: Speaker) -> None:
        if speaker.name and speaker.kind == "person":
            self.last_person = (pos, speaker)

    # -- what --------------------------------------------------------------------------------------
    def window(self, start: int, end: int, para_start: int, para_end: int) -> str:
        """The sentence before a statement, its own and the one after, within its paragraph."""
        spans = structure.sentences(self.text[para_start:para_end], para_start)
        inside = [i for i, (a, b) in enumerate(spans) if b > start and a < end]
        if not inside:
            return self.text[para_start:para_end]
        lo, hi = max(0, inside[0] - 1), min(len(spans) - 1, inside[-1] + 1)
        return self.text[spans[lo][0] : spans[hi][1]]

    def add(
        self,
        start: int,
        end: int,
        mode: str,
        speaker: Speaker,
        cue: str,
        confidence: float,
        context=(0, 0),
        window="",
        inherit: tuple[str, ...] = (),
    ) -> Found | None:
        source = speaker.written
        if speaker.name and not speaker.key and speaker.kind == "person":
            speaker = self.clusters.get(speaker.name.split()[-1], speaker)
        dateline = DATELINE.match(self.text, start, end)
        if dateline:
            start = dateline.end()
        while start < end and self.text[start] in " \t\"“”'‘’(":
            start += 1
        while end > start and self.text[end - 1] in ' \t“"‘(':
            end -= 1
        if end - start < 8 or (not speaker.name and not speaker.party and mode == "turn"):
            return
        quote = self.text[start:end]
        if not window and context[1] > context[0]:
            para = next((p for p in self.paras if p.start <= start < p.end), None)
            window = self.window(start, end, para.start, para.end) if para else ""
        topics = classify.topics_for(
            quote,
            window or quote,
            topics=self.topics,
            subjects=self.subjects,
            fallback=self.main_topics,
            min_words=10**6 if mode == "turn" else 6,  # a turn needs keywords of its own; a quotation may borrow
        )
        if not topics and inherit:
            topics = inherit[:1]  # words reported inside an on-topic turn bear on what the turn is about
        if not topics and mode != "turn" and self.headline_on_topic:
            # A press release or a report is about what its headline says: its quotations bear on that too.
            topics = self.main_topics[:1]
        said = self.doc.published
        if mode != "turn" and context[1] > context[0]:
            said = dates.said_on(_outside_quotes(self.text[context[0] : context[1]]), self.doc.published)
        found = Found(
            start=start,
            end=end,
            quote=quote,
            mode=mode,
            speaker=speaker,
            cue=cue,
            said_on=said,
            kind=classify.kind_of(quote, cue),
            topics=topics,
            confidence=confidence if speaker.key or not speaker.name else confidence * 0.8,
            source=source,
        )
        self.found.append(found)
        return found


def _outside_quotes(text: str) -> str:
    return re.sub(r"“[^”]*”|\"[^\"]*\"", " ", text)


def speech_author(doc: _Document) -> Speaker | None:
    """The author of a speech or statement named in the document's metadata or title."""
    if doc.doc.author:
        found = doc.gaz.resolve_name(doc.doc.author)
        if found:
            return found
    for pattern in TITLE_AUTHOR:
        match = pattern.search(doc.doc.title)
        if match:
            who = match.group("who").strip()
            who = re.sub(r"^(?:the|The) ", "the ", who)
            return doc.label_speaker(who)
    return None


def extract(document: DocumentInput, lexicon: Lexicon) -> list[Found]:
    """Every statement of a document, attributed, dated and classified, in document order."""
    doc = _Document(document, lexicon)
    text = doc.text
    paras = doc.paras
    turns = structure.turns(paras, text)
    if turns:
        _transcript(doc, turns)
        covered = {t.paragraph.start for t in turns}
        _news(doc, [p for p in paras if p.start not in covered and _is_body(p)])
    else:
        author = speech_author(doc) if document.title else None
        if author is not None and _looks_like_speech(text, paras):
            _speech(doc, paras, author)
        else:
            _news(doc, [p for p in paras if _is_body(p)])
    doc.found = [f for f in doc.found if not STATEMENT_INTRO.search(f.quote)]
    reported = [f for f in doc.found if f.mode == "indirect"]
    # A report inside another by the same voice is one statement: "Rasmussen said he was convinced that…",
    # "Toner said the United States hopes…" (the party a speaker speaks for, reported by the speaker).
    doc.found = [
        f
        for f in doc.found
        if f.mode != "indirect"
        or not any(
            r is not f
            and r.start <= f.start
            and f.end <= r.end
            and (r.speaker == f.speaker or (not f.speaker.name and f.speaker.party == r.speaker.party))
            for r in reported
        )
    ]
    reported = [f for f in doc.found if f.mode == "indirect"]
    doc.found = [
        f
        for f in doc.found
        if f.mode != "direct"
        or not any(
            r.start <= f.start and f.end <= r.end and r.speaker == f.speaker and (r.speaker.name or r.speaker.party)
            for r in reported
        )
    ]
    unique: dict[tuple, Found] = {}
    for found in sorted(doc.found, key=lambda f: (f.start, f.end)):
        unique.setdefault((found.start, found.end, found.speaker.name, found.speaker.party), found)
    return list(unique.values())


def _is_body(paragraph: structure.Paragraph) -> bool:
    """Running text, not a headline: a headline ends with no full stop and is short."""
    count = speech.words(paragraph.text)
    return count >= 6 and (count >= 25 or re.search(r"[.!?:][\"”’')]*$", paragraph.text) is not None)


def _looks_like_speech(text: str, paras) -> bool:
    cues = sum(1 for p in paras if speech.VERB.search(p.text) and re.search(r"[“\"]", p.text))
    return cues <= max(1, len(paras) // 5)


def _speech(doc: _Document, paras, author: Speaker) -> None:
    previous = ""
    for para in paras:
        if not _is_body(para) or not re.search(r"[.!?]", para.text):
            continue
        start = structure.skip_stage_directions(doc.text, para.start, para.end)
        added = doc.add(start, para.end, "turn", author, "", 0.8, window=f"{previous}\n{para.text}")
        previous = para.text
        _nested(doc, para, author, added.topics if added is not None else ())


def _transcript(doc: _Document, turns: list[structure.Turn]) -> None:
    speakers: dict[str, Speaker | None] = {}
    said_by: dict[str, list[str]] = {}
    questioners: set[str] = set()
    for turn in turns:
        said_by.setdefault(turn.label, []).append(doc.text[turn.body_start : turn.paragraph.end])
        if turn.question and speech.words(turn.paragraph.text) <= 9:
            # "Question: RIA Novosti, Yelena Glushakova." names who asks, not who answers.
            questioners.update(w.casefold() for w in re.findall(r"[A-Z][\w’'-]+", turn.paragraph.text))
    # A turn's paragraphs are read together, with the question they answer: "Q: on missile defence…".
    windows: dict[int, str] = {}
    group: list[structure.Turn] = []
    asked = ""
    for turn in [*turns, None]:
        if turn is None or turn.opens:
            if group:
                previous = asked
                for member in group:
                    windows[member.paragraph.start] = (
                        f"{asked if member is group[0] else ''}\n{previous}\n{member.paragraph.text}"
                    )
                    previous = member.paragraph.text
                asked = "\n".join(t.paragraph.text for t in group) if group[0].question else ""
            group = []
        if turn is not None:
            group.append(turn)
    previous_topics: tuple[str, ...] = ()
    for turn in turns:
        if turn.question:
            continue
        if turn.label not in speakers:
            speaker = doc.label_speaker(turn.label)
            if speaker is not None and not speaker.key:
                if turn.label.split()[-1].casefold() in questioners:
                    speaker = None
                else:
                    speaker = _self_introduced(doc, speaker, " ".join(said_by[turn.label]))
            speakers[turn.label] = speaker
        speaker = speakers[turn.label]
        if speaker is None or not speaker.party:
            continue  # a journalist or moderator: their words are questions, not positions
        doc.remember(turn.paragraph.start, speaker)
        if turn.opens:
            previous_topics = ()
        # "And…", "But…": a paragraph that opens with a conjunction goes on with the one before it.
        goes_on = previous_topics if CONTINUES.match(doc.text, turn.body_start) else ()
        added = doc.add(
            turn.body_start, turn.paragraph.end, "turn", speaker, "", 0.85,
            window=windows[turn.paragraph.start], inherit=goes_on,
        )  # fmt: skip
        previous_topics = added.topics if added is not None else ()
        _nested(doc, turn.paragraph, speaker, added.topics if added is not None else ())


def _self_introduced(doc: _Document, speaker: Speaker, words: str) -> Speaker:
    """A new speaker's party from how they introduce themselves ("I'm the Danish Foreign Minister")."""
    for pattern in SELF_PARTY:
        for match in pattern.finditer(words):
            party = doc.gaz.party_in(match.group("c"))
            if party:
                return Speaker(speaker.name, speaker.key, party, speaker.kind)
    return speaker


def _nested(doc: _Document, para: structure.Paragraph, own: Speaker, inherit: tuple[str, ...] = ()) -> None:
    """Inside a turn or speech: others' words quoted or reported ("President Medvedev told me that…")."""
    quotes = speech.quotes(doc.text, para.start, para.end)
    blocked = [(q.open_start, q.close_end) for q in quotes]
    for s0, s1 in structure.sentences(para.text, para.start):
        for report in speech.reports(doc.text, s0, s1, blocked):
            if any(a < report.end and report.start < b for a, b in blocked):
                continue  # a quotation's cue ("He said, “…”"): the quotation is the statement
            who = doc.subject(report.cue_start, report.cue_end, s0, s1, report.subject_side, phrases=False)
            before = doc.text[s0 : report.cue_start]
            if who is None or FIRST_PERSON.search(before) or re.search(r"\b(?:I|we)\s*$", before):
                continue
            if (who.name and who.name == own.name) or (not who.name and who.party and who.party == own.party):
                continue  # the speaker's own words, or their own side's
            if not who.name and not who.party:
                continue
            start = doc.party_clause_start(who, report)
            doc.add(
                start, report.end, "indirect", who, report.cue, 0.5, (para.start, report.end),
                window=para.text, inherit=inherit,
            )  # fmt: skip
    for q in quotes:
        if speech.words(doc.text[q.start : q.end]) < 4:
            continue
        who = _quote_speaker(doc, q, para)
        if who and who.name and who.name != own.name:
            doc.add(q.start, q.end, "direct", who, "", 0.6, (para.start, q.end), window=para.text, inherit=inherit)


def _within_quote(doc: _Document, q: speech.Quote, own: Speaker) -> None:
    """What a quoted speaker quotes or reports of others: “Last May, President Obama stated, ‘I don't…’”."""
    for inner in speech.inner_quotes(doc.text, q.start, q.end):
        cue = speech.VERB.search(doc.text, max(q.start, inner.open_start - 60), inner.open_start)
        if cue is None or not re.match(r"\s*[,:]?\s*(?:that\s+)?$", doc.text[cue.end() : inner.open_start]):
            continue
        who = doc.subject(cue.start(), cue.end(), q.start, inner.open_start, "before", phrases=False)
        if who is not None and (who.name or who.party) and who != own:
            doc.add(inner.start, inner.end, "direct", who, cue.group(), 0.5, (q.start, inner.end))
    for s0, s1 in structure.sentences(doc.text[q.start : q.end], q.start):
        for report in speech.reports(doc.text, s0, s1, []):
            who = doc.subject(report.cue_start, report.cue_end, s0, s1, report.subject_side, phrases=False)
            before = doc.text[s0 : report.cue_start]
            if who is None or who == own or FIRST_PERSON.search(before) or re.search(r"\b(?:I|we)\s*$", before):
                continue
            if who.name:  # a party's view inside a quotation is the quoted speaker's account of it
                doc.add(report.start, report.end, "indirect", who, report.cue, 0.4, (q.start, report.end))


def _quote_speaker(doc: _Document, q: speech.Quote, para: structure.Paragraph) -> Speaker | None:
    text = doc.text
    sent = [(a, b) for a, b in structure.sentences(para.text, para.start)]
    lo = max([a for a, b in sent if a <= q.open_start] or [para.start])
    hi = para.end
    after = text[q.close_end : hi]
    cue_after = re.match(rf"^\s*[,—–-]?\s*(?P<verb>{speech.REPORTING})\b", after)
    if cue_after:
        v0 = q.close_end + cue_after.start("verb")
        return doc.subject(v0, q.close_end + cue_after.end("verb"), q.close_end, hi, "after", quoted=True)
    cue_after = re.match(
        rf"^\s*[,—–-]?\s*(?P<subj>[^,“”\"]{{1,80}}?)\s+(?:{ADVERBS}\s+)*(?P<verb>{speech.REPORTING})\b", after
    )
    ends_sentence = re.search(r"[.!?]\W*$", text[q.start : q.close_end])
    new_sentence = after.lstrip()[:1].isupper()
    if cue_after and ends_sentence and new_sentence and not re.match(r"\s*(?:[.;]|$)", after[cue_after.end() :]):
        cue_after = None  # “… system.” The Administration announced…: a new sentence, not the quote's cue
    if cue_after:
        v0 = q.close_end + cue_after.start("verb")
        who = doc.subject(v0, q.close_end + cue_after.end("verb"), q.close_end, hi, "before")
        if who:
            return who
    signed = re.match(rf"^\s*[―—–]\s*(?P<name>{FULL_NAME})\b\s*(?:[,.]|$)", after)
    if signed:  # “…” ― Christina Lastra
        return doc.gaz.resolve_name(signed.group("name"), "", after[signed.end() :])
    before = text[lo : q.open_start]
    cue_before = None
    for cue_before in speech.VERB.finditer(before):  # noqa: B007 - the last cue before the quotation
        pass
    object_then_quote = r"^\s*(?:that|to|:|,)?\s*(?:[A-Za-z’']+\s+){0,3}?[:,]?\s*(?:that\s+)?$"  # "told Fox that “…”"
    if cue_before and re.match(object_then_quote, before[cue_before.end() :]):
        return doc.subject(lo + cue_before.start(), lo + cue_before.end(), lo, q.open_start, "before")
    according = re.search(r"[Aa]ccording to (?P<who>[^,]{2,60}),?\s*[^“”\"]{0,80}$", before)
    if according:
        return doc.subject(lo + according.start("who"), lo + according.start("who"), lo, hi, "after")
    return None


def _news(doc: _Document, paras) -> None:
    previous_quote_speaker: Speaker | None = None
    previous_para_speaker: Speaker | None = None
    open_before = False
    for para in paras:
        quotes = speech.quotes(doc.text, para.start, para.end, open_before)
        para_speaker: Speaker | None = None
        intro_speaker, intro_end = None, para.end
        intro = STATEMENT_INTRO.search(doc.text, para.start, para.end)
        if intro:
            lo = max([a for a, _b in structure.sentences(para.text, para.start) if a <= intro.start()] or [para.start])
            intro_speaker = doc.subject(intro.start(), intro.end(), lo, para.end, "before")
            intro_end = intro.end()
            if intro_speaker is not None:
                doc.remember(intro.start(), intro_speaker)
        sentences = structure.sentences(para.text, para.start)
        for q in quotes:
            labelled = QUOTED_LABEL.match(doc.text, q.start, q.end)
            if labelled:
                # A transcript quoted in a report: “WALLACE: …” is the moderator's, whoever the paragraph names.
                speaker = doc.label_speaker(labelled.group(1))
                if speaker is not None:
                    doc.add(labelled.end(), q.end, "direct", speaker, "", 0.7, (para.start, q.end))
                    continue
            quoted = doc.text[q.start : q.end]
            who = _quote_speaker(doc, q, para)
            explicit = who is not None
            if who is None and intro_speaker is not None and q.open_start >= intro_end:
                who = intro_speaker
            if who is None and (q.continued or q.open_start == para.start) and previous_quote_speaker:
                who = previous_quote_speaker if (q.continued or previous_para_speaker) else None
            if who is None and para_speaker is not None:
                who = para_speaker
            if who is None and q.open_start == para.start and previous_para_speaker:
                who = previous_para_speaker
            if who is None or (speech.words(quoted) < (2 if explicit else 4) and not q.runs_on):
                continue
            para_speaker = who
            previous_quote_speaker = who
            doc.remember(q.open_start, who)
            # The date may stand in the cue after the quotation: “…,” Rasmussen said on Monday.
            cue_end = next((b for a, b in sentences if a <= q.close_end < b), q.end)
            doc.add(q.start, q.end, "direct", who, "", 0.8 if who.name else 0.6, (para.start, max(q.end, cue_end)))
            _within_quote(doc, q, who)
        open_before = bool(quotes) and quotes[-1].runs_on
        blocked = [(q.open_start, q.close_end) for q in quotes]
        for s0, s1 in sentences:
            for claim in POSSESSIVE_CLAIM.finditer(doc.text, s0, s1):
                who = doc.gaz.resolve_name(claim.group("who").split(",")[-1].strip())
                if who:
                    end = _clause_end(doc.text, claim.end(), s1)
                    doc.add(claim.end(), end, "indirect", who, "statement", 0.5, (para.start, end))
            for report in speech.reports(doc.text, s0, s1, blocked):
                quoted = sum(
                    min(b, report.end) - max(a, report.start) for a, b in blocked if a < report.end and b > report.start
                )
                if quoted > 0.9 * (report.end - report.start):
                    continue  # mostly a quotation: the direct statement stands for it
                who = doc.subject(report.cue_start, report.cue_end, s0, s1, report.subject_side)
                if who is None or any(
                    0 <= m.start - report.start <= 25 and m.speaker == who and who.name
                    for m in doc.mentions_near(report.start)
                ):
                    continue  # "Congressman Mike Turner, Chairman of…": the speaker named, not what he said
                para_speaker = para_speaker or (who if who.name else None)
                doc.remember(report.cue_start, who)
                start = doc.party_clause_start(who, report)
                doc.add(start, report.end, "indirect", who, report.cue, 0.6, (para.start, s1))
        if intro_speaker is not None and para_speaker is None:
            para_speaker = previous_quote_speaker = intro_speaker
        previous_para_speaker = para_speaker


def _clause_end(text: str, start: int, limit: int) -> int:
    cue = re.search(rf",\s*(?:[A-Z][\w.]*\s+){{0,3}}(?:{speech.REPORTING})\b", text[start:limit])
    return start + cue.start() if cue else limit
