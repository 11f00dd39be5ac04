"""Tests of the dedupe stage: canonical URLs, content hashes and MinHash fingerprints (no database)."""

import hashlib
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from positions.ingest.dedupe import (
    BANDS,
    NEAR_DUPLICATE_THRESHOLD,
    NUM_PERM,
    ROWS,
    canonical_url,
    content_hash,
    fingerprint,
    similarity,
)

BASE_DIR = Path(__file__).resolve().parents[2]
CORPUS = BASE_DIR / "tests" / "data" / "corpus" / "raw"
RELEASE = CORPUS / "2009-09-17_uscongress_missile-defense-caucus-react-european-site-decision.txt"
BRIEFING_2009 = CORPUS / "2009-03-03_whitehouse_gibbs-press-briefing-obama-letter-medvedev.txt"
HEARING_2014 = CORPUS / "2014-07-24_uscongress_rogers-hearing-missile-defense-russia-china.txt"


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def republished(text: str) -> str:
    """The press release as a news site runs it: new first line, credit, footer and a few words edited."""
    lines = text.splitlines()
    body = "\n".join(lines[1:])
    for old, new in [
        ("It is disconcerting", "It is troubling"),
        ("loyal and courageous allies", "loyal and brave allies"),
        ("Unfortunately, this is", "Sadly, this is"),
        ("founding co-chair", "a founding co-chair"),
    ]:
        assert old in body
        body = body.replace(old, new, 1)
    return (
        "World | Europe\n"
        "Reprinted from a congressional press release, 17 September 2009\n"
        f"{body}\n"
        "© 2009 Capitol Evening Digest. All rights reserved. Share this story: Facebook Twitter Email\n"
    )


# canonical_url


def test_it_drops_utm_and_click_id_parameters_and_keeps_the_others_in_order():
    url = "https://example.com/news?b=2&utm_source=feed&a=1&FBCLID=xyz&UTM_Medium=rss&gclid=1&c=%20x"
    assert canonical_url(url) == "https://example.com/news?b=2&a=1&c=%20x"


def test_it_drops_the_query_mark_when_only_tracking_parameters_were_there():
    assert canonical_url("https://example.com/a?utm_campaign=x&mc_eid=1") == "https://example.com/a"


def test_it_keeps_parameters_that_merely_look_like_tracking_ones():
    assert (
        canonical_url("https://example.com/?utm=1&refs=2&xutm_source=3")
        == "https://example.com/?utm=1&refs=2&xutm_source=3"
    )


def test_it_drops_the_fragment():
    assert canonical_url("https://example.com/story#comments") == "https://example.com/story"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:80/a", "https://example.com:80/a"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
    ],
)
def test_it_drops_only_the_default_port_of_the_scheme(url, expected):
    assert canonical_url(url) == expected


def test_it_lower_cases_scheme_and_host_but_not_the_path():
    assert canonical_url("  HTTPS://News.Example.COM/Path/Story?ID=7\n") == "https://news.example.com/Path/Story?ID=7"


def test_it_leaves_out_userinfo():
    assert canonical_url("https://user:secret@example.com/a") == "https://example.com/a"


def test_it_gives_an_empty_path_a_slash():
    assert canonical_url("https://example.com") == "https://example.com/"
    assert canonical_url("https://example.com?a=1") == "https://example.com/?a=1"


def test_it_keeps_an_idna_host_as_given_lower_cased():
    assert canonical_url("https://Bücher.Example/x") == "https://bücher.example/x"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "ftp://example.com/file.txt",
        "mailto:press@example.com",
        "http:///no-host",
        "https://",
        "/relative/path",
        "example.com/no-scheme",
        "http://example.com:99999/",
        "",
        "   ",
    ],
)
def test_it_returns_empty_for_what_is_not_an_http_url_with_a_host(url):
    assert canonical_url(url) == ""


@pytest.mark.parametrize(
    "url",
    [
        "HTTP://User:Pw@Example.COM:80?utm_source=x&a=1&fbclid=2&b=%20c#frag",
        " https://[2001:DB8::1]:443/p?x=1&spm=a.b ",
        "https://example.com:8443/a/b/?q=a+b&Ref_Src=twsrc",
        "https://Bücher.Example",
        "javascript:void(0)",
    ],
)
def test_it_is_idempotent(url):
    once = canonical_url(url)
    assert canonical_url(once) == once


# content_hash


def test_content_hash_is_the_sha256_hex_of_the_utf8_text():
    assert content_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    text = "Russia’s concerns — Россия"
    assert content_hash(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()


# fingerprint and similarity


def test_it_fingerprints_the_same_text_the_same_way():
    text = read(RELEASE)
    first, second = fingerprint(text), fingerprint(text)
    assert first is not None
    assert first == second
    assert len(first.signature) == NUM_PERM
    assert len(first.bands) == BANDS
    assert all(type(value) is int and 0 <= value < 2**32 for value in first.signature)
    assert similarity(first.signature, second.signature) == 1.0


def test_it_fingerprints_the_same_way_in_another_process():
    # Another interpreter with another hash seed: nothing may depend on Python's salted hash().
    code = (
        "import json, sys; from positions.ingest.dedupe import fingerprint; "
        "f = fingerprint(sys.stdin.read()); print(json.dumps([f.signature, f.bands]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        input=read(RELEASE),
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=BASE_DIR,
        env={**os.environ, "PYTHONHASHSEED": "12345"},
        check=True,
        timeout=60,
    )
    signature, bands = json.loads(result.stdout)
    here = fingerprint(read(RELEASE))
    assert here is not None
    assert (tuple(signature), tuple(bands)) == (here.signature, here.bands)


def test_it_keeps_the_signatures_already_stored():
    # Band keys are stored: a change of seed, scheme or shingle hash (a datasketch upgrade changing
    # a default, say) would silently stop old documents from matching new ones.
    result = fingerprint("Russia and NATO should create two separate missile defence systems for the same goal.")
    assert result is not None
    assert result.signature[:4] == (188197832, 604012857, 386202531, 610063310)
    assert result.bands[:2] == (5211021244785590372, -4711646660942424612)


def test_it_finds_a_republished_copy():
    original = fingerprint(read(RELEASE))
    copy = fingerprint(republished(read(RELEASE)))
    assert original is not None and copy is not None
    assert original != copy
    assert set(original.bands) & set(copy.bands)
    assert similarity(original.signature, copy.signature) >= NEAR_DUPLICATE_THRESHOLD


def test_it_keeps_apart_two_documents_on_different_subjects():
    briefing = fingerprint(read(BRIEFING_2009))
    hearing = fingerprint(read(HEARING_2014))
    assert briefing is not None and hearing is not None
    assert not set(briefing.bands) & set(hearing.bands)
    assert similarity(briefing.signature, hearing.signature) < 0.5


def test_no_two_corpus_documents_are_near_duplicate_candidates():
    fingerprints = {path.name: fingerprint(read(path)) for path in sorted(CORPUS.glob("*.txt"))}
    assert len(fingerprints) > 10
    candidates = [
        (a, b)
        for (a, fa), (b, fb) in itertools.combinations(fingerprints.items(), 2)
        if fa is not None and fb is not None and set(fa.bands) & set(fb.bands)
    ]
    assert candidates == []


@pytest.mark.parametrize("text", ["", "   ", "!!! --- ???", "Missile defence talks resume.", "one two three four"])
def test_it_gives_no_fingerprint_to_a_text_too_short_to_judge(text):
    assert fingerprint(text) is None


def test_it_fingerprints_a_text_of_exactly_one_shingle():
    assert fingerprint("Russia and NATO should cooperate") is not None


def test_it_ignores_case_and_punctuation():
    a = fingerprint("Russia and NATO should create two separate systems.")
    b = fingerprint("RUSSIA, and NATO — should create: two separate systems!")
    assert a == b


def test_band_keys_fit_a_signed_64_bit_integer():
    for path in sorted(CORPUS.glob("*.txt"))[:20]:
        result = fingerprint(read(path))
        assert result is not None
        assert all(type(key) is int and -(2**63) <= key < 2**63 for key in result.bands)


def test_the_banding_covers_the_whole_signature():
    assert BANDS * ROWS == NUM_PERM


def test_similarity_is_the_share_of_equal_positions():
    assert similarity((1, 2, 3, 4), (1, 2, 0, 0)) == 0.5
    assert similarity((1, 2, 3, 4), (1, 2, 3, 4)) == 1.0
    assert similarity((1, 2, 3, 4), (5, 6, 7, 8)) == 0.0


def test_similarity_of_signatures_of_different_lengths_is_zero():
    assert similarity((1, 2, 3), (1, 2, 3, 4)) == 0.0
    assert similarity((), ()) == 0.0
