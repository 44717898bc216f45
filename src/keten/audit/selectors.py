"""Reading the audit log: the events about one record, and the disclosure log of one person."""

from django.db.models import QuerySet

from keten.audit.models import AuditEvent

#: The object type under which the identity app records reads of a subject's attributes.
SUBJECT_OBJECT_TYPE = "identity.subject"


def events_for_object(object_type: str, object_id) -> QuerySet[AuditEvent]:
    """Every event about one record, newest first, with the user and organisation loaded for display.

    The caller decides (through policy) who may see this and records that reading it happened."""
    return (
        AuditEvent.objects.filter(object_type=object_type, object_id=str(object_id))
        .select_related("actor", "organisation")
        .order_by("-occurred_at", "-partition", "-seq")
    )


def disclosure_log(subject_id) -> QuerySet[AuditEvent]:
    """Who saw or did what with a person's record, when and why: the events whose object is that subject."""
    return events_for_object(SUBJECT_OBJECT_TYPE, subject_id)
