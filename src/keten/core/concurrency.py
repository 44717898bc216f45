"""Optimistic locking: write only when the row still has the version the user read."""

from django.db.models import F
from django.db.models.signals import post_save

from keten.core.clock import now
from keten.core.errors import ConcurrentUpdate


def save_versioned(instance, *, expected_version: int, fields: list[str]) -> None:
    """Update `fields` of `instance` if nobody changed it since `expected_version`; raise otherwise."""
    model = type(instance)
    values = {name: getattr(instance, name) for name in fields}
    updated = model.objects.filter(pk=instance.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=now(), **values
    )
    if updated != 1:
        raise ConcurrentUpdate()
    instance.version = expected_version + 1
    # A conditional UPDATE is still a save: whatever follows saves (the social map's search index) must hear of it.
    post_save.send(sender=model, instance=instance, created=False, update_fields=frozenset(fields), raw=False,
                   using=instance._state.db)
