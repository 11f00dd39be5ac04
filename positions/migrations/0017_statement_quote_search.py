"""Full-text search on a stored tsvector (a generated column, GIN-indexed) in place of the expression
index: a phrase or prefix query's recheck reads the column instead of running to_tsvector on each
candidate row. Adding the column rewrites the statements table once (about a minute a million rows)."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("positions", "0016_data_writes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="statement",
            name="statement_quote_fts_idx",
        ),
        migrations.AddField(
            model_name="statement",
            name="quote_search",
            field=models.GeneratedField(
                db_persist=True,
                expression=django.contrib.postgres.search.SearchVector("quote", config="english"),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.AddIndex(
            model_name="statement",
            index=django.contrib.postgres.indexes.GinIndex(fields=["quote_search"], name="statement_quote_search_idx"),
        ),
    ]
