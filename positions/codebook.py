"""The codebook as files: Markdown to read and a tidy CSV, from `selectors.codebook()`'s plain data.

Pure functions of the codebook: the same record gives the same bytes (a release's checksums rely on it).
"""

from positions.csv_writer import csv_lines

SECTIONS = (
    ("kinds", "Statement kinds", "What a statement does. `cameo` is the CAMEO root code of the event-data export."),
    ("stances", "Stances", "A party's position on a proposal from a date on; it holds until a different one."),
    ("statuses", "Proposal statuses", "Where a proposal stands from a date on; it holds until a different one."),
    ("topics", "Topics", "The issues of each negotiation: the topics a statement is about."),
    ("parties", "Parties", "The negotiating sides; a statement names the party its speaker spoke for."),
)
SECTION_NAMES = {"kinds": "kind", "stances": "stance", "statuses": "status", "topics": "topic", "parties": "party"}
CSV_HEADERS = [
    "section",
    "value",
    "label",
    "definition",
    "cameo",
    "negotiation",
    "aliases",
    "example_statement_id",
    "example_quote",
    "example_speaker",
    "example_party",
    "example_said_on",
    "example_proposal",
    "example_source",
    "example_published",
    "example_url",
]


def _source(example: dict) -> str:
    document = example["document"]
    return ", ".join(part for part in (document["title"], document["publisher"]) if part)


def codebook_rows(book: dict) -> list[tuple]:
    """One row per defined value, in the sections' order and each vocabulary's own order."""
    rows = []
    for section, _, _ in SECTIONS:
        for entry in book[section]:
            example = entry.get("example") or {}
            document = example.get("document") or {}
            aliases = [*entry.get("aliases", []), *entry.get("metonyms", [])]
            rows.append(
                (
                    SECTION_NAMES[section],
                    entry["value"],
                    entry["label"],
                    entry["definition"],
                    entry.get("cameo", ""),
                    entry.get("negotiation") or ";".join(entry.get("negotiations", [])),
                    ";".join(aliases),
                    example.get("id"),
                    example.get("quote", ""),
                    example.get("speaker") or "",
                    example.get("party") or "",
                    example.get("said_on"),
                    example.get("proposal", ""),
                    _source(example) if example else "",
                    document.get("published"),
                    document.get("url", ""),
                )
            )
    return rows


def codebook_csv(book: dict) -> str:
    return "".join(csv_lines(CSV_HEADERS, codebook_rows(book)))


def _quote_block(example: dict | None) -> list[str]:
    if not example:
        return ["", "*No approved example in the record yet.*"]
    who = ", ".join(filter(None, [example.get("speaker"), example.get("party")])) or "unattributed"
    about = f" On “{example['proposal']}”." if example.get("proposal") else ""
    source = _source(example)
    link = f" <{example['document']['url']}>" if example["document"].get("url") else ""
    quote = " ".join(example["quote"].split())
    return ["", f"> “{quote}”", f"> — {who}, {example['said_on']}.{about} *{source}*.{link}"]


def codebook_markdown(book: dict, *, title: str = "Codebook") -> str:
    """The codebook to read: each section, each value with its definition and its example, quoted with
    its speaker, party, date and source."""
    lines = [
        f"# {title}",
        "",
        "The values the negotiation-position tracker codes statements and positions with, each defined and,",
        "where the public record has one, shown by an approved statement (the evidence of an approved stance",
        "or status for those). Only rows a curator approved are examples; the first direct quote, then the",
        "earliest said, is chosen.",
    ]
    for section, heading, about in SECTIONS:
        lines += ["", f"## {heading}", "", about]
        for entry in book[section]:
            extra = []
            if entry.get("cameo"):
                extra.append(f"CAMEO {entry['cameo']}")
            if entry.get("negotiation"):
                extra.append(f"negotiation `{entry['negotiation']}`")
            if entry.get("aliases") or entry.get("metonyms"):
                extra.append("also called " + ", ".join([*entry.get("aliases", []), *entry.get("metonyms", [])]))
            suffix = f" ({'; '.join(extra)})" if extra else ""
            lines += ["", f"### `{entry['value']}`: {entry['label']}", "", f"{entry['definition']}{suffix}"]
            lines += _quote_block(entry.get("example"))
    return "\n".join(lines) + "\n"
