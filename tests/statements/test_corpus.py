"""Annotated documents read from corpus folders, split into folds, and gold put in PolNeAR's convention."""

import json
from datetime import date

from positions.statements.corpus import Annotated, as_written, folds, read

from .conftest import span_of

MANIFEST = (
    "file\tdate\tpublisher\ttitle\tsource\n"
    "2011-12-06_itar-tass_rasmussen.txt\t2011-12-07\tITAR-TASS\tRasmussen on two systems\tsomewhere\n"
)
RASMUSSEN_TEXT = "Rasmussen said NATO and Russia\r\nshould build two separate systems.\n"


def statement(text: str, quote: str, **kw) -> dict:
    start, end = span_of(text, quote)
    return {"quote": quote, "start": start, "end": end, "speaker": "Anders Fogh Rasmussen", "party": "NATO",
            "mode": "indirect", "kind": "proposal", "topics": ["architecture"], **kw}  # fmt: skip


def write_corpus(tmp_path):
    raw, gold = tmp_path / "raw", tmp_path / "gold"
    raw.mkdir()
    gold.mkdir()
    (raw / "MANIFEST.tsv").write_text(MANIFEST, encoding="utf-8")
    # newline="" keeps the \r\n on disk: read() must give the text as the annotators read it
    with (raw / "2011-12-06_itar-tass_rasmussen.txt").open("w", encoding="utf-8", newline="") as handle:
        handle.write(RASMUSSEN_TEXT)
    read_text = RASMUSSEN_TEXT.replace("\r\n", "\n")
    good = statement(read_text, "NATO and Russia\nshould build two separate systems")
    stale = {**good, "start": good["start"] + 1}  # its offsets no longer give its quote: left out
    (gold / "2011-12-06_itar-tass_rasmussen.json").write_text(
        json.dumps({"document": "2011-12-06_itar-tass_rasmussen.txt", "statements": [good, stale]}), encoding="utf-8"
    )
    (raw / "2012-05-21_medvedev.txt").write_text("Medvedev said nothing.\n", encoding="utf-8")
    (gold / "2012-05-21_medvedev.json").write_text(
        json.dumps({"document": "2012-05-21_medvedev.txt", "published": "2012-05-20", "statements": []}),
        encoding="utf-8",
    )
    (raw / "undated.txt").write_text("Nobody said anything.\n", encoding="utf-8")
    (raw / "notes.md").write_text("not a document\n", encoding="utf-8")
    return raw, gold, good


def test_it_reads_every_document_with_its_gold_statements_and_manifest_row(tmp_path):
    raw, gold, good = write_corpus(tmp_path)
    documents = read(raw, gold)
    assert [d.name for d in documents] == ["2011-12-06_itar-tass_rasmussen", "2012-05-21_medvedev", "undated"]
    rasmussen, medvedev, undated = documents
    assert rasmussen.text == RASMUSSEN_TEXT.replace("\r\n", "\n")
    assert rasmussen.statements == (good,)
    assert (rasmussen.published, rasmussen.title, rasmussen.publisher) == (
        date(2011, 12, 7), "Rasmussen on two systems", "ITAR-TASS",
    )  # fmt: skip
    assert rasmussen.annotated and rasmussen.convention == "gold"
    assert medvedev.annotated and medvedev.statements == ()
    assert medvedev.published == date(2012, 5, 20)  # no manifest row: the gold file's date, before the name's
    assert not undated.annotated and undated.published is None and undated.title == ""


def test_it_reads_only_the_annotated_documents_when_asked(tmp_path):
    raw, gold, _good = write_corpus(tmp_path)
    documents = read(raw, gold, convention="polnear", annotated_only=True)
    assert [d.name for d in documents] == ["2011-12-06_itar-tass_rasmussen", "2012-05-21_medvedev"]
    assert {d.convention for d in documents} == {"polnear"}


def test_it_reads_a_raw_folder_without_gold_or_manifest(tmp_path):
    (tmp_path / "2013-03-01_putin.txt").write_text("Putin said yes.", encoding="utf-8")
    (document,) = read(tmp_path)
    assert not document.annotated and document.statements == ()
    assert document.published == date(2013, 3, 1)  # from its name


def doc(name: str, annotated: bool = True) -> Annotated:
    return Annotated(name, "text", None, "", "", (), annotated)


def test_its_folds_are_disjoint_cover_the_annotated_documents_and_do_not_depend_on_order():
    documents = [doc(f"d{k:02}") for k in range(11)] + [doc("unannotated", annotated=False)]
    split = folds(documents, 3)
    assert [len(f) for f in split] == [4, 4, 3]
    names = [d.name for f in split for d in f]
    assert sorted(names) == [f"d{k:02}" for k in range(11)]
    assert len(set(names)) == len(names)
    assert folds(list(reversed(documents)), 3) == split
    assert folds(documents, 3) == split
    assert [d.name for d in split[0]] == ["d00", "d03", "d06", "d09"]


def test_it_puts_the_marks_around_a_direct_statement():
    text = "“We will respond,” Lavrov said."
    (found,) = as_written(text, [statement(text, "We will respond", mode="direct", speaker="Sergey Lavrov")])
    assert (found["start"], found["end"], found["quote"]) == (0, 18, "“We will respond,”")
    assert text[found["start"] : found["end"]] == found["quote"]
    (kept,) = as_written(text, [statement(text, "We will respond,", mode="direct")])
    assert kept["quote"] == "“We will respond,”"


def test_it_leaves_a_reported_statement_as_it_is():
    text = "Lavrov said Russia would respond."
    given = statement(text, "Russia would respond")
    assert as_written(text, [given]) == [given]


def test_it_joins_one_speaker_s_quotations_around_their_cue():
    text = "“We will respond,” he said. “We are ready.”"
    first = statement(text, "We will respond,", mode="direct", speaker="Sergey Lavrov")
    second = statement(text, "We are ready.", mode="direct", speaker="Sergey Lavrov")
    (joined,) = as_written(text, [second, first])
    assert (joined["start"], joined["end"], joined["quote"]) == (0, len(text), text)
    assert first["quote"] == "We will respond,"  # the statements given are not changed


def test_it_does_not_join_two_speakers_quotations():
    text = "“We will respond,” he said. “We are ready.”"
    first = statement(text, "We will respond,", mode="direct", speaker="Sergey Lavrov")
    second = statement(text, "We are ready.", mode="direct", speaker="Dmitry Medvedev")
    assert [s["quote"] for s in as_written(text, [first, second])] == ["“We will respond,”", "“We are ready.”"]


def test_it_joins_quotations_around_their_source_however_long_its_apposition():
    source = "Kenneth Baer, a former Obama administration official who runs Crosscut Strategies"
    text = f"“We will respond,” said {source}. “We are ready.”"
    first = statement(text, "We will respond,", mode="direct", speaker=source)
    second = statement(text, "We are ready.", mode="direct", speaker=source)
    (joined,) = as_written(text, [first, second])
    assert joined["quote"] == text


def test_it_does_not_join_quotations_with_a_long_narration_between_them():
    between = "he said, and he went on at length about the weather in Moscow and the traffic"
    text = f"“We will respond,” {between}. “We are ready.”"
    first = statement(text, "We will respond,", mode="direct", speaker="he")
    second = statement(text, "We are ready.", mode="direct", speaker="he")
    assert len(as_written(text, [first, second])) == 2
