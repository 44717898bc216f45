"""The monitor's one record: an export that runs in the background (a quarterly report, the yearly dataset), its
progress, and the file it made, for the person who asked for it only."""

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

from keten.accounts.models import Membership
from keten.core.clock import now
from keten.core.models import BaseModel
from keten.core.privacy import BASE_MODEL_CATEGORIES
from keten.core.privacy import DataCategory as C

#: A job whose worker wrote nothing for this long has stopped (it writes progress at every step).
EXPORT_STALLED_AFTER = timedelta(minutes=10)


class ExportKind(models.TextChoices):
    QUARTERLY_REPORT = "quarterly_report", _("Kwartaalrapport (PDF)")
    YEARLY_DATASET = "yearly_dataset", _("Jaarbestand voor de Nationaal Rapporteur (CSV)")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Wacht op verwerking")
    RUNNING = "running", _("Wordt gemaakt")
    DONE = "done", _("Klaar")
    FAILED = "failed", _("Mislukt")


class ExportJob(BaseModel):
    """One export asked for by one membership. The file lives in the row (the worker may run on another machine,
    and a closed network has no shared file store); it holds only figures after disclosure control, or records
    made k-anonymous, never a person."""

    FINISHED = (ExportStatus.DONE, ExportStatus.FAILED)

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+",
                                   verbose_name=_("aangevraagd door"))
    kind = models.CharField(_("soort"), max_length=20, choices=ExportKind.choices)
    parameters = models.JSONField(_("keuzes"), default=dict)
    status = models.CharField(_("status"), max_length=8, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("voortgang (%)"), default=0)
    file_name = models.CharField(_("bestand"), max_length=120, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    result = models.BinaryField(default=b"")
    summary = models.TextField(_("toelichting"), blank=True)  # what the export did, e.g. the generalising steps
    error = models.CharField(_("fout"), max_length=300, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(
        ["membership", "kind", "parameters", "status", "progress", "file_name", "content_type", "summary", "error",
         "finished_at"], C.OPERATIONAL),
        "result": C.AGGREGATE}

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("export van de monitor")
        verbose_name_plural = _("exports van de monitor")
        constraints = [models.CheckConstraint(name="export_job_progress_percentage",
                                              condition=models.Q(progress__lte=100))]

    def __str__(self):
        return self.file_name or self.kind

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def is_stalled(self) -> bool:
        return not self.is_finished and self.updated_at < now() - EXPORT_STALLED_AFTER


# --- Pre-aggregated figures (ADR 0014) ---------------------------------------------------------------------------
# Counts of signals per month of registration × area, kept by keten.monitor.facts so that a national view adds up a
# few thousand small rows instead of a million signals. An area is a municipality, a region of one of the monitor's
# layers (area_kind is the layer), or the whole country (area_kind "national"). Raw counts, before disclosure
# control: read only by keten.monitor.facts, and everything they give goes through keten.monitor.disclosure.


class SignalFact(models.Model):
    """How many signals registered in `month` in an area fall in one `category` of one `dimension` (for the month
    dimension the category is the month itself); `form` is "" for every signal, else only signals naming it."""

    month = models.DateField()
    area_kind = models.CharField(max_length=32)
    area = models.CharField(max_length=16, blank=True)
    form = models.CharField(max_length=16, blank=True)
    dimension = models.CharField(max_length=8)
    category = models.CharField(max_length=32)
    count = models.PositiveIntegerField()

    privacy_categories = dict.fromkeys(
        ["id", "month", "area_kind", "area", "form", "dimension", "category", "count"], C.AGGREGATE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "area_kind", "area", "form", "dimension", "category"],
                                               name="signal_fact_unique")]
        indexes = [models.Index(fields=["form", "area_kind", "month"], name="signal_fact_read_idx",
                                include=["dimension", "area", "category", "count"])]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.area_kind} {self.area} {self.dimension}={self.category}: {self.count}"


class LeadTimeFact(models.Model):
    """How many signals registered in `month` in an area took `tenths` tenths of a day (rounded) to reach step
    `kind` (keten.monitor.selectors.LeadTime): a histogram the median and 90th percentile are read from exactly, at
    the precision the monitor publishes them."""

    month = models.DateField()
    area_kind = models.CharField(max_length=32)
    area = models.CharField(max_length=16, blank=True)
    form = models.CharField(max_length=16, blank=True)
    kind = models.CharField(max_length=12)
    tenths = models.IntegerField()
    count = models.PositiveIntegerField()

    privacy_categories = dict.fromkeys(["id", "month", "area_kind", "area", "form", "kind", "tenths", "count"],
                                       C.AGGREGATE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "area_kind", "area", "form", "kind", "tenths"],
                                               name="lead_time_fact_unique")]
        indexes = [models.Index(fields=["form", "kind", "area_kind", "month"], name="lead_time_fact_read_idx",
                                include=["area", "tenths", "count"])]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.area_kind} {self.area} {self.kind} {self.tenths / 10} d: {self.count}"


class StaleSlice(models.Model):
    """A month × municipality whose facts a write changed: counted again before the next figures are read."""

    month = models.DateField()
    municipality = models.CharField(max_length=8)

    privacy_categories = dict.fromkeys(["id", "month", "municipality"], C.AGGREGATE)

    def __str__(self):
        return f"{self.month:%Y-%m} {self.municipality}"


class FactsState(models.Model):
    """One row: when the facts were last counted again in full, and when a stale slice was last brought up to date.
    No row: never counted yet."""

    rebuilt_at = models.DateTimeField()
    refreshed_at = models.DateTimeField()

    privacy_categories = dict.fromkeys(["id", "rebuilt_at", "refreshed_at"], C.OPERATIONAL)

    def __str__(self):
        return f"facts {self.rebuilt_at:%Y-%m-%d %H:%M}"
