"""read_head: a plain text's headline and publication date from its first lines; no database."""

import csv
from datetime import date
from pathlib import Path

import pytest

from positions.ingest.head import read_head
from tests.conftest import shared

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "raw"
EARLIEST, LATEST = date(1990, 1, 1), date(2024, 6, 3)
BODY = "NATO said it would not give Russia a legally binding guarantee on missile defence. " * 5


def head(text: str):
    return read_head(text, earliest=EARLIEST, latest=LATEST)


@pytest.mark.parametrize(
    ("first_lines", "expected"),
    [
        ("BRUSSELS, Dec. 8, 2011 – NATO ministers met.", date(2011, 12, 8)),
        ("WASHINGTON, D.C., Dec. 8, 2011 — The Senate voted.", date(2011, 12, 8)),
        ("MOSCOW, December 6, 2011 (Itar-Tass) — Russia said.", date(2011, 12, 6)),
        ("For Immediate Release July 6, 2009", date(2009, 7, 6)),
        ("FOR IMMEDIATE RELEASE July 6, 2009 TRANSCRIPT OF AN INTERVIEW", date(2009, 7, 6)),
        ("Released on: 8 December 2011", date(2011, 12, 8)),
        ("December 6, 2011", date(2011, 12, 6)),
        ("Tuesday, December 6, 2011", date(2011, 12, 6)),
        ("December 20, 2012, Moscow", date(2012, 12, 20)),
        ("April 08, 2010\nFor Immediate Release", date(2010, 4, 8)),
        ("06.19.2013", date(2013, 6, 19)),
        ("19.06.2013", date(2013, 6, 19)),
        ("2011-12-06", date(2011, 12, 6)),
        ("Statement on the talks\n\nNovember 12, 2011\n\n3:16 P.M. HAST", date(2011, 11, 12)),
        ("Washington, D.C. – Today, Congressman Turner wrote to the President.\nJune 19, 2013", date(2013, 6, 19)),
    ],
)
def test_it_reads_a_dateline_or_a_date_line_near_the_top(first_lines, expected):
    found = head(f"{first_lines}\n\n{BODY}")
    assert found.published == expected


@pytest.mark.parametrize(
    ("first_lines", "raw"),
    [
        ("MOSCOW, December 6 (Itar-Tass) — Russia and NATO should create two systems.", "December 6"),
        ("4/12/2013", "4/12/2013"),  # April 12 or 4 December: nothing says which
        ("Press briefing\n\nDecember 6, 1985", "December 6, 1985"),  # before 1990
        ("Press briefing\n\nDecember 6, 2031", "December 6, 2031"),  # ahead of today
    ],
)
def test_it_keeps_a_date_that_is_no_date_by_itself_as_raw_text_only(first_lines, raw):
    found = head(f"{first_lines}\n\n{BODY}")
    assert (found.published, found.published_raw) == (None, raw)


@pytest.mark.parametrize(
    "text",
    [
        f"Turner urges a vote\n\nOn June 8, 2011, the Senate voted. {BODY}",  # a date inside a sentence
        f"Turner urges a vote\n\n{BODY} It was signed on December 6, 2011.",
        f"Turner urges a vote\n\nWASHINGTON – U.S. Senator Lindsey Graham today made this statement. {BODY}",
        f"Yesterday\n\n{BODY}",  # never a relative word against the clock
        f"Room 12\n\n{BODY}",
        f"{BODY}\n" * 20 + "December 6, 2011",  # far below the head
    ],
)
def test_it_reads_no_date_from_the_body(text):
    assert head(text).published is None


NEWS = "All news\n\nRF, NATO should create 2 separate missile systems-Rasmussen"
RELEASE = "November 19, 2010\nFor Immediate Release\n\nRemarks by the President on the NATO Summit"
BRIEFING = "Briefing by the Press Secretary, 12/20/2010\n\nDecember 20, 2010"


@pytest.mark.parametrize(
    ("first_lines", "title"),
    [
        (NEWS, "RF, NATO should create 2 separate missile systems-Rasmussen"),
        (RELEASE, "Remarks by the President on the NATO Summit"),
        (BRIEFING, "Briefing by the Press Secretary, 12/20/2010"),
        ("MR. GIBBS: Good afternoon, everybody.", ""),
        ("NATO said on Monday it would go on talking.", ""),  # a sentence, not a headline
        ("", ""),
    ],
)
def test_its_title_is_the_first_line_that_reads_like_a_headline(first_lines, title):
    assert head(f"{first_lines}\n\n{BODY}").title == title


def test_it_reads_the_corpus_s_dates_where_the_text_gives_them_and_never_a_wrong_one():
    dates = {row["file"]: row["date"] for row in csv.DictReader((CORPUS / "MANIFEST.tsv").open(), delimiter="\t")}
    read = {path.name: head(path.read_text(encoding="utf-8")).published for path in sorted(CORPUS.glob("*.txt"))}
    found = {name: day.isoformat() for name, day in read.items() if day is not None}
    assert found == {name: dates[name] for name in found}
    assert len(found) >= 40  # every White House and Kremlin text; press releases say only "today"


def test_it_reads_the_seed_reports_dateline():
    path = shared("corpus", "raw", "2011-12-06_itar-tass_rasmussen-two-separate-systems.txt")
    assert head(path.read_text(encoding="utf-8")).published_raw == "December 6"
