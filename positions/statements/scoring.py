"""Predicted statements scored against gold ones, with the corpus scorer's matching rules (corpus/README.md).

A prediction matches a gold statement when their spans overlap by at least half of the shorter span;
matching is one-to-one, highest overlap-over-union first. Speakers agree when their normalised names,
or their last words, are equal. Beside that lenient match, `strict_f1` pairs spans only when their
intersection is at least half their union, and `char_*` counts the characters inside predicted and
gold spans, as the corpus scorer does.
"""

import unicodedata
from collections import Counter
from dataclasses import dataclass, field

MIN_COVER = 0.5
PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "his", "her", "their", "who", "which", "that"}


def normalise(name: str | None) -> str:
    if not name:
        return ""
    name = unicodedata.normalize("NFKD", name)
    return " ".join("".join(c for c in name if not unicodedata.combining(c)).casefold().split())


def same_speaker(predicted: str | None, gold: str | None) -> bool:
    p, g = normalise(predicted), normalise(gold)
    if not p or not g:
        return p == g
    return p == g or p.split()[-1] == g.split()[-1]


def is_name(speaker: str | None) -> bool:
    words = [w for w in (speaker or "").split() if w.casefold() not in {"the", "a", "an"}]
    return bool(words) and words[0].casefold() not in PRONOUNS and words[0][:1].isupper()


def _overlap(a: dict, b: dict) -> tuple[float, float]:
    lo, hi = max(a["start"], b["start"]), min(a["end"], b["end"])
    if hi <= lo:
        return 0.0, 0.0
    inter = hi - lo
    shorter = max(1, min(a["end"] - a["start"], b["end"] - b["start"]))
    union = max(a["end"], b["end"]) - min(a["start"], b["start"])
    return inter / shorter, inter / union


def pairs(predicted: list[dict], gold: list[dict]) -> list[tuple[dict, dict]]:
    candidates = []
    for i, p in enumerate(predicted):
        for j, g in enumerate(gold):
            cover, iou = _overlap(p, g)
            if cover >= MIN_COVER:
                candidates.append((iou, i, j))
    candidates.sort(reverse=True)
    used_p, used_g, out = set(), set(), []
    for _iou, i, j in candidates:
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            out.append((predicted[i], gold[j]))
    return out


def strict_pairs(predicted: list[dict], gold: list[dict]) -> int:
    """How many one-to-one pairs have an intersection of at least half their union, best first."""
    candidates = sorted(
        ((_overlap(p, g)[1], i, j) for i, p in enumerate(predicted) for j, g in enumerate(gold)), reverse=True
    )
    used_p, used_g, n = set(), set(), 0
    for iou, i, j in candidates:
        if iou < 0.5:
            break
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
            n += 1
    return n


def _covered(spans: list[dict]) -> set[int]:
    chars: set[int] = set()
    for s in spans:
        chars.update(range(s["start"], s["end"]))
    return chars


def _f1(tp: int, npred: int, ngold: int) -> tuple[float, float, float]:
    p = tp / npred if npred else 0.0
    r = tp / ngold if ngold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Tally:
    gold: int = 0
    predicted: int = 0
    span_tp: int = 0
    speaker_tp: int = 0
    party_ok: int = 0
    kind_ok: int = 0
    named: int = 0
    named_ok: int = 0
    topic_tp: int = 0
    topic_pred: int = 0
    topic_gold: int = 0
    strict_tp: int = 0
    char_both: int = 0
    char_pred: int = 0
    char_gold: int = 0
    kinds: list = field(default_factory=list)

    def add(self, predicted: list[dict], gold: list[dict]) -> None:
        self.gold += len(gold)
        self.predicted += len(predicted)
        self.strict_tp += strict_pairs(predicted, gold)
        predicted_chars, gold_chars = _covered(predicted), _covered(gold)
        self.char_both += len(predicted_chars & gold_chars)
        self.char_pred += len(predicted_chars)
        self.char_gold += len(gold_chars)
        for p, g in pairs(predicted, gold):
            self.span_tp += 1
            self.speaker_tp += same_speaker(p.get("speaker"), g.get("speaker"))
            if is_name(g.get("speaker")):
                self.named += 1
                self.named_ok += same_speaker(p.get("speaker"), g.get("speaker"))
            self.party_ok += normalise(p.get("party")) == normalise(g.get("party"))
            self.kind_ok += p.get("kind") == g.get("kind")
            self.kinds.append((p.get("kind"), g.get("kind")))
            pt, gt = set(p.get("topics") or []), set(g.get("topics") or [])
            self.topic_tp += len(pt & gt)
            self.topic_pred += len(pt)
            self.topic_gold += len(gt)

    def figures(self) -> dict:
        sp, sr, sf = _f1(self.span_tp, self.predicted, self.gold)
        ep, er, ef = _f1(self.speaker_tp, self.predicted, self.gold)
        char_p = self.char_both / self.char_pred if self.char_pred else 0.0
        char_r = self.char_both / self.char_gold if self.char_gold else 0.0
        per_kind = []
        gold_kinds = Counter(g for _p, g in self.kinds if g)
        for kind in sorted(gold_kinds):
            tp = sum(1 for p, g in self.kinds if p == kind and g == kind)
            per_kind.append(_f1(tp, sum(1 for p, _g in self.kinds if p == kind), gold_kinds[kind])[2])
        return {
            "gold": self.gold,
            "predicted": self.predicted,
            "span_p": sp,
            "span_r": sr,
            "span_f1": sf,
            "speaker_p": ep,
            "speaker_r": er,
            "speaker_f1": ef,
            "party_acc": self.party_ok / self.span_tp if self.span_tp else 0.0,
            "kind_acc": self.kind_ok / self.span_tp if self.span_tp else 0.0,
            "kind_macro_f1": sum(per_kind) / len(per_kind) if per_kind else 0.0,
            "topic_f1": _f1(self.topic_tp, self.topic_pred, self.topic_gold)[2],
            "named_speaker_acc": self.named_ok / self.named if self.named else 0.0,
            "strict_f1": _f1(self.strict_tp, self.predicted, self.gold)[2],
            "char_p": char_p,
            "char_r": char_r,
            "char_f1": 2 * char_p * char_r / (char_p + char_r) if char_p + char_r else 0.0,
        }


def score(gold_docs: dict[str, list[dict]], predicted_docs: dict[str, list[dict]], *, any_topic: bool = False):
    """Figures over all documents, and per mode (gold and predictions of that mode only)."""
    overall, by_mode = Tally(), {}
    for name, gold in gold_docs.items():
        predicted = predicted_docs.get(name, [])
        if not any_topic:
            predicted = [p for p in predicted if p.get("topics")]
        overall.add(predicted, gold)
        for mode in sorted({s.get("mode") for s in gold} | {s.get("mode") for s in predicted}):
            by_mode.setdefault(mode, Tally()).add(
                [p for p in predicted if p.get("mode") == mode], [g for g in gold if g.get("mode") == mode]
            )
    return overall.figures(), {mode: tally.figures() for mode, tally in sorted(by_mode.items())}
