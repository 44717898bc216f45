"""Importing into the social map: the import job's life (upload, background check and import, "only the good
rows"), and what both file formats share: row errors in Dutch, the organisations an administrator may import
for, and the writer that audits every record an import creates, changes or removes."""

import logging
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.accounts.roles import Role
from keten.audit.services import record as audit
from keten.core.clock import now
from keten.core.concurrency import save_versioned
from keten.core.errors import DomainError, PermissionDenied, ValidationFailed
from keten.policy.purposes import Purpose
from keten.socialmap import search_index
from keten.socialmap.models import ImportJob, ImportKind, ImportStatus, Organization

logger = logging.getLogger(__name__)

#: Largest file accepted for import: a spreadsheet of thousands of services stays far below it.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
#: Errors kept on a job for the report; the counts stay exact beyond it.
MAX_REPORTED_ERRORS = 1000
#: How many rows are checked between two progress updates of the job.
PROGRESS_EVERY = 25

EXTENSIONS = {".xlsx": ImportKind.SPREADSHEET, ".zip": ImportKind.DATA_PACKAGE}


# --- What both formats share -----------------------------------------------------------------------------------


class FileRejected(DomainError):
    """The file as a whole cannot be read (wrong type, damaged, empty, too large): nothing is imported."""


@dataclass(frozen=True)
class RowError:
    """Why one row cannot be imported. `row` is the row or line number a person sees in the file (None for the
    file as a whole); `sheet` the worksheet or CSV file. The message never repeats an address or contact detail
    (it may be secret, and the report is kept); a mistyped list value is named, to help find it."""

    sheet: str
    row: int | None
    column: str
    message: str


@dataclass
class Checked:
    """The outcome of checking a file: its errors, and the plan that `apply` carries out. `partial` says whether
    the format can import the good rows alone (a spreadsheet can; a data package's rows depend on each other)."""

    rows_total: int
    errors: list[RowError] = field(default_factory=list)
    plan: object = None
    partial: bool = False

    @property
    def rows_failed(self) -> int:
        return len({(e.sheet, e.row) for e in self.errors if e.row is not None})

    @property
    def can_import_good_rows(self) -> bool:
        """Some rows are good and every error belongs to a row (not to the file as a whole)."""
        return (self.partial and bool(self.errors) and all(e.row is not None for e in self.errors)
                and self.rows_failed < self.rows_total)


class Progress:
    """What a format reports while it checks a file: the number of rows once read, then each row checked."""

    def __init__(self, report: Callable[..., None] | None = None):
        self._report = report or (lambda **values: None)
        self.done = 0

    def start(self, total: int) -> None:
        self._report(rows_total=total, rows_processed=0)

    def step(self) -> None:
        self.done += 1
        if self.done % PROGRESS_EVERY == 0:
            self._report(rows_processed=self.done)


class ImportFormat(Protocol):
    """A file format the import understands (keten.socialmap.spreadsheet, keten.socialmap.datapackage)."""

    def check(self, actor: Actor, content: bytes, progress: Progress) -> Checked: ...

    def apply(self, checked: Checked, writer: "Writer") -> None:
        """Write the plan of the rows that passed the check (a bad row never enters the plan)."""


def importable_organizations(actor: Actor) -> QuerySet[Organization]:
    """The social-map organisations the actor may import for: their own organisation's (all, if national)."""
    organizations = Organization.objects.all()
    return organizations if actor.is_national else organizations.filter(maintainer=actor.organisation)


class Writer:
    """Every write of an import: one audit event per record created, changed or removed, counted for the
    report. An update writes only what differs and is refused if someone saved the record meanwhile."""

    def __init__(self, actor: Actor):
        self.actor = actor
        self.created = self.updated = self.deleted = 0

    def create(self, model, **values):
        instance = model.objects.create(**values)
        self._audit("create", instance)
        self.created += 1
        return instance

    def update(self, instance, values: dict, *, expected_version: int | None = None) -> bool:
        """Change `instance` to `values` (attribute names); False when nothing differs."""
        changed = {name: value for name, value in values.items() if getattr(instance, name) != value}
        if not changed:
            return False
        for name, value in changed.items():
            setattr(instance, name, value)
        version = instance.version if expected_version is None else expected_version
        save_versioned(instance, expected_version=version, fields=list(changed))
        self._audit("update", instance)
        self.updated += 1
        return True

    def delete(self, instance) -> None:
        self._audit("delete", instance)
        instance.delete()
        self.deleted += 1

    def _audit(self, action: str, instance) -> None:
        audit(actor=self.actor, action=action, target=instance, purpose=Purpose.ADMINISTRATION)


# --- Starting a job --------------------------------------------------------------------------------------------


def _require_admin(actor: Actor) -> None:
    if actor.role != Role.FUNCTIONAL_ADMIN or not actor.membership.is_active:
        raise PermissionDenied(_("Alleen een functioneel beheerder kan de sociale kaart importeren."))


def kind_of(file_name: str, content: bytes) -> ImportKind:
    """The format of an upload by its extension; both are zip files inside, so anything else is refused."""
    extension = "." + file_name.rpartition(".")[2].lower() if "." in file_name else ""
    if extension not in EXTENSIONS:
        raise ValidationFailed(_("Kies een Excel-bestand (.xlsx, het sjabloon) of een HSDS-datapakket (.zip)."))
    if len(content) > MAX_UPLOAD_BYTES:
        raise ValidationFailed(_("Het bestand is groter dan {size} MB. Splits het in kleinere bestanden.").format(
            size=MAX_UPLOAD_BYTES // (1024 * 1024)))
    if not content.startswith(b"PK\x03\x04"):
        raise ValidationFailed(_("Dit bestand is geen geldig {kind}: het is beschadigd of van een ander soort.")
                               .format(kind=_("Excel-bestand") if extension == ".xlsx" else _("zip-bestand")))
    return EXTENSIONS[extension]


@transaction.atomic
def import_start(*, actor: Actor, file_name: str, content: bytes) -> ImportJob:
    """Keep the upload on a new job and queue its check (and, when the file is clean, its import)."""
    _require_admin(actor)
    kind = kind_of(file_name, content)
    job = ImportJob.objects.create(membership=actor.membership, organisation=actor.organisation, kind=kind,
                                   file_name=file_name[-255:], content=content)
    audit(actor=actor, action="create", target=job, purpose=Purpose.ADMINISTRATION)
    _enqueue(job)
    return job


@transaction.atomic
def import_good_rows(*, actor: Actor, job: ImportJob) -> ImportJob:
    """The administrator's explicit choice after a report with errors: import the rows that are right."""
    _require_admin(actor)
    if job.status != ImportStatus.REJECTED or job.kind != ImportKind.SPREADSHEET or not job.content:
        raise ValidationFailed(_("Deze import kan niet meer gedeeltelijk worden uitgevoerd. Upload het bestand "
                                 "opnieuw."))
    job.good_rows_only, job.status = True, ImportStatus.QUEUED
    save_versioned(job, expected_version=job.version, fields=["good_rows_only", "status"])
    audit(actor=actor, action="update", target=job, purpose=Purpose.ADMINISTRATION)
    _enqueue(job)
    return job


def _enqueue(job: ImportJob) -> None:
    # The task module imports the formats, which import this module: look the task up when it is needed.
    from keten.socialmap.tasks import run_import

    run_import.enqueue(str(job.pk))


# --- Reading jobs ----------------------------------------------------------------------------------------------


def visible_jobs(actor: Actor) -> QuerySet[ImportJob]:
    """Jobs of the actor's organisation (all, for a national administrator), without the uploaded files."""
    jobs = ImportJob.objects.defer("content").select_related("membership__user", "organisation")
    return jobs if actor.is_national else jobs.filter(organisation=actor.organisation)


def visible_job(actor: Actor, job_id) -> ImportJob | None:
    return visible_jobs(actor).filter(pk=job_id).first()


def offers_good_rows(job: ImportJob) -> bool:
    """Whether the report may offer "only the good rows" (the file is kept for it in exactly this case)."""
    return (job.status == ImportStatus.REJECTED and job.kind == ImportKind.SPREADSHEET
            and 0 < job.rows_failed < job.rows_total and all(e.get("row") is not None for e in job.errors))


# --- Running a job (in the worker) -----------------------------------------------------------------------------


def _save(job: ImportJob, **values) -> None:
    """Progress is written outside the import's transaction, so the job page sees it while the check runs."""
    for name, value in values.items():
        setattr(job, name, value)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=now(), **values)


def _finish(job: ImportJob, status: ImportStatus, checked: Checked | None = None, *, message: str = "",
            writer: Writer | None = None) -> None:
    errors = list(checked.errors) if checked else []
    if message:
        errors.insert(0, RowError(sheet="", row=None, column="", message=str(message)))
    values = {"status": status, "finished_at": now(), "errors": [asdict(e) for e in errors[:MAX_REPORTED_ERRORS]]}
    if checked is not None:
        values.update(rows_total=checked.rows_total, rows_processed=checked.rows_total,
                      rows_failed=checked.rows_failed)
    if writer is not None:
        values.update(records_created=writer.created, records_updated=writer.updated + writer.deleted)
    # A rejected file is kept for "only the good rows"; anything else need not be kept any longer.
    if status != ImportStatus.REJECTED or not (checked and checked.can_import_good_rows):
        values["content"] = b""
    _save(job, **values)


def run_job(job_id: uuid.UUID, formats: dict[str, ImportFormat]) -> ImportJob:
    """Check the job's file and, if it is clean (or the administrator chose the good rows), import it in one
    transaction. Whatever happens, the job ends in a finished state with a report in Dutch."""
    # Claimed with one conditional update: a job runs once, even if its task were delivered twice.
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.VALIDATING, rows_processed=0, updated_at=now())
    job = ImportJob.objects.select_related("membership__user", "membership__organisation").get(pk=job_id)
    if not claimed:
        return job
    with translation.override(settings.LANGUAGE_CODE):
        actor = Actor.of(job.membership)
        try:
            _require_admin(actor)
            progress = Progress(lambda **values: _save(job, **values))
            checked = formats[job.kind].check(actor, bytes(job.content), progress)
            if checked.errors and not (job.good_rows_only and checked.can_import_good_rows):
                _finish(job, ImportStatus.REJECTED, checked)
                return job
            _save(job, status=ImportStatus.IMPORTING, rows_total=checked.rows_total,
                  rows_processed=checked.rows_total)
            writer = Writer(actor)
            with transaction.atomic(), search_index.batched():
                formats[job.kind].apply(checked, writer)
            _finish(job, ImportStatus.DONE, checked, writer=writer)
        except DomainError as error:
            _finish(job, ImportStatus.FAILED, message=error.message)
        except Exception:
            logger.exception("Import job %s failed", job.pk)
            _finish(job, ImportStatus.FAILED, message=_("Er ging iets mis bij het importeren; er is niets "
                                                        "geïmporteerd. Probeer het later opnieuw."))
    return job
