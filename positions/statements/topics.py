"""What a statement is about: whether it bears on the negotiation at all, and which of its issues.

Both are learned, from features that say how a statement uses the negotiation's own vocabulary (the
issues' keywords, titles and descriptions, and what the negotiation is about as a whole) rather than
from the words themselves: a model fitted on one negotiation reads another's issues as well. The
issues come only from the negotiation the document belongs to; with several in the lexicon and none
given, the one whose keywords the document uses most.
"""

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from positions.statements import classify, learned, verbs
from positions.statements.records import TopicEntry

RELEVANT = 0.4  # probability from which a statement bears on the negotiation
ISSUE = 0.35  # probability from which an issue is one of its topics
WORD_WEIGHT = 1.0  # a statement's own words, beside what the issues' vocabulary says of them
ISSUE_PRIOR = 1.0  # the issue itself as a feature: some issues are topics far more often than others
STOP_WORDS = (
    "a an the and or of to in on for by with from at as is are was were be been that this these those it its not "
    "no than which who what when where if into over under between their there our we they would will should "
    "could may can must has have had do does did so such also only other both any all how about"
)
STOP = frozenset(STOP_WORDS.split(" "))


@dataclass(frozen=True)
class Judged:
    relevance: float
    topics: tuple[str, ...]


def _bucket(n: int) -> str:
    return str(n) if n < 3 else "3+"


@lru_cache(maxsize=16)
def _words(text: str) -> frozenset[str]:
    """The stems of a text's content words (the first six letters); remembered for the few texts being
    judged, whose quote is read once for relevance and again for each issue."""
    return frozenset(w[:6] for w in re.findall(r"[a-z]{3,}", classify.fold(text).lower()) if w not in STOP)


def _party_pattern(parties) -> tuple[re.Pattern | None, dict[str, str]]:
    names = {}
    for party in parties:
        for name in (party.name, *party.aliases, *party.metonyms):
            names.setdefault(name.removeprefix("the ").casefold(), party.name)
    if not names:
        return None, {}
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w-])", re.IGNORECASE), names


def choose_negotiation(text: str, title: str, topics: tuple[TopicEntry, ...]) -> str:
    """The negotiation whose issues a document is read against: the only one in the lexicon, or else the
    one whose issues' keywords the document uses most (the first one on a tie)."""
    slugs = list(dict.fromkeys(t.negotiation for t in topics))
    if len(slugs) <= 1:
        return slugs[0] if slugs else ""
    owner = {t.key: t.negotiation for t in topics}
    scores = Counter(owner[key] for key, _w in classify.keyword_hits(f"{title}\n{text[:50000]}", topics))
    return max(slugs, key=lambda slug: (scores[slug], -slugs.index(slug)))


class Scope:
    """The issues of one document: the negotiation's vocabulary and how the document as a whole uses it."""

    def __init__(self, text: str, title: str, topics: tuple[TopicEntry, ...], subjects: tuple[str, ...], parties=()):
        slug = choose_negotiation(text, title, topics)
        topics = tuple(t for t in topics if t.negotiation == slug)
        self.topics = topics
        self.subjects = subjects
        self.keys = tuple(t.key for t in topics)
        hits = classify.keyword_hits(f"{title}\n{text[:50000]}", topics)
        self.doc_counts = Counter(key for key, _w in hits)
        self.doc_rank = {key: r for r, (key, _n) in enumerate(self.doc_counts.most_common())}
        self.doc_subject = classify.mentions_subject(f"{title}\n{text[:3000]}", subjects)
        self.title_on_topic = bool(title) and (
            classify.mentions_subject(title, subjects) or classify.strong(classify.keyword_hits(title, topics))
        )
        self.issue_words = {t.key: _words(f"{t.title} {t.description}") for t in topics}
        # the negotiation's own vocabulary: every issue's title, description and keywords, and its subject
        self.vocabulary = set().union(*self.issue_words.values(), *(_words(" ".join(t.keywords)) for t in topics),
                                      *(_words(s) for s in subjects))  # fmt: skip
        self.party_names = _party_pattern(tuple(parties))
        total = sum(self.doc_counts.values())
        self.doc_density = "0" if not total else "1-2" if total <= 2 else "3-9" if total <= 9 else "10+"
        self._hits: dict[str, list[tuple[str, str]]] = {}

    def hits(self, text: str) -> list[tuple[str, str]]:
        """The issues' keyword uses in a text (classify.keyword_hits), remembered for the statement being
        judged: its quote, context and turn are read once, not once more for each issue."""
        if text not in self._hits:
            if len(self._hits) >= 8:
                self._hits.clear()
            self._hits[text] = classify.keyword_hits(text, self.topics)
        return self._hits[text]


def statement_features(
    scope: Scope, quote: str, window: str, parent: str, mode: str, speaker, *, own_words: bool = True, cue: str = ""
) -> dict[str, float]:
    """Does this statement bear on the negotiation: how it uses the negotiation's vocabulary (and, with
    `own_words`, the statement's own words), and what its cue verb (`cue`, a lemma) says of it."""
    q_hits = scope.hits(quote)
    w_hits = scope.hits(window) if window else []
    p_hits = scope.hits(parent) if parent else []
    q_words = {w.lower() for _k, w in q_hits}
    words = len(quote.split())
    f = {
        "bias": 1.0,
        f"mode={mode}": 1.0,
        f"qhits={_bucket(len(q_words))}": 1.0,
        f"qhits|mode={_bucket(len(q_words))}|{mode}": 1.0,
        f"qissues={_bucket(len({k for k, _w in q_hits}))}": 1.0,
        f"qstrong={int(classify.strong(q_hits))}": 1.0,
        f"qsubj={int(classify.mentions_subject(quote, scope.subjects))}": 1.0,
        f"whits={_bucket(len({w.lower() for _k, w in w_hits}))}": 1.0,
        f"wstrong={int(classify.strong(w_hits))}": 1.0,
        f"wsubj={int(bool(window) and classify.mentions_subject(window, scope.subjects))}": 1.0,
        f"phits={_bucket(len({w.lower() for _k, w in p_hits}))}": 1.0,
        f"words={'<10' if words < 10 else '<25' if words < 25 else '<60' if words < 60 else '60+'}": 1.0,
        f"docsubj={int(scope.doc_subject)}": 1.0,
        f"doctitle={int(scope.title_on_topic)}": 1.0,
        f"docdensity={scope.doc_density}": 1.0,
        f"speaker={speaker.kind if speaker.name else 'party'}": 1.0,
        f"party={int(bool(speaker.party))}": 1.0,
        f"known={int(bool(speaker.key))}": 1.0,
    }
    if q_hits:
        top = Counter(k for k, _w in q_hits).most_common(1)[0][0]
        f[f"qtop_docrank={min(scope.doc_rank.get(top, 9), 3)}"] = 1.0
    own = _words(quote)
    for stem in own if own_words else ():
        f[f"s={stem}"] = WORD_WEIGHT  # the words themselves: what this negotiation's statements are about
    shared = len(own & scope.vocabulary)
    f[
        f"vocab={'0' if not shared else '1' if shared == 1 else '2' if shared == 2 else '3-5' if shared <= 5 else '6+'}"
    ] = 1.0
    f[f"vocab|mode={min(shared, 4)}|{mode}"] = 1.0
    f["vocab_share"] = shared / max(1, len(own))
    density = len(q_hits) / max(1, words) * 100
    f["qdensity"] = min(density, 10.0) / 10.0
    pattern, names = scope.party_names
    if pattern is not None:
        named = {names[m.group().casefold()] for m in pattern.finditer(quote)}
        others = named - {speaker.party}
        f[f"parties={_bucket(len(named))}"] = 1.0
        f[f"others={_bucket(len(others))}"] = 1.0
        f[f"others|mode={min(len(others), 2)}|{mode}"] = 1.0
    f[f"speaks_for={int(bool(speaker.speaks_for))}"] = 1.0
    f[f"speaks_for|mode={int(bool(speaker.speaks_for))}|{mode}"] = 1.0
    # what the cue verb says by itself ("insisted", "warned" against "discussed", "noted" or none): a report of a
    # position against a report of a meeting's agenda (verbs.py's table, the same for every negotiation)
    f[f"cuek|mode={verbs.cue_kind(cue) or ('plain' if cue else 'none')}|{mode}"] = 1.0
    # each of them again for its group alone: a transcript's turn and a report in an article are judged by the
    # same signs with other weights (the statement's own words stay shared: too few of each per group)
    g = group(mode)
    for name in [name for name in f if not name.startswith("s=")]:
        f[f"{g}|{name}"] = f[name]
    return f


def issue_features(scope: Scope, key: str, quote: str, window: str, parent: str) -> dict[str, float]:
    """Is issue `key` one of this statement's topics: how the statement, its context and the document use it."""
    if key not in scope.issue_words:
        raise ValueError(f"{key!r} is not an issue of the document's negotiation")
    q_hits = [w.lower() for k, w in scope.hits(quote) if k == key]
    all_q = Counter(k for k, _w in scope.hits(quote))
    w_n = sum(1 for k, _w in scope.hits(window) if k == key) if window else 0
    p_n = sum(1 for k, _w in scope.hits(parent) if k == key) if parent else 0
    overlap = len(_words(quote) & scope.issue_words[key])
    f = {
        "bias": 1.0,
        f"qi={_bucket(len(set(q_hits)))}": 1.0,
        f"qi_uses={_bucket(len(q_hits))}": 1.0,
        f"qi_strong={int(any(' ' in w or '-' in w for w in q_hits))}": 1.0,
        f"qi_top={int(bool(all_q) and all_q.most_common(1)[0][0] == key)}": 1.0,
        f"wi={_bucket(w_n)}": 1.0,
        f"pi={_bucket(p_n)}": 1.0,
        f"docrank={min(scope.doc_rank.get(key, 9), 4)}": 1.0,
        f"overlap={_bucket(overlap)}": 1.0,
        f"qnone={int(not all_q)}": 1.0,
        # how often this issue is a topic at all, and how it reads its own keywords (learned per issue)
        f"key={key}": ISSUE_PRIOR,
        f"key|qi={key}|{_bucket(len(set(q_hits)))}": ISSUE_PRIOR,
    }
    if all_q:
        f["qi_share"] = all_q.get(key, 0) / sum(all_q.values())
    f["docshare"] = scope.doc_counts.get(key, 0) / max(1, sum(scope.doc_counts.values()))
    f["overlap_log"] = math.log1p(overlap)
    return f


def group(mode: str) -> str:
    """Whose neighbours a statement has: a turn the turns around it, a quotation or a report the others."""
    return "turn" if mode == "turn" else "report"


def nearby_features(alone: list[float], groups: list[str]) -> list[dict[str, float]]:
    """For each statement of a document (in document order), how its nearest neighbours of the same group
    were judged read alone (`alone`: their relevance before any of them is read with its neighbours): a
    press conference or a report keeps to a subject for several turns or quotations, then leaves it.
    A statement with no neighbour on a side gets 0.5 for it."""
    n = len(alone)
    before: list[float | None] = [None] * n
    after: list[float | None] = [None] * n
    last: dict[str, float] = {}
    for i in range(n):
        before[i] = last.get(groups[i])
        last[groups[i]] = alone[i]
    last.clear()
    for i in reversed(range(n)):
        after[i] = last.get(groups[i])
        last[groups[i]] = alone[i]
    return [
        {"near_before": 0.5 if b is None else b, "near_after": 0.5 if a is None else a}
        for b, a in zip(before, after, strict=True)
    ]


@dataclass(frozen=True)
class Asked:
    """One statement to judge: its words, its context (extract.context), its mode, its speaker and its cue
    verb's lemma ("" when none)."""

    quote: str
    window: str
    parent: str
    mode: str
    speaker: object
    cue: str = ""


class Judge:
    """The fitted relevance and issue models applied to a document's statements.

    Relevance is read twice: each statement alone (`alone`), then with how its neighbours were read alone
    (`relevance`: the same features and `nearby_features`)."""

    def __init__(
        self, alone: learned.LinearModel, relevance: learned.LinearModel, issues: learned.LinearModel, scope: Scope
    ):
        self.alone = alone
        self.relevance = relevance
        self.issues = issues
        self.scope = scope
        # what the neighbours can add to a statement's score at most: below the threshold even then, its
        # issues need not be read
        self.most_nearby = sum(max(0.0, w[0]) for name, w in relevance.weights.items() if name.startswith("near_"))

    def judge_all(self, asked: Iterable[Asked]) -> list[Judged]:
        """Every statement of a document, given in document order (an iterable: the contexts of a long
        document need not all be held at once). Only numbers are kept from the first reading to the second."""
        alone, scores, issues, groups = [], [], [], []
        for a in asked:
            groups.append(group(a.mode))
            f = statement_features(self.scope, a.quote, a.window, a.parent, a.mode, a.speaker, cue=a.cue)
            alone.append(self.alone.probabilities(f)["1"])
            score = self.relevance.scores(f)
            scores.append(score)
            most = self.relevance.probabilities_of([score[0] + self.most_nearby])["1"]
            issues.append(self._issues(a) if most >= RELEVANT else ())
        nearby = nearby_features(alone, groups)
        out = []
        for score, near, chosen in zip(scores, nearby, issues, strict=True):
            extra = self.relevance.scores(near, intercepts=False)
            p = self.relevance.probabilities_of([s + e for s, e in zip(score, extra, strict=True)])["1"]
            out.append(Judged(p, chosen if p >= RELEVANT else ()))
        return out

    def judge(self, quote: str, window: str, parent: str, mode: str, speaker) -> Judged:
        """One statement with no neighbours."""
        return self.judge_all([Asked(quote, window, parent, mode, speaker)])[0]

    def _issues(self, a: Asked) -> tuple[str, ...]:
        if not self.scope.keys:
            return ()
        scored = [
            (self.issues.probabilities(issue_features(self.scope, key, a.quote, a.window, a.parent))["1"], key)
            for key in self.scope.keys
        ]
        scored.sort(key=lambda pair: (-pair[0], self.scope.keys.index(pair[1])))
        return tuple(key for q, key in scored if q >= ISSUE) or (scored[0][1],)
