"""pdf_text, and text_from_file on PDFs and binary files: what is read, what is refused; no database."""

import gzip

import pytest

from positions.ingest.pdf import pdf_text
from positions.ingest.records import TextError
from positions.ingest.text import binary_kind, text_from_file
from tests.factories import pdf

SENTENCE = "Lavrov said Moscow wants legally binding guarantees."


def test_it_reads_a_pdf_s_pages_in_order_and_its_title():
    found = pdf_text(
        pdf([SENTENCE, "Rasmussen replied."], title="Readout"), name="r.pdf", max_pages=5, max_characters=500
    )
    assert (found.title, found.text) == ("Readout", f"{SENTENCE}\n\nRasmussen replied.")


def test_a_pdf_renamed_txt_is_read_as_a_pdf():
    found = text_from_file(pdf([SENTENCE]), name="report.txt")
    assert found.text == SENTENCE and "%PDF" not in found.text


def test_it_refuses_a_pdf_over_the_page_cap():
    with pytest.raises(TextError, match="3 pages, over the 2-page cap"):
        text_from_file(pdf(["one", "two", "three"]), name="long.pdf", max_pages=2)


def test_it_refuses_a_pdf_over_the_character_cap():
    with pytest.raises(TextError, match="over the 40-character cap"):
        text_from_file(pdf([SENTENCE, SENTENCE]), name="big.pdf", max_characters=40)


def test_it_refuses_a_damaged_pdf_with_a_readable_error():
    with pytest.raises(TextError, match="is not a readable PDF"):
        text_from_file(b"%PDF-1.4\n" + b"\x93garbage" * 100, name="broken.pdf")


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(50)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (PNG, "a PNG image"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "a JPEG image"),
        (b"GIF89a\x01\x00\x01\x00", "a GIF image"),
        (b"PK\x03\x04\x14\x00\x06\x00", "a zip archive"),
        (b"\x7fELF\x02\x01\x01\x00", "an ELF executable"),
        (b"Some words\x00\x00\x00\x01\x02 and more", "NUL bytes"),
    ],
)
def test_it_refuses_binary_files_whatever_their_name(data, kind):
    assert kind in binary_kind(data)
    with pytest.raises(TextError, match=f"report.txt is .*{kind}.*, not text"):
        text_from_file(data, name="report.txt")


def test_it_refuses_bytes_that_decode_to_replacement_characters():
    noise = bytes(range(0x80, 0x100)) * 40  # no NUL, no magic number, no encoding makes words of it
    data = b"Header line\n" + noise
    assert binary_kind(data) == ""
    with pytest.raises(TextError, match=r"is not text: .* unreadable"):
        text_from_file(data, name="noise.txt")


def test_text_is_not_taken_for_binary():
    latin1 = "Die Bundesregierung äußerte sich über die Gespräche in Genf zurückhaltend.\n".encode("latin-1")
    utf16 = "Lavrov said.".encode("utf-16")  # NUL bytes, but a byte-order mark says it is text
    for data in (SENTENCE.encode(), latin1 * 5, utf16, gzip.compress(SENTENCE.encode())):
        assert text_from_file(data, name="a.txt").text
