"""The base model every Keten record inherits: a UUID key, timestamps and a version for optimistic locking."""

import uuid

from django.db import models


class BaseModel(models.Model):
    """UUID keys keep record counts and neighbours out of URLs; `version` guards against lost updates."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True
