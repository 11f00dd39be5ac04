"""extract_text, text_from_file and normalize_text on the shared pages and corpus; no database."""

import gzip
import re
import time
from datetime import date
from pathlib import Path

import pytest

from positions.ingest.records import MB, TextError
from positions.ingest.text import extract_text, normalize_text, text_from_file
from tests.conftest import SHARED, shared

# The odd pages are third-party web pages (tests/data/README.md): read from ../shared, never kept here.
PAGES = SHARED / "badinput" / "html"
CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "raw"
TODAY = date(2024, 6, 1)
CJK = re.compile("[\u4e00-\u9fff]")
KANA = re.compile("[\u3040-\u30ff]")

# MANIFEST.tsv's expected_ingest_behaviour, where it can be checked: each key names a check below.
PAGE_EXPECTATIONS: dict[str, dict] = {
    "charset_windows1250_polish.html": {"contains_any": "ąęłńśźż"},
    "charset_undeclared_latin1.html": {"contains_any": "äöüß"},
    "charset_utf8_bom_japanese.html": {"matches": KANA, "absent": "\ufeff"},
    # The file is pure ASCII (no byte over 0x7F, so no curly quote to decode): it must still
    # decode cleanly; windows-1252 quotes are checked on a made-up page below.
    "charset_windows1252.html": {"contains": "Mary Magdalene", "title": "A.Word.A.Day"},
    "charset_conflict_utf8_wrapper_gb2312_page.html": {"matches": CJK},
    "charset_utf8_with_stray_latin1_byte.html": {"contains_any": "äöü"},
    # No <title>, no meta, no date: the title trafilatura gives is the page's own <h1>.
    "minimal_no_metadata.html": {"published": None, "title": "Herman Melville - Moby-Dick", "min_chars": 3000},
    "naive_parser_trap_drupal_article.html": {"min_chars": 5000},
    "gzip_raw_webpage.html.gz": {"min_chars": 5000},
    # Its content sits in <pre>: no article text, which the caller records, but the metadata stays.
    "unicode_utf8_stress_demo.html": {"text": "", "title": "Unicode Demo"},
}


def page_body(name: str) -> bytes:
    body = shared("badinput", "html", name).read_bytes()
    return gzip.decompress(body) if name.endswith(".gz") else body  # as the fetcher will


@pytest.mark.parametrize("name", sorted(p.name for p in PAGES.iterdir()) if PAGES.is_dir() else ["(no pages)"])
def test_it_extracts_every_bad_page_without_raising(name):
    expected = PAGE_EXPECTATIONS.get(name, {})
    started = time.monotonic()
    document = extract_text(page_body(name), url=f"https://example.org/{name}", today=TODAY)
    assert time.monotonic() - started < 5
    assert "\ufffd" not in document.text + document.title
    for text in (document.text, document.title, document.author, document.published_raw):
        assert text == normalize_text(text)
    if "contains_any" in expected:
        assert set(expected["contains_any"]) & set(document.text)
    if "contains" in expected:
        assert expected["contains"] in document.text
    if "matches" in expected:
        assert expected["matches"].search(document.text)
    if "absent" in expected:
        assert expected["absent"] not in document.text + document.title
    if "min_chars" in expected:
        assert len(document.text) > expected["min_chars"]
    for field in ("title", "text", "published"):
        if field in expected:
            assert getattr(document, field) == expected[field]


def test_it_opens_a_gzip_body_served_without_content_encoding():
    raw = shared("badinput", "html", "gzip_raw_webpage.html.gz").read_bytes()
    assert extract_text(raw, today=TODAY) == extract_text(gzip.decompress(raw), today=TODAY)


def page(body: str, *, head: str = "") -> str:
    paragraph = "<p>" + "The delegation said it would not accept the proposal as it stands. " * 8 + "</p>"
    return f"<html><head>{head}<title>T</title></head><body><article>{body}{paragraph}</article></body></html>"


def test_it_reads_windows_1252_quotes_from_meta_or_from_an_iso_8859_1_header():
    body = page("<p>\x93Quoted\x94 and it\x92s done.</p>", head='<meta charset="windows-1252">')
    assert "\u201cQuoted\u201d and it\u2019s done." in extract_text(body.encode("latin-1"), today=TODAY).text
    body = page("<p>It\x92s done.</p>")
    served = extract_text(body.encode("latin-1"), content_type="text/html; charset=ISO-8859-1", today=TODAY)
    assert "It\u2019s done." in served.text


def test_it_lets_the_header_charset_win_over_the_meta_charset():
    body = page("<p>Zażółć gęślą jaźń.</p>", head='<meta charset="iso-8859-2">').encode("cp1250")
    document = extract_text(body, content_type="text/html; charset=windows-1250", today=TODAY)
    assert "Zażółć gęślą jaźń." in document.text


def test_it_returns_a_plain_text_body_as_it_is():
    body = b"Line one\r\n  indented <b>not a tag</b>\x00\n"
    for content_type in ("text/plain; charset=utf-8", ""):
        document = extract_text(body, content_type=content_type, today=TODAY)
        assert (document.text, document.published) == ("Line one\n  indented <b>not a tag</b>", None)


@pytest.mark.parametrize(
    ("published", "expected"),
    [("2024-05-30", date(2024, 5, 30)), ("1970-01-02", None), ("2031-01-01", None)],
)
def test_it_keeps_only_a_plausible_page_date(published, expected):
    head = f'<meta property="article:published_time" content="{published}">'
    assert extract_text(page("", head=head).encode(), today=TODAY).published == expected


def test_it_refuses_bodies_over_20_mb_also_once_decompressed():
    with pytest.raises(TextError):
        extract_text(b" " * (20 * MB + 1))
    with pytest.raises(TextError):
        extract_text(gzip.compress(b"\0" * (20 * MB + 1), compresslevel=1))
    with pytest.raises(TextError):
        text_from_file(b"a" * (20 * MB + 1), name="big.txt")


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.name)
def test_it_reads_a_corpus_text_file_unchanged(path):
    raw = path.read_text(encoding="utf-8")
    document = text_from_file(path.read_bytes(), name=path.name, today=TODAY)
    assert document.text == normalize_text(raw)
    # Clean UTF-8 without control characters or CR: only the final newline goes, so offsets hold.
    assert document.text == raw.rstrip()
    assert "\n" not in document.title and len(document.title) <= 250  # a headline of its first lines, or none


def test_it_reads_a_plain_text_s_headline_and_dateline():
    text = "NATO offers Russia two joint centres\n\nBRUSSELS, Dec. 8, 2011 – NATO said it would go on talking.\n"
    body = text.encode()
    for document in (text_from_file(body, name="x.txt", today=TODAY), extract_text(body, today=TODAY)):
        assert (document.title, document.published) == ("NATO offers Russia two joint centres", date(2011, 12, 8))
        assert (document.published_raw, document.date_from_text) == ("Dec. 8, 2011", True)
    undated = text_from_file(b"MOSCOW, December 6 (Itar-Tass) \xe2\x80\x94 Russia said.", name="y.txt", today=TODAY)
    assert (undated.published, undated.published_raw, undated.date_from_text) == (None, "December 6", False)


def test_a_page_s_markup_date_comes_first_then_its_dateline_and_never_a_bare_year():
    dateline = "<p>BRUSSELS, Dec. 8, 2011 – NATO said it would go on talking.</p>"
    marked = page(dateline, head='<meta property="article:published_time" content="2011-12-07">')
    assert extract_text(marked.encode(), today=TODAY).published == date(2011, 12, 7)
    document = extract_text(page(dateline).encode(), today=TODAY)
    assert (document.published, document.date_from_text) == (date(2011, 12, 8), True)
    # htmldate's search of the whole text would take "in 2009" for 1 January 2009
    assert extract_text(page("<p>In 2009 the talks began.</p>").encode(), today=TODAY).published is None


def test_it_reads_files_with_a_bom_or_in_latin_1_and_html_files_as_pages():
    assert text_from_file(b"\xef\xbb\xbfHello", name="a.txt").text == "Hello"
    latin1 = "Die Bundesregierung äußerte sich über die Gespräche in Genf zurückhaltend.\n" * 5
    assert text_from_file(latin1.encode("latin-1"), name="b.txt").text == latin1.rstrip()
    html = page("").encode()
    assert text_from_file(html, name="c.HTML", today=TODAY).title == "T"
    assert text_from_file(b"\xff\xfe\x00bad", name="d.txt").text  # never raises


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a\x00b", "ab"),  # PostgreSQL text cannot hold NUL
        ("a\x85b\x9fc\x7fd\x1be", "abcde"),  # C1 and C0 controls, DEL
        ("one\r\ntwo\rthree\n", "one\ntwo\nthree"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("e\u0301", "\u00e9"),  # NFC composes
        ("e\x00\u0301", "\u00e9"),  # composes across a removed control
        ("a\ufffeb\uffffc", "abc"),
        ("a\ud800b", "ab"),  # a lone surrogate cannot be encoded at all
        ("  lead and inner  \nlines  \n\n  ", "  lead and inner  \nlines"),
        ("", ""),
    ],
)
def test_it_normalizes_text(text, expected):
    assert normalize_text(text) == expected
    assert normalize_text(expected) == expected
