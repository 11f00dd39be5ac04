"""parse_feed on the shared bad-input corpus and on small hand-made feeds; no database."""

import codecs
import re
import time
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from positions.ingest import feed
from positions.ingest.feed import parse_feed
from positions.ingest.records import MB, FeedRejected, ParsedFeed

BADINPUT = Path(__file__).resolve().parents[1] / "data" / "badinput"
ATTACKS = BADINPUT / "xml-attacks"
FEEDS = BADINPUT / "feeds"
TODAY = date(2024, 6, 1)

# Every attack is refused before feedparser runs, except two (MANIFEST.tsv): an external DTD
# reference alone is let through, since feedparser never fetches it.
ATTACK_OUTCOMES = {
    "doctype_rss091_netscape_external_dtd.xml": "parsed",
    "dtd_external_public_xhtml.xml": "not a feed",  # an XHTML page: feedparser finds no feed in it
}

# MANIFEST.tsv's expected_ingest_behaviour, where it can be checked here. Every feed not listed
# must parse or be rejected with FeedRejected; the checks in _check_invariants apply to all.
FEED_EXPECTATIONS: dict[str, dict] = {
    "notfeed_html_page_with_autodiscovery.xml": {"rejected": "not a feed"},
    "notfeed_sitemap.xml": {"rejected": "not a feed"},
    "notfeed_sitemap.xml.gz": {"rejected": "not a feed"},  # compressed bytes, no fetcher in between
    "notfeed_unknown_root.xml": {"rejected": "not a feed"},
    "format_jsonfeed.json": {"rejected": "not a feed"},
    "illformed_empty_document.xml": {"entries": 0, "version": ""},  # only a comment: an empty feed
    "dup_atom_ten_entries_same_id.xml": {"entries": 1, "text": "Some text."},  # the first of ten ties
    "dup_rss_same_guid.xml": {"entries": 1},
    "dup_rss_same_guid_charref.xml": {"entries": 1},
    # The blank <guid> falls back; this item has no <link> either, so to the content hash.
    "dup_rss_blank_guid.xml": {"entries": 1, "key_prefix": "sha256:"},
    "odd_nested_id_precedence.xml": {"entries": 1, "key": "Correct Value"},
    "dates_atom_far_future.xml": {"implausible": True, "published_raw": "2103-12-13T18:30:02Z"},
    "dates_atom_distant_past.xml": {"implausible": True, "published_raw": "0103-12-13T18:30:02Z"},
    # feedparser rolls 2003-06-31 over to 1 July; the entry falls back to its <updated>.
    "dates_atom_june_31.xml": {"published": date(2003, 12, 13)},
    "dates_rss_many_formats.xml": {"entries": 30},
    "odd_html_entity_in_xml.xml": {"feed_title": "testing \u2026 entity"},
    "xss_malicious_comment.xml": {"feed_title": "safe"},
    "xss_unclosed_comment.xml": {"feed_title": "safe"},
    "xss_javascript_uri_in_href.xml": {"feed_title": "safe"},
    "odd_atom_empty_type_attr.xml": {"entry_title": "evil"},
    "encoding_cp1252_smart_quotes.xml": {"text": "don\u2019t"},
    "encoding_http_charset_windows1252.xml": {"text": "This is a \u00a3\u201ctest.\u201d"},
    "encoding_http_textxml_no_charset_i18n.xml": {"feed_title": "Iñtërnâtiônàlizætiøn"},
    "illformed_link_bare_ampersands.xml": {"entries": 1, "link": "http://link/get?a=1&b=2"},
    "url_atom_whitespace_in_href.xml": {"link": "http://example.org/2003/12/13/atom03"},
    "format_rss_no_version.xml": {"version": "rss", "entries": 0},
    "format_atom03_base64_content.xml": {"text": "Example Atom"},
    "xss_rss_script_in_cdata.xml": {"text": "safe description"},
    "xss_atom_xhtml_script.xml": {"text": "This is content."},
    "redos_large_atom_css.xml": {"entries": 15, "seconds": 5.0},
}
MARKUP = re.compile(r"<\s*script|javascript:|\bon(?:error|load|mouseover|change)\s*=|<[a-z!/]", re.IGNORECASE)
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]")


@pytest.fixture
def parser_unreachable(monkeypatch):
    """Fails the test if the document gets as far as feedparser."""

    def parse(*args, **kwargs):
        pytest.fail("feedparser.parse was called")

    monkeypatch.setattr(feed.feedparser, "parse", parse)


def served_headers(body: bytes) -> dict[str, str]:
    """The `Header: Name: value` line of feedparser's samples, as the HTTP header it stands for."""
    match = re.search(rb"Header:\s*([A-Za-z-]+):\s*([^\r\n]*)", body[:2048])
    return {match.group(1).decode().lower(): match.group(2).decode().strip()} if match else {}


def rss(items: str, *, prolog: str = "") -> bytes:
    return f'{prolog}<rss version="2.0"><channel><title>Feed</title>{items}</channel></rss>'.encode()


@pytest.mark.parametrize("name", sorted(p.name for p in ATTACKS.iterdir()))
def test_it_refuses_every_xml_attack_before_parsing(name, request):
    body = (ATTACKS / name).read_bytes()
    outcome = ATTACK_OUTCOMES.get(name, "refused")
    if outcome == "refused":
        request.getfixturevalue("parser_unreachable")
    started = time.monotonic()
    if outcome == "parsed":
        parsed = parse_feed(body, today=TODAY)
        assert parsed.version == "rss091n"
        assert [e.title for e in parsed.entries] == ["Und tschüss."]
    else:
        with pytest.raises(FeedRejected, match=f"^{outcome}"):
            parse_feed(body, today=TODAY)
    assert time.monotonic() - started < 0.5


@pytest.mark.parametrize("name", sorted(p.name for p in FEEDS.iterdir()))
def test_it_parses_or_rejects_every_bad_feed(name):
    body = (FEEDS / name).read_bytes()
    expected = FEED_EXPECTATIONS.get(name, {})
    started = time.monotonic()
    try:
        parsed = parse_feed(body, headers=served_headers(body), today=TODAY)
    except FeedRejected as rejected:
        parsed, reason = None, rejected.message
    assert time.monotonic() - started < expected.get("seconds", 2.0)

    if "rejected" in expected:
        assert parsed is None
        assert reason.startswith(expected["rejected"])
        return
    assert isinstance(parsed, ParsedFeed), f"rejected: {reason}"
    _check_invariants(parsed)
    entries = parsed.entries
    for field in ("version", "entries"):
        if field in expected:
            assert (len(entries) if field == "entries" else parsed.version) == expected[field]
    if "feed_title" in expected:
        assert parsed.title == expected["feed_title"]
    for field in ("key", "link", "text", "published", "published_raw"):
        if field in expected:
            assert getattr(entries[0], field) == expected[field]
    if "entry_title" in expected:
        assert entries[0].title == expected["entry_title"]
    if "key_prefix" in expected:
        assert entries[0].key.startswith(expected["key_prefix"])
    if "implausible" in expected:
        assert [(e.published, e.date_implausible) for e in entries] == [(None, True)]
    if name.startswith("xss_"):
        for text in [parsed.title, *(f"{e.title} {e.text} {e.link}" for e in entries)]:
            assert not MARKUP.search(text), text


def _check_invariants(parsed: ParsedFeed) -> None:
    """What holds for every accepted feed: clean storable text, one entry per non-empty key."""
    keys = [entry.key for entry in parsed.entries]
    assert all(keys) and len(keys) == len(set(keys))
    strings = [parsed.title, parsed.bozo_reason]
    for entry in parsed.entries:
        strings += [entry.key, entry.link, entry.title, entry.text, entry.published_raw]
        assert not entry.link.lower().startswith(("javascript:", "data:"))
        assert entry.published is None or date(1990, 1, 1) <= entry.published <= TODAY
    for text in strings:
        assert not CONTROL.search(text), text
        assert unicodedata.is_normalized("NFC", text)
        text.encode("utf-8")  # no lone surrogates: PostgreSQL could not store them


ENTITY = '<!DOCTYPE rss [<!ENTITY x "boom">]>'
ATTACK = rss("<item><title>&x;</title></item>", prolog=ENTITY).decode()


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        pytest.param(codecs.BOM_UTF16_LE + ATTACK.encode("utf-16-le"), {}, id="utf16le-bom"),
        pytest.param(ATTACK.encode("utf-16-be"), {}, id="utf16be-no-bom"),
        pytest.param(ATTACK.encode("utf-32-le"), {}, id="utf32le"),
        pytest.param(('<?xml version="1.0" encoding="cp037"?>' + ATTACK).encode("cp037"), {}, id="ebcdic"),
        pytest.param(ATTACK.replace("<!", "+ADwAIQ-").encode(), {"content-type": "text/xml; charset=utf-7"}, id="utf7"),
        pytest.param(ATTACK.lower().encode(), {}, id="lower-case"),
        pytest.param(rss("") + b"\n" + ENTITY.encode(), {}, id="second-doctype-at-the-end"),
        pytest.param(rss("", prolog="<!DOCTYPE rss [<!ELEMENT rss ANY>]>"), {}, id="subset-without-entities"),
        pytest.param(rss("", prolog='<!DOCTYPE rss SYSTEM "a>b" [<!ATTLIST rss a CDATA "x">]>'), {}, id="quoted-gt"),
    ],
)
def test_it_refuses_entities_and_internal_subsets_in_any_encoding(body, headers, parser_unreachable):
    with pytest.raises(FeedRejected, match=r"^refused"):
        parse_feed(body, headers=headers)


def test_it_refuses_a_body_over_20_mb(parser_unreachable):
    with pytest.raises(FeedRejected, match="limit"):
        parse_feed(rss("") + b" " * (20 * MB), today=TODAY)


def test_it_takes_bytes_only(parser_unreachable):
    with pytest.raises(TypeError):
        parse_feed("http://127.0.0.1/feed.xml")  # type: ignore[arg-type]


def test_it_never_reads_a_local_file_named_by_the_body(tmp_path):
    local = tmp_path / "secret.xml"
    local.write_bytes(rss("<item><title>secret</title></item>"))
    with pytest.raises(FeedRejected, match=r"^not a feed"):
        parse_feed(str(local).encode())


def test_it_keeps_the_latest_updated_of_duplicate_ids():
    entry = "<entry><id>urn:a</id><title>{}</title><updated>{}</updated></entry>"
    body = (
        '<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>'
        + entry.format("old", "2020-01-01T00:00:00Z")
        + entry.format("new", "2020-03-01T00:00:00Z")
        + entry.format("middle", "2020-02-01T00:00:00Z")
        + "<entry><id>urn:b</id><title>other</title></entry></feed>"
    ).encode()
    parsed = parse_feed(body, today=TODAY)
    assert [(e.key, e.title) for e in parsed.entries] == [("urn:a", "new"), ("urn:b", "other")]


def test_it_keys_on_id_then_link_then_a_content_hash():
    parsed = parse_feed(
        rss(
            "<item><guid> urn:x </guid><link>http://example.org/1</link></item>"
            "<item><guid>  </guid><link> http://example.org/2 </link></item>"
            "<item><title>No id</title><description>nor link</description></item>"
        ),
        today=TODAY,
    )
    keys = [e.key for e in parsed.entries]
    assert keys[:2] == ["urn:x", "http://example.org/2"]
    assert re.fullmatch("sha256:[0-9a-f]{64}", keys[2])


def test_it_blanks_script_links_and_resolves_relative_ones():
    parsed = parse_feed(
        rss(
            "<item><guid>1</guid><link>java\tscript:alert(1)</link></item>"
            "<item><guid>2</guid><link>data:text/html,x</link></item>"
            "<item><guid>3</guid><link>/news/3</link></item>"
        ),
        base_url="https://example.org/feed.xml",
        today=TODAY,
    )
    assert [e.link for e in parsed.entries] == ["", "", "https://example.org/news/3"]


def test_it_turns_html_into_plain_paragraphs_without_script_text():
    html = "<p>One <b>two</b></p><script>alert(1)</script><style>p{}</style><!-- hidden --><p>Three<br>four</p>"
    parsed = parse_feed(rss(f"<item><guid>1</guid><description><![CDATA[{html}]]></description></item>"))
    assert parsed.entries[0].text == "One two\n\nThree\nfour"


def test_it_accepts_a_bozo_feed_with_entries_and_an_empty_feed_with_a_version():
    bozo = parse_feed(rss("<item><title>a & b \x01</title></item>"), today=TODAY)
    assert bozo.bozo and bozo.bozo_reason
    assert [e.title for e in bozo.entries] == ["a & b"]
    empty = parse_feed(rss(""), today=TODAY)
    assert (empty.version, empty.entries) == ("rss20", ())


def test_it_flags_dates_more_than_two_days_ahead():
    item = "<item><guid>{}</guid><pubDate>{}</pubDate></item>"
    parsed = parse_feed(
        rss(item.format(1, "Sun, 02 Jun 2024 10:00:00 GMT") + item.format(2, "Tue, 04 Jun 2024 10:00:00 GMT")),
        today=TODAY,
    )
    assert [(e.published, e.date_implausible) for e in parsed.entries] == [(date(2024, 6, 2), False), (None, True)]
    assert parsed.entries[1].published_raw == "Tue, 04 Jun 2024 10:00:00 GMT"
