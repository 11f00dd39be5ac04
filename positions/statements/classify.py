"""What a statement is: its kind (DESIGN.md's nine) from cue verbs and content cues, its topics from the issues."""

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


def fold(text: str) -> str:
    """Spelling variants folded, letter case kept (acronym keywords need it); match case-insensitively."""
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
    for keyword in keywords:
        keyword = keyword.strip()
        if not keyword:
            continue
        if keyword.isupper() and " " not in keyword:
            acronyms.append(re.escape(keyword))
            continue
        words = fold(keyword).lower().split()
        if len(words[-1]) > 4 and words[-1].endswith("s") and not words[-1].endswith("ss"):
            words[-1] = words[-1][:-1]
        # A phrase may have a word or two inside it: "two separate missile defence systems".
        body = r"\s+(?:[\w-]+\s+){0,2}?".join(re.escape(w) for w in words)
        tail = r"\b" if len(keyword) <= 4 and " " not in keyword else r"\w*"
        words_parts.append(body + tail)
    # \b first: the regex engine skips ahead to word starts instead of trying every position.
    plain = re.compile(r"\b(?:" + "|".join(words_parts) + ")") if words_parts else None
    caps = re.compile(r"\b(?<!-)(?:" + "|".join(acronyms) + r")(?![\w-])") if acronyms else None
    return plain, caps


def keyword_hits(text: str, topics: tuple[TopicEntry, ...]) -> list[tuple[str, str]]:
    """(issue key, keyword as found) for every keyword use in the text."""
    folded = fold(text)
    lowered = folded.lower()
    hits = []
    for topic in topics:
        plain, caps = _keyword_pattern(tuple(topic.keywords))
        if plain is not None:
            # Report the words as written ("North Korea"): lower() keeps offsets for all but a few letters.
            written = folded if len(folded) == len(lowered) else lowered
            hits.extend((topic.key, written[m.start() : m.end()]) for m in plain.finditer(lowered))
        if caps is not None:
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
    plain, caps = _keyword_pattern(tuple(subjects))
    folded = fold(text)
    return bool((plain and plain.search(folded.lower())) or (caps and caps.search(folded)))


def strong(hits: list[tuple[str, str]]) -> bool:
    """Keywords that put a text on topic by themselves: a phrase or an acronym, keywords of two issues,
    or three different ones; one common word, or one issue's word named twice, does not."""
    words = {word.lower() for _key, word in hits}
    if len(words) >= 3 or (len(words) >= 2 and len({key for key, _word in hits}) >= 2):
        return True
    return any(" " in word or "-" in word or (word.isupper() and len(word) >= 3) for _key, word in hits)


def topics_for(
    text: str,
    window: str,
    *,
    topics: tuple[TopicEntry, ...],
    subjects: tuple[str, ...],
    fallback: tuple[str, ...],
    min_words: int = 15,
) -> tuple[str, ...]:
    """The topics of a statement, or () when it does not bear on the negotiation.

    A statement is on topic when its own keywords are strong, or when it or the sentences around it
    name the negotiation's subject ("missile defence"). With no keyword of its own it takes those of
    the sentences around it, or else the document's main topic.
    """
    hits = keyword_hits(text, topics)
    if strong(hits) or mentions_subject(text, subjects):
        pass
    elif hits:
        if not (mentions_subject(window, subjects) or strong(keyword_hits(window, topics))):
            return ()
    elif not (mentions_subject(window, subjects) and len(text.split()) >= min_words):
        return ()
    if hits:
        return topics_of(text, topics)
    return topics_of(window, topics)[:2] or fallback[:1]


# Cues per kind, tried in order: the first kind whose cue matches wins, "assessment" when none does.
KIND_CUES = (
    (
        "criticism",
        r"\b(?:has|have) (?:so far )?not listened|no basis for|does not make sense|doesn't make sense|waste of money"
        r"|unacceptable|irresponsible|violat\w+ (?:the|its|their)|cheat\w*",
    ),
    (
        "threat",
        r"\b(?:(?<!threats to )(?<!threat to )(?:pull out of|withdraw from|walk away from)|retaliat\w*"
        r"|countermeasures?|response measures"
        r"|will have to (?:take|look for|respond|deploy)|forced to (?:take|respond|deploy)|arms race"
        r"|(?:will|would|may|could) (?:deploy|place|station) (?:\w+ )?(?:iskander|missiles)"
        r"|take (?:adequate|appropriate|necessary|military) (?:measures|steps)"
        r"|options? off the table|(?:will|would) (?:respond|react)\b|overcome this system)",
    ),
    (
        "demand",
        r"\b(?:demand\w*|insist\w* (?:on|that)|(?:must|should) (?:be|not be) (?:declassified|conceded|given|provided)"
        r"|it is (?:essential|critical|imperative|vital) that|requir\w+ (?:that|legally)|legally binding guarantees"
        r"|we need (?:solid )?legal guarantees|need (?:solid |firm )?(?:legal|legally binding) guarantees"
        r"|requests? (?:an? )?(?:urgent )?explanation|urgent explanation|ensuring legally binding)",
    ),
    (
        "appeal",
        r"\b(?:call(?:s|ed|ing)? (?:on|upon)|urg(?:e|es|ed|ing)\b|appeal\w* to|invit\w+ (?:russia|them|you|all)"
        r"|encourag\w+|let us\b|let's\b|we (?:should|must|need to) (?:focus|work|continue|cooperate|build|keep)"
        r"|hope(?:s|d)? (?:for|that)|the only real choice|is to be part of|asked? (?:for|that)|reconsider)",
    ),
    (
        "rejection",
        r"\b(?:no need for|not (?:think|believe) there (?:was|is) a need|reject\w*|refus\w+|will not accept"
        r"|cannot accept|won't accept|out of the question|not (?:be )?(?:a )?bargaining chip|not negotiable"
        r"|will not (?:be|allow|agree)\b|no (?:limits|restrictions) on|not (?:going|prepared) to (?:agree|accept))",
    ),
    (
        "proposal",
        r"\b(?:propos\w+|offer\w*|put forward|suggest\w*|should create|could create|we plan to|plan to pursue"
        r"|pursue discussions|initiative|we are ready to|we're ready to|ready to (?:cooperate|work|discuss)"
        r"|framework in which|two separate|joint (?:centres?|exercises|system|assessment))",
    ),
    (
        "assurance",
        r"\b(?:not (?:be )?(?:directed|aimed|targeted) (?:against|at)|(?:is|are|pose[sd]?) no threat|not a threat"
        r"|will not (?:attack|undermine|do anything|threaten|come at)|never (?:to )?use|assur\w+|guarantee that"
        r"|commit\w* to|pledg\w+|we will (?:continue|keep|stand|honor|honour|defend|meet)|we are not (?:doing|enemies)"
        r"|not enemies|no intention|does not threaten|do not and cannot|have more flexibility|we stand by|reaffirm\w*)",
    ),
    (
        "criticism",
        r"\b(?:criticis\w+|criticiz\w+|regret\w*|mistake|wrong|unacceptable|fail\w*|abandon\w*|naive|dangerous"
        r"|violat\w+|cheat\w*|does not make sense|doesn't make sense|not make sense|not listened|concern\w*"
        r"|oppos\w+|disregard|waste of money|out of date|unnecessary|irresponsible|troubling|disturbing"
        r"|no basis for|yet to|has not|have not|refused|ignore\w*|conceded|weaken\w*|undermin\w+|scrap\w*)",
    ),
    (
        "acceptance",
        r"\b(?:we (?:accept|agree to|welcome the decision)|accepted (?:the|their|your) (?:proposal|offer)"
        r"|you can do what you want|we agreed to (?:the|your|their))",
    ),
)
_KIND_PATTERNS = tuple((kind, re.compile(pattern)) for kind, pattern in KIND_CUES)
CUE_KINDS = {
    "demanded": "demand",
    "demands": "demand",
    "insists": "demand",
    "insisted": "demand",
    "urged": "appeal",
    "urges": "appeal",
    "called on": "appeal",
    "calls on": "appeal",
    "called for": "appeal",
    "calls for": "appeal",
    "asked": "appeal",
    "requested": "appeal",
    "hopes": "appeal",
    "hoped": "appeal",
    "proposed": "proposal",
    "proposes": "proposal",
    "suggested": "proposal",
    "suggests": "proposal",
    "warned": "threat",
    "warns": "threat",
    "threatened": "threat",
    "threatens": "threat",
    "rejected": "rejection",
    "rejects": "rejection",
    "denied": "rejection",
    "denies": "rejection",
    "assured": "assurance",
    "assures": "assurance",
    "promised": "assurance",
    "pledged": "assurance",
    "vowed": "assurance",
    "criticized": "criticism",
    "criticised": "criticism",
    "accused": "criticism",
    "complained": "criticism",
    "opposes": "criticism",
    "opposed": "criticism",
    "agreed": "acceptance",
    "welcomed": "acceptance",
}


def kind_of(text: str, cue: str = "") -> str:
    """The statement kind, from its cue verb first, then from what it says."""
    if cue in CUE_KINDS:
        return CUE_KINDS[cue]
    folded = fold(text).lower()
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(folded):
            return kind
    return "assessment"
