"""The record as researchers cite it: the codebook (a page, Markdown and CSV) and the releases to download."""

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from positions import selectors
from positions.codebook import SECTIONS, codebook_csv, codebook_markdown
from positions.releases import citation_for, release_file_path, releases_list

CONTENT_TYPES = {".csv": "text/csv; charset=utf-8", ".md": "text/markdown; charset=utf-8", ".json": "application/json"}


def codebook(request: HttpRequest) -> HttpResponse:
    book = selectors.codebook()
    sections = [{"key": key, "title": title, "about": about, "entries": book[key]} for key, title, about in SECTIONS]
    return render(request, "pages/codebook.html", {"sections": sections})


def codebook_md(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(codebook_markdown(selectors.codebook()), content_type=CONTENT_TYPES[".md"])
    response["Content-Disposition"] = 'attachment; filename="codebook.md"'
    return response


def codebook_csv_download(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(codebook_csv(selectors.codebook()), content_type=CONTENT_TYPES[".csv"])
    response["Content-Disposition"] = 'attachment; filename="codebook.csv"'
    return response


def release_citation(request: HttpRequest, release) -> str:
    """A release's citation with the address of its files, as the site names them."""
    counts = {f.name: f.rows for f in release.files}
    url = request.build_absolute_uri(reverse("pages:releases") + f"#release-{release.version}")
    return citation_for(version=release.version, day=release.date, counts=counts, url=url)


def releases(request: HttpRequest) -> HttpResponse:
    shown = [
        {"release": release, "citation": release_citation(request, release)}
        for release in releases_list(folder=settings.RELEASES_DIR)
    ]
    return render(request, "pages/releases.html", {"releases": shown})


def release_file(request: HttpRequest, version: str, name: str) -> FileResponse:
    path = release_file_path(folder=settings.RELEASES_DIR, version=version, name=name)
    if path is None:
        raise Http404("No such release file.")
    content_type = CONTENT_TYPES.get(path.suffix, "application/octet-stream")
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=f"tracker-{version}-{name}", content_type=content_type
    )
