"""Every model's admin pages open, with their search and filters, for a signed-in superuser."""

import pytest
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse

from positions.admin.base import ReviewFilter

pytestmark = pytest.mark.django_db


def test_every_models_list_search_add_change_and_history_pages_open(client, seeded, rf):
    user = User.objects.create_superuser("curator", "curator@example.org", password=None)
    client.force_login(user)
    request = rf.get("/")
    request.user = user
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        changelist = reverse(f"{name}_changelist")
        assert client.get(changelist).status_code == 200, model
        queue = any(isinstance(f, type) and issubclass(f, ReviewFilter) for f in model_admin.list_filter)
        search = {"q": "missile", **({"review": "all"} if queue else {})}
        assert client.get(changelist, search).status_code == 200, model
        # Pipeline records (items, runs) are made by ingest only: no add page.
        expected = 200 if model_admin.has_add_permission(request) else 403
        assert client.get(reverse(f"{name}_add")).status_code == expected, model
        first = model.objects.first()
        if first is not None:
            assert client.get(reverse(f"{name}_change", args=[first.pk])).status_code == 200, model
            assert client.get(reverse(f"{name}_history", args=[first.pk])).status_code == 200, model


def test_the_seeded_statements_are_listed_and_searchable(client, seeded):
    client.force_login(User.objects.create_superuser("curator", "curator@example.org", password=None))
    response = client.get(reverse("admin:positions_statement_changelist"), {"q": "legally binding", "review": "all"})
    assert response.status_code == 200
    assert b"legally binding" in response.content
    assert response.context["cl"].result_count >= 3


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("admin:positions_statement_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
