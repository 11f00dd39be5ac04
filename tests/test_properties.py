"""Invariants checked on generated inputs (Hypothesis): what must hold for any document or URL.

- ingesting the same files twice leaves what ingesting them once left;
- every statement's quote is exactly its document's text between its offsets, in the extractor's
  output and in the database;
- a URL whose host resolves to any address that is not global is refused before any connection.
"""

import ipaddress
import socket

import pytest
from django.db import transaction
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from positions import tasks
from positions.ingest.fetch import check_url
from positions.ingest.records import FetchLimits, UrlRefused
from positions.models import Document, Item, Statement
from positions.services.ingest import item_process, upload_store
from positions.statements.extract import extract
from positions.statements.records import DocumentInput, Lexicon

NAMES = ["Sergei Lavrov", "Anders Fogh Rasmussen", "Hillary Clinton", "the Foreign Ministry", "Moscow", "he", "NATO"]
VERBS = ["said", "insisted", "warned", "told reporters", "according to", "added", "stressed that"]
MARKS = ["“", "”", '"', "'", "‘", "’", "«", "»", "''", "(", ")", "—", ":", "\n\n", "Q ", "MR. GIBBS: "]
WORDS = ["missile", "defence", "guarantees", "the", "system", "is", "not", "aimed", "at", "Russia", "on", "Tuesday"]


def _fragment():
    pieces = [st.sampled_from(NAMES), st.sampled_from(VERBS), st.sampled_from(MARKS), st.sampled_from(WORDS)]
    return st.one_of(*pieces, st.text(max_size=8))


documents = st.lists(_fragment(), min_size=1, max_size=80).map(" ".join)
PROPERTY = settings(max_examples=300, deadline=None, derandomize=True)
WITH_DATABASE = settings(
    max_examples=20, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@PROPERTY
@given(text=documents, published=st.one_of(st.none(), st.dates()))
def test_every_quote_the_extractor_finds_is_its_text_between_its_offsets(text, published):
    for found in extract(DocumentInput(text=text, published=published), Lexicon()):
        assert 0 <= found.start < found.end <= len(text)
        assert found.quote == text[found.start : found.end]


@pytest.fixture
def uploads(settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"


def _rows() -> dict:
    return {
        "documents": sorted(Document.objects.values_list("content_hash", "title", "text")),
        "statements": sorted(Statement.objects.values_list("document__content_hash", "start", "end", "quote", "kind")),
        "items": Item.objects.count(),
    }


@pytest.fixture
def upload_and_process(monkeypatch, django_capture_on_commit_callbacks):
    """Upload files and run each queued item as the worker's task would, here."""
    sent = []
    monkeypatch.setattr(tasks.process_item, "delay", sent.append)

    def run(files):
        with django_capture_on_commit_callbacks(execute=True):
            upload_store(files=files)
        while sent:
            item_process(item_id=sent.pop())

    return run


@WITH_DATABASE
@given(texts=st.lists(documents.filter(lambda t: len(t.strip()) > 20), min_size=1, max_size=4))
@pytest.mark.django_db
def test_ingesting_the_same_files_twice_leaves_what_once_left(seeded, uploads, upload_and_process, texts):
    files = [(f"doc-{i}.txt", text.encode()) for i, text in enumerate(texts)]
    with transaction.atomic():
        upload_and_process(files)
        once = _rows()
        upload_and_process(files)
        twice = _rows()
        for statement in Statement.objects.select_related("document"):
            assert statement.quote == statement.document.text[statement.start : statement.end]
        transaction.set_rollback(True)  # each example starts from an empty database
    assert twice["documents"] == once["documents"]
    assert twice["statements"] == once["statements"]
    assert twice["items"] == once["items"]  # an upload's items are keyed by content: nothing new to record


def _not_global_v4():
    return st.one_of(
        *(
            st.ip_addresses(network=net)
            for net in [
                "0.0.0.0/8",
                "10.0.0.0/8",
                "100.64.0.0/10",
                "127.0.0.0/8",
                "169.254.0.0/16",
                "172.16.0.0/12",
                "192.0.0.0/24",
                "192.168.0.0/16",
                "198.18.0.0/15",
                "224.0.0.0/4",
                "240.0.0.0/4",
            ]
        )
    )


def _not_global_addresses():
    v4 = _not_global_v4()
    v6 = st.one_of(
        *(st.ip_addresses(network=net) for net in ["::1/128", "fc00::/7", "fe80::/10", "ff00::/8", "::/128"])
    )
    # Wrappings whose packets end at the IPv4 address inside: mapped, NAT64, 6to4.
    mapped = v4.map(lambda a: ipaddress.IPv6Address(f"::ffff:{a}"))
    nat64 = v4.map(lambda a: ipaddress.IPv6Address(int(ipaddress.IPv6Address("64:ff9b::")) | int(a)))
    sixtofour = v4.map(lambda a: ipaddress.IPv6Address((0x2002 << 112) | (int(a) << 80)))
    return st.one_of(v4, v6, mapped, nat64, sixtofour)


def _answers(addresses):
    """What socket.getaddrinfo returns for a name with these addresses."""
    rows = []
    for address in addresses:
        family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
        sockaddr = (str(address), 443, 0, 0) if family == socket.AF_INET6 else (str(address), 443)
        rows.append((family, socket.SOCK_STREAM, 6, "", sockaddr))
    return rows


@PROPERTY
@given(
    bad=_not_global_addresses(),
    good=st.lists(st.ip_addresses(v=4).filter(lambda a: a.is_global), max_size=3),
    position=st.integers(min_value=0, max_value=3),
)
def test_a_name_that_resolves_to_any_address_that_is_not_global_is_refused(bad, good, position):
    answers = list(good)
    answers.insert(min(position, len(answers)), bad)
    with pytest.raises(UrlRefused):
        check_url("https://feeds.example.org/rss", limits=FetchLimits(), resolver=lambda *a, **k: _answers(answers))


@PROPERTY
@given(address=st.ip_addresses())
def test_an_address_written_in_the_url_is_fetched_only_when_global(address):
    assume(not (address.version == 6 and address.ipv4_mapped))  # checked as the IPv4 address it maps to
    host = f"[{address}]" if address.version == 6 else str(address)
    try:
        check_url(f"http://{host}/feed", limits=FetchLimits())
    except UrlRefused:
        refused = True
    else:
        refused = False
    if not address.is_global:
        assert refused
