"""The audit log's records: append-only events, chained by hash within a fixed number of partitions."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from keten.core.privacy import DataCategory

#: The prev_hash of the first event of every partition.
GENESIS_HASH = "0" * 64


class AuditAction(models.TextChoices):
    READ = "read", _("Inzien")
    SEARCH = "search", _("Zoeken")
    CREATE = "create", _("Aanmaken")
    UPDATE = "update", _("Wijzigen")
    DELETE = "delete", _("Verwijderen")
    EXPORT = "export", _("Exporteren")
    SHARE = "share", _("Delen")
    LOGIN = "login", _("Inloggen")
    LOGIN_FAILED = "login_failed", _("Mislukte inlogpoging")
    DENIED = "denied", _("Geweigerd")


class AuditDecision(models.TextChoices):
    """What policy decided for the recorded action; empty when no decision was asked (writes, logins)."""

    NONE = "", _("Geen")
    ALLOW = "allow", _("Toegestaan")
    PSEUDONYMISE = "pseudonymise", _("Gepseudonimiseerd")
    DENY = "deny", _("Geweigerd")


class ImmutableAuditEvent(Exception):
    """An audit event was about to be changed, deleted or written around the chain; the log is append-only."""


class AuditEventQuerySet(models.QuerySet):
    """Reads only: changing or deleting events in bulk is refused, and new events come from services.record."""

    def update(self, **kwargs):
        raise ImmutableAuditEvent("Audit events are append-only: update is refused.")

    def delete(self):
        raise ImmutableAuditEvent("Audit events are append-only: delete is refused.")

    def bulk_create(self, objs, *args, **kwargs):
        raise ImmutableAuditEvent("Audit events are written one by one by keten.audit.services.record.")

    def bulk_update(self, objs, fields, *args, **kwargs):
        raise ImmutableAuditEvent("Audit events are append-only: update is refused.")


class AuditEvent(models.Model):
    """One thing someone did or tried: who, for which organisation, in which role, on what, why, and on which
    legal basis. Never the data itself. `hash` seals the event and, through `prev_hash`, every event of its
    partition before it (ADR 0003)."""

    id = models.UUIDField(primary_key=True, editable=False)
    partition = models.PositiveSmallIntegerField(editable=False)
    seq = models.PositiveBigIntegerField(editable=False)
    occurred_at = models.DateTimeField(_("tijdstip (UTC)"), editable=False)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("gebruiker"))
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("organisatie"))
    role = models.CharField(_("rol"), max_length=32, blank=True)
    on_behalf_of = models.CharField(_("namens"), max_length=200, blank=True)
    action = models.CharField(_("handeling"), max_length=16, choices=AuditAction.choices)
    object_type = models.CharField(_("soort gegeven"), max_length=100, blank=True)
    object_id = models.CharField(_("kenmerk gegeven"), max_length=64, blank=True)
    purpose = models.CharField(_("doel"), max_length=64, blank=True)
    basis = models.CharField(_("grondslag"), max_length=64, blank=True)
    decision = models.CharField(_("besluit"), max_length=16, blank=True, choices=AuditDecision.choices)
    request_id = models.CharField(max_length=64, blank=True)
    client_address = models.CharField(_("adres van de client"), max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False)

    privacy_categories = {
        "id": DataCategory.OPERATIONAL,
        "partition": DataCategory.OPERATIONAL,
        "seq": DataCategory.OPERATIONAL,
        "occurred_at": DataCategory.OPERATIONAL,
        "actor": DataCategory.OPERATIONAL,
        "organisation": DataCategory.OPERATIONAL,
        "role": DataCategory.OPERATIONAL,
        # The professional or organisation the actor acts for; never a data subject.
        "on_behalf_of": DataCategory.OPERATIONAL,
        "action": DataCategory.OPERATIONAL,
        "object_type": DataCategory.OPERATIONAL,
        "object_id": DataCategory.OPERATIONAL,
        "purpose": DataCategory.OPERATIONAL,
        "basis": DataCategory.OPERATIONAL,
        "decision": DataCategory.OPERATIONAL,
        "request_id": DataCategory.OPERATIONAL,
        # An IP address can point at a person (a home connection), so it is treated as identifying.
        "client_address": DataCategory.IDENTITY,
        "prev_hash": DataCategory.OPERATIONAL,
        "hash": DataCategory.OPERATIONAL,
    }

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        # The refusing manager also serves Django's internal access (save, the delete collector).
        base_manager_name = "objects"
        ordering = ["-occurred_at", "-partition", "-seq"]
        verbose_name = _("auditgebeurtenis")
        verbose_name_plural = _("auditgebeurtenissen")
        constraints = [
            models.UniqueConstraint(fields=["partition", "seq"], name="audit_event_partition_seq_unique"),
            models.CheckConstraint(condition=models.Q(action__in=AuditAction.values), name="audit_event_action_valid"),
            models.CheckConstraint(condition=models.Q(decision__in=AuditDecision.values),
                                   name="audit_event_decision_valid"),
        ]
        indexes = [
            models.Index(fields=["object_type", "object_id", "-occurred_at"], name="audit_event_object_idx"),
            models.Index(fields=["-occurred_at"], name="audit_event_occurred_idx"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_type} #{self.partition}.{self.seq}"

    def save(self, *args, **kwargs):
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise ImmutableAuditEvent("Audit events are append-only: a stored event cannot be saved again.")
        if not getattr(self, "_chained_by_service", False):
            raise ImmutableAuditEvent("Audit events are written by keten.audit.services.record, which chains them.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableAuditEvent("Audit events are append-only: delete is refused.")


class AuditChain(models.Model):
    """The head of one partition's chain: the last sequence number and hash. A writer locks this row, so events
    of one partition are numbered without gaps; `audit_verify` compares it with the last event, which catches
    events cut off at the end."""

    partition = models.PositiveSmallIntegerField(primary_key=True)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    privacy_categories = {
        "partition": DataCategory.OPERATIONAL,
        "last_seq": DataCategory.OPERATIONAL,
        "last_hash": DataCategory.OPERATIONAL,
    }

    class Meta:
        ordering = ["partition"]
        verbose_name = _("auditketen")
        verbose_name_plural = _("auditketens")

    def __str__(self):
        return f"#{self.partition}: {self.last_seq}"
