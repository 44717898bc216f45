"""Exports that take a while, as background jobs: asking for one (checked and audited), running it in the worker
with its progress on the job row, telling the requester when it is ready, and handing the file to them only."""

import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.accounts.roles import OrganisationType, Role
from keten.audit.services import record as audit
from keten.core.clock import now, today
from keten.core.errors import DomainError, PermissionDenied, ValidationFailed
from keten.monitor import dataset, report, selectors
from keten.monitor.models import ExportJob, ExportKind, ExportStatus
from keten.notifications.models import NotificationKind
from keten.notifications.services import notify
from keten.policy.purposes import Purpose
from keten.regions.models import Region

logger = logging.getLogger(__name__)
PDF, CSV = "application/pdf", "text/csv; charset=utf-8"
#: The layers a quarterly report can be of: every layer of regions (a municipality is too small a region).
REPORT_LAYERS = tuple(kind for kind in selectors.LAYERS if kind != selectors.MUNICIPALITY)


# --- Who may ask ---------------------------------------------------------------------------------------------------


def report_regions(actor: Actor):
    """The regions the actor may have a quarterly report of: every region for the whole country, else their own
    membership's region (PermissionDenied for anyone the monitor refuses)."""
    scope = selectors.monitor_scope(actor)
    regions = Region.objects.select_related("layer").order_by("layer__kind", "name")
    if scope.national:
        return regions.filter(layer__kind__in=REPORT_LAYERS)
    return regions.filter(pk=actor.membership.region_id)


def may_ask_dataset(actor: Actor) -> bool:
    """The yearly dataset: a national analyst with national scope, or a registration officer of CoMensha (whose
    registrations it is made of)."""
    if not actor.membership.is_active:
        return False
    if actor.role == Role.NATIONAL_ANALYST:
        return actor.is_national
    return actor.role == Role.REGISTRATION_OFFICER and actor.organisation.type == OrganisationType.COMENSHA


def _require_dataset(actor: Actor) -> None:
    if not may_ask_dataset(actor):
        raise PermissionDenied(_("Alleen een landelijk analist of een registratiemedewerker van CoMensha vraagt "
                                 "het jaarbestand aan."))


# --- Asking ------------------------------------------------------------------------------------------------------


@transaction.atomic
def report_start(*, actor: Actor, region: Region, quarter: report.Quarter) -> ExportJob:
    """Queue the quarterly report of `region` for `quarter`."""
    if not report_regions(actor).filter(pk=region.pk).exists():
        raise PermissionDenied(_("U kunt alleen een rapport vragen van een gebied waarvan u de cijfers ziet."))
    if quarter.first_month > today():
        raise ValidationFailed(_("Dit kwartaal is nog niet begonnen. Kies een eerder kwartaal."))
    return _start(actor, ExportKind.QUARTERLY_REPORT,
                  {"layer": region.layer.kind, "region": region.code, "year": quarter.year,
                   "quarter": quarter.number})


@transaction.atomic
def dataset_start(*, actor: Actor, year: int) -> ExportJob:
    """Queue the k-anonymous dataset of `year`."""
    _require_dataset(actor)
    if year > today().year:
        raise ValidationFailed(_("Dit jaar is nog niet begonnen. Kies een eerder jaar."))
    return _start(actor, ExportKind.YEARLY_DATASET, {"year": year})


def _start(actor: Actor, kind: str, parameters: dict) -> ExportJob:
    job = ExportJob.objects.create(membership=actor.membership, kind=kind, parameters=parameters)
    audit(actor=actor, action="export", target=job, purpose=Purpose.MONITORING)
    from keten.monitor.tasks import run_export  # the task module imports this one

    # In the same transaction: the task's row (django-tasks-db) commits with the job, or neither does.
    run_export.enqueue(str(job.pk))
    return job


# --- Reading -------------------------------------------------------------------------------------------------------


def job_of(actor: Actor, job_id) -> ExportJob | None:
    """A job of the actor's own membership; anyone else's does not exist for them."""
    return ExportJob.objects.defer("result").filter(pk=job_id, membership=actor.membership).first()


def jobs_of(actor: Actor, kind: str):
    return ExportJob.objects.defer("result").filter(membership=actor.membership, kind=kind)[:5]


def download(actor: Actor, job_id) -> ExportJob | None:
    """The finished job with its file, for its requester; audited."""
    job = ExportJob.objects.filter(pk=job_id, membership=actor.membership, status=ExportStatus.DONE).first()
    if job is not None:
        audit(actor=actor, action="read", target=job, purpose=Purpose.MONITORING)
    return job


def region_of(job: ExportJob) -> Region | None:
    parameters = job.parameters
    return Region.objects.filter(layer__kind=parameters.get("layer"), code=parameters.get("region")).first()


def describe(job: ExportJob) -> str:
    """"Kwartaalrapport Limburg, 1e kwartaal 2026"; "Jaarbestand 2025"."""
    parameters = job.parameters
    if job.kind == ExportKind.YEARLY_DATASET:
        return _("Jaarbestand {year}").format(year=parameters["year"])
    region = region_of(job)
    return _("Kwartaalrapport {region}, {quarter}").format(
        region=region.name if region else parameters.get("region"),
        quarter=report.Quarter(parameters["year"], parameters["quarter"]).label)


# --- Running (in the worker) ------------------------------------------------------------------------------------


def _save(job: ExportJob, **values) -> None:
    """Written outside any transaction of the work, so the job page sees the progress while it runs."""
    for name, value in values.items():
        setattr(job, name, value)
    ExportJob.objects.filter(pk=job.pk).update(updated_at=now(), **values)


def run_job(job_id: uuid.UUID) -> ExportJob:
    """Make the job's file. Whatever happens the job ends finished, with a reason in Dutch when it failed, and
    its requester is told."""
    # Claimed with one conditional update: a job runs once, even if its task were delivered twice.
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, progress=0, updated_at=now())
    job = ExportJob.objects.select_related("membership__user", "membership__organisation").get(pk=job_id)
    if not claimed:
        return job
    with translation.override(settings.LANGUAGE_CODE):
        actor = Actor.of(job.membership)
        try:
            content, content_type, file_name, summary = _make(actor, job)
        except DomainError as error:
            _save(job, status=ExportStatus.FAILED, error=str(error.message)[:300], finished_at=now())
        except Exception:
            logger.exception("Monitor export %s failed", job.pk)
            _save(job, status=ExportStatus.FAILED, finished_at=now(),
                  error=_("Er ging iets mis bij het maken van het bestand. Probeer het later opnieuw."))
        else:
            _save(job, status=ExportStatus.DONE, progress=100, result=content, content_type=content_type,
                  file_name=file_name, summary=summary, finished_at=now())
        title = (_("Klaar om te downloaden: {export}") if job.status == ExportStatus.DONE else
                 _("Niet gelukt: {export}")).format(export=describe(job))
        notify(memberships=[job.membership_id], kind=NotificationKind.TASK, title=title,
               link=reverse("monitor:export-job", args=[job.pk]), key=f"monitor-export:{job.pk}",
               purpose=Purpose.MONITORING)
    return job


def _make(actor: Actor, job: ExportJob) -> tuple[bytes, str, str, str]:
    """(content, content type, file name, summary) of the job, checked again for the requester as they are now."""
    parameters = job.parameters
    if job.kind == ExportKind.YEARLY_DATASET:
        _require_dataset(actor)
        _save(job, progress=10)
        content, outcome = dataset.yearly_dataset(parameters["year"], k=settings.KETEN_MONITOR_MIN_CELL)
        return content, CSV, f"jaarbestand-mensenhandel-{parameters['year']}.csv", dataset.explain(outcome)
    region = region_of(job)
    if region is None or not report_regions(actor).filter(pk=region.pk).exists():
        raise PermissionDenied(_("U ziet de cijfers van dit gebied niet (meer)."))
    quarter = report.Quarter(parameters["year"], parameters["quarter"])
    content = report.quarterly_report(region=region, quarter=quarter,
                                      progress=lambda percent: _save(job, progress=percent))
    return (content, PDF, f"kwartaalrapport-{region.code.lower()}-{quarter.year}-k{quarter.number}.pdf",
            _("Het rapport toont alleen cijfers na geheimhouding: kleine aantallen zijn niet getoond."))
