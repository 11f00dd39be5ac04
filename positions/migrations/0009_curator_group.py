"""The Curator group, with exactly the permissions curating needs (see README, "Curation").

Permissions are made by a post_migrate signal, after every migration has run, so this migration
makes them itself first; running it again changes nothing.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Curator"
# model -> actions. Review and correction are "change" (the API's CanReview says the same); merging
# has its own permission, so curators merge without being able to delete outright; pipeline rows
# (statements, suggestions, documents, runs) are rejected, never deleted.
CURATOR_PERMISSIONS = {
    "statement": ["view", "add", "change"],
    "stance": ["view", "add", "change"],
    "statuschange": ["view", "add", "change"],
    "actor": ["view", "add", "change", "merge"],
    "role": ["view", "add", "change", "delete"],
    "proposal": ["view", "add", "change", "merge"],
    "party": ["view", "change"],
    "issue": ["view"],
    "negotiation": ["view"],
    "source": ["view", "change"],
    "document": ["view", "add", "change"],
    "item": ["view"],
    "ingestrun": ["view"],
}


def codenames() -> list[str]:
    return [f"{action}_{model}" for model, actions in CURATOR_PERMISSIONS.items() for action in actions]


def group_create(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    curator_group_set(apps)


def curator_group_set(apps):
    """Make the group, or set its permissions back to exactly these (also used by tests after a flush)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    wanted = codenames()
    permissions = list(Permission.objects.filter(content_type__app_label="positions", codename__in=wanted))
    missing = set(wanted) - {p.codename for p in permissions}
    if missing:
        raise RuntimeError(f"permissions not found: {sorted(missing)}")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.set(permissions)


def group_delete(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("positions", "0008_history_and_machine_values"),
    ]

    operations = [migrations.RunPython(group_create, group_delete)]
