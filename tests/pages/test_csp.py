"""The Content-Security-Policy (tracker/csp.py): on every response, and no page of ours breaks it in Chromium."""

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from positions.models import Actor, Document, Party, Proposal
from tracker.csp import POLICY

SEED = "nato-russia-missile-defence"


SURFACES = ["/", "/search.csv", "/api/v1/negotiations", "/api/v1/docs/", "/admin/login/", "/healthz"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", SURFACES)
def test_every_kind_of_response_carries_the_policy(client, path):
    response = client.get(path)
    assert response.status_code in (200, 503)  # /healthz may find no worker here
    assert response["Content-Security-Policy"] == POLICY
    assert "'unsafe-inline'" not in POLICY and "'unsafe-eval'" not in POLICY


@pytest.mark.django_db
def test_the_admin_under_the_policy_too(client):
    client.force_login(User.objects.create_superuser("curator", "curator@example.org", password=None))
    response = client.get("/admin/positions/statement/")
    assert response.status_code == 200 and response["Content-Security-Policy"] == POLICY


@pytest.mark.django_db(transaction=True)
def test_no_page_breaks_the_policy_in_a_browser(live_server, seeded, page, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.create_superuser("curator", "curator@example.org", password="a right passphrase")
    refused = []
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
    proposal = Proposal.objects.filter(negotiation__slug=SEED).first()
    paths = [
        "/",
        f"/negotiations/{SEED}/",
        f"/negotiations/{SEED}/matrix/",
        f"/negotiations/{SEED}/changes/",
        f"/proposals/{proposal.pk}/",
        f"/documents/{Document.objects.first().pk}/",
        f"/parties/{Party.objects.first().slug}/",
        f"/actors/{Actor.objects.first().slug}/",
        "/search/?q=missile",
    ]
    for path in paths:
        page.goto(live_server.url + path)
        expect(page.locator("main")).to_be_visible()
    page.goto(f"{live_server.url}/api/v1/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Negotiation-position tracker API")
    expect(page.locator(".opblock").first).to_be_visible()

    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("a right passphrase")
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))
    for path in ["/admin/positions/statement/", f"/admin/positions/proposal/{proposal.pk}/change/"]:
        page.goto(live_server.url + path)
        expect(page.locator("#content")).to_be_visible()

    assert refused == []
    # The listener hears a refusal: an inline script added to the page is one.
    page.evaluate("document.body.appendChild(document.createElement('script')).textContent = 'window.x = 1'")
    page.wait_for_timeout(200)
    assert refused and "script-src" in refused[0]
