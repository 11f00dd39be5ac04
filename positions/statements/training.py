"""Fitting the statement stages' models from annotated documents (used by train_extractor and evaluate --folds).

Three steps, each on its own data:
1. the span tagger (CRF) on every annotated document: PolNeAR's training split, the gold documents
   and the curated statements, with the sources as the documents write them;
2. the linker (which source goes with which content) on what that tagger finds in the same documents;
3. the relevance, issue and kind models on the statements the first two find in documents annotated
   in our convention (the gold and the curated ones), labelled by the annotations they match.
Everything is deterministic: documents in name order, fixed solver seeds, no sampling.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from positions.statements import learned, linker, structure, tagger
from positions.statements.corpus import Annotated
from positions.statements.records import DocumentInput, Lexicon
from positions.statements.scoring import pairs

TAGGER_PARAMS = {"c1": 2.0, "c2": 0.005, "iterations": 150}
LINKER_C = 1.0
RELEVANCE_C = 0.5
NEARBY_PARTS = 4  # the rotation that reads each document's neighbours with a model that did not see it
ISSUES_C = 0.5
KINDS_C = 1.0
KINDS_BALANCED = False
# The relevance model also learns each statement as a negotiation entered with THIN_KEYWORDS keywords an issue
# would show it, with (True) and without (False) its own words: a user's negotiation is thinner than the gold's.
SPARSE_COPIES = (True, False)
THIN_KEYWORDS = 3


@dataclass
class Parsed:
    document: Annotated
    sequences: list[tagger.Sequence]


def parse(documents: Iterable[Annotated], progress: Callable | None = None) -> list[Parsed]:
    out = []
    for document in documents:
        paras = [(p.start, p.end) for p in structure.paragraphs(document.text)]
        out.append(Parsed(document, tagger.sequences(document.text, paras)))
        if progress:
            progress()
    return out


def source_span(text: str, statement: dict) -> tuple[int, int] | None:
    """Where the statement's source stands in the text, as near its content as the text allows.

    PolNeAR gives the source as written; our gold gives a canonical name, found by its full form or
    its last word. A source inside its content (“…,” he said. “…”) counts; one far away does not.
    """
    speaker = (statement.get("speaker") or "").strip()
    if not speaker:
        return None
    forms = [speaker]
    if " " in speaker and statement.get("party") is not None:
        forms.append(speaker.split()[-1])
    lo = max(0, statement["start"] - 1500)
    hi = min(len(text), statement["end"] + 600)
    best = None
    for form in forms:
        for match in re.finditer(rf"(?<![\w-]){re.escape(form)}(?![\w-])", text[lo:hi]):
            a, b = lo + match.start(), lo + match.end()
            distance = 0 if statement["start"] <= a < statement["end"] else min(
                abs(a - statement["start"]), abs(b - statement["end"]))  # fmt: skip
            if best is None or distance < best[0]:
                best = (distance, a, b)
        if best is not None:
            break
    return (best[1], best[2]) if best else None


def tagger_examples(parsed: list[Parsed]) -> tuple[list[tagger.Sequence], list[list[str]]]:
    """Every sequence with its labels. Our gold annotates only what bears on the negotiation and leaves
    turns to the layout, so its documents contribute only the paragraphs where it marks a quotation or
    a report; PolNeAR annotates every attribution, so its documents contribute every paragraph."""
    xs, ys = [], []
    for item in parsed:
        statements = [s for s in item.document.statements if s.get("mode") != "turn"]
        turns = [(s["start"], s["end"]) for s in item.document.statements if s.get("mode") == "turn"]
        contents = [(s["start"], s["end"]) for s in statements]
        sources = [span for span in (source_span(item.document.text, s) for s in statements) if span]
        for sequence in item.sequences:
            if item.document.convention == "gold":
                a, b = sequence.piece.start, sequence.piece.end
                if not any(s < b and e > a for s, e in contents) or any(s < b and e > a for s, e in turns):
                    continue
            xs.append(sequence)
            ys.append(tagger.labels_for(sequence, item.document.text, contents, sources))
    return xs, ys


def fit_tagger(parsed: list[Parsed], path: Path) -> dict:
    xs, ys = tagger_examples(parsed)
    tagger.fit(xs, ys, path, **TAGGER_PARAMS)
    return {"sequences": len(xs), "tokens": sum(len(x.offsets) for x in xs), **TAGGER_PARAMS}


def linker_examples(parsed: list[Parsed], spans: tagger.Tagger) -> tuple[list[dict], list[str]]:
    """(content, candidate) pairs as the linker meets them: the contents and sources the fitted tagger finds,
    each content paired with the annotated statement it matches; the candidate that covers that statement's
    source is the positive one, the other sources, subjects, people and pronouns around it the negatives.
    (Fitted on the annotations' own spans instead, the linker learned to trust sources the tagger gives it
    less often than that: 0.813 of PolNeAR dev's named sources right, against 0.831 this way.)"""
    rows, labels = [], []
    for item in parsed:
        text = item.document.text
        statements = [s for s in item.document.statements if s.get("mode") != "turn"]
        sources = [source_span(text, s) for s in statements]
        found, tagged = linker.contents_and_sources(item.sequences, [spans.tag(q) for q in item.sequences])
        pool = linker.candidates(item.sequences, tagged, found)
        annotated = [{"start": s["start"], "end": s["end"], "i": i} for i, s in enumerate(statements)]
        for content, match in pairs([{"start": c.start, "end": c.end, "c": c} for c in found], annotated):
            source = sources[match["i"]]
            for candidate, features in linker.pairs(item.sequences, content["c"], pool):
                hit = source is not None and candidate.start < source[1] and candidate.end > source[0]
                rows.append(features)
                labels.append("1" if hit else "0")
    return rows, labels


def fit_linker(parsed: list[Parsed], spans: tagger.Tagger, path: Path) -> dict:
    rows, labels = linker_examples(parsed, spans)
    model = learned.fit(rows, labels, c=LINKER_C, meta={"pairs": len(rows), "sources": labels.count("1")})
    model.save(path)
    return {"pairs": len(rows), "sources": labels.count("1"), "c": LINKER_C}


@dataclass
class Read:
    """A document read up to its candidate statements, with the gold statement each one matches."""

    document: Annotated
    doc: object  # extract._Document
    found: list  # extract.Candidate
    matched: dict[int, dict]


def read_all(documents: list[Annotated], lexicon: Lexicon, models, progress: Callable | None = None) -> list[Read]:
    """Run the stages up to the candidates on every annotated document of our convention (once: the
    relevance, issue and kind models do not change what is found, only what is kept and how)."""
    from positions.statements import extract

    out = []
    for document in documents:
        if document.convention != "gold" or not document.annotated:
            continue
        doc_input = DocumentInput(document.text, document.published, document.title, document.publisher)
        doc, found = extract.read(doc_input, lexicon, models)
        predicted = [{"start": c.start, "end": c.end, "i": i} for i, c in enumerate(found)]
        matched = {p["i"]: g for p, g in pairs(predicted, list(document.statements))}
        out.append(Read(document, doc, found, matched))
        if progress:
            progress()
    return out


def decision_examples(reads: list[Read], lexicon: Lexicon) -> dict[str, tuple[list, list]]:
    """Relevance, issue and kind examples from what the extractor finds, labelled by the gold it matches.
    The relevance examples are kept by document ("relevance": one (rows, labels, groups) per read, in
    document order), for each statement to be read with its neighbours."""
    from positions.statements import extract
    from positions.statements.kinds import kind_features
    from positions.statements.topics import Scope, group, issue_features, statement_features

    out = {"relevance": [], "issues": ([], []), "kinds": ([], [])}
    thin = thinned(lexicon, THIN_KEYWORDS).topics
    for read in reads:
        doc = read.doc
        scope = Scope(doc.text, read.document.title, lexicon.topics, lexicon.subjects, lexicon.parties)
        sparse = Scope(doc.text, read.document.title, thin, lexicon.subjects, lexicon.parties)
        copies = [(scope, True), *((sparse, own) for own in SPARSE_COPIES)]
        rows: list[list] = [[] for _ in copies]
        labels, groups = [], []
        for i, c in sorted(enumerate(read.found), key=lambda pair: (pair[1].start, pair[1].end)):
            quote = doc.text[c.start : c.end]
            window, parent = extract.context(doc, c)
            gold = read.matched.get(i)
            for into, (seen, own) in zip(rows, copies, strict=True):
                into.append(
                    statement_features(seen, quote, window, parent, c.mode, c.speaker, own_words=own, cue=c.cue_lemma)
                )
            labels.append("1" if gold is not None else "0")
            groups.append(group(c.mode))
            if gold is None:
                continue
            for key in scope.keys:
                out["issues"][0].append(issue_features(scope, key, quote, window, parent))
                out["issues"][1].append("1" if key in (gold.get("topics") or ()) else "0")
            if gold.get("kind"):
                out["kinds"][0].append(
                    kind_features(doc.sequences, c.start, c.end, c.cue_lemma, c.mode, doc.text[c.start : c.end])
                )
                out["kinds"][1].append(gold["kind"])
        out["relevance"].extend((copy, labels, groups) for copy in rows)
    return out


def fit_relevance(
    documents: list[tuple[list, list, list]], copies: int = 1
) -> tuple[learned.LinearModel, learned.LinearModel]:
    """The relevance read alone, fitted on every document, and read with its neighbours: fitted on each
    statement's features beside its neighbours' relevance read alone by a model that did not see their
    document (fitted on the other parts of a fixed rotation, NEARBY_PARTS of them), as it meets them in a
    new document. `documents` gives each document `copies` times in a row (read with other vocabularies):
    the rotation keeps a document's copies in one part."""
    from positions.statements.topics import nearby_features

    def fit(docs) -> learned.LinearModel:
        return learned.fit([r for rows, _l, _g in docs for r in rows], [y for _r, labels, _g in docs for y in labels],
                           c=RELEVANCE_C, meta={"examples": sum(len(rows) for rows, _l, _g in docs)})  # fmt: skip

    alone = fit(documents)
    k = min(NEARBY_PARTS, len(documents) // copies)
    judged: list[list[float] | None] = [None] * len(documents)
    for part in range(k):
        held = [i for i in range(len(documents)) if i // copies % k == part]
        rest = [d for i, d in enumerate(documents) if i // copies % k != part]
        model = alone
        if k > 1 and len({y for _r, labels, _g in rest for y in labels}) == 2:
            model = fit(rest)
        for i in held:
            judged[i] = [model.probabilities(r)["1"] for r in documents[i][0]]
    rows, labels = [], []
    for (doc_rows, doc_labels, groups), alone_p in zip(documents, judged, strict=True):
        for r, near in zip(doc_rows, nearby_features(alone_p, groups), strict=True):
            rows.append({**r, **near})
        labels.extend(doc_labels)
    return alone, learned.fit(rows, labels, c=RELEVANCE_C, meta={"examples": len(rows)})


def fit_decisions(reads: list[Read], lexicon: Lexicon, folder: Path) -> dict:
    examples = decision_examples(reads, lexicon)
    alone, relevance = fit_relevance(examples["relevance"], copies=1 + len(SPARSE_COPIES))
    alone.save(folder / "relevance_alone.json")
    relevance.save(folder / "relevance.json")
    labels = [y for _r, doc_labels, _g in examples["relevance"] for y in doc_labels]
    figures = {"relevance": {"examples": len(labels), "c": RELEVANCE_C, "classes": sorted(set(labels)),
                             "nearby_parts": NEARBY_PARTS}}  # fmt: skip
    for name, c, balanced in (("issues", ISSUES_C, False), ("kinds", KINDS_C, KINDS_BALANCED)):
        rows, labels = examples[name]
        model = learned.fit(rows, labels, c=c, balanced=balanced, meta={"examples": len(rows)})
        model.save(folder / f"{name}.json")
        figures[name] = {"examples": len(rows), "c": c, "classes": sorted(set(labels))}
    return figures


def thinned(lexicon: Lexicon, keywords: int) -> Lexicon:
    """The lexicon with only the first `keywords` keywords of each issue: a negotiation entered in haste."""
    return replace(lexicon, topics=tuple(replace(t, keywords=t.keywords[:keywords]) for t in lexicon.topics))


def cross_validate(
    reads: list[Read], lexicon: Lexicon, base, k: int, folder: Path, judged_with: Lexicon | None = None
) -> dict[str, list]:
    """Out-of-fold statements of every document: the decision models fitted on the other folds' documents
    (by a fixed rotation of their names) and applied to this fold's, judged with `judged_with`'s issues
    when given (the lexicon they were fitted with otherwise)."""
    from positions.statements import extract
    from positions.statements.models import load_decisions

    ordered = sorted(reads, key=lambda r: r.document.name)
    out = {}
    for i in range(k):
        held = ordered[i::k]
        rest = [r for r in ordered if r not in held]
        fold_dir = folder / f"fold{i + 1}"
        fit_decisions(rest, lexicon, fold_dir)
        models = load_decisions(base, fold_dir)
        for read in held:
            read.doc.models = models
            if judged_with is not None:
                read.doc.lexicon = judged_with
            out[read.document.name] = extract.finish(read.doc, read.found)
    return out
