"""The issues' keywords found in text: spelling variants folded, acronyms kept as written, phrases loosely."""

import re
from functools import lru_cache

from positions.statements.records import TopicEntry

# Spelling variants folded before matching keywords: one keyword list serves British and American text.
FOLDS = (
    (re.compile(r"(?i)(defen)se"), r"\1ce"),
    (re.compile(r"(?i)\b(cent|theat)er"), r"\1re"),
    (re.compile(r"(?i)(\w{3})(?:iz|yz)(e|ed|es|ing|ation|ations)\b"), r"\1is\2"),
    (re.compile(r"[’‘`]"), "'"),
    (re.compile(r"[‐‑–—]"), "-"),
)


FOLD_REMEMBERED = 5_000  # characters: a statement's quote and its paragraph are folded for several features


def fold(text: str) -> str:
    """Spelling variants folded, letter case kept (acronym keywords need it); match case-insensitively."""
    return _fold_remembered(text) if len(text) <= FOLD_REMEMBERED else _fold(text)


@lru_cache(maxsize=32)
def _fold_remembered(text: str) -> str:
    return _fold(text)


def _fold(text: str) -> str:
    for pattern, replacement in FOLDS:
        text = pattern.sub(replacement, text)
    return text


@lru_cache(maxsize=256)
def _keyword_pattern(keywords: tuple[str, ...]) -> tuple[re.Pattern | None, re.Pattern | None]:
    """Two patterns for a list of keywords: words and phrases (on lower-cased folded text), acronyms.

    A keyword written in capitals ("START", "NRC") is an acronym: it matches as written, so "START"
    does not match "start". A word may take an ending ("deploy" → "deployed"), and a plural
    keyword matches its singular ("interceptors" → "interceptor").
    """
    words_parts, acronyms = [], []
    for keyword, words in _read(keywords):
        if not words:
            acronyms.append(re.escape(keyword))
            continue
        # A phrase may have a word or two inside it: "two separate missile defence systems".
        body = r"\s+(?:[\w-]+\s+){0,2}?".join(re.escape(w) for w in words)
        tail = r"\b" if len(keyword) <= 4 and " " not in keyword else r"\w*"
        words_parts.append(body + tail)
    # \b first: the regex engine skips ahead to word starts instead of trying every position.
    plain = re.compile(r"\b(?:" + "|".join(words_parts) + ")") if words_parts else None
    caps = re.compile(r"\b(?<!-)(?:" + "|".join(acronyms) + r")(?![\w-])") if acronyms else None
    return plain, caps


@lru_cache(maxsize=256)
def _literals(keywords: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What every match of _keyword_pattern's two patterns contains as written: the first word of a word or
    phrase (in the lower-cased folded text), an acronym itself (in the folded text). A text with none of them
    cannot match, and the pattern need not be run over it."""
    firsts, acronyms = [], []
    for keyword, words in _read(keywords):
        if words:
            firsts.append(words[0])
        else:
            acronyms.append(keyword)
    return tuple(dict.fromkeys(firsts)), tuple(dict.fromkeys(acronyms))


def _read(keywords: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    """Each keyword as both readers above take it: (the keyword stripped, its folded lower-cased words with a
    plural's last "s" dropped), or (the acronym, []) for one written in capitals; blank ones left out."""
    out = []
    for keyword in keywords:
        keyword = keyword.strip()
        if not keyword:
            continue
        if keyword.isupper() and " " not in keyword:
            out.append((keyword, []))
            continue
        words = fold(keyword).lower().split()
        if len(words[-1]) > 4 and words[-1].endswith("s") and not words[-1].endswith("ss"):
            words[-1] = words[-1][:-1]
        out.append((keyword, words))
    return out


def keyword_hits(text: str, topics: tuple[TopicEntry, ...]) -> list[tuple[str, str]]:
    """(issue key, keyword as found) for every keyword use in the text."""
    folded = fold(text)
    lowered = folded.lower()
    hits = []
    for topic in topics:
        keywords = tuple(topic.keywords)
        plain, caps = _keyword_pattern(keywords)
        firsts, acronyms = _literals(keywords)
        if plain is not None and any(word in lowered for word in firsts):
            # Report the words as written ("North Korea"): lower() keeps offsets for all but a few letters.
            written = folded if len(folded) == len(lowered) else lowered
            hits.extend((topic.key, written[m.start() : m.end()]) for m in plain.finditer(lowered))
        if caps is not None and any(acronym in folded for acronym in acronyms):
            hits.extend((topic.key, match.group()) for match in caps.finditer(folded))
    return hits


def topics_of(text: str, topics: tuple[TopicEntry, ...]) -> tuple[str, ...]:
    """The issues whose keywords a text uses, most used first."""
    counts: dict[str, int] = {}
    for key, _word in keyword_hits(text, topics):
        counts[key] = counts.get(key, 0) + 1
    order = {topic.key: i for i, topic in enumerate(topics)}
    return tuple(sorted(counts, key=lambda k: (-counts[k], order[k])))


def mentions_subject(text: str, subjects: tuple[str, ...]) -> bool:
    subjects = tuple(subjects)
    plain, caps = _keyword_pattern(subjects)
    firsts, acronyms = _literals(subjects)
    folded = fold(text)
    lowered = folded.lower()
    return bool(
        (plain and any(word in lowered for word in firsts) and plain.search(lowered))
        or (caps and any(acronym in folded for acronym in acronyms) and caps.search(folded))
    )


def strong(hits: list[tuple[str, str]]) -> bool:
    """Keywords that put a text on topic by themselves: a phrase or an acronym, keywords of two issues,
    or three different ones; one common word, or one issue's word named twice, does not."""
    words = {word.lower() for _key, word in hits}
    if len(words) >= 3 or (len(words) >= 2 and len({key for key, _word in hits}) >= 2):
        return True
    return any(" " in word or "-" in word or (word.isupper() and len(word) >= 3) for _key, word in hits)
