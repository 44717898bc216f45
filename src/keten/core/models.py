"""The base model every Keten record inherits (a UUID key, timestamps and a version for optimistic locking), and
the base of rows that are written once and never changed: histories, routings, decisions."""

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


class AppendOnly(Exception):
    """A row of an append-only table was about to be changed or deleted: such a history only grows."""


def _refusal(model, what: str) -> AppendOnly:
    return AppendOnly(f"{model._meta.verbose_name} is append-only: {what} is refused.")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise _refusal(self.model, "update")

    def delete(self):
        raise _refusal(self.model, "delete")

    def bulk_update(self, objs, fields, *args, **kwargs):
        raise _refusal(self.model, "update")


class AppendOnlyModel(models.Model):
    """A row that is inserted once and then only read. The model and its manager refuse changes and deletes; on
    PostgreSQL a trigger refuses them too (keten.core.append_only.refuse_changes in the app's migration). A
    subclass's Meta sets `base_manager_name = "objects"`, so that Django's own saves and deletes go through the
    refusing manager as well."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise _refusal(type(self), "saving a stored row again")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _refusal(type(self), "delete")
