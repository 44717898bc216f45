# The import job of the spreadsheet and data-package import (keten.socialmap.importing).

import uuid

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("socialmap", "0002_minimum_standard"),
    ]

    operations = [
        migrations.CreateModel(
            name="ImportJob",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("version", models.PositiveIntegerField(default=1, editable=False)),
                ("kind", models.CharField(choices=[("spreadsheet", "Spreadsheet (sjabloon)"),
                                                   ("datapackage", "HSDS-datapakket")], max_length=16)),
                ("file_name", models.CharField(max_length=255, verbose_name="bestand")),
                ("content", models.BinaryField()),
                ("status", models.CharField(choices=[("queued", "In de wachtrij"),
                                                     ("validating", "Bezig met controleren"),
                                                     ("importing", "Bezig met importeren"),
                                                     ("rejected", "Fouten gevonden: niets geïmporteerd"),
                                                     ("done", "Klaar"), ("failed", "Mislukt")],
                                            default="queued", max_length=16)),
                ("good_rows_only", models.BooleanField(default=False)),
                ("rows_total", models.PositiveIntegerField(default=0)),
                ("rows_processed", models.PositiveIntegerField(default=0)),
                ("rows_failed", models.PositiveIntegerField(default=0)),
                ("records_created", models.PositiveIntegerField(default=0)),
                ("records_updated", models.PositiveIntegerField(default=0)),
                ("errors", models.JSONField(blank=True, default=list)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                ("membership", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                                 to="accounts.membership")),
                ("organisation", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                                   to="accounts.organisation")),
            ],
            options={"ordering": ["-created_at"]},
        ),
    ]
