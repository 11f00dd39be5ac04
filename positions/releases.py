"""Releases: dated, versioned snapshots of the public record as files, written once and never changed.

A release is a folder RELEASES_DIR/<version>/ of tidy CSV tables, the codebook (Markdown and CSV) and
manifest.json (version, date, citation, and each file's rows, size and SHA-256). It is written in a
hidden temporary folder beside it and renamed into place in one step, so that no reader ever sees half
a release, and an existing version is never written again. The files hold no moment of writing: the
release date is in the manifest and its citation only, so the same record gives the same bytes.
"""

import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from positions.csv_writer import csv_lines

MANIFEST = "manifest.json"
VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z._-]{0,63}", re.ASCII)
TITLE = "Negotiation-position tracker: the public record"
# The tables a citation counts, in its words.
CITED = (("statements.csv", "approved statements"), ("stances.csv", "stances"), ("proposals.csv", "proposals"))


class ReleaseError(Exception):
    """A release that cannot be made: a bad version name, or one that exists already."""


@dataclass(frozen=True)
class ReleaseFile:
    name: str
    rows: int | None  # None for the Markdown codebook
    bytes: int
    sha256: str


@dataclass(frozen=True)
class Release:
    version: str
    date: date
    citation: str
    files: tuple[ReleaseFile, ...]


def version_for(day: date) -> str:
    """The default version of a release made on `day`: its date, 2026.12.06 (calendar versioning)."""
    return day.strftime("%Y.%m.%d")


def _checked(version: str) -> str:
    if not isinstance(version, str) or not VERSION.fullmatch(version):
        raise ReleaseError(
            f"A release version is 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter "
            f"or digit: not {version!r}."
        )
    return version


def citation_for(*, version: str, day: date, counts: dict[str, int | None], url: str = "") -> str:
    counted = ", ".join(f"{counts.get(name) or 0:,} {words}" for name, words in CITED)
    where = f" {url}" if url else ""
    return f"{TITLE}, release {version} ({day.isoformat()}; {counted}).{where}"


def _write(path: Path, chunks: Iterable[str]) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with path.open("wb") as out:
        for chunk in chunks:
            data = chunk.encode("utf-8")
            digest.update(data)
            size += len(data)
            out.write(data)
        out.flush()
        os.fsync(out.fileno())
    return size, digest.hexdigest()


def _counted(lines: Iterator[str], counter: list[int]) -> Iterator[str]:
    for line in lines:
        counter[0] += 1
        yield line


def release_write(
    *,
    folder: Path,
    version: str,
    day: date,
    tables: dict[str, tuple[list[str], Iterable[tuple]]],
    codebook_markdown: str,
) -> Release:
    """Write a release of these tables (file name: headers and rows, the codebook's CSV among them) and the
    codebook in Markdown into folder/version.
    Raises ReleaseError when the version is not a plain name or exists already (a release never changes)."""
    final = folder / _checked(version)
    if final.exists():
        raise ReleaseError(f"Release {version} exists already ({final}): a release never changes; name another.")
    folder.mkdir(parents=True, exist_ok=True)
    temporary = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=folder))
    try:
        files = []
        for name, (headers, rows) in sorted(tables.items()):
            counter = [-1]  # the header line is not a row
            size, sha = _write(temporary / name, _counted(csv_lines(headers, rows), counter))
            files.append(ReleaseFile(name, counter[0], size, sha))
        files.append(ReleaseFile("codebook.md", None, *_write(temporary / "codebook.md", [codebook_markdown])))
        files.sort(key=lambda f: f.name)
        citation = citation_for(version=version, day=day, counts={f.name: f.rows for f in files})
        release = Release(version, day, citation, tuple(files))
        _write(temporary / MANIFEST, [_manifest_text(release)])
        os.chmod(temporary, 0o755)  # mkdtemp's 0700 would hide it from a web process run as another user
        # rename() replaces an empty folder but never a full one: a release made meanwhile stays as it is.
        if final.exists():
            raise ReleaseError(f"Release {version} was made meanwhile ({final}): a release never changes.")
        os.rename(temporary, final)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return release


def _manifest_text(release: Release) -> str:
    manifest = {
        "title": TITLE,
        "version": release.version,
        "date": release.date.isoformat(),
        "citation": release.citation,
        "files": [{"name": f.name, "rows": f.rows, "bytes": f.bytes, "sha256": f.sha256} for f in release.files],
    }
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


def _read(path: Path) -> Release | None:
    try:
        data = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
        files = tuple(ReleaseFile(f["name"], f["rows"], f["bytes"], f["sha256"]) for f in data["files"])
        return Release(_checked(data["version"]), date.fromisoformat(data["date"]), data["citation"], files)
    except (OSError, ValueError, KeyError, TypeError, ReleaseError):
        return None  # not a release (a stray folder, one being written): not listed


def releases_list(*, folder: Path) -> list[Release]:
    """The releases in `folder`, newest first (by date, then version); folders without a readable manifest
    (a release being written is hidden: its name starts with a dot) are left out."""
    if not folder.is_dir():
        return []
    found = [_read(path) for path in folder.iterdir() if path.is_dir() and VERSION.fullmatch(path.name)]
    releases = [release for release in found if release is not None]
    return sorted(releases, key=lambda r: (r.date, r.version), reverse=True)


def release_get(*, folder: Path, version: str) -> Release | None:
    if not VERSION.fullmatch(version or ""):
        return None
    release = _read(folder / version)
    return release if release is not None and release.version == version else None


def release_file_path(*, folder: Path, version: str, name: str) -> Path | None:
    """The path of a file its release's manifest lists (or of the manifest), else None: only the names the
    manifest gives are served."""
    release = release_get(folder=folder, version=version)
    if release is None or name not in {MANIFEST, *(f.name for f in release.files)}:
        return None
    path = folder / version / name
    return path if path.is_file() else None
