"""Curators (the 0009 group) keep deadlines and scales as they keep stances: view, add and change (a wrong
row is rejected, never deleted), so that "the curator can set a party's position" holds for the Curator
group and not for superusers alone."""

from django.db import migrations

MODELS = ("deadline", "scale", "scalestep", "scaleposition")
CURATOR_CODENAMES = [f"{action}_{model}" for model in MODELS for action in ("view", "add", "change")]


def curator_analyst_grant(apps, schema_editor=None):
    """Also used by tests after a flush (tests/admin/conftest.py)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        before = getattr(app_config, "models_module", None)  # a migration's app configs have none
        app_config.models_module = before or True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = before
    group = apps.get_model("auth", "Group").objects.filter(name="Curator").first()
    if group is not None:
        permissions = apps.get_model("auth", "Permission").objects.filter(
            content_type__app_label="positions", codename__in=CURATOR_CODENAMES
        )
        group.permissions.add(*permissions)


def curator_analyst_revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name="Curator").first()
    if group is not None:
        group.permissions.remove(*group.permissions.filter(codename__in=CURATOR_CODENAMES))


class Migration(migrations.Migration):
    dependencies = [("positions", "0020_analyst")]

    operations = [migrations.RunPython(curator_analyst_grant, curator_analyst_revoke)]
