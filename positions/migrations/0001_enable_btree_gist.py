"""btree_gist lets one exclusion constraint mix equality (actor, post) with date-range overlap."""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [BtreeGistExtension()]
