"""The PDF stage: the text of a PDF file (official texts come as PDF), within a page and a character cap.

pypdf is pure Python and reads untrusted files without running anything; a hostile file can still be
slow, which the task's time limit bounds. Every failure is a TextError for the curator to read.
"""

import io
import logging

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from positions.ingest.records import DocumentText, TextError

PDF_MAGIC = b"%PDF-"

# pypdf warns about every quirk of a damaged file: that is the file's business, not the log's.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def pdf_text(data: bytes, *, name: str, max_pages: int, max_characters: int) -> DocumentText:
    """The text of a PDF's pages in order, and its title from its metadata. Raises TextError for a file
    that is encrypted, unreadable, over `max_pages` pages or over `max_characters` characters of text."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise TextError(f"{name} is an encrypted PDF: its text cannot be read", url=name)
        pages = len(reader.pages)
        if pages > max_pages:
            raise TextError(f"{name} has {pages} pages, over the {max_pages}-page cap for a PDF", url=name)
        parts, length = [], 0
        for page in reader.pages:
            text = page.extract_text() or ""
            length += len(text)
            if length > max_characters:
                raise TextError(f"{name}: its text is over the {max_characters:,}-character cap for a PDF", url=name)
            parts.append(text)
        title = str((reader.metadata or {}).get("/Title") or "")
    except TextError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        # pypdf raises its own errors for most damage, and plain ones for the rest.
        raise TextError(f"{name} is not a readable PDF ({exc.__class__.__name__}: {exc})"[:500], url=name) from exc
    return DocumentText(title=" ".join(title.split()), text="\n\n".join(part.strip() for part in parts if part.strip()))
