"""The privacy vocabulary every model speaks: data categories (DESIGN.md, privacy rule 4).

It lives in core so that every app, also those below policy, can classify its fields; policy decides
what each category means for whom.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataCategory(models.TextChoices):
    IDENTITY = "identity", _("Identificerende gegevens")
    SPECIAL = "special", _("Bijzondere persoonsgegevens (AVG art. 9)")
    CRIMINAL = "criminal", _("Strafrechtelijke gegevens (AVG art. 10, Wpg)")
    SECRET_LOCATION = "secret_location", _("Geheime locatie")
    OPERATIONAL = "operational", _("Operationele gegevens")
    AGGREGATE = "aggregate", _("Geaggregeerde gegevens")


#: The fields every keten.core.models.BaseModel has: ids and timestamps say nothing about a person.
BASE_MODEL_CATEGORIES = dict.fromkeys(["id", "created_at", "updated_at", "version"], DataCategory.OPERATIONAL)


def categories_of(model) -> dict[str, DataCategory]:
    """The category of each concrete field of a Keten model, as the model declares in `privacy_categories`."""
    return dict(getattr(model, "privacy_categories", {}))
