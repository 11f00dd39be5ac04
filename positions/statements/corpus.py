"""Annotated documents read from folders in the corpus format (corpus/README.md), for training and scoring.

A folder pair is RAW_DIR (one .txt per document, and optionally a MANIFEST.tsv with date, title and
publisher) and GOLD_DIR (one .json per annotated document). The text is read as the annotators read
it (Python's universal newlines, nothing else changed), so the gold offsets hold.
"""

import csv
import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

DATE_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d\d)-(\d\d)-(\d\d)(?!\d)")


@dataclass(frozen=True)
class Annotated:
    name: str  # the file name without .txt
    text: str
    published: date | None
    title: str
    publisher: str
    statements: tuple[dict, ...]  # gold statements, in the corpus format; () when not annotated
    annotated: bool
    convention: str = "gold"  # "gold" (canonical speakers, on-topic only) or "polnear" (sources as written, all)


def manifest(path: Path) -> dict[str, dict]:
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t") if row.get("file")}


def parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        return None


def date_in_name(name: str) -> date | None:
    match = DATE_IN_NAME.search(name)
    return parse_date("-".join(match.groups())) if match else None


def read(raw_dir: Path, gold_dir: Path | None = None, *, convention: str = "gold", annotated_only: bool = False):
    """Every document of RAW_DIR with its gold statements (those of GOLD_DIR), in file name order."""
    meta = manifest(raw_dir / "MANIFEST.tsv")
    out = []
    for path in sorted(raw_dir.glob("*.txt")):
        gold_file = gold_dir / f"{path.stem}.json" if gold_dir else None
        annotated = bool(gold_file and gold_file.exists())
        if annotated_only and not annotated:
            continue
        text = path.read_text(encoding="utf-8")
        record = json.loads(gold_file.read_text(encoding="utf-8")) if annotated else {}
        statements = tuple(s for s in record.get("statements", ()) if text[s["start"] : s["end"]] == s["quote"])
        row = meta.get(path.name, {})
        published = parse_date(row.get("date", "")) or parse_date(record.get("published") or "")
        out.append(
            Annotated(
                name=path.stem,
                text=text,
                published=published or date_in_name(path.name),
                title=row.get("title", ""),
                publisher=row.get("publisher", ""),
                statements=statements,
                annotated=annotated,
                convention=convention,
            )
        )
    return out


def folds(documents: list[Annotated], k: int) -> list[list[Annotated]]:
    """k folds of the annotated documents, by a fixed rotation of their sorted names (no randomness)."""
    ordered = sorted((d for d in documents if d.annotated), key=lambda d: d.name)
    return [ordered[i::k] for i in range(k)]


QUOTE_MARKS = '"“”«»„'


def as_written(text: str, statements: list[dict]) -> list[dict]:
    """Statements in PolNeAR's convention: a quotation with its marks, and "“A,” he said. “B.”" (one
    source's quotations with only their cue between them) as one span; our gold quotes the words alone."""
    out: list[dict] = []
    for s in sorted(statements, key=lambda s: (s["start"], s["end"])):
        start, end = s["start"], s["end"]
        if s.get("mode") == "direct":
            if start > 0 and text[start - 1] in QUOTE_MARKS:
                start -= 1
            close = re.match(r"[.,!?;:]?[\"”’»]", text[end : end + 2])
            if close and text[start] in QUOTE_MARKS:
                end += close.end()
        previous = out[-1] if out else None
        if (
            previous is not None
            and s.get("mode") == "direct" == previous.get("mode")
            and s.get("speaker") == previous.get("speaker")
            and 0 <= start - previous["end"] - _named_in(text[previous["end"] : start], s.get("speaker")) < 70
            and "\n" not in text[previous["end"] : start]
            and not re.search(r"[“\"]", text[previous["end"] : start])
        ):
            previous["end"] = end
            previous["quote"] = text[previous["start"] : end]
            continue
        out.append({**s, "start": start, "end": end, "quote": text[start:end]})
    return out


def _named_in(gap: str, speaker: str | None) -> int:
    """How much of the words between two quotations is their source as written ("said Kenneth Baer, a former
    Obama administration official,"): a long apposition is no more narration than a short name."""
    return len(speaker) if speaker and speaker in gap else 0
