# The ondergrens (minimum standard): its norms, and a default standard to start from.

import uuid

from django.db import migrations, models

#: The default standard, as data frozen in this migration (later changes are the administrator's):
#: (label, kind, service types, audience, age, form of exploitation, km). Codes of keten.socialmap.taxonomy;
#: "help" for a form of exploitation means shelter or care that takes victims of that form.
DEFAULT_STANDARD = [
    ("Zorgcoördinator mensenhandel voor de gemeente", "care_coordinator", [], "", None, "", None),
    ("Opvang voor volwassenen binnen 50 km", "service_within_reach", ["shelter"], "victim", 18, "", 50),
    ("Opvang voor minderjarigen binnen 50 km", "service_within_reach", ["shelter"], "victim", 15, "", 50),
    ("Hulp bij seksuele uitbuiting binnen 50 km", "service_within_reach", ["shelter", "care"], "victim", None,
     "sexual", 50),
    ("Hulp bij arbeidsuitbuiting binnen 50 km", "service_within_reach", ["shelter", "care"], "victim", None,
     "labour", 50),
    ("Hulp bij criminele uitbuiting binnen 50 km", "service_within_reach", ["shelter", "care"], "victim", None,
     "criminal", 50),
    ("Hulp bij gedwongen orgaanverwijdering binnen 50 km", "service_within_reach", ["shelter", "care"], "victim",
     None, "organ_removal", 50),
    ("Hulp voor daders binnen 50 km", "service_within_reach", ["perpetrator_help"], "perpetrator", None, "", 50),
]


def add_default_standard(apps, schema_editor):
    Criterion = apps.get_model("socialmap", "MinimumStandardCriterion")
    if Criterion.objects.exists():
        return
    Criterion.objects.bulk_create([
        Criterion(label=label, kind=kind, service_types=types, audience=audience, age=age,
                  exploitation_form=form, max_distance_km=km, position=(number + 1) * 10)
        for number, (label, kind, types, audience, age, form, km) in enumerate(DEFAULT_STANDARD)
    ])


class Migration(migrations.Migration):
    dependencies = [("socialmap", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name='MinimumStandardCriterion',
            fields=[
                ('id', models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('version', models.PositiveIntegerField(default=1, editable=False)),
                ('label', models.CharField(max_length=200, verbose_name='omschrijving')),
                ('kind', models.CharField(choices=[('care_coordinator', 'Zorgcoördinator voor de gemeente'), ('service_within_reach', 'Passende dienst binnen bereik')], default='service_within_reach', max_length=24, verbose_name='soort norm')),
                ('service_types', models.JSONField(blank=True, default=list, verbose_name='soort hulp')),
                ('audience', models.CharField(blank=True, max_length=64, verbose_name='voor wie')),
                ('age', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='leeftijd die in de leeftijdsgrenzen moet vallen')),
                ('exploitation_form', models.CharField(blank=True, max_length=64, verbose_name='vorm van uitbuiting')),
                ('max_distance_km', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='afstand in km')),
                ('is_active', models.BooleanField(default=True, verbose_name='actief')),
                ('position', models.PositiveSmallIntegerField(default=0, verbose_name='volgorde')),
            ],
            options={
                'ordering': ['position', 'label'],
                'constraints': [models.CheckConstraint(condition=models.Q(('kind', 'care_coordinator'), ('max_distance_km__gte', 1), _connector='OR'), name='minimum_standard_service_distance', violation_error_message='Een norm voor een dienst heeft een afstand van minstens 1 km nodig.')],
            },
        ),
        migrations.RunPython(add_default_standard, migrations.RunPython.noop),
    ]
