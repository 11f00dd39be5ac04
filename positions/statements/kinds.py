"""What kind of statement it is (DESIGN.md's nine): a learned choice from its words, its cue and its form.

The features are the statement's own lemmas (modal verbs, negation and persons included), the kind its
cue verb says by itself in the table of reporting verbs (positions/statements/verbs.py), the kinds of
the reporting verbs inside it ("we propose", "I reject"), and whether it is quoted, reported or a
turn. The model is fitted on the gold and curated statements by `manage.py train_extractor`.
"""

import re

from positions.statements import learned, verbs
from positions.statements.classify import fold
from positions.statements.tagger import Sequence, tokens_in

MAX_TOKENS = 120  # a long turn is read for its first sentences: what it opens with says what it is
OPENING = 30  # tokens that count as a statement's opening
WITH_LEXICON = True  # the kind words, markers and pairs below, beside the phrases
USE_TABLE = True  # the table's kind where it gives one, the model's elsewhere (0.34 against 0.26 out of fold)
WITH_WORDS = False  # the statement's own lemmas as features, beside the kind words
MARKERS = {
    "must": "modal_must", "should": "modal_should", "will": "modal_will", "would": "modal_would",
    "can": "modal_can", "could": "modal_could", "need": "modal_need", "not": "neg", "n't": "neg", "never": "neg",
    "no": "neg", "if": "cond", "unless": "cond", "?": "question", "we": "we", "i": "i", "you": "you",
    "they": "they", "our": "we", "us": "we",
}  # fmt: skip


def kind_features(
    sequences: list[Sequence], start: int, end: int, cue_lemma: str, mode: str, text: str = ""
) -> dict[str, float]:
    f: dict[str, float] = {"bias": 1.0, f"mode={mode}": 1.0, **phrase_features(text)}
    kind = verbs.cue_kind(cue_lemma) if cue_lemma else ""
    f[f"cuek={kind or ('plain' if cue_lemma else 'none')}"] = 1.0
    f[f"table={table_kind(f) or 'none'}"] = 1.0
    if not WITH_LEXICON:
        return f
    counts: dict[str, int] = {}
    recent: list[str] = []  # the lemmas just before, for "we propose", "will not accept"
    for seen, (sequence, i) in enumerate(tokens_in(sequences, start, end)):
        if seen >= MAX_TOKENS:
            break
        lemma = sequence.lemmas[i].lower()
        marker = MARKERS.get(lemma)
        if marker:
            f[marker] = 1.0
        for word_kind in verbs.KIND_OF_WORD.get(lemma, ()):
            counts[word_kind] = counts.get(word_kind, 0) + 1
            if seen < OPENING:
                f[f"open={word_kind}"] = 1.0
            for before in recent:
                if MARKERS.get(before) in ("we", "i", "neg", "modal_will", "modal_must", "modal_should"):
                    f[f"{MARKERS[before]}+{word_kind}"] = 1.0
        if WITH_WORDS and sequence.pos[i] not in ("PUNCT", "SPACE", "NUM", "PROPN"):
            f[f"l={lemma}"] = 0.5
        recent = [*recent[-2:], lemma]
    for word_kind, n in counts.items():
        f[f"words={word_kind}"] = min(n, 3) / 3
    return f


PHRASES = tuple((kind, re.compile(pattern)) for kind, pattern in verbs.KIND_PHRASES.items())


def phrase_features(text: str) -> dict[str, float]:
    """The kinds the table's phrases give, in the whole statement and in its first sentence."""
    folded = fold(text[:2000]).lower()
    first = re.split(r"(?<=[.!?])\s+", folded, maxsplit=1)[0]
    f = {}
    for kind, pattern in PHRASES:
        if pattern.search(folded):
            f[f"phrase={kind}"] = 1.0
            if pattern.search(first):
                f[f"phrase1={kind}"] = 1.0
    return f


def table_kind(features: dict[str, float]) -> str:
    """The kind the table alone gives: the cue verb's, else the first sentence's phrases, else the whole
    statement's, in the table's order; "" when it gives none."""
    for name in ("cuek=",):
        for key in features:
            if key.startswith(name) and key[len(name) :] not in ("plain", "none"):
                return key[len(name) :]
    for prefix in ("phrase1=", "phrase="):
        for kind in verbs.KIND_PHRASES:
            if f"{prefix}{kind}" in features:
                return kind
    return ""


class KindModel:
    def __init__(self, model: learned.LinearModel):
        self.model = model

    def __call__(self, features: dict[str, float]) -> str:
        if USE_TABLE:
            return table_kind(features) or self.model.best(features)[0]
        return self.model.best(features)[0]
