"""Re-dating from the desk: a document's date set in its change form re-dates what follows it, and the
statements' bulk action asks a date on an intermediate page; the upload form takes what the CLI takes."""

from datetime import date

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from positions import tasks
from positions.models import Document, Item, Stance, Statement
from positions.services import ingest
from positions.vocabularies import DatePrecision, ReviewState
from tests import factories

pytestmark = pytest.mark.django_db
WRONG, RIGHT = date(2020, 5, 5), date(2011, 12, 8)


def machine_statement(document, **kw) -> Statement:
    statement = factories.statement(
        document=document, extractor_version="test-1", review_state=ReviewState.APPROVED, said_on=WRONG, **kw
    )
    statement.machine = {**statement.values(), "confidence": 1.0, "extractor_version": "test-1"}
    statement.save(update_fields=["machine"])
    return statement


@pytest.fixture
def suggested():
    """An approved statement and the approved stance it suggested, both dated the day the report was read."""
    document = factories.document(text="Russia opposes two separate systems, the minister said.", published=WRONG)
    statement = machine_statement(document)
    stance = factories.stance(
        effective=WRONG, recorded_via="extractor test-1", machine={"stance": "opposes", "effective": WRONG.isoformat()}
    )
    stance.evidence.add(statement)
    return document, statement, stance


def change_form_data(client, url) -> dict:
    """What the change form posts back unchanged: its fields and its inlines' management data."""
    context = client.get(url).context
    form = context["adminform"].form
    data = {name: value for name, value in form.initial.items() if name in form.fields and value is not None}
    for inline in context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{k}": v for k, v in formset.management_form.initial.items()})
        for i, each in enumerate(formset.forms):
            data[f"{formset.prefix}-{i}-id"] = each.instance.pk
            data[f"{formset.prefix}-{i}-{formset.fk.name}"] = formset.instance.pk
    return {k: v for k, v in data.items() if v is not False}


def test_setting_a_document_s_date_re_dates_its_approved_statements_and_their_stances(client, curator, suggested):
    document, statement, stance = suggested
    client.force_login(curator)
    url = reverse("admin:positions_document_change", args=[document.pk])
    data = change_form_data(client, url)

    response = client.post(url, {**data, "published": RIGHT.isoformat()}, follow=True)

    assert response.status_code == 200
    assert "1 statements re-dated" in response.content.decode()
    document.refresh_from_db()
    statement.refresh_from_db()
    stance.refresh_from_db()
    assert (document.published, statement.said_on, stance.effective) == (RIGHT, RIGHT, RIGHT)
    assert statement.review_state == stance.review_state == ReviewState.APPROVED
    last = statement.history.first()
    assert last.history_change_reason == "re-dated: document date 2011-12-08 (was 2020-05-05)"
    assert last.history_user == curator


def test_a_change_form_save_without_a_new_date_re_dates_nothing(client, curator, suggested):
    document, statement, _ = suggested
    client.force_login(curator)
    url = reverse("admin:positions_document_change", args=[document.pk])
    before = statement.history.count()

    client.post(url, {**change_form_data(client, url), "title": "A better title"})

    document.refresh_from_db()
    assert document.title == "A better title"
    assert (Statement.objects.get(pk=statement.pk).said_on, statement.history.count()) == (WRONG, before)


def test_redate_selected_asks_a_date_then_re_dates_as_a_curator_s_decision(client, curator, suggested):
    document, statement, stance = suggested
    other = machine_statement(document, start=0, end=6)
    client.force_login(curator)
    changelist = reverse("admin:positions_statement_changelist") + "?review=all"
    chosen = {"action": "redate_selected", "_selected_action": [statement.pk, other.pk]}

    page = client.post(changelist, {**chosen, "index": 0})

    assert page.status_code == 200 and b'name="said_on"' in page.content and b"Re-date" in page.content
    assert Statement.objects.get(pk=statement.pk).said_on == WRONG  # nothing done before the date is given

    done = client.post(
        changelist, {**chosen, "confirm": "yes", "said_on": "2011-12-01", "said_precision": "month"}, follow=True
    )

    assert "2 statements re-dated" in done.content.decode()
    for row in Statement.objects.filter(pk__in=[statement.pk, other.pk]):
        assert (row.said_on, row.said_precision, row.corrected) == (date(2011, 12, 1), DatePrecision.MONTH, True)
        assert row.history.first().history_change_reason == "re-dated by a curator: 2011-12-01 (was 2020-05-05)"
    assert Stance.objects.get(pk=stance.pk).effective == date(2011, 12, 1)


def test_redate_selected_is_refused_to_staff_who_only_read(client, reader, suggested):
    _, statement, _ = suggested
    client.force_login(reader)
    changelist = reverse("admin:positions_statement_changelist") + "?review=all"

    client.post(
        changelist,
        {"action": "redate_selected", "_selected_action": [statement.pk], "confirm": "yes", "said_on": "2011-12-01"},
    )

    assert Statement.objects.get(pk=statement.pk).said_on == WRONG


def test_an_upload_takes_its_date_title_publisher_and_negotiation_and_shows_no_local_path(
    client, settings, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    client.force_login(User.objects.create_superuser("curator", "c@example.org", password=None))
    negotiation = factories.negotiation()
    sent = []
    monkeypatch.setattr(tasks.process_item, "delay", sent.append)
    text = b"Toner said the United States hopes for further cooperation with Russia on missile defence.\n"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:positions_document_upload"),
            {
                "files": [SimpleUploadedFile("x.txt", text, content_type="text/plain")],
                "published": "2011-12-08",
                "title": "Toner on cooperation",
                "publisher": "US Department of State",
                "negotiation": negotiation.pk,
            },
        )
    assert response.status_code == 302
    [item_id] = sent
    ingest.item_process(item_id=item_id)

    document = Item.objects.get(pk=item_id).document
    assert (document.title, document.published, document.publisher) == (
        "Toner on cooperation", date(2011, 12, 8), "US Department of State",
    )  # fmt: skip
    assert document.source.negotiation == negotiation
    assert str(tmp_path) not in document.source.name
    for url in (reverse("pages:document", args=[document.pk]), f"/api/v1/documents/{document.pk}"):
        shown = client.get(url, follow=True)
        assert shown.status_code == 200 and "Toner on cooperation" in shown.content.decode()
        assert str(tmp_path) not in shown.content.decode() and "x.txt" not in shown.content.decode()


def test_an_upload_form_refuses_a_title_for_many_files_and_a_date_to_come(client, settings, tmp_path):
    settings.UPLOAD_DIR = tmp_path / "uploads"
    client.force_login(User.objects.create_superuser("curator", "c@example.org", password=None))
    files = [SimpleUploadedFile(f"{n}.txt", f"Text {n} said.".encode(), content_type="text/plain") for n in "ab"]

    response = client.post(
        reverse("admin:positions_document_upload"), {"files": files, "title": "One", "published": "2999-01-01"}
    )

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "title" in errors and "published" in errors
    assert not Item.objects.exists() and not Document.objects.exists()
