"""Meetings of a region's Signaaltafel: the agenda, the assessment and decisions per item, the actions agreed,
and the minutes sent."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from keten.accounts.models import Membership, Organisation
from keten.core.clock import now
from keten.core.models import AppendOnlyModel, BaseModel
from keten.core.privacy import BASE_MODEL_CATEGORIES
from keten.core.privacy import DataCategory as C
from keten.referrals.models import Referral
from keten.regions.models import Region
from keten.signaltable.models.dossiers import Dossier

# --- Meetings -------------------------------------------------------------------------------------------------------


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Gepland")
    IN_PROGRESS = "in_progress", _("Bezig")
    CLOSED = "closed", _("Afgerond")


class Meeting(BaseModel):
    """One meeting of a region's Signaaltafel: when, where, who chairs and who takes part. Who may open it is
    decided by participation, not by region alone: only the people invited sit at the table."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("regio"))
    scheduled_at = models.DateTimeField(_("datum en tijd"))
    place = models.CharField(_("plaats van het overleg"), max_length=200, blank=True)
    chair = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+", verbose_name=_("voorzitter"))
    participants = models.ManyToManyField(Membership, related_name="+", blank=True, verbose_name=_("deelnemers"))
    status = models.CharField(_("status"), max_length=16, choices=MeetingStatus.choices,
                              default=MeetingStatus.PLANNED)
    closed_at = models.DateTimeField(_("afgerond op"), null=True, blank=True)

    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(
        ["region", "scheduled_at", "place", "chair", "status", "closed_at"], C.OPERATIONAL)}

    class Meta:
        ordering = ["-scheduled_at"]
        verbose_name = _("overleg")
        verbose_name_plural = _("overleggen")

    def __str__(self):
        return f"{self.region_id} {self.scheduled_at:%Y-%m-%d}"


class AgendaReason(models.TextChoices):
    NEW_DOSSIER = "new_dossier", _("Nieuw dossier")
    NEW_SIGNALS = "new_signals", _("Nieuwe signalen sinds het vorige overleg")
    OPEN_ACTIONS = "open_actions", _("Openstaande acties")
    OVERDUE_ACTIONS = "overdue_actions", _("Acties over de termijn")
    REVIEW = "review", _("Heroverweging op de afgesproken datum")
    REQUESTED = "requested", _("Gevraagd door een deelnemer")
    ADDED = "added", _("Toegevoegd door de voorzitter")


class AgendaItem(BaseModel):
    """A dossier on a meeting's agenda, in the chair's order, with why it is there."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("volgorde"))
    reasons = models.JSONField(_("waarom op de agenda"), default=list)

    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(
        ["meeting", "dossier", "position", "reasons"], C.OPERATIONAL)}

    class Meta:
        ordering = ["meeting", "position"]
        constraints = [models.UniqueConstraint(fields=["meeting", "dossier"], name="agenda_item_unique")]

    def __str__(self):
        return f"{self.position}. {self.dossier_id}"

    def reason_labels(self) -> list[str]:
        return [str(AgendaReason(code).label) for code in self.reasons if code in AgendaReason.values]


class AgendaRequest(BaseModel):
    """A participant asks for a dossier at the next meeting; `meeting` is set once it is on an agenda."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="requests")
    requested_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("waarom bespreken"), max_length=300)
    meeting = models.ForeignKey(Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(
        ["dossier", "requested_by", "reason", "meeting"], C.OPERATIONAL)}

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return f"request {self.dossier_id}"


class Indication(models.TextChoices):
    YES = "yes", _("Ja")
    NO = "no", _("Nee")
    UNCLEAR = "unclear", _("Onduidelijk")


class Severity(models.TextChoices):
    LOW = "low", _("Laag")
    MEDIUM = "medium", _("Midden")
    HIGH = "high", _("Hoog")


class Assessment(BaseModel):
    """The table's weighing of an agenda item: are there indications of trafficking, which forms, how severe,
    is a minor involved. The notes may touch on health or sexual life and go only to who may read that."""

    item = models.OneToOneField(AgendaItem, on_delete=models.CASCADE, related_name="assessment")
    indication = models.CharField(_("aanwijzingen voor mensenhandel"), max_length=8, choices=Indication.choices)
    forms = models.JSONField(_("vormen van uitbuiting"), default=list, blank=True)
    severity = models.CharField(_("ernst"), max_length=8, choices=Severity.choices)
    minor_involved = models.BooleanField(_("minderjarige betrokken"), null=True, blank=True)
    notes = models.TextField(_("aantekeningen"), blank=True)
    assessed_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")

    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(
        ["item", "indication", "forms", "severity", "minor_involved", "assessed_by"], C.OPERATIONAL),
        "notes": C.SPECIAL}

    def __str__(self):
        return f"assessment {self.item_id}"


class DecisionKind(models.TextChoices):
    INVESTIGATE_POLICE = "investigate_police", _("Onderzoek door de politie (AVIM)")
    INVESTIGATE_LABOUR = "investigate_labour", _("Onderzoek door de Arbeidsinspectie")
    INVESTIGATE_KMAR = "investigate_kmar", _("Onderzoek door de Koninklijke Marechaussee")
    CARE_TRAJECTORY = "care_trajectory", _("Zorgtraject via de zorgcoördinator")
    ADMINISTRATIVE = "administrative", _("Bestuurlijke aanpak door gemeente of RIEC")
    VEILIG_THUIS = "veilig_thuis", _("Melding bij Veilig Thuis")
    MONITOR = "monitor", _("Volgen en opnieuw bespreken op een datum")
    NO_ACTION = "no_action", _("Geen actie")
    HAND_OVER = "hand_over", _("Overdragen aan de Signaaltafel van een andere regio")


#: Decisions whose rationale is police information (criminal-category data): investigations.
INVESTIGATIONS = frozenset({DecisionKind.INVESTIGATE_POLICE, DecisionKind.INVESTIGATE_LABOUR,
                            DecisionKind.INVESTIGATE_KMAR})


class TableDecision(AppendOnlyModel):
    """What the table decided about an agenda item, with its rationale; an item may get several decisions (an
    investigation and a care trajectory). Never changed: a later decision follows an earlier one. `category` is
    the data category of the rationale: an investigation's is criminal-category data."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="decisions")
    kind = models.CharField(_("besluit"), max_length=24, choices=DecisionKind.choices)
    rationale = models.TextField(_("onderbouwing"))
    category = models.CharField(_("gegevenscategorie"), max_length=16, choices=C.choices, default=C.OPERATIONAL)
    review_on = models.DateField(_("opnieuw bespreken op"), null=True, blank=True)
    hand_over_to = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("overdragen aan regio"))
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("aanmelding (concept)"))
    decided_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("besloten op"), default=now)

    # The rationale's own category is `category`; the field is declared by its most sensitive use.
    privacy_categories = {**dict.fromkeys(
        ["id", "item", "dossier", "kind", "category", "review_on", "hand_over_to", "referral", "decided_by",
         "decided_at"], C.OPERATIONAL), "rationale": C.CRIMINAL}

    class Meta:
        base_manager_name = "objects"
        ordering = ["decided_at", "id"]

    def __str__(self):
        return self.kind


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Afgerond")
    CANCELLED = "cancelled", _("Vervallen")


class TableAction(BaseModel):
    """A follow-up the table agreed: who (organisation, and a person there if named) does what by when, and what
    came of it. Overdue while open past its deadline; flagged on the dossier and on the next agenda."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="actions")
    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, null=True, blank=True, related_name="actions")
    decision = models.ForeignKey(TableDecision, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="actions")
    description = models.CharField(_("actie"), max_length=500)
    category = models.CharField(_("gegevenscategorie"), max_length=16, choices=C.choices, default=C.OPERATIONAL)
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                           verbose_name=_("eigenaar (organisatie)"))
    owner_membership = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="+", verbose_name=_("eigenaar (persoon)"))
    due_on = models.DateField(_("uiterlijk"))
    status = models.CharField(_("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN)
    outcome = models.TextField(_("uitkomst"), blank=True)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    completed_at = models.DateTimeField(_("afgerond op"), null=True, blank=True)

    # Like a decision's rationale, the text's category is `category` (an investigation's action is police data).
    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(
        ["dossier", "item", "decision", "category", "owner_organisation", "owner_membership", "due_on", "status",
         "created_by", "completed_at"], C.OPERATIONAL), "description": C.CRIMINAL, "outcome": C.CRIMINAL}

    class Meta:
        ordering = ["due_on", "created_at"]
        indexes = [models.Index(fields=["status", "due_on"], name="table_action_status_due_idx")]

    def __str__(self):
        return self.description[:40]

    def is_overdue(self, on) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < on


class MinutesDispatch(AppendOnlyModel):
    """The minutes of a meeting were sent to one participant: their own copy, holding only what their
    organisation may see. `digest` is the SHA-256 of that copy, so what was sent can be proven later."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="dispatches")
    recipient = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    digest = models.CharField(_("vingerafdruk"), max_length=64)
    at = models.DateTimeField(_("verstuurd op"), default=now)

    privacy_categories = dict.fromkeys(["id", "meeting", "recipient", "sent_by", "digest", "at"], C.OPERATIONAL)

    class Meta:
        base_manager_name = "objects"
        ordering = ["at", "id"]

    def __str__(self):
        return f"minutes {self.meeting_id} → {self.recipient_id}"
