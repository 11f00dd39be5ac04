"""A curator in a real browser (Playwright driving Debian's headless Chromium) works the review queue."""

import time
from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from positions import tasks
from positions.models import Actor, Document, Item, Negotiation, Statement
from positions.vocabularies import ReviewState
from tests.admin.conftest import pending_statement
from tests.conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)
SEED = "nato-russia-missile-defence"
# A new speaker: the extractor makes Antonov a pending actor (Deputy Defence Minister, Russia), so his words
# move no stance until a curator approves him.
ANTONOV = (
    "Antonov on exercises\n\nMOSCOW, February 1 (Itar-Tass) — Russian Deputy Defence Minister Anatoly Antonov said "
    "Russia rejects NATO's proposal of joint theatre missile defence exercises in 2012.\n"
)


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


def sign_in(page, live_server, then: str) -> None:
    page.goto(live_server.url + then)
    page.fill("#id_username", "carla")
    page.fill("#id_password", "a long pass phrase")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}{then}*")


@pytest.fixture
def worker(uploads, celery_worker_process, monkeypatch):
    """The real worker, sent the upload's tasks on its own queue."""
    queue = celery_worker_process.queue
    monkeypatch.setattr(
        tasks.process_item, "delay", lambda item_id: tasks.process_item.apply_async((item_id,), queue=queue)
    )
    return celery_worker_process


def test_a_curator_uploads_works_the_queue_at_1366_px_from_the_keyboard_and_approves_a_new_speaker(
    live_server, seeded, page, curator, tmp_path, worker
):
    negotiation = Negotiation.objects.get(slug=SEED)
    matrix = f"{live_server.url}/negotiations/{SEED}/matrix/"
    cell = 'tr[data-proposal="joint-tmd-exercises-2012"] td[data-party="russia"]'
    page.goto(matrix)
    expect(page.locator(f"{cell} .stance")).to_have_text("none")  # Russia's stance: not known yet

    # The curator uploads a wire report through the admin, with its date, title, publisher and negotiation;
    # the worker reads it.
    report = tmp_path / "antonov.txt"
    report.write_text(ANTONOV, encoding="utf-8")
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, live_server, reverse("admin:positions_document_upload"))
    page.set_input_files("input[name=files]", str(report))
    page.fill("input[name=published]", "2012-02-01")
    page.fill("input[name=title]", "Antonov on exercises")
    page.fill("input[name=publisher]", "Itar-Tass")
    page.select_option("select[name=negotiation]", str(negotiation.pk))
    with page.expect_navigation():
        page.locator("input[type=submit][value=Upload]").click()
    expect(page.locator(".messagelist .success")).to_contain_text("queued for the worker")
    deadline = time.monotonic() + 120
    while not Item.objects.filter(state="done").exists():
        assert time.monotonic() < deadline, worker.output()[-3000:]
        assert not Item.objects.filter(state="failed").exists(), list(Item.objects.values("state", "error"))
        time.sleep(0.3)
    document = Document.objects.get(title="Antonov on exercises")
    assert (document.published, document.publisher, document.source.negotiation) == (
        date(2012, 2, 1), "Itar-Tass", negotiation,
    )  # fmt: skip
    antonov = Actor.objects.get(name="Anatoly Antonov", review_state=ReviewState.PENDING)
    rasmussen = Actor.objects.get(name="Anders Fogh Rasmussen")
    first = pending_statement(speaker=rasmussen, party=negotiation.parties.get(name="NATO"))
    second = pending_statement(
        text="Lavrov said: Russia needs legal guarantees. End.", quote="Russia needs legal guarantees."
    )
    for statement, published in ((first, date(2012, 3, 2)), (second, date(2012, 3, 1))):  # the queue's order
        Document.objects.filter(pk=statement.document_id).update(published=published)
    page.goto(live_server.url + reverse("admin:positions_statement_changelist"))

    # Every column fits: the table is no wider than its box, and each row's details are on screen.
    table = page.locator("#result_list")
    widths = table.evaluate("t => [t.scrollWidth, t.closest('.results').clientWidth]")
    assert widths[0] <= widths[1], f"the queue is {widths[0]} px wide in a {widths[1]} px box"
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)
    for selector in (".desk-detail-party", ".desk-detail-topics", ".desk-detail-confidence", ".desk-detail-document"):
        for box in [rows.nth(n).locator(selector).bounding_box() for n in range(3)]:
            assert box and box["x"] >= 0 and box["x"] + box["width"] <= 1366, selector
    for n in range(3):
        box = rows.nth(n).locator("select[name$='-kind']").bounding_box()
        assert box and box["x"] + box["width"] <= 1366
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "review-queue-1366x900.png"))

    # The keys: j and k move the mark, a approves the marked row; the mark then stays in place, on the row
    # that followed ("approve and next").
    expect(page.locator(".desk-keys")).to_be_visible()
    order = [rows.nth(n).locator("mark.desk-quote").inner_text() for n in range(3)]
    assert order == [s.quote for s in (first, second, Statement.objects.get(speaker=antonov))]
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(rows.nth(1)).to_have_class("desk-current")
    expect(rows.nth(1)).to_be_focused()
    page.keyboard.press("k")
    expect(rows.nth(0)).to_have_class("desk-current")
    expect(rows.nth(1)).not_to_have_class("desk-current")
    with page.expect_navigation():
        page.keyboard.press("a")
    expect(page.locator(".messagelist .success")).to_contain_text("approved")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_class("desk-current")
    expect(rows.nth(0).locator("mark.desk-quote")).to_have_text(second.quote)
    with page.expect_navigation():
        page.keyboard.press("a")
    expect(rows).to_have_count(1)
    assert Statement.objects.get(pk=first.pk).review_state == ReviewState.APPROVED
    assert Statement.objects.get(pk=second.pk).review_state == ReviewState.APPROVED

    # The new speaker, from its statement's row: approved with the role the extractor suggested.
    row = rows.first
    expect(row.locator(".desk-new-speaker")).to_contain_text("suggested role: Deputy Defence Minister, Russia")
    with page.expect_navigation():
        row.get_by_role("button", name="Approve Anatoly Antonov with this role").click()
    approved = "Anatoly Antonov: approved; 1 actors changed, 1 documents extracted again."
    expect(page.locator(".messagelist .success")).to_contain_text(approved)
    expect(page.locator(".desk-new-speaker")).to_have_count(0)
    assert Actor.objects.get(pk=antonov.pk).review_state == ReviewState.APPROVED

    # His words now count for Russia: the public matrix shows the suggested stance, marked unreviewed.
    page.goto(matrix)
    expect(page.locator(f"{cell} .stance")).to_have_text("opposes")
    expect(page.locator(f"{cell} .since")).to_have_text("since 2012-02-01")
    expect(page.locator(f"{cell} .badge")).to_have_text("unreviewed")
