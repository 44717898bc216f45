"""Every field of every Keten model is declared in exactly one data category (DESIGN.md, privacy rule 4):
a new field that holds personal data cannot slip in unclassified."""

from django.apps import apps

from keten.core.privacy import DataCategory, categories_of


def _keten_models():
    return [m for m in apps.get_models() if m.__module__.startswith("keten.") and not m._meta.auto_created]


def test_every_field_of_every_keten_model_has_one_category():
    missing, stale = [], []
    for model in _keten_models():
        declared = categories_of(model)
        fields = {f.name for f in model._meta.concrete_fields}
        missing += [f"{model._meta.label}.{name}" for name in sorted(fields - declared.keys())]
        stale += [f"{model._meta.label}.{name}" for name in sorted(declared.keys() - fields)]
        assert all(category in DataCategory.values for category in declared.values()), model
    assert missing == [], "fields without a data category (add them to the model's privacy_categories)"
    assert stale == [], "privacy_categories names fields the model does not have"


def test_identifying_values_are_declared_as_identity():
    assert categories_of(apps.get_model("identity", "IdentityAttribute"))["value"] == DataCategory.IDENTITY
    assert categories_of(apps.get_model("identity", "Entity"))["value"] == DataCategory.IDENTITY
