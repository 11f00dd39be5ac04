"""The database cache's table (what `manage.py createcachetable` makes), so that throttles count
in one place for every web process as soon as `migrate` has run. IF NOT EXISTS: a site may have
run createcachetable itself."""

from django.db import migrations

from tracker.cache import CACHE_TABLE


class Migration(migrations.Migration):
    dependencies = [("positions", "0014_file_sources_name_no_path")]

    operations = [
        migrations.RunSQL(
            f"""
            CREATE TABLE IF NOT EXISTS "{CACHE_TABLE}" (
                "cache_key" varchar(255) NOT NULL PRIMARY KEY,
                "value" text NOT NULL,
                "expires" timestamp with time zone NOT NULL
            );
            CREATE INDEX IF NOT EXISTS "{CACHE_TABLE}_expires" ON "{CACHE_TABLE}" ("expires");
            """,
            reverse_sql=f'DROP TABLE IF EXISTS "{CACHE_TABLE}";',
        )
    ]
