"""How exactly a statement's date is known: day, month, year or approximate (DESIGN.md, "Dates said").

Statements stored before this were dated to the day or by their document's date: "day" for all of them.
"""

from django.db import migrations, models

PRECISIONS = [("day", "day"), ("month", "month"), ("year", "year"), ("approximate", "approximate")]
HELP = "How exactly said_on is known: a month or a year is stored as its first day."


class Migration(migrations.Migration):
    dependencies = [
        ("positions", "0011_statement_public_said_on_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="statement",
            name="said_precision",
            field=models.CharField(choices=PRECISIONS, default="day", help_text=HELP, max_length=12),
        ),
        migrations.AddField(
            model_name="historicalstatement",
            name="said_precision",
            field=models.CharField(choices=PRECISIONS, default="day", help_text=HELP, max_length=12),
        ),
        migrations.AddConstraint(
            model_name="statement",
            constraint=models.CheckConstraint(
                condition=models.Q(("said_precision__in", ["day", "month", "year", "approximate"])),
                name="statement_said_precision_valid",
            ),
        ),
    ]
