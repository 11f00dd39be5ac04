"""The database cache's table and connection, used when CACHE_URL names no Redis."""

CACHE_TABLE = "django_cache"  # made by positions/migrations/0015_cache_table.py
CACHE_ALIAS = "cache"


class CacheRouter:
    """Sends the cache's queries to the `cache` connection (the same database, in autocommit)."""

    def db_for_read(self, model, **hints):
        return CACHE_ALIAS if model._meta.app_label == "django_cache" else None

    db_for_write = db_for_read

    def allow_migrate(self, db, app_label, **hints):
        # The same database as `default`: its tables are migrated there, never twice.
        return False if db == CACHE_ALIAS else None
