"""Keep the machine's values of statements and suggestions stored before they were recorded.

Only rows no curator has touched yet (pending, not corrected, made by the extractor): their fields
still are what the extractor said. Rows a curator changed keep `machine` empty: what the extractor
said there is lost.
"""

from django.db import migrations

BATCH = 1000


def statements_backfill(apps, schema_editor):
    Statement = apps.get_model("positions", "Statement")
    rows = (
        Statement.objects.filter(machine__isnull=True, review_state="pending", corrected=False)
        .exclude(extractor_version="")
        .select_related("speaker", "party", "addressee", "proposal")
        .prefetch_related("topics")
    )
    changed = []
    for statement in rows.iterator(chunk_size=BATCH):
        statement.machine = {
            "mode": statement.mode,
            "cue": statement.cue,
            "speaker": statement.speaker.name if statement.speaker_id else None,
            "party": statement.party.name if statement.party_id else None,
            "addressee": statement.addressee.name if statement.addressee_id else None,
            "said_on": statement.said_on.isoformat(),
            "kind": statement.kind,
            "topics": sorted(t.key for t in statement.topics.all()),
            "proposal": statement.proposal.slug if statement.proposal_id else None,
            "confidence": statement.confidence,
            "extractor_version": statement.extractor_version,
        }
        changed.append(statement)
        if len(changed) >= BATCH:
            Statement.objects.bulk_update(changed, ["machine"])
            changed = []
    Statement.objects.bulk_update(changed, ["machine"])


def suggestions_backfill(apps, schema_editor):
    for name, value in (("Stance", "stance"), ("StatusChange", "status")):
        model = apps.get_model("positions", name)
        rows = model.objects.filter(machine__isnull=True, review_state="pending", recorded_via__startswith="extractor")
        if name == "Stance":
            rows = rows.select_related("party")
        for row in rows.iterator(chunk_size=BATCH):
            machine = {value: getattr(row, value), "effective": row.effective.isoformat(), "confidence": row.confidence}
            if name == "Stance":
                machine["party"] = row.party.name
            model.objects.filter(pk=row.pk).update(machine=machine)


class Migration(migrations.Migration):
    dependencies = [("positions", "0009_curator_group")]

    operations = [
        migrations.RunPython(statements_backfill, migrations.RunPython.noop),
        migrations.RunPython(suggestions_backfill, migrations.RunPython.noop),
    ]
