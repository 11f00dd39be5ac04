"""Where statements are: quotations paired per paragraph, reporting verbs and the clauses they report."""

import re
from dataclasses import dataclass

OPEN_MARKS = "“«„"
CLOSE_MARKS = "”»"
# Reporting verbs, inflected as they appear in news ("said", "says", "insists", "according to").
REPORTING = (
    r"said|says|say|told|tells|tell|added|adds|stated|noted|notes|stressed|stresses|emphasi[sz]ed|emphasi[sz]es"
    r"|insisted|insists|argued|argues|warned|warns|claimed|claims|believes|believed|announced|announces|declared"
    r"|declares|explained|explains|pointed out|points out|suggested|suggests|proposed|proposes|urged|urges"
    r"|called for|calls for|called on|calls on|demanded|demands|asked|asks|requested|requests|reiterated|reiterates"
    r"|assured|assures|promised|promises|pledged|pledges|confirmed|confirms|denied|denies|rejected|rejects"
    r"|acknowledged|acknowledges|admitted|admits|agreed|agrees|wrote|writes|reported|reports|threatened|threatens"
    r"|accused|accuses|criticized|criticised|criticizes|complained|complains|recalled|recalls|underlined|underlines"
    r"|remarked|replied|responded|answered|predicted|predicts|vowed|vows|welcomed|welcomes|hoped|hopes|expected"
    r"|expects|feared|fears|objected|objects|opposed|opposes|protested|conceded|concedes|maintained|maintains"
    r"|contended|contends|observed|commented|indicated|indicates|concluded|concludes|continued|went on"
    r"|expressed (?:confidence|concern|hope|the view|this view)|made clear|made it clear|is convinced|was convinced"
    r"|has said|have said|had said|has stated|has made clear|have made clear|has called|have called|has warned"
    r"|thinks|thought|assert(?:s|ed)|tweeted|testified|counter(?:s|ed)|argue|found|finds|echoed|echoes|cited|cites"
    r"|attacked|slammed|blasted|praised|mentioned|mentions|described|questioned|saying|telling|noting|arguing"
    r"|warning|claiming|insisting|adding|revealed|estimated|alleged|alleges|charged|speculated|recounted|touted"
    r"|defended|quipped|joked|posted|call for|calls? on|urging|suggesting|predicting|announcing|requesting"
    r"|(?:expressed|voiced|raised) (?:\w+ )?(?:concerns?|objections?|doubts?|opposition)"
    r"|(?:is|are|was|were|remains?) concerned"
    # the plural present of the commonest ones ("E.U. leaders warn that…"), and a few more of news prose
    r"|warn|insist|claim|believe|argue|note|stress|agree|deny|reject|admit|acknowledge|predict|demand|urge"
    r"|condemned|condemns|denounced|denounces|lamented|laments|bemoaned|decried|decries|blamed|blames|blaming"
    r"|demanding|calling for|calling on|pushing for|pushed for|accusing|criticizing|endorsed|endorses"
    r"|(?:show|shows|showed|shown) that"
)
VERB = re.compile(rf"\b(?:{REPORTING})\b")
ADVERBS = r"(?:also|later|earlier|then|again|repeatedly|previously|recently|once|further|today|yesterday|personally)"
PRONOUN_SUBJECT = re.compile(rf"\b(?P<pronoun>[Hh]e|[Ss]he|[Tt]hey)\s+(?:{ADVERBS}\s+)?$")
# A cue that closes its sentence: ", X said.", ", said X.", ", X said on Monday.", ", he told reporters."
TRAILING_CUE = re.compile(
    rf",\s*(?:(?P<subj>[^,“”\"]{{1,80}}?)\s+(?P<verb>{REPORTING})"
    rf"|(?P<verb2>{REPORTING})\s+(?:the |an? )?(?:[A-Z][\w.’'-]*\s*){{1,5}})"
    r"(?:\s+(?:on|in|at|during|to|after|before)\s[^,“”\"]{1,40})?(?:,[^,“”\"]{1,80})?\s*[.!?]?[\"”’]?\s*$"
)
# "…, which the Bush administration made clear": a relative clause, not who is speaking
RELATIVE = r"\s*(?:which|that|who|whom|whose|where|when|while|as|and|but|because|although|if|so)\b"
LEAD_IN = r"\s*(?:Commenting|Speaking|Asked|Referring|Responding|Reacting|Turning|(?:In|By|While|When|After) \w+ing)\b"
MAX_SENTENCE = 3000  # characters; longer "sentences" are not read for reported speech
MAX_CUES = 12  # reporting verbs read in one sentence
ACCORDING = re.compile(r"\b[Aa]ccording to\s+")
OPINION = re.compile(r"\b[Ii]n (?P<pronoun>his|her|their) (?:opinion|view|words)\s*,\s*")


@dataclass(frozen=True)
class Quote:
    start: int  # of the quoted words, marks excluded
    end: int
    open_start: int  # of the opening mark
    close_end: int  # after the closing mark, or the paragraph's end when the quote runs on
    runs_on: bool  # no closing mark in this paragraph: the quotation goes on in the next one
    continued: bool  # opens a paragraph that continues the previous paragraph's quotation


def quotes(text: str, start: int, end: int, open_before: bool = False) -> list[Quote]:
    """Quotations in one paragraph, paired robustly: curly marks first, straight ones by alternation.

    A stray mark never fails the paragraph: an unpaired closing mark is dropped, an unpaired opening
    mark runs to the end of the paragraph (a quotation continued in the next paragraph).
    """
    marks = []
    doubled = set()  # ''quotes'' written with two apostrophes, as some papers do
    for match in re.finditer(r"''", text[start:end]):
        doubled.update((start + match.start(), start + match.start() + 1))
    for i in range(start, end):
        ch = text[i]
        if i in doubled:
            if i - 1 in doubled and text[i - 1] == "'" and (i - 2 not in doubled or text[i - 2] != "'"):
                continue  # the second apostrophe of a pair
            before = text[i - 1] if i > start else " "
            marks.append((i, "open" if before.isspace() or before in "([—–-" or i == start else "close", 2))
            continue
        if ch in OPEN_MARKS:
            marks.append((i, "open", 1))
        elif ch in CLOSE_MARKS:
            marks.append((i, "close", 1))
        elif ch == '"':
            before = text[i - 1] if i > start else " "
            after = text[i + 1] if i + 1 < end else " "
            if before.isspace() or before in "([—–-" or i == start:
                marks.append((i, "open", 1))
            elif after.isspace() or after in ".,;:!?)—–-" or i + 1 == end:
                marks.append((i, "close", 1))
    found, opened, width = [], None, 1
    for pos, kind, size in marks:
        if kind == "open":
            if opened is None:
                opened, width = pos, size
        elif opened is not None:
            continued = opened == start and open_before
            found.append(_quote(text, opened + width, pos, opened, pos + size, False, continued))
            opened = None
    if opened is not None:
        found.append(_quote(text, opened + width, end, opened, end, True, opened == start and open_before))
    return [q for q in found if q.end > q.start and re.search(r"\w", text[q.start : q.end])]


def _quote(text, a, b, open_start, close_end, runs_on, continued) -> Quote:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return Quote(a, b, open_start, close_end, runs_on, continued)


INNER = re.compile(r"(?<![\w’'])‘(?P<body>[^‘’]*(?:’\w[^‘’]*)*)’(?!\w)")


def inner_quotes(text: str, start: int, end: int) -> list[Quote]:
    """Quotations inside a quotation, in single marks: ‘…’ (an apostrophe inside a word is not a mark)."""
    found = []
    for match in INNER.finditer(text, start, end):
        a, b = match.span("body")
        found.append(_quote(text, a, b, match.start(), match.end(), False, False))
    return [q for q in found if words(text[q.start : q.end]) >= 3]


def words(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9’']+", text))


@dataclass(frozen=True)
class Report:
    """A reported clause and what introduced it."""

    start: int
    end: int
    cue: str
    cue_start: int
    cue_end: int
    subject_side: str  # "before": the speaker precedes the verb; "after": follows it; "according"


def reports(text: str, start: int, end: int, blocked: list[tuple[int, int]]) -> list[Report]:
    """Reported clauses in one sentence: "X said (that) CLAUSE", "CLAUSE, X said", "according to X, CLAUSE"."""
    sentence = text[start:end]
    out = []
    if end - start > MAX_SENTENCE:
        return out  # no reader's sentence is this long: a list, a table or hostile input, not speech

    def inside(pos: int) -> bool:
        return any(a <= pos < b for a, b in blocked)

    match = ACCORDING.search(sentence)
    if match and not inside(start + match.start()):
        head = start + match.start()
        comma = sentence.find(",", match.end())
        if match.start() < 3 and comma > 0:  # "According to X, CLAUSE."
            out.append(Report(start + comma + 1, end, "according to", head, start + match.end(), "according"))
        elif match.start() > 20:  # "CLAUSE, according to X."
            out.append(Report(start, head, "according to", head, start + match.end(), "according"))
        return [_trim(text, r) for r in out if r.end - r.start > 15]
    match = OPINION.search(sentence)
    if match and not inside(start + match.start()):
        out.append(
            Report(start + match.end(), end, "in his opinion", start + match.start(), start + match.end(), "opinion")
        )
        return [_trim(text, r) for r in out]
    trailing = TRAILING_CUE.search(sentence)
    if trailing and not inside(start + trailing.start()) and not _quoted(text, start, start + trailing.start()):
        # "CLAUSE, Russian Foreign Minister Sergey Lavrov said on Monday.": one report, whatever verbs CLAUSE holds
        group = "verb" if trailing.group("verb") else "verb2"
        v0, v1 = start + trailing.start(group), start + trailing.end(group)
        subject = trailing.group("subj") or ""
        relative = re.match(RELATIVE, subject) or re.search(r"\b(?:and|or|but|then)\s*$", subject)
        if trailing.start() > 20 and not relative and not re.match(LEAD_IN, sentence):
            return [_trim(text, Report(start, start + trailing.start(), trailing.group(group), v0, v1, "after"))]
    verbs = [v for v in VERB.finditer(sentence) if not inside(start + v.start())][:MAX_CUES]
    for i, verb in enumerate(verbs):
        v0, v1 = start + verb.start(), start + verb.end()
        before = text[start:v0]
        after = text[v1:end]
        if re.search(r"[”\"’][,.]?\s*(?:[^,.“”\"]{1,60}\s+)?$", before) and _quoted(text, start, v0):
            continue  # the cue of a direct quotation: “…,” said X / “…,” X said
        # "CLAUSE, X said." / "CLAUSE, said X." : the verb sits in a short tail after a comma.
        tail = re.search(r"[,—–-]\s*[^,]{0,60}$", before)
        short = len(after.strip(' .!?"”’')) < 3 or re.match(r"\s*(?:,|on [A-Z]|in an?\b|to\b|at\b|during\b)", after)
        # "Commenting on X's statement that…, Y said": what precedes the cue is not what Y said.
        lead_in = re.match(LEAD_IN, before)
        if tail and short and not lead_in and not any(r.start <= v0 < r.end for r in out):
            clause_end = start + tail.start()
            clause_start = max([r.cue_end for r in out] + [start])
            if clause_end - clause_start > 20 and not _quoted(text, clause_start, clause_end):
                out.append(Report(clause_start, clause_end, verb.group(), v0, v1, "after"))
                continue
        # "X said (that) CLAUSE."
        rest = re.match(
            r"\s*(?:on [A-Z][a-z]+\s+|earlier\s+|today\s+|yesterday\s+|in [^,]{3,40},\s+)?(?:that\s+)?", after
        )
        clause_start = v1 + (rest.end() if rest else 0)
        if verb.group() in ("told", "tells", "tell", "telling", "asked", "asks"):
            told = re.match(r"\s*[^,]{1,40}?\s+(?:that\s+)", after)
            if not told:
                continue
            clause_start = v1 + told.end()
        clause_end = end
        if i + 1 < len(verbs):
            # "X said A, and Y warned B": A ends where Y's clause begins.
            region = text[clause_start : start + verbs[i + 1].start()]
            splits = list(re.finditer(r",\s+(?:and\s+|but\s+|while\s+)?|\s+(?:and|but|while)\s+", region))
            if splits and splits[-1].start() > 15:
                clause_end = clause_start + splits[-1].start()
        if clause_end - clause_start > 15 and text[clause_start : clause_start + 1] not in OPEN_MARKS + "\"'":
            out.append(Report(clause_start, clause_end, verb.group(), v0, v1, "before"))
    return [_trim(text, r) for r in out]


def _quoted(text: str, a: int, b: int) -> bool:
    chunk = text[a:b].strip()
    return chunk[:1] in OPEN_MARKS + '"'


def _trim(text: str, report: Report) -> Report:
    a, b = report.start, report.end
    while a < b and text[a] in " ,:;—–-":
        a += 1
    while b > a and text[b - 1] in " .,:;—–-!?":
        b -= 1
    return Report(a, b, report.cue, report.cue_start, report.cue_end, report.subject_side)
