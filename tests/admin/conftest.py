"""Desk users: a curator (the Curator group the migration makes), staff who only read, and pending rows."""

import hashlib
import importlib
from datetime import date

import pytest
from django.contrib.auth.models import Group, Permission, User

from positions.models import Document, Statement
from positions.vocabularies import ReviewState
from tests import factories


@pytest.fixture
def curator_group(db) -> Group:
    """The group the migration made; made again after a transactional test flushed the tables."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    if not Group.objects.filter(name="Curator").exists():
        for app_config in apps.get_app_configs():
            create_permissions(app_config, verbosity=0)
        importlib.import_module("positions.migrations.0009_curator_group").curator_group_set(apps)
        importlib.import_module("positions.migrations.0019_relations").curator_relations_grant(apps)
        importlib.import_module("positions.migrations.0021_curator_deadlines_scales").curator_analyst_grant(apps)
    return Group.objects.get(name="Curator")


@pytest.fixture
def curator(curator_group) -> User:
    user = User.objects.create_user("carla", "carla@example.org", password="a long pass phrase", is_staff=True)
    user.groups.add(curator_group)
    return user


@pytest.fixture
def reader(curator_group) -> User:
    """Staff who may look at everything in positions but curate nothing."""
    user = User.objects.create_user("rudi", "rudi@example.org", password=None, is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="positions", codename__startswith="view_")
    )
    return user


@pytest.fixture
def curator_client(client, curator):
    client.force_login(curator)
    return client


@pytest.fixture
def reader_client(client, reader):
    client.force_login(reader)
    return client


def pending_statement(*, text: str = "", quote: str = "", **kw) -> Statement:
    """A machine-made statement, pending, its quote inside a longer text, with the machine values recorded."""
    text = text or "Before the quote. NATO will build two separate systems. After the quote."
    quote = quote or "NATO will build two separate systems."
    document = kw.pop("document", None) or Document.objects.create(
        title="A report", text=text, content_hash=hashlib.sha256(text.encode()).hexdigest()
    )
    start = document.text.index(quote)
    kw.setdefault("extractor_version", "test-1")
    kw.setdefault("confidence", 0.7)
    kw.setdefault("review_state", ReviewState.PENDING)
    kw.setdefault("said_on", date(2011, 12, 6))
    kw.setdefault("kind", "proposal")
    topics = kw.pop("topics", [])
    statement = factories.statement(document=document, start=start, end=start + len(quote), **kw)
    statement.topics.set(topics)
    statement.machine = {**statement.values(), "confidence": statement.confidence, "extractor_version": "test-1"}
    statement.save(update_fields=["machine"])
    return statement
