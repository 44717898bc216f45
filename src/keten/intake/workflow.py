"""A signal's workflow as data: its states, the steps between them, who may take each step, and what a step needs
(a reason to close, where it was referred to, the question when it goes back). Pure: services.py applies it and
writes the history.

    new ──► triage ──► at_table ──► referred ──► closed
     │        │  ▲        │  │                     ▲
     │        │  └── returned ◄─┘                  │
     └────────┴─────────┴──────────────────────────┘   (closing needs a reason from CloseReason)

`returned` waits for the reporter to add information; the answer brings the signal back to triage, where it is
weighed again (not to `new`: it has been looked at, and its triage deadline already ran).
"""

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from keten.accounts.roles import OrganisationType
from keten.accounts.roles import Role as R
from keten.core.errors import DomainError, PermissionDenied


class Status(models.TextChoices):
    NEW = "new", gettext_lazy("Nieuw")
    TRIAGE = "triage", gettext_lazy("In triage")
    RETURNED = "returned", gettext_lazy("Teruggestuurd voor aanvulling")
    AT_TABLE = "at_table", gettext_lazy("Aan de Signaaltafel")
    REFERRED = "referred", gettext_lazy("Doorverwezen")
    CLOSED = "closed", gettext_lazy("Afgesloten")


class CloseReason(models.TextChoices):
    HANDLED = "handled", gettext_lazy("Afgehandeld: opgepakt door de instantie waarnaar is doorverwezen")
    NO_INDICATION = "no_indication", gettext_lazy("Na beoordeling geen aanwijzingen voor mensenhandel")
    INSUFFICIENT_INFORMATION = "insufficient_information", gettext_lazy("Onvoldoende informatie, ook na navraag")
    ALREADY_HANDLED = "already_handled", gettext_lazy("Al in behandeling bij een andere instantie")
    DUPLICATE = "duplicate", gettext_lazy("Dubbele melding van dezelfde situatie")
    REPORTED_IN_ERROR = "reported_in_error", gettext_lazy("Ten onrechte of per vergissing gemeld")


class Mover(StrEnum):
    """Who takes a step: the region's triage, the Signaaltafel, or the reporting organisation."""

    TRIAGE = "triage"
    TABLE = "table"
    REPORTER = "reporter"


#: Roles that weigh new signals for their region: the care coordinator, Veilig Thuis (in some regions the
#: meldpunt mensenhandel), the police AVIM and the chair of the Signaaltafel (DOMAIN.md: the tables differ by region).
TRIAGE_ROLES = frozenset({R.CARE_COORDINATOR, R.VEILIG_THUIS_WORKER, R.POLICE_INVESTIGATOR, R.TABLE_CHAIR})
#: The table decides as a table; its chair records what it decided.
TABLE_ROLES = frozenset({R.TABLE_CHAIR})

S = Status
TRANSITIONS: dict[tuple[Status, Status], frozenset[Mover]] = {
    (S.NEW, S.TRIAGE): frozenset({Mover.TRIAGE}),
    # A duplicate or a report made in error needs no triage.
    (S.NEW, S.CLOSED): frozenset({Mover.TRIAGE}),
    (S.TRIAGE, S.AT_TABLE): frozenset({Mover.TRIAGE}),
    # Not every signal needs the table: acute danger goes straight to the police, a clear case to care.
    (S.TRIAGE, S.REFERRED): frozenset({Mover.TRIAGE}),
    (S.TRIAGE, S.RETURNED): frozenset({Mover.TRIAGE}),
    (S.TRIAGE, S.CLOSED): frozenset({Mover.TRIAGE}),
    (S.RETURNED, S.TRIAGE): frozenset({Mover.TRIAGE, Mover.REPORTER}),
    # No answer came.
    (S.RETURNED, S.CLOSED): frozenset({Mover.TRIAGE}),
    (S.AT_TABLE, S.REFERRED): frozenset({Mover.TABLE}),
    (S.AT_TABLE, S.RETURNED): frozenset({Mover.TABLE}),
    (S.AT_TABLE, S.CLOSED): frozenset({Mover.TABLE}),
    (S.REFERRED, S.CLOSED): frozenset({Mover.TRIAGE, Mover.TABLE}),
}

#: While a signal is in these states, its triage deadline runs (keten.intake.deadlines).
AWAITING_TRIAGE = (S.NEW, S.TRIAGE)
MAX_NOTE_CHARS = 1000


class WorkflowError(DomainError):
    """The step is not possible from where the signal stands, or lacks what it needs; nothing was written."""

    default_message = gettext_lazy("Deze stap is voor dit signaal niet mogelijk.")


def movers_for(role: str, *, is_reporter: bool) -> frozenset[Mover]:
    """In which capacities someone in `role` acts; `is_reporter` when their organisation reported the signal."""
    movers = set()
    if role in TRIAGE_ROLES:
        movers.add(Mover.TRIAGE)
    if role in TABLE_ROLES:
        movers.add(Mover.TABLE)
    if is_reporter:
        movers.add(Mover.REPORTER)
    return frozenset(movers)


def next_statuses(current: str, role: str, *, is_reporter: bool) -> list[Status]:
    """The steps this person may take from `current`, in workflow order (what a page offers)."""
    movers = movers_for(role, is_reporter=is_reporter)
    return [target for (source, target), allowed in TRANSITIONS.items() if source == current and allowed & movers]


def check_transition(*, current: str, target: str, role: str, is_reporter: bool, close_reason: str = "",
                     referred_to: str = "", note: str = "") -> None:
    """Raise WorkflowError (or PermissionDenied) with the reason in Dutch unless the step may be taken as asked."""
    if current == S.CLOSED:
        raise WorkflowError(_("Dit signaal is afgesloten en gaat niet verder. Registreer zo nodig een nieuw signaal."))
    if target not in S.values:
        raise WorkflowError(_("Onbekende status."))
    allowed = TRANSITIONS.get((S(current), S(target)))
    if allowed is None:
        options = [str(t.label) for (source, t) in TRANSITIONS if source == current]
        raise WorkflowError(_("Een signaal met status ‘{current}’ kan niet naar ‘{target}’. Mogelijk is: "
                              "{options}.").format(current=S(current).label, target=S(target).label,
                                                   options=", ".join(options)))
    if not allowed & movers_for(role, is_reporter=is_reporter):
        raise PermissionDenied(_("U kunt een signaal niet van ‘{current}’ naar ‘{target}’ zetten: dat doet {who}.")
                               .format(current=S(current).label, target=S(target).label, who=_describe(allowed)))
    if len(note) > MAX_NOTE_CHARS:
        raise WorkflowError(_("De toelichting is te lang: gebruik hoogstens {limit} tekens.").format(
            limit=MAX_NOTE_CHARS))
    if target == S.CLOSED:
        if not close_reason:
            raise WorkflowError(_("Kies een reden om het signaal af te sluiten."))
        if close_reason not in CloseReason.values:
            raise WorkflowError(_("Kies een reden om af te sluiten uit de lijst."))
    if target == S.REFERRED and referred_to not in OrganisationType.values:
        raise WorkflowError(_("Kies de instantie waarnaar het signaal is doorverwezen."))
    if target == S.RETURNED and not note.strip():
        raise WorkflowError(_("Schrijf op welke informatie ontbreekt, zodat de melder het signaal kan aanvullen."))


def _describe(movers: frozenset[Mover]) -> str:
    names = {
        Mover.TRIAGE: _("de triage van de regio (zorgcoördinator, Veilig Thuis, politie of voorzitter van de "
                        "Signaaltafel)"),
        Mover.TABLE: _("de voorzitter van de Signaaltafel"),
        Mover.REPORTER: _("de organisatie die het signaal meldde"),
    }
    return _(" of ").join(names[m] for m in Mover if m in movers)
