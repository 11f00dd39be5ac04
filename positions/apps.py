"""App configuration."""

from django.apps import AppConfig
from django.db.backends.signals import connection_created


class PositionsConfig(AppConfig):
    name = "positions"
    verbose_name = "Negotiation positions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        connection_created.connect(_writes_watched, dispatch_uid="positions.watch_writes")


def _writes_watched(sender, connection, **kwargs):
    """Every connection's statements pass selectors.watch_writes (the tracker's writes move the data version's
    signal in Redis). First in the list: Django's execute_wrapper() context pops the last one when it ends."""
    from positions.selectors import watch_writes

    if watch_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, watch_writes)
