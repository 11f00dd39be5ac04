"""The pages' views: validate the query string, call selectors, shape the result for a template.

No view touches the ORM itself, so each page costs the fixed number of queries of its selectors
(tests/pages/test_queries.py counts them at two sizes of data).
"""

from datetime import date, datetime, timedelta
from urllib.parse import urlencode, urlsplit

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from positions import selectors
from positions.days import moment_label
from positions.pages import csv as csv_out
from positions.pages.forms import AsOfForm, ChangesForm, KnownAtForm, error_lines
from positions.pages.highlight import highlighted_text, statement_label
from positions.pages.labels import legend, proposal_verb, relation_legend, stance_word, status_word, value_word
from positions.pages.relations import edges_from, relations_svg
from positions.pages.scale_chart import party_styles, scale_svg
from positions.pages.timeline import Mark, timeline_svg
from positions.vocabularies import DeadlineState, StatementKind

PAGE_SIZE = 20
# A search runs once any of these is given; an empty form shows only the form.
SEARCH_FIELDS = ("q", "negotiation", "party", "actor", "kind", "topic", "proposal", "said_from", "said_to")


def bad_request(request: HttpRequest, errors: list[str]) -> HttpResponse:
    return render(request, "pages/bad_request.html", {"errors": errors}, status=400)


def _negotiation(slug: str):
    negotiation = selectors.negotiation_by_slug(slug=slug)
    if negotiation is None:
        raise Http404("No such negotiation.")
    return negotiation


def _permalink(request: HttpRequest, params: dict) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "", False)})
    return request.build_absolute_uri(request.path + (f"?{query}" if query else ""))


def _cite(what: str, permalink: str) -> str:
    retrieved = timezone.localdate().isoformat()
    return f"{what}. Negotiation-position tracker. {permalink} (retrieved {retrieved})."


def _known_label(known_at: datetime | None) -> str:
    """The moment a view's citation names: the one asked for, else now, to the microsecond (a moment
    rounded to the second could take in a write made just after the page, or leave out one just before).
    A page is cached per data version, so the moment it was first built names a record that has not
    changed while it is served."""
    return moment_label(known_at if known_at is not None else timezone.now())


def _year_before(day: date) -> date:
    # A student may well type 0001-01-01: the default "from" must not overflow into a 500.
    return day - timedelta(days=365) if day > date.min + timedelta(days=365) else date.min


def is_web_url(url: str) -> bool:
    """Only http(s) URLs become links: a javascript: or data: URL from a feed stays text."""
    return urlsplit(url or "").scheme.lower() in {"http", "https"}


# --- a negotiation: overview, matrix, changes ------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/home.html", {"negotiations": selectors.negotiations_list()})


def negotiation(request: HttpRequest, slug: str) -> HttpResponse:
    negotiation = _negotiation(slug)
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return bad_request(request, error_lines(form))
    today = timezone.localdate()
    as_of = form.cleaned_data["as_of"] or selectors.negotiation_default_date(negotiation=negotiation, today=today)
    hide = form.cleaned_data["hide_unreviewed"]
    proposals = list(selectors.proposals_as_of(negotiation=negotiation, as_of=as_of))
    runs = selectors.status_runs_as_of(negotiation=negotiation, as_of=as_of, include_pending=not hide)
    statuses = {s.proposal_id: s for s in runs}
    deadlines = selectors.deadlines_as_of(
        negotiation=negotiation, as_of=as_of, statuses=statuses, include_pending=not hide, evidence=True
    )
    for proposal in proposals:
        status = statuses.get(proposal.id)
        proposal.status_now = status
        proposal.status_word = status_word(status.status if status else None)
    changes = selectors.changes_history(negotiation=negotiation, limit=12)
    context = {
        "negotiation": negotiation,
        "as_of": as_of,
        "hide": hide,
        "missed": [d for d in deadlines if d["state"] == DeadlineState.OVERDUE],
        "upcoming": [d for d in deadlines if d["state"] == DeadlineState.UPCOMING],
        "settled": [d for d in deadlines if d["state"] in (DeadlineState.MET, DeadlineState.CLOSED)],
        "parties": selectors.negotiation_parties(negotiation=negotiation, own_order=True),
        "issues": selectors.negotiation_issues(negotiation=negotiation),
        "proposals": proposals,
        "changes": _changes_for_display(changes),
    }
    return render(request, "pages/negotiation.html", context)


def _matrix(request: HttpRequest, slug: str):
    """The matrix's data for the page and its CSV; a 400 response when the query is bad."""
    negotiation = _negotiation(slug)
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return None, bad_request(request, error_lines(form))
    today = timezone.localdate()
    as_of = form.cleaned_data["as_of"] or selectors.negotiation_default_date(negotiation=negotiation, today=today)
    hide = form.cleaned_data["hide_unreviewed"]
    known_at = form.cleaned_data["known_at"]
    # The columns keep the negotiation's own order at every date: a student comparing two dates
    # finds each party where it was.
    parties = selectors.negotiation_parties(negotiation=negotiation, own_order=True)
    comparison = selectors.positions_compare(
        negotiation=negotiation, as_of=as_of, parties=parties, include_pending=not hide, known_at=known_at
    )
    issues = {issue.key: issue for issue in selectors.negotiation_issues(negotiation=negotiation)}
    return {
        "negotiation": negotiation,
        "as_of": as_of,
        "hide": hide,
        "known_at": known_at,
        "all_parties": form.cleaned_data["all_parties"],
        "form": form,
        "parties": parties,
        "comparison": comparison,
        "issues": issues,
    }, None


def _empty_columns(data: dict, *, collapse: bool) -> list:
    """The parties with no stance on any proposal shown; with `collapse`, their columns are left out
    (in place) and the others keep their order."""
    rows = data["comparison"]["proposals"]
    kept = [i for i in range(len(data["parties"])) if any(row["cells"][i]["stance"] for row in rows)]
    empty = [party for i, party in enumerate(data["parties"]) if i not in kept]
    if collapse:
        data["parties"] = [data["parties"][i] for i in kept]
        for row in rows:
            row["cells"] = [row["cells"][i] for i in kept]
    return empty


def matrix(request: HttpRequest, slug: str) -> HttpResponse:
    data, error = _matrix(request, slug)
    if error:
        return error
    empty = _empty_columns(data, collapse=not data["all_parties"])
    groups: list[dict] = []
    for row in data["comparison"]["proposals"]:
        row["status_word"] = status_word(row["status"]["status"] if row["status"] else None)
        for cell, party in zip(row["cells"], data["parties"], strict=True):
            cell["party_name"] = party.name
        if not groups or groups[-1]["key"] != row["issue"]:
            issue = data["issues"].get(row["issue"])
            groups.append({"key": row["issue"], "title": issue.title if issue else row["issue"], "rows": []})
        groups[-1]["rows"].append(row)
    as_of, negotiation = data["as_of"], data["negotiation"]
    # The links that change the view keep the moment asked for; the permalink names one even when none
    # was asked for, so that the citation reads back the same record after curators change things.
    known = moment_label(data["known_at"]) if data["known_at"] else None
    params = {"as_of": as_of.isoformat(), "hide_unreviewed": "on" if data["hide"] else None, "known_at": known}
    shown = {**params, "all_parties": "on" if data["all_parties"] else None}
    known_label = _known_label(data["known_at"])
    permalink = _permalink(request, {**shown, "known_at": known_label})
    earlier = max(negotiation.started or date.min, _year_before(as_of))
    toggle = {**params, "all_parties": None if data["all_parties"] else "on"}
    context = {
        **data,
        "empty_parties": empty,
        "toggle_query": urlencode({k: v for k, v in toggle.items() if v}),
        "legend": legend(),
        "groups": groups,
        "permalink": permalink,
        "csv_query": urlencode({k: v for k, v in params.items() if v}),
        "known_label": known_label,
        "known_param": known,
        "now_query": urlencode({k: v for k, v in shown.items() if v and k != "known_at"}),
        "cite": _cite(
            f"{negotiation.title}: positions as of {as_of.isoformat()}, as known on {known_label}", permalink
        ),
        "changes_from": min(earlier, as_of),
        "total_cells": sum(len(row["cells"]) for row in data["comparison"]["proposals"]),
    }
    return render(request, "pages/matrix.html", context)


def matrix_csv(request: HttpRequest, slug: str) -> HttpResponse:
    data, error = _matrix(request, slug)
    if error:
        return error
    name = f"{data['negotiation'].slug}-positions-{data['as_of'].isoformat()}.csv"
    if data["known_at"]:
        name = name.replace(".csv", f"-known-{moment_label(data['known_at']).replace(':', '')}.csv")
    return csv_out.matrix_csv(data["comparison"], data["issues"], data["parties"], filename=name)


def _changes(request: HttpRequest, slug: str):
    negotiation = _negotiation(slug)
    form = ChangesForm(request.GET)
    if not form.is_valid():
        return None, bad_request(request, error_lines(form))
    date_to = form.cleaned_data["to"] or selectors.negotiation_default_date(
        negotiation=negotiation, today=timezone.localdate()
    )
    date_from = form.cleaned_data["from"] or min(max(negotiation.started or date.min, _year_before(date_to)), date_to)
    if date_from > date_to:
        return None, bad_request(request, ["“From” must be on or before “to”."])
    known_at = form.cleaned_data["known_at"]
    changes = selectors.positions_changes(
        negotiation=negotiation, date_from=date_from, date_to=date_to, known_at=known_at
    )
    data = {"negotiation": negotiation, "date_from": date_from, "date_to": date_to, "changes": changes}
    return {**data, "known_at": known_at}, None


def changes(request: HttpRequest, slug: str) -> HttpResponse:
    data, error = _changes(request, slug)
    if error:
        return error
    result = data["changes"]
    evidence_ids = {sid for change in result["changes"] for sid in change["evidence"]}
    statements = selectors.statements_by_ids(ids=evidence_ids)
    rows = _changes_for_display(result["changes"])
    for row in rows:
        row["statements"] = [statements[sid] for sid in row["evidence"] if sid in statements]
    titles = {c["proposal"]["id"]: c["proposal"]["title"] for c in result["changes"]}
    # A value that differs between the dates changed inside them, so its names are among the changes.
    names = {c["party"]["slug"]: c["party"]["name"] for c in result["changes"] if c["party"]}
    summary = []
    for entry in result["summary"]:
        kind = "status" if entry["party"] is None else "stance"
        summary.append(
            {
                **entry,
                "title": titles.get(entry["proposal"], ""),
                "party_name": names.get(entry["party"], entry["party"]),
                "before_word": value_word(kind, entry["before"]),
                "after_word": value_word(kind, entry["after"]),
            }
        )
    known = moment_label(data["known_at"]) if data["known_at"] else None
    params = {"from": data["date_from"].isoformat(), "to": data["date_to"].isoformat()}
    known_label = _known_label(data["known_at"])
    permalink = _permalink(request, {**params, "known_at": known_label})
    what = f"{data['negotiation'].title}: changes from {params['from']} to {params['to']}, as known on {known_label}"
    context = {
        **data,
        "rows": rows,
        "summary": summary,
        "permalink": permalink,
        "known_label": known_label,
        "known_param": known,
        "now_query": urlencode(params),
        "csv_query": urlencode({**params, **({"known_at": known} if known else {})}),
        "cite": _cite(what, permalink),
    }
    return render(request, "pages/changes.html", context)


def changes_csv(request: HttpRequest, slug: str) -> HttpResponse:
    data, error = _changes(request, slug)
    if error:
        return error
    name = f"{data['negotiation'].slug}-changes-{data['date_from'].isoformat()}-{data['date_to'].isoformat()}.csv"
    return csv_out.changes_csv(data["changes"]["changes"], filename=name)


def _changes_for_display(changes: list[dict]) -> list[dict]:
    return [
        {
            **change,
            "value_word": value_word(change["type"], change["value"]),
            "previous_word": value_word(change["type"], change["previous"]),
            "unreviewed": change["review_state"] != "approved",
        }
        for change in changes
    ]


# --- a proposal, a document --------------------------------------------------------------------


def _history(pk: int, known_at: datetime | None = None) -> dict:
    history = selectors.proposal_history(proposal_id=pk, known_at=known_at)
    if history is None:
        raise Http404("No such proposal.")
    return history


def proposal(request: HttpRequest, pk: int) -> HttpResponse:
    form = KnownAtForm(request.GET)
    if not form.is_valid():
        return bad_request(request, error_lines(form))
    known_at = form.cleaned_data["known_at"]
    history = _history(pk, known_at)
    negotiation = _negotiation(history["negotiation"])
    events = history["events"]
    members = selectors.negotiation_parties(negotiation=negotiation, own_order=True)
    order = {party.id: i for i, party in enumerate(members)}
    names = {party.slug: party.name for party in members}
    seen = {e["party"]["id"]: e["party"] for e in events if e["party"]}
    parties = sorted(seen.values(), key=lambda p: (order.get(p["id"], len(order)), p["name"]))

    linked = selectors.proposal_statements(proposal_id=pk)
    marks: dict[int, Mark] = {}
    for event in events:
        for ev in event["evidence"]:
            ev["party_name"] = names.get(ev["party"], ev["party"])
            href = reverse("pages:document", args=[ev["document"]["id"]]) + f"#s{ev['id']}"
            marks[ev["id"]] = Mark(ev["said_on"], href, f"{ev['said_on']} {ev['speaker'] or ''}: “{ev['quote']}”")
        event["value_word"] = (
            event["relation"]["label"] if event["relation"] else value_word(event["type"], event["value"])
        )
        event["unreviewed"] = event["review_state"] != "approved"
    for s in linked:
        href = reverse("pages:document", args=[s.document_id]) + f"#s{s.id}"
        marks.setdefault(s.id, Mark(s.said_on, href, f"{s.said_on} {statement_label(s)}: “{s.quote}”"))
    days = [history["first_stated"], *(e["date"] for e in events), *(m.said_on for m in marks.values())]
    start = min(days)
    end = max([*days, selectors.negotiation_default_date(negotiation=negotiation, today=timezone.localdate())])
    start = date(start.year, 1, 1)  # whole years read better on the axis
    svg = timeline_svg(
        title=history["title"],
        events=events,
        parties=parties,
        marks=sorted(marks.values(), key=lambda m: m.said_on),
        start=start,
        end=end,
    )
    # The relations are among the events already: the graph costs no query of its own.
    relations = [{**e["relation"], **e, "type": e["value"]} for e in events if e["type"] == "relation"]
    for relation in relations:
        relation["unreviewed"] = relation["review_state"] != "approved"
    edges = edges_from(relations, lambda pk: reverse("pages:proposal", args=[pk]))
    known_label = _known_label(known_at)
    permalink = _permalink(request, {"known_at": known_label})
    shown = {ev["id"] for e in events for ev in e["evidence"]}
    context = {
        "history": history,
        "negotiation": negotiation,
        "svg": svg,
        "relations": relations,
        "relations_svg": relations_svg(title=history["title"], edges=edges) if relations else "",
        "relation_legend": relation_legend(),
        "events": events,
        "linked": [s for s in linked if s.id not in shown],
        "legend": legend(),
        "permalink": permalink,
        "known_at": known_at,
        "known_label": known_label,
        "csv_query": urlencode({"known_at": moment_label(known_at)}) if known_at else "",
        "cite": _cite(
            f"{history['title']} ({negotiation.title}): timeline and evidence, as known on {known_label}", permalink
        ),
    }
    return render(request, "pages/proposal.html", context)


def issue(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """Where an issue stands on a date: each clause built from the record, with its quote."""
    negotiation = _negotiation(slug)
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return bad_request(request, error_lines(form))
    today = timezone.localdate()
    as_of = form.cleaned_data["as_of"] or selectors.negotiation_default_date(negotiation=negotiation, today=today)
    hide = form.cleaned_data["hide_unreviewed"]
    known_at = form.cleaned_data["known_at"]
    summary = selectors.issue_summary(
        negotiation=negotiation, key=key, as_of=as_of, include_pending=not hide, known_at=known_at
    )
    if summary is None:
        raise Http404("No such issue.")
    for item in summary["proposals"]:
        item["verb"] = proposal_verb(item["kind"])
        if item["status"]:
            item["status"]["word"] = status_word(item["status"]["status"])
        for clause in item["stances"]:
            clause["word"] = stance_word(clause["stance"])
        for change in item["changes"]:
            change["previous_word"] = value_word(change["type"], change["previous"])
            change["value_word"] = value_word(change["type"], change["value"])
    known = moment_label(known_at) if known_at else None
    params = {"as_of": as_of.isoformat(), "hide_unreviewed": "on" if hide else None, "known_at": known}
    known_label = _known_label(known_at)
    permalink = _permalink(request, {**params, "known_at": known_label})
    title = summary["issue"]["title"]
    positions = selectors.issue_scale(negotiation=negotiation, key=key, as_of=as_of, include_pending=not hide)
    context = {
        "negotiation": negotiation,
        "summary": summary,
        "issue": summary["issue"],
        **_scale_context(positions),
        "as_of": as_of,
        "hide": hide,
        "legend": legend(),
        "matrix_query": urlencode({k: v for k, v in params.items() if v}),
        "permalink": permalink,
        "known_at": known_at,
        "known_label": known_label,
        "known_param": known,
        "now_query": urlencode({k: v for k, v in params.items() if v and k != "known_at"}),
        "cite": _cite(
            f"{negotiation.title}: {title}, where it stands as of {as_of.isoformat()}, as known on {known_label}",
            permalink,
        ),
    }
    return render(request, "pages/issue.html", context)


def _scale_context(found: dict) -> dict:
    """The issue page's chart of positions and the tables beside it (nothing when the issue has no scale)."""
    if found["scale"] is None:
        return {"scale": None}
    styles = party_styles([s["party"] for s in found["parties"]])
    names = {s["party"]["slug"]: s["party"]["name"] for s in found["parties"]}
    changes = sorted(
        (
            {**point, "party": s["party"], "colour": styles[s["party"]["slug"]][0]}
            for s in found["parties"]
            for point in s["points"]
        ),
        key=lambda p: (p["date"], p["party"]["name"]),
    )
    return {
        "scale": found["scale"],
        "scale_svg": scale_svg(
            scale=found["scale"],
            series=found["parties"],
            distance=found["distance"],
            start=found["start"],
            end=found["as_of"],
        ),
        "scale_changes": changes,
        "distance": [{**d, "low": names.get(d["low"]), "high": names.get(d["high"])} for d in found["distance"]],
    }


def issue_positions_csv(request: HttpRequest, slug: str, key: str) -> HttpResponse:
    """The issue's tidy table of positions and salience per party and month (the API's export, from the page)."""
    negotiation = _negotiation(slug)
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return bad_request(request, error_lines(form))
    today = timezone.localdate()
    as_of = form.cleaned_data["as_of"] or selectors.negotiation_default_date(negotiation=negotiation, today=today)
    include_pending = not form.cleaned_data["hide_unreviewed"]
    found = selectors.issue_scale(negotiation=negotiation, key=key, as_of=as_of, include_pending=include_pending)
    if found is None:
        raise Http404("No such issue.")
    name = f"{negotiation.slug}-{key}-positions-{as_of.isoformat()}.csv"
    return csv_out.issue_positions_csv(found, filename=name)


def proposal_csv(request: HttpRequest, pk: int) -> HttpResponse:
    form = KnownAtForm(request.GET)
    if not form.is_valid():
        return bad_request(request, error_lines(form))
    history = _history(pk, form.cleaned_data["known_at"])
    return csv_out.evidence_csv(history, filename=f"{history['slug']}-evidence.csv")


def document(request: HttpRequest, pk: int) -> HttpResponse:
    found = selectors.document_with_statements(document_id=pk)
    if found is None:
        raise Http404("No such document.")
    doc, statements = found
    for statement in statements:
        statement.label = statement_label(statement)
    context = {
        "document": doc,
        "statements": statements,
        "text": highlighted_text(doc.text, statements),
        "source_link": doc.url if is_web_url(doc.url) else None,
    }
    return render(request, "pages/document.html", context)


# --- parties, actors, search -------------------------------------------------------------------


def party(request: HttpRequest, slug: str) -> HttpResponse:
    profile = selectors.party_profile(slug=slug)
    if profile is None:
        raise Http404("No such party.")
    profile["stances"] = _changes_for_display(profile["stances"])
    return render(request, "pages/party.html", profile)


def actor(request: HttpRequest, slug: str) -> HttpResponse:
    profile = selectors.actor_profile(slug=slug)
    if profile is None:
        raise Http404("No such speaker.")
    return render(request, "pages/actor.html", profile)


def _search(request: HttpRequest):
    # The statement filters the API's list takes too, full-text search included: one definition of what matches.
    try:
        matching = selectors.statements_matching(filters=request.GET, curator=False)
    except selectors.InvalidFilters as invalid:
        return None, bad_request(request, error_lines(invalid))
    return matching.order_by("said_on", "id"), None


def search(request: HttpRequest) -> HttpResponse:
    results, error = _search(request)
    if error:
        return error
    searched = any(request.GET.get(name) for name in SEARCH_FIELDS)
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page")) if searched else None
    if page is not None:
        for statement in page.object_list:
            statement.label = statement_label(statement)
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    permalink = _permalink(request, query)
    context = {
        **selectors.search_choices(),
        "kinds": StatementKind.choices,
        "params": request.GET,
        "page": page,
        "searched": searched,
        "permalink": permalink,
        "csv_query": urlencode(query),
        "cite": _cite("Statements search", permalink),
    }
    return render(request, "pages/search.html", context)


def search_csv(request: HttpRequest) -> HttpResponse:
    results, error = _search(request)
    if error:
        return error
    return csv_out.statements_csv(results, filename="statements.csv")
