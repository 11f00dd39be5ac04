"""A speaker a curator rejected is gone from every public surface; the statement stays, unattributed.

The statement is still public (its party spoke), so each surface is read for it and must show it
with no speaker: API lists, details and exports, the pages and their CSVs, the search filter, the feeds.
"""

import csv
import html
import io
from datetime import date

import pytest
from django.contrib.auth.models import User

from positions.vocabularies import ReviewState
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("unthrottled")]

API = "/api/v1"
NAME = "Zebulon Rejectedname"


@pytest.fixture
def world():
    negotiation = f.negotiation(started=date(2009, 1, 1))
    party = f.party(name="Ruritania")
    negotiation.parties.add(party)
    actor = f.actor(name=NAME, slug="zebulon", review_state=ReviewState.REJECTED)
    f.role(actor=actor, party=party, title="Spokesman")
    proposal = f.proposal(negotiation=negotiation, proponent=party)
    document = f.document(text="Ruritania will never accept the plan, the spokesman said.")
    statement = f.statement(
        document=document,
        speaker=actor,
        party=party,
        proposal=proposal,
        said_on=date(2011, 12, 6),
        review_state=ReviewState.APPROVED,
    )
    statement.topics.add(proposal.issue)
    f.stance(proposal=proposal, party=party, effective=date(2011, 12, 6), note="Said so.").evidence.add(statement)
    f.status_change(proposal=proposal, effective=date(2011, 12, 6)).evidence.add(statement)
    return {"negotiation": negotiation, "party": party, "proposal": proposal, "statement": statement}


def body(response) -> str:
    assert response.status_code == 200, response.status_code
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode("utf-8")


def csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(body(response))))


def test_the_api_lists_the_statement_without_its_speaker(client, world):
    text = body(client.get(f"{API}/statements"))
    [row] = client.get(f"{API}/statements").json()["results"]
    assert (row["id"], row["speaker"], row["party"]["name"]) == (world["statement"].id, None, "Ruritania")
    assert NAME not in text


def test_the_api_details_show_no_speaker(client, world):
    statement = world["statement"]
    assert client.get(f"{API}/statements/{statement.id}").json()["speaker"] is None
    document = client.get(f"{API}/documents/{statement.document_id}").json()
    assert [s["speaker"] for s in document["statements"]] == [None]
    for url in (
        f"{API}/statements/{statement.id}",
        f"{API}/documents/{statement.document_id}",
        f"{API}/proposals/{world['proposal'].id}/history",
        f"{API}/compare?negotiation={world['negotiation'].slug}&as_of=2012-01-01",
        f"{API}/actors",
        f"{API}/actors/zebulon",
    ):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert NAME not in response.content.decode(), url


def test_curators_still_see_who_it_was(client, world):
    client.force_login(User.objects.create_superuser("curator", "curator@example.org", password=None))
    [row] = client.get(f"{API}/statements").json()["results"]
    assert row["speaker"]["name"] == NAME
    [exported] = csv_rows(client.get(f"{API}/exports/statements.csv"))
    assert exported["speaker"] == NAME


def test_both_api_exports_leave_the_speaker_out(client, world):
    [row] = csv_rows(client.get(f"{API}/exports/statements.csv"))
    assert (row["statement_id"], row["speaker_id"], row["speaker"]) == (str(world["statement"].id), "", "")
    [event] = csv_rows(client.get(f"{API}/exports/events.csv"))
    assert (event["source_actor"], event["source_party"]) == ("Ruritania", "Ruritania")  # the party spoke


def test_the_document_page_marks_it_unattributed(client, world):
    statement = world["statement"]
    text = body(client.get(f"/documents/{statement.document_id}/"))
    assert f'id="s{statement.id}"' in text and "unattributed (Ruritania)" in text
    assert NAME not in text and "/actors/zebulon/" not in text


def test_the_party_page_lists_neither_the_role_nor_the_name(client, world):
    text = body(client.get(f"/parties/{world['party'].slug}/"))
    assert "Spokesman" not in text and "/actors/zebulon/" not in text and NAME not in text
    assert client.get("/actors/zebulon/").status_code == 404


def test_searching_by_a_rejected_speaker_finds_what_an_unknown_one_finds(client, world):
    # An unknown value is a 400 naming it (issue 16), and a rejected speaker's slug is just as unknown.
    for slug in ("zebulon", "nobody-at-all"):
        for url in ("/search/", "/search.csv", f"{API}/statements", f"{API}/exports/statements.csv"):
            response = client.get(url, {"actor": slug})
            text = html.unescape(response.content.decode())
            assert response.status_code == 400, url
            assert f"No actor '{slug}'." in text and NAME not in text, url
    # The statement itself is found by its party, unattributed.
    [row] = csv_rows(client.get("/search.csv", {"party": world["party"].slug}))
    assert row["speaker"] == "" and NAME not in body(client.get("/search/", {"party": world["party"].slug}))


def test_no_other_page_csv_or_feed_names_it(client, world):
    n, p = world["negotiation"].slug, world["proposal"].id
    urls = [
        f"/negotiations/{n}/",
        f"/negotiations/{n}/matrix/?as_of=2012-01-01",
        f"/negotiations/{n}/matrix.csv?as_of=2012-01-01",
        f"/negotiations/{n}/changes/?from=2011-01-01&to=2012-01-01",
        f"/negotiations/{n}/changes.csv?from=2011-01-01&to=2012-01-01",
        f"/negotiations/{n}/feed.atom",
        f"/proposals/{p}/",
        f"/proposals/{p}/evidence.csv",
        f"/proposals/{p}/feed.atom",
        f"/parties/{world['party'].slug}/feed.atom",
        "/search/",
    ]
    for url in urls:
        assert NAME not in body(client.get(url)), url
    [cell] = [r for r in csv_rows(client.get(urls[2])) if r["latest_statement_id"]]
    assert cell["latest_speaker"] == "" and cell["latest_quote"]  # the evidence stays, unattributed
