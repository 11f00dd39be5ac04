"""Who said each content span: a learned choice among the sources and names around it.

Candidates are the spans the tagger marked as sources, the named people, organisations and places,
and the personal pronouns, in the content's piece of text and the two before it. A logistic model
scores each (content, candidate) pair from where they stand (before or after, how far, in the same
sentence, with a reporting verb between them, the candidate as the verb's subject) and what the
candidate is; the best one above a threshold is the source. A content with none takes the source of
the quotation it continues.
"""

from bisect import bisect_left
from dataclasses import dataclass

from positions.statements import learned
from positions.statements.tagger import PRONOUNS, Sequence, spans_of

ENTITY_KINDS = {"PERSON": "person", "ORG": "org", "GPE": "place", "NORP": "group"}
LOOK_BACK = 2  # pieces before the content's own where a source may stand
THRESHOLD = 0.25
# Candidates either side of a content that may be its source: in our corpus and PolNeAR's dev set the source
# chosen is never further than the sixth before or the second after; a text of nothing but names has hundreds.
NEAREST = 16
MAX_SUBJECT = 40  # tokens: a longer "subject" is a parse gone wrong, not a name with its apposition


@dataclass(frozen=True)
class Span:
    """A run of tokens in one sequence, with its document offsets."""

    seq: int  # index of the sequence (piece) in the document
    first: int  # first token
    last: int  # last token + 1
    start: int
    end: int
    kind: str = ""  # for candidates: source, person, org, place, group, pronoun


def contents_and_sources(sequences: list[Sequence], labels: list[list[str]]) -> tuple[list[Span], list[Span]]:
    contents, sources = [], []
    for k, (sequence, tags) in enumerate(zip(sequences, labels, strict=True)):
        for a, b, i, j in spans_of(sequence, tags, "C"):
            contents.append(Span(k, i, j, a, b))
        for a, b, i, j in spans_of(sequence, tags, "S"):
            sources.append(Span(k, i, j, a, b, "source"))
    return contents, sources


SUBJECT_DEPS = ("nsubj", "nsubjpass")
CONTROLLED = ("advcl", "xcomp")  # a verb whose missing subject is its head's


def subjects(sequences: list[Sequence]) -> list[Span]:
    """The subject of every reporting verb ("officials said", "the report found"), whole: its phrase as
    the parse draws it, appositions included ("Tim Hess, a developer in Virginia"), its last marks left out."""
    out = []
    for k, sequence in enumerate(sequences):
        heads = sequence.heads
        if not heads:
            continue
        children = _children(heads)
        for verb in range(len(heads)):
            if not _cue(sequence, verb):
                continue
            # "Clinton mocked the complaint, saying…", "Trump declined to say…": a reporting verb with no subject of
            # its own speaks for the subject of the verb it hangs from
            owner, hops = verb, 0
            while (
                hops < 3
                and _dep(sequence, owner) in CONTROLLED
                and heads[owner] != owner
                and not any(_dep(sequence, c) in (*SUBJECT_DEPS, "agent") for c in children[owner])
            ):
                owner, hops = heads[owner], hops + 1
            for child in children[owner]:
                dep = _dep(sequence, child)
                if dep == "agent":  # "was said by the minister"
                    child = next((c for c in children[child] if _dep(sequence, c) == "pobj"), None)
                    if child is None:
                        continue
                elif dep not in SUBJECT_DEPS:
                    continue
                lo, hi = _subtree(sequence, children, child)
                while hi > lo and _dep(sequence, hi) == "punct":
                    hi -= 1
                if hi - lo + 1 > MAX_SUBJECT:
                    continue
                out.append(Span(k, lo, hi + 1, sequence.offsets[lo][0], sequence.offsets[hi][1], "subject"))
    return out


def governing(sequences: list[Sequence], contents: list[Span]) -> list[Span]:
    """For each content, the subject of the nearest verb above it that has one outside it: "the President has
    talked about the notion that…", "Medvedev has been very clear that…", whether or not the table of reporting
    verbs lists the verb. (On PolNeAR's development split, with the linker refitted, the candidates then hold
    the annotated source of 92.2% of the named ones, against 91.2%.)"""
    out = []
    children_of: dict[int, list[list[int]]] = {}  # a piece's tree, drawn once for all of its contents
    for content in contents:
        sequence = sequences[content.seq]
        heads = sequence.heads
        if not heads:
            continue
        inside = range(content.first, content.last)
        root = next((i for i in inside if heads[i] not in inside or heads[i] == i), None)
        if root is None or heads[root] == root:
            continue
        children = children_of.get(content.seq)
        if children is None:
            children = children_of[content.seq] = _children(heads)
        node = heads[root]
        for _hop in range(4):
            subject = next((c for c in children[node] if _dep(sequence, c) in SUBJECT_DEPS and c not in inside), None)
            if subject is not None and sequence.pos[node] in ("VERB", "AUX"):
                lo, hi = _subtree(sequence, children, subject)
                while hi > lo and _dep(sequence, hi) == "punct":
                    hi -= 1
                if hi - lo + 1 <= MAX_SUBJECT and not (lo < content.last and hi >= content.first):
                    start, end = sequence.offsets[lo][0], sequence.offsets[hi][1]
                    out.append(Span(content.seq, lo, hi + 1, start, end, "subject"))
                break
            if heads[node] == node:
                break
            node = heads[node]
    return out


def subject_of(sequences: list[Sequence], offset: int) -> tuple[int, int] | None:
    """The characters of the subject of the verb whose word starts at `offset`, or of the verb it is joined to
    ("Cooper praised … and issued"); the first of joined subjects alone ("McKeon and Turner" is McKeon)."""
    for sequence in sequences:
        if not (sequence.piece.start <= offset < sequence.piece.end) or not sequence.heads:
            continue
        verb = bisect_left(sequence.offsets.starts, offset)
        if verb == len(sequence.offsets) or sequence.offsets.starts[verb] != offset:
            return None
        heads, children = sequence.heads, _children(sequence.heads)
        owner = verb
        while (
            _dep(sequence, owner) == "conj"
            and heads[owner] != owner
            and not any(_dep(sequence, c) in SUBJECT_DEPS for c in children[owner])
        ):
            owner = heads[owner]
        subject = next((c for c in children[owner] if _dep(sequence, c) in SUBJECT_DEPS), None)
        if subject is None:
            return None
        lo, hi = _subtree(sequence, children, subject, leave_out=("conj", "cc"))
        while hi > lo and _dep(sequence, hi) == "punct" and sequence.lower[hi] != ")":
            hi -= 1  # a closing bracket stays: "Rep. Ann Harris (OR-3)"
        return sequence.offsets[lo][0], sequence.offsets[hi][1]
    return None


def _children(heads) -> list[list[int]]:
    """Each token's dependents, from the tokens' heads (a root is its own head)."""
    children: list[list[int]] = [[] for _ in heads]
    for i, head in enumerate(heads):
        if head != i:
            children[head].append(i)
    return children


def who(sequences: list[Sequence], source: Span) -> tuple[int, int]:
    """The characters of the words that say who a source is: its phrase without a relative clause
    ("Lavrov, who met Rasmussen,") or a clause set off after it that tells what it did ("Lavrov, speaking
    after a meeting with Rasmussen,"), whose names are not the speaker's. The source as the text words it
    is `written_extent`'s."""
    seq = sequences[source.seq]
    first, last = source.first, source.last
    if not seq.heads or last - first < 3:
        return source.start, source.end
    # the word the rest hangs from; of several, the one subject ("Rep. Turner, along with McKeon, have called")
    heads = [i for i in range(first, last) if (not (first <= seq.heads[i] < last) or seq.heads[i] == i)
             and _dep(seq, i) != "punct"]  # fmt: skip
    if len(heads) > 1:
        heads = [i for i in heads if _dep(seq, i) in SUBJECT_DEPS]
    if len(heads) != 1:
        return source.start, source.end  # not one phrase as the parse draws it ("The newspaper Kommersant")
    members = [i for i in _phrase(seq, _children(seq.heads), heads[0], ("relcl",)) if first <= i < last]
    aside = next((i for i in members if i > heads[0] and _aside(seq, i, members, frozenset())), None)
    kept = {i for i in members if aside is None or i < aside}
    lo = hi = heads[0]  # the unbroken run of what is kept around the head
    while lo - 1 in kept:
        lo -= 1
    while hi + 1 in kept:
        hi += 1
    while hi > lo and _dep(seq, hi) == "punct":
        hi -= 1
    return seq.offsets[lo][0], seq.offsets[hi][1]


def _phrase(sequence: Sequence, children: list[list[int]], root: int, leave_out: tuple[str, ...]) -> list[int]:
    """The tokens of the phrase under `root`, in order, without the branches whose arc is in `leave_out`."""
    out, stack = [], [root]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(c for c in children[node] if _dep(sequence, c) not in leave_out)
    return sorted(out)


def _subtree(
    sequence: Sequence, children: list[list[int]], root: int, leave_out: tuple[str, ...] = ()
) -> tuple[int, int]:
    """The first and last token of the phrase under `root`, without the branches whose arc is in `leave_out`."""
    lo = hi = root
    stack = [root]
    while stack:
        node = stack.pop()
        lo, hi = min(lo, node), max(hi, node)
        stack.extend(c for c in children[node] if _dep(sequence, c) not in leave_out)
    return lo, hi


def candidates(sequences: list[Sequence], sources: list[Span], contents: list[Span] = ()) -> list[Span]:
    """The tagger's sources, the reporting verbs' subjects and the subjects of the verbs the contents hang from
    (`governing`) that differ from them, then entities and pronouns that overlap none."""
    out = list(sources)
    known = {(s.start, s.end) for s in sources}
    for subject in [*subjects(sequences), *governing(sequences, contents)]:
        if (subject.start, subject.end) not in known:
            out.append(subject)
            known.add((subject.start, subject.end))
    taken = {(s.seq, i) for s in sources for i in range(s.first, s.last)}
    for k, sequence in enumerate(sequences):
        i, n = 0, len(sequence.ents)
        while i < n:
            kind = ENTITY_KINDS.get(sequence.ents[i])
            lowered = sequence.lemmas[i].lower() if sequence.lemmas else ""
            if kind:
                j = i + 1
                while j < n and sequence.ents[j] == sequence.ents[i] and not _begins(sequence, j):
                    j += 1
                if not any((k, x) in taken for x in range(i, j)):
                    out.append(Span(k, i, j, sequence.offsets[i][0], sequence.offsets[j - 1][1], kind))
                i = j
                continue
            if sequence.pos and sequence.pos[i] == "PRON" and lowered in PRONOUNS and (k, i) not in taken:
                out.append(Span(k, i, i + 1, *sequence.offsets[i], "pronoun"))
            i += 1
    out.sort(key=lambda s: (s.start, s.end))
    return out


def _start(span: Span) -> int:
    return span.start


def _begins(sequence: Sequence, i: int) -> bool:
    return bool(sequence.ent_begins[i])


def _sentence(sequence: Sequence, token: int) -> int:
    index = 0
    for k, start in enumerate(sequence.sentence_starts):
        if start <= token:
            index = k
    return index


def _cue(sequence: Sequence, token: int) -> bool:
    return bool(sequence.cues[token])


def pair_features(
    sequences: list[Sequence], content: Span, candidate: Span, between: int, above: frozenset[int] | None = None
) -> dict[str, float]:
    """What a (content, candidate) pair looks like; `between` counts other candidates between them, `above` is
    the content's `ancestors` (computed when not given)."""
    f: dict[str, float] = {"bias": 1.0, f"kind={candidate.kind}": 1.0}
    seq = sequences[content.seq]
    cand_seq = sequences[candidate.seq]
    direct = bool(seq.quoted[content.first]) or (content.first > 0 and bool(seq.marks[content.first - 1]))
    f[f"direct={int(direct)}"] = 1.0
    pieces_apart = content.seq - candidate.seq
    f[f"pieces={pieces_apart}"] = 1.0
    if candidate.end <= content.start:
        side = "before"
    elif candidate.start >= content.end:
        side = "after"
    else:
        side = "inside"
    f[f"side={side}"] = 1.0
    f[f"side|kind={side}|{candidate.kind}"] = 1.0
    f[f"side|direct={side}|{int(direct)}"] = 1.0
    f[f"between={min(between, 3)}"] = 1.0
    f[f"between|side={min(between, 3)}|{side}"] = 1.0
    if pieces_apart == 0:
        if side == "before":
            gap = range(candidate.last, content.first)
        elif side == "after":
            gap = range(content.last, candidate.first)
        else:
            gap = range(0)
        distance = len(gap)
        bucket = "0" if distance == 0 else "1-2" if distance <= 2 else "3-5" if distance <= 5 else "6-12" if (
            distance <= 12) else "far"  # fmt: skip
        f[f"dist={bucket}"] = 1.0
        f[f"dist|side={bucket}|{side}"] = 1.0
        cue_between = any(_cue(seq, i) for i in gap)
        f[f"cuebetween={int(cue_between)}"] = 1.0
        f[f"cuebetween|side={int(cue_between)}|{side}"] = 1.0
        same = _sentence(seq, content.first) == _sentence(seq, candidate.first) or (
            _sentence(seq, content.last - 1) == _sentence(seq, candidate.first)
        )
        f[f"samesent={int(same)}"] = 1.0
        f[f"samesent|side={int(same)}|{side}"] = 1.0
    # the candidate is the subject of a reporting verb, and the content hangs from the same verb
    heads = cand_seq.heads
    subject_of = None
    for i in range(candidate.first, candidate.last):
        head = heads[i] if heads else i
        if head != i and not (candidate.first <= head < candidate.last) and _cue(cand_seq, head):
            subject_of = head
            f[f"subjdep={_dep(cand_seq, i)}"] = 1.0
            break
    if subject_of is not None:
        f["subjcue"] = 1.0
        if candidate.seq == content.seq and any(_under(seq, i, subject_of) for i in range(content.first, content.last)):
            f["samecue"] = 1.0
    elif candidate.seq == content.seq and heads:
        # the subject of a verb the content hangs from, whatever the verb ("Trump tried to…, arguing that…")
        if above is None:
            above = ancestors(seq, content)
        verb = next((heads[i] for i in range(candidate.first, candidate.last) if _dep(cand_seq, i) in SUBJECT_DEPS
                     and heads[i] != i and not (candidate.first <= heads[i] < candidate.last)), None)  # fmt: skip
        if verb is not None and verb in above:
            f["govsubj"] = 1.0
            f[f"govsubj|direct={int(direct)}"] = 1.0
    if cand_seq.quoted[candidate.first]:
        f["candquoted"] = 1.0
    words = candidate.last - candidate.first
    f[f"len={min(words, 4)}"] = 1.0
    return f


def written_extent(sequences: list[Sequence], source: Span, content: Span) -> tuple[int, int]:
    """The whole phrase that names a source, as the parse draws it: a name with its apposition and the comma that
    closes it ("Kevin Barrett, a lawyer at Bailey & Glasser,"), the title a name stands in apposition to
    ("Apple's chief executive, Tim Cook,"), the noun a name modifies ("Clinton aides"), a possessive's mark
    ("Trump's"); the source itself when that phrase would reach into the content or run past MAX_SUBJECT tokens.
    A clause set off by a comma that tells what the source did rather than who it is ends the phrase before it
    (`_aside`): "Trump, speaking to veterans in Virginia,", "Mr. Kamin, who emphasized that…"."""
    seq = sequences[source.seq]
    if not seq.heads:
        return source.start, source.end
    first, last = source.first, source.last
    head = next((i for i in range(first, last) if not (first <= seq.heads[i] < last) or seq.heads[i] == i), first)
    if last - first == 1 and seq.pos[head] == "PRON":
        return source.start, source.end
    while _dep(seq, head) in ("appos", "compound") and seq.heads[head] != head:
        head = seq.heads[head]
    sentence = _sentence(seq, head)
    begin = seq.sentence_starts[sentence]
    stop = seq.sentence_starts[sentence + 1] if sentence + 1 < len(seq.sentence_starts) else len(seq.heads)
    members = [i for i in range(begin, stop) if i == head or first <= i < last or _under(seq, i, head)]
    above = ancestors(seq, content) if source.seq == content.seq else frozenset()
    aside = next((i for i in members if i > head and _aside(seq, i, members, above)), None)
    if aside is not None:
        members = [i for i in members if i < min(j for j in members if j == aside or _under(seq, j, aside))]
    lo, hi = min(members), max(members)
    while hi > lo and _dep(seq, hi) == "punct" and seq.lower[hi] in ",;:.-–—":
        hi -= 1
    while lo < hi and _dep(seq, lo) == "punct":
        lo += 1
    if hi + 1 < stop and seq.lower[hi + 1] == "," and "," in seq.lower[lo:hi]:
        hi += 1  # the comma that closes an apposition opened inside the phrase
    if hi - lo + 1 > MAX_SUBJECT or (source.seq == content.seq and lo < content.last and hi >= content.first):
        return source.start, source.end
    return seq.offsets[lo][0], seq.offsets[hi][1]


ASIDES = ("acl", "advcl")  # "Trump, speaking to veterans,", "a poll, released on Monday,"
SET_OFF = (",", "(", "-", "--", "—", "–")


def _aside(seq: Sequence, token: int, members: list[int], above: frozenset[int]) -> bool:
    """A clause hung on the source's phrase and set off by a comma that says what the source did, not who it
    is: a participle ("Trump, speaking to…"), or a relative clause that is itself a report ("Mr. Kamin, who
    emphasized that…"; on PolNeAR's training split its source stops before 59 of 82 such clauses, before 34 of
    45 participles, and before 96 of 297 other relative clauses, which stay). A clause the content hangs from
    ("Mr. Leenders, who said…") is the report itself, not an aside."""
    dep = _dep(seq, token)
    if (dep not in ASIDES and dep != "relcl") or token in above:
        return False
    clause = [i for i in members if i == token or _under(seq, i, token)]
    if clause[0] == 0 or seq.lower[clause[0] - 1] not in SET_OFF:
        return False
    return dep in ASIDES or any(seq.cues[i] for i in clause)


def _dep(sequence: Sequence, i: int) -> str:
    return sequence.deps[i]


def _under(sequence: Sequence, token: int, verb: int) -> bool:
    node, hops = token, 0
    while hops < 12:
        head = sequence.heads[node]
        if head == verb:
            return True
        if head == node:
            return False
        node, hops = head, hops + 1
    return False


def ancestors(sequence: Sequence, content: Span) -> frozenset[int]:
    """The tokens a content hangs from, outside it: the heads above each of its tokens whose head lies outside."""
    out = set()
    heads = sequence.heads
    for i in range(content.first, content.last):
        node, hops = heads[i], 0
        if content.first <= node < content.last:
            continue
        while node not in out and hops < 12:
            out.add(node)
            if heads[node] == node:
                break
            node, hops = heads[node], hops + 1
    return frozenset(out)


def pairs(sequences: list[Sequence], content: Span, pool: list[Span]):
    """(candidate, features) for every candidate near a content span (`pool` in document order)."""
    # The NEAREST candidates either side, found by bisection: a content's cost does not grow with its document.
    first = bisect_left(pool, content.start, key=_start)
    last = bisect_left(pool, content.end, lo=first, key=_start)
    window = pool[max(0, first - NEAREST) : last + NEAREST]
    near = [c for c in window if content.seq - LOOK_BACK <= c.seq <= content.seq]
    near = [c for c in near if not (c.start >= content.start and c.end <= content.end and c.kind != "source")]
    above = ancestors(sequences[content.seq], content) if sequences[content.seq].heads else frozenset()
    for candidate in near:
        lo, hi = sorted((candidate.end, content.start)) if candidate.end <= content.start else sorted(
            (content.end, candidate.start))  # fmt: skip
        between = sum(1 for c in near if c is not candidate and c.kind in ("source", "person", "pronoun")
                      and lo <= c.start and c.end <= hi)  # fmt: skip
        yield candidate, pair_features(sequences, content, candidate, between, above)


class Linker:
    def __init__(self, model: learned.LinearModel):
        self.model = model

    def source(
        self, sequences: list[Sequence], content: Span, pool: list[Span], threshold: float = THRESHOLD
    ) -> tuple[Span | None, float]:
        best, score = None, 0.0
        for candidate, features in pairs(sequences, content, pool):
            p = self.model.probabilities(features)["1"]
            if p > score:
                best, score = candidate, p
        return (best, score) if score >= threshold and best is not None else (None, score)


def cue_between(sequences: list[Sequence], source: Span, content: Span) -> tuple[str, str]:
    """The reporting verb that joins a source to its content, as written and as a lemma, or ("", "")."""
    seq = sequences[source.seq]
    for i in range(source.first, source.last):
        head = seq.heads[i]
        if not (source.first <= head < source.last) and _cue(seq, head):
            return _word(seq, head), seq.lemmas[head].lower()
    if source.seq == content.seq:
        lo, hi = (source.last, content.first) if source.end <= content.start else (content.last, source.first)
        for i in range(lo, hi):
            if _cue(seq, i):
                return _word(seq, i), seq.lemmas[i].lower()
    return "", ""


def _word(sequence: Sequence, i: int) -> str:
    a, b = sequence.offsets[i]
    return sequence.lower[i][: b - a]


def continues(text: str, previous_end: int, start: int) -> bool:
    """A quotation that goes on from the previous one: after its cue in the same paragraph, or at the
    start of the next paragraph with no cue of its own."""
    gap = text[previous_end:start]
    if "\n" in gap:
        line = text[text.rfind("\n", 0, start) + 1 : start]
        return gap.count("\n") <= 2 and line.strip() in ("“", '"', "«", "")
    return len(gap) <= 80
