# The search index of the social map (keten.socialmap.search_index), built for the map already there.

import django.db.models.deletion
from django.db import migrations, models


def build(apps, schema_editor):
    from keten.socialmap.search_index import rebuild

    rebuild(apps)


def facets():
    return [
        ("is_national", models.BooleanField()),
        ("type_mask", models.BigIntegerField(default=0)),
        ("audience_mask", models.BigIntegerField(default=0)),
        ("exploitation_mask", models.BigIntegerField(default=0)),
        ("residence_mask", models.BigIntegerField(default=0)),
        ("gender_mask", models.BigIntegerField(default=0)),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("socialmap", "0003_import_job"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchService",
            fields=[
                *facets(),
                ("service", models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING,
                                                 primary_key=True, related_name="search_entry", serialize=False,
                                                 to="socialmap.service")),
            ],
            options={
                "indexes": [models.Index(condition=models.Q(("is_national", True)), fields=["is_national"],
                                         name="search_service_national")],
            },
        ),
        migrations.CreateModel(
            name="SearchPoint",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                *facets(),
                ("latitude", models.FloatField()),
                ("longitude", models.FloatField()),
                ("location", models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING,
                                               related_name="+", to="socialmap.location")),
                ("service", models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING,
                                              related_name="search_points", to="socialmap.service")),
            ],
            options={
                "indexes": [models.Index(fields=["latitude", "longitude"], name="search_point_lat_lon")],
                "constraints": [models.UniqueConstraint(fields=("service", "location"), name="search_point_unique")],
            },
        ),
        migrations.RunPython(build, migrations.RunPython.noop),
    ]
