"""Where statements are: a CRF tags each token as content (what was said), source (who said it) or neither.

Tokens and their features come from spaCy's small English pipeline (words, parts of speech, the
dependency tree, named entities), from the quotation marks around them and from the one table of
reporting verbs. The model is a linear-chain CRF (python-crfsuite through sklearn-crfsuite's
conventions), fitted by `manage.py train_extractor` and shipped in positions/statements/trained/.
"""

import bisect
import re
import sys
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from positions.statements import nlp, speech, verbs

LABELS = ("O", "B-C", "I-C", "B-S", "I-S")  # content and source, begin and inside
QUOTE_MARKS = '"“”«»„'
PRONOUNS = {"he", "she", "they", "i", "we", "it", "you"}
WINDOW = 2  # words either side that a token sees


class Offsets:
    """A piece's token offsets in the document, (start, end) by token, held as two arrays of integers: a long
    text's tens of thousands of tokens cost 16 bytes each, not a tuple and two integer objects."""

    __slots__ = ("ends", "starts")

    def __init__(self, starts, ends):
        self.starts = array("l", starts)
        self.ends = array("l", ends)

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, i: int) -> tuple[int, int]:
        return self.starts[i], self.ends[i]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return zip(self.starts, self.ends, strict=True)

    def __eq__(self, other) -> bool:
        return isinstance(other, Offsets) and self.starts == other.starts and self.ends == other.ends

    def __hash__(self) -> int:
        return hash((self.starts.tobytes(), self.ends.tobytes()))

    def __repr__(self) -> str:
        return f"Offsets({list(self)})"


@dataclass(frozen=True)
class Sequence:
    """One piece of text as the tagger sees it: token offsets in the document and their features."""

    piece: nlp.Piece
    offsets: Offsets
    features: tuple[tuple[str, ...], ...]
    # what the later stages read off the parse, per token: lemma, part of speech, entity type, head index
    lemmas: tuple[str, ...] = ()
    pos: tuple[str, ...] = ()
    ents: tuple[str, ...] = ()
    heads: tuple[int, ...] = ()
    sentence_starts: tuple[int, ...] = ()
    # and what they read of its features (`features` may be dropped once tagged): the lower-cased word and
    # the dependency ("w=", "dep="), and one byte per token for "cue", "q=1", "mark" and an entity's "ent=B…"
    lower: tuple[str, ...] = ()
    deps: tuple[str, ...] = ()
    cues: bytes = b""
    quoted: bytes = b""
    marks: bytes = b""
    ent_begins: bytes = b""


def quoted_mask(text: str, start: int, end: int) -> bytearray:
    """1 for every character of [start, end) inside a quotation, marks excluded."""
    mask = bytearray(end - start)
    for q in speech.quotes(text, start, end):
        for i in range(q.start - start, q.end - start):
            mask[i] = 1
    return mask


@lru_cache(maxsize=4096)
def _shape(word: str) -> str:
    shape = re.sub(r"[A-Z]", "X", word)
    shape = re.sub(r"[a-z]", "x", shape)
    shape = re.sub(r"\d", "d", shape)
    return re.sub(r"(.)\1{2,}", r"\1\1", shape)[:6]


Q_NAMES = ("q=0", "q=1")
CUEHOPS = ("cuehops=0", "cuehops=1", "cuehops=2", "cuehops=3")
_CLOSED: dict[str, dict[str, str]] = {}  # prefix → value → name, for the parse's closed sets of labels
_OPEN: dict[str, dict[str, str]] = {}  # the same for open sets (words, lemmas, shapes), each kept to OPEN_KEPT
OPEN_KEPT = 20_000  # names per prefix: the words of many documents (most recur), a few MB at most


def _names(prefix: str, values: list[str], cache: dict[str, str]) -> list[str]:
    """prefix + value for each value, interned, each made once per cache."""
    out = []
    for value in values:
        name = cache.get(value)
        if name is None:
            name = cache[value] = sys.intern(prefix + value)
        out.append(name)
    return out


def _closed(prefix: str, values: list[str]) -> list[str]:
    """The same for a closed set of values (parts of speech, tags, dependencies, entity types, flags): the
    names are kept from call to call, a few hundred in all."""
    return _names(prefix, values, _CLOSED.setdefault(prefix, {}))


def _open(prefix: str, values: list[str]) -> list[str]:
    """The same for an open set of values: the names are kept from call to call (the next document's words
    are mostly this one's) until a prefix has OPEN_KEPT of them, then dropped and made afresh."""
    cache = _OPEN.setdefault(prefix, {})
    if len(cache) > OPEN_KEPT:
        cache.clear()
    return _names(prefix, values, cache)


def _bucket(n: int) -> str:
    if n == 0:
        return "0"
    sign = "+" if n > 0 else "-"
    n = abs(n)
    return sign + ("1" if n == 1 else "2" if n == 2 else "3-5" if n <= 5 else "6-10" if n <= 10 else "far")


def featurize(text: str, piece: nlp.Piece, doc) -> Sequence:
    """The features of every token of one parsed piece. Each token's attributes are read off the parse
    once into plain lists (spaCy builds a new object for every `token.head`), the rest is list work."""
    mask = quoted_mask(text, piece.start, piece.end)
    tokens = list(doc)
    n = len(tokens)
    words = [t.text for t in tokens]
    lower = [t.lower_ for t in tokens]
    lemmas = [t.lemma_ for t in tokens]
    pos = [t.pos_ for t in tokens]
    tag = [t.tag_ for t in tokens]
    dep = [t.dep_ for t in tokens]
    ent_type = [t.ent_type_ for t in tokens]
    iob = [t.ent_iob_ for t in tokens]
    head = [t.head.i for t in tokens]
    idx = [t.idx for t in tokens]
    starts = [bool(t.is_sent_start) for t in tokens]
    cue = [p in ("VERB", "AUX") and verbs.is_reporting(lemma) for p, lemma in zip(pos, lemmas, strict=True)]
    cue = [c or (lower[i] == "according" and i + 1 < n and lower[i + 1] == "to") for i, c in enumerate(cue)]
    inside = [bool(mask[i]) if i < len(mask) else False for i in idx]
    marks = [w in QUOTE_MARKS for w in words]
    sent_of = [0] * n
    sentence_starts = []
    sent_flags: list[str] = []
    for k, sent in enumerate(doc.sents):
        sentence_starts.append(sent.start)
        span = range(sent.start, sent.end)
        sent_flags.append(f"{int(any(cue[i] for i in span))}{int(any(marks[i] or inside[i] for i in span))}")
        for i in span:
            sent_of[i] = k
    cue_positions = [i for i in range(n) if cue[i]]
    opens_quoted = bool(tokens) and marks[0]
    # Every name a token gives itself or lends its neighbours is made once per token, interned (one copy of
    # each name: a long text's features fit in memory); the loop below only picks them, in the same order.
    word_names = [_open("w=", lower), _open("l=", [x.lower() for x in lemmas]),
                  _open("sh=", [_shape(w) for w in words]), _open("sfx=", [x[-3:] for x in lower]),
                  _closed("pos=", pos), _closed("tag=", tag), _closed("dep=", dep),
                  _closed("ent=", [b + e if e else "O" for b, e in zip(iob, ent_type, strict=True)])]  # fmt: skip
    own = list(zip(*word_names, strict=True)) if n else []
    hdep, hpos = _closed("hdep=", dep), _closed("hpos=", pos)
    q_pos = _closed("q|pos=", [f"{int(q)}{p}" for q, p in zip(inside, pos, strict=True)])
    sc_names = [(_closed("sc=", [flags])[0], _closed("q|sc=", ["0" + flags, "1" + flags])) for flags in sent_flags]
    window = []  # per neighbour, nearest first and the one before first: step, names, and the nearest's extras
    for d in range(1, WINDOW + 2):
        for step, side in ((-d, "-"), (d, "+")):
            extras = None
            if d == 1:
                entities = _closed(f"{side}1e=", [e or "O" for e in ent_type])
                extras = (_closed(f"{side}1d=", dep), (f"{side}1q=0", f"{side}1q=1"), entities, f"{side}1cue",
                          f"{side}1mark")  # fmt: skip
            near_words = _open(f"{side}{d}w=", lower) if d <= WINDOW else None
            window.append((step, _closed(f"{side}{d}p=", pos), near_words, extras, f"{side}{d}=edge"))
    features = []
    for i in range(n):
        q = int(inside[i])
        sc, q_sc = sc_names[sent_of[i]]
        h = head[i]
        f = ["bias", *own[i], hdep[h], hpos[h], Q_NAMES[q], sc, q_sc[q], q_pos[i]]
        if opens_quoted:
            f.append("pq")
        if marks[i]:
            f.append("mark")
            f.append(
                sys.intern(f"mark|q-={int(inside[i - 1]) if i else 0}|q+={int(inside[i + 1]) if i + 1 < n else 0}")
            )
        if cue[i]:
            f.append("cue")
            f.append(sys.intern(f"cuek={verbs.cue_kind(lemmas[i]) or 'plain'}"))
        if h != i and cue[h]:
            f.append(sys.intern(f"undercue={dep[i]}"))
        # the arc under the nearest reporting verb above this token: ccomp (what was said), nsubj (who)
        node, hops = i, 0
        while head[node] != node and hops < 8:
            if cue[head[node]]:
                f.append(sys.intern(f"cuearc={dep[node]}"))
                f.append(sys.intern(f"cuearc|q={dep[node]}{q}"))
                f.append(CUEHOPS[min(hops, 3)])
                break
            node, hops = head[node], hops + 1
        else:
            f.append("nocue")
        if cue_positions:
            nearest = _nearest(cue_positions, i)
            if sent_of[nearest] == sent_of[i]:
                bucket = _bucket(i - nearest)
                f.append(sys.intern(f"cued={bucket}"))
                f.append(sys.intern(f"cued|q={bucket}{q}"))
        if lower[i] in PRONOUNS:
            f.append("pron")
        if starts[i]:
            f.append("bos")
        if i == n - 1 or starts[i + 1]:
            f.append("eos")
        if i == 0 and piece.first:
            f.append("bop")
        for step, pos_names, near_words, extras, edge in window:
            j = i + step
            if 0 <= j < n:
                f.append(pos_names[j])
                if near_words is not None:
                    f.append(near_words[j])
                if extras is not None:
                    dep_names, q_names, ent_names, cue_name, mark_name = extras
                    f.append(dep_names[j])
                    f.append(q_names[inside[j]])
                    f.append(ent_names[j])
                    if cue[j]:
                        f.append(cue_name)
                    if marks[j]:
                        f.append(mark_name)
            else:
                f.append(edge)
        features.append(tuple(f))
    return Sequence(
        piece=piece,
        offsets=Offsets(
            [piece.start + a for a in idx], [piece.start + a + len(w) for a, w in zip(idx, words, strict=True)]
        ),
        features=tuple(features),
        lemmas=tuple(map(sys.intern, lemmas)),
        pos=tuple(pos),
        ents=tuple(ent_type),
        heads=tuple(head),
        sentence_starts=tuple(sentence_starts),
        lower=tuple(map(sys.intern, lower)),
        deps=tuple(map(sys.intern, dep)),
        cues=bytes(cue),
        quoted=bytes(inside),
        marks=bytes(marks),
        ent_begins=bytes(b == "B" and bool(e) for b, e in zip(iob, ent_type, strict=True)),
    )


def _nearest(positions: list[int], i: int) -> int:
    """The position nearest to i in a sorted list (the earlier one on a tie, as min() over the list gives)."""
    k = bisect.bisect_left(positions, i)
    if k == 0:
        return positions[0]
    if k == len(positions):
        return positions[-1]
    before, after = positions[k - 1], positions[k]
    return before if i - before <= after - i else after


def items(sequence: Sequence) -> list[list[str]]:
    """The sequence's features as the CRF takes them: names, each with value 1. (spaCy's tok2vec values as
    dense features were tried: no better out of sample, a quarter slower and heavier.)"""
    return [list(names) for names in sequence.features]


def sequences(text: str, paragraphs: list[tuple[int, int]]) -> list[Sequence]:
    """Every paragraph of a document, parsed and featurised."""
    return list(each_sequence(text, paragraphs))


def each_sequence(text: str, paragraphs: list[tuple[int, int]]) -> Iterator[Sequence]:
    """The same, one piece at a time: a reader that tags each and keeps it without its features
    (`Tagger.read`) holds one piece's features at a time, not a long text's."""
    chunks = nlp.pieces(text, paragraphs)
    for piece, doc in zip(chunks, nlp.parse(text, chunks), strict=True):
        yield featurize(text, piece, doc)


def labels_for(
    sequence: Sequence, text: str, contents: list[tuple[int, int]], sources: list[tuple[int, int]]
) -> list[str]:
    """BIO labels of a sequence's tokens from character spans (source wins where both cover a token).

    A content span that opens with a quotation mark is a direct quotation: only the quoted words are
    content, so "“A,” he said. “B.”" gives two contents and no cue inside them. Elsewhere the marks
    at either end are left out and marks inside are kept ("he would “abolish” it").
    """
    a0, b0 = sequence.piece.start, sequence.piece.end
    named = [("S", s) for s in sources if s[0] < b0 and s[1] > a0]
    named += [("C", s) for s in contents if s[0] < b0 and s[1] > a0]
    out, previous = [], None
    for k, (a, b) in enumerate(sequence.offsets):
        tag = next(((kind, span) for kind, span in named if span[0] <= a < span[1]), None)
        if tag is not None and tag[0] == "C":
            span = tag[1]
            quoted = sequence.quoted[k]
            if text[span[0]] in QUOTE_MARKS:
                if not quoted:
                    tag = None
            elif sequence.marks[k] and (a == span[0] or b >= span[1]):
                tag = None
        out.append("O" if tag is None else ("I-" if tag == previous else "B-") + tag[0])
        previous = tag
    return out


def spans_of(sequence: Sequence, labels: list[str], kind: str) -> list[tuple[int, int, int, int]]:
    """(start, end, first token, last token + 1) of each run of `kind` labels."""
    out = []
    begin = None
    for i, label in enumerate([*labels, "O"]):
        inside = label[2:] == kind
        if begin is not None and (not inside or label.startswith("B-")):
            out.append((sequence.offsets[begin][0], sequence.offsets[i - 1][1], begin, i))
            begin = None
        if inside and begin is None:
            begin = i
    return out


class Tagger:
    """A fitted CRF, loaded once per process."""

    def __init__(self, path: Path):
        import pycrfsuite

        self.path = path
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(path))

    def tag(self, sequence: Sequence) -> list[str]:
        if not sequence.features:
            return []
        return self._tagger.tag(items(sequence))

    def tag_with_confidence(self, sequence: Sequence) -> tuple[list[str], list[float]]:
        """The labels and, for each token tagged as content or source, the model's probability of its label
        (0.0 for the others: the later stages read only a content's)."""
        labels = self.tag(sequence)
        marginal = self._tagger.marginal
        return labels, [0.0 if label == "O" else marginal(label, i) for i, label in enumerate(labels)]

    def read(self, sequences: Iterator[Sequence]) -> tuple[list[Sequence], list[list[str]], list[array]]:
        """Each sequence tagged as it comes, then kept without its features (the later stages read the
        sequence's other fields): the sequences, their labels and the probability of each label."""
        kept, labels, marginals = [], [], []
        for sequence in sequences:
            tags, p = self.tag_with_confidence(sequence)
            kept.append(replace(sequence, features=()))
            labels.append(list(map(sys.intern, tags)))  # one copy of each label, not one a token
            marginals.append(array("d", p))  # 8 bytes a token, not a float object
        return kept, labels, marginals


def fit(xs: list[Sequence], ys: list[list[str]], path: Path, *, c1: float = 0.05, c2: float = 0.01,
        iterations: int = 150) -> None:  # fmt: skip
    """Fit the CRF with L-BFGS (deterministic for the same data in the same order) and write it to `path`."""
    import pycrfsuite

    trainer = pycrfsuite.Trainer(algorithm="lbfgs", verbose=False)
    for x, y in zip(xs, ys, strict=True):
        trainer.append(items(x), y)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": iterations, "feature.possible_transitions": True})
    path.parent.mkdir(parents=True, exist_ok=True)
    trainer.train(str(path))


# -- reading the tagged spans ------------------------------------------------------------------------

TRIM_START = " \t\"“”'‘’(,;:—–-"
TRIM_END = ' \t“"‘(,;:—–-'


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """A content span without the marks and commas around it (a closing quote mark after a full stop stays out),
    and without the "that" that opens a reported clause."""
    while start < end and text[start] in TRIM_START:
        start += 1
    opening = re.match(r"that\s+(?=[\w“\"])", text[start:end])
    if opening:
        start += opening.end()
        while start < end and text[start] in TRIM_START:
            start += 1
    while end > start and text[end - 1] in TRIM_END + "”’":
        end -= 1
    return start, end


def words(text: str) -> int:
    return len(re.findall(r"[^\W_]+(?:['’][^\W_]+)?", text))


def quoted(sequence: Sequence, first: int, last: int) -> bool:
    """Most of the span's tokens stand inside quotation marks: a direct quotation."""
    inside = sum(sequence.quoted[first:last])
    return inside * 2 > (last - first)


def persons(sequences: list[Sequence]) -> list[tuple[int, int]]:
    """Character spans of the people the parser names."""
    out = []
    for sequence in sequences:
        i, n = 0, len(sequence.ents)
        while i < n:
            if sequence.ents[i] == "PERSON":
                j = i + 1
                while j < n and sequence.ents[j] == "PERSON" and not sequence.ent_begins[j]:
                    j += 1
                out.append((sequence.offsets[i][0], sequence.offsets[j - 1][1]))
                i = j
            else:
                i += 1
    return out


def tokens_in(sequences: list[Sequence], start: int, end: int):
    """(sequence, token index) of every token inside [start, end)."""
    import bisect

    for sequence in sequences:
        if sequence.piece.end <= start or sequence.piece.start >= end:
            continue
        starts = [a for a, _b in sequence.offsets]
        i = bisect.bisect_left(starts, start)
        while i < len(starts) and starts[i] < end:
            yield sequence, i
            i += 1
