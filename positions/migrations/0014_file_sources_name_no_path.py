"""Documents of files and uploads no longer give their source's name as their publisher, and file sources
made by `manage.py ingest` are no longer named after their path: both put a path on this machine on
public pages and in the API. A file source is named after its file or folder, with a short hash of the
path, as the command now names it."""

import hashlib
from pathlib import PurePath

from django.db import migrations


def forwards(apps, schema_editor):
    Source = apps.get_model("positions", "Source")
    Document = apps.get_model("positions", "Document")
    for source in Source.objects.filter(kind__in=["files", "upload"]):
        Document.objects.filter(source=source, publisher=source.name[:200]).update(publisher="")
        if source.kind == "files" and source.name.startswith("files: /") and source.path:
            digest = hashlib.sha256(source.path.encode()).hexdigest()[:8]
            name = f"files: {PurePath(source.path).name or source.path} ({digest})"[:200]
            if not Source.objects.filter(name=name).exists():
                Source.objects.filter(pk=source.pk).update(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("positions", "0013_item_given"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
