"""The kennisbank's history: an append-only revision per save of a piece of content."""

from django.db.models import Max

from keten.knowledge.models import Reviewed, Revision


def add_revision(record: Reviewed, *, written_by) -> Revision:
    """Append the record's content as it is now; numbers count up per record from 1."""
    last = Revision.objects.filter(record_id=record.pk).aggregate(last=Max("number"))["last"] or 0
    return Revision.objects.create(record_type=record._meta.label_lower, record_id=record.pk, number=last + 1,
                                   content=record.snapshot(), written_by=written_by)


def history_of(record: Reviewed) -> list[Revision]:
    """Newest first."""
    return list(Revision.objects.filter(record_id=record.pk).select_related("written_by").order_by("-number"))
