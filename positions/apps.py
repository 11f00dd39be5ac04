"""App configuration."""

from django.apps import AppConfig


class PositionsConfig(AppConfig):
    name = "positions"
    verbose_name = "Negotiation positions"
    default_auto_field = "django.db.models.BigAutoField"
