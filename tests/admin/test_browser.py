"""A curator in a real browser (Playwright driving Debian's headless Chromium) works the review queue."""

import pytest
from django.urls import reverse

from positions.models import Statement
from positions.vocabularies import ReviewState
from tests.admin.conftest import pending_statement

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_curator_signs_in_and_approves_a_statement_from_the_queue(live_server, page, curator):
    approved = pending_statement()
    other = pending_statement(
        text="Lavrov said: Russia needs legal guarantees. End.", quote="Russia needs legal guarantees."
    )
    queue = live_server.url + reverse("admin:positions_statement_changelist")

    page.goto(queue)  # not signed in: the admin sends the browser to its login page
    page.fill("#id_username", "carla")
    page.fill("#id_password", "a long pass phrase")
    page.click("input[type=submit]")
    page.wait_for_url(f"{queue}*")
    row = page.locator("#result_list tbody tr", has_text="NATO will build two separate systems.")
    assert row.locator("mark.desk-quote").inner_text() == "NATO will build two separate systems."

    with page.expect_navigation():
        row.get_by_role("button", name="Approve").click()

    assert page.locator(".messagelist .success").inner_text().endswith("approved.")
    assert page.locator("#result_list tbody tr", has_text="NATO will build two separate systems.").count() == 0
    assert page.locator("#result_list tbody tr", has_text="Russia needs legal guarantees.").count() == 1
    assert Statement.objects.get(pk=approved.pk).review_state == ReviewState.APPROVED
    assert Statement.objects.get(pk=other.pk).review_state == ReviewState.PENDING
