"""What the person who asked for an ingest said of its documents (`manage.py ingest --title …`), kept on
the item so that whoever processes it, the command or a worker, stores the same document."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("positions", "0012_statement_said_precision"),
    ]

    operations = [
        migrations.AddField(
            model_name="item",
            name="given",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="What the person who asked for the ingest said of the document (title, published, publisher): it wins over what is read from it.",
            ),
        ),
    ]
