"""What the Signaaltafel keeps: people's verdicts on pairs of signals and the linking runs' bundles; dossiers of
signals that belong together and every change people made to them; meetings with their agenda, assessments,
decisions, actions and minutes; identity reveals and hit/no-hit questions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from keten.accounts.models import Membership, Organisation
from keten.core.clock import now
from keten.core.models import AppendOnlyModel, BaseModel
from keten.core.privacy import BASE_MODEL_CATEGORIES
from keten.core.privacy import DataCategory as C
from keten.core.references import random_reference
from keten.identity.models import Entity, IdentityAttribute, Subject
from keten.intake.models import Signal
from keten.policy.purposes import Purpose
from keten.referrals.models import Referral
from keten.regions.models import Municipality, Region


class Verdict(models.TextChoices):
    SAME = "same", _("Hoort bij elkaar")
    DIFFERENT = "different", _("Hoort niet bij elkaar")


class LinkDecision(AppendOnlyModel):
    """A person's verdict that two signals are (not) about the same person or case. It wins over the engine on
    every later run, until a newer verdict on the same pair says otherwise; rows are never changed."""

    signal_a = models.ForeignKey(Signal, on_delete=models.PROTECT, related_name="+", verbose_name=_("signaal"))
    signal_b = models.ForeignKey(Signal, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("ander signaal"))
    verdict = models.CharField(_("oordeel"), max_length=16, choices=Verdict.choices)
    reason = models.TextField(_("reden"))
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("besloten door"))
    decided_at = models.DateTimeField(_("besloten op"), default=now)

    # The reason is free text about a case, which readily touches on health or sexual life, like a signal's
    # description.
    privacy_categories = {**dict.fromkeys(["id", "signal_a", "signal_b", "verdict", "membership", "decided_at"],
                                          C.OPERATIONAL), "reason": C.SPECIAL}

    class Meta:
        base_manager_name = "objects"
        ordering = ["decided_at", "id"]
        verbose_name = _("oordeel over een koppeling")
        verbose_name_plural = _("oordelen over koppelingen")
        constraints = [models.CheckConstraint(name="link_decision_two_signals",
                                              condition=~models.Q(signal_a=models.F("signal_b")))]

    def __str__(self):
        return f"{self.verdict}: {self.signal_a_id} / {self.signal_b_id}"



class LinkRun(BaseModel):
    """One run of the linking engine over all signals: when, and what it found (counts only)."""

    started_at = models.DateTimeField(_("gestart"), default=now)
    finished_at = models.DateTimeField(_("klaar"), null=True, blank=True)
    records = models.PositiveIntegerField(_("records"), default=0)
    links = models.PositiveIntegerField(_("koppelingen"), default=0)
    clusters = models.PositiveIntegerField(_("clusters"), default=0)
    largest_cluster = models.PositiveIntegerField(_("grootste cluster"), default=0)
    seconds = models.FloatField(_("duur in seconden"), default=0)

    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(
        ["started_at", "finished_at", "records", "links", "clusters", "largest_cluster", "seconds"],
        C.AGGREGATE)}

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("koppelrun")
        verbose_name_plural = _("koppelruns")

    def __str__(self):
        return f"run {self.started_at:%Y-%m-%d %H:%M}"


class ClusterKind(models.TextChoices):
    PERSON = "person", _("Dezelfde persoon")
    PHONE = "phone", _("Hetzelfde telefoonnummer")
    ADDRESS = "address", _("Hetzelfde adres")
    VEHICLE = "licence_plate", _("Hetzelfde voertuig")
    COMPANY = "company_number", _("Hetzelfde bedrijf")
    BANK_ACCOUNT = "iban", _("Dezelfde bankrekening")
    EMAIL = "email", _("Hetzelfde e-mailadres")
    ONLINE_HANDLE = "online_handle", _("Hetzelfde online account")
    DOCUMENT = "document_number", _("Hetzelfde document")
    BSN = "bsn", _("Hetzelfde BSN")


class SignalCluster(BaseModel):
    """A signal's membership of one bundle of a run: signals about the same person, or sharing one phone,
    address, vehicle, company or account. The key names the bundle within its run and holds no value."""

    run = models.ForeignKey(LinkRun, on_delete=models.CASCADE, related_name="memberships")
    cluster_key = models.CharField(_("bundel"), max_length=64)
    kind = models.CharField(_("soort bundel"), max_length=24, choices=ClusterKind.choices)
    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="+")

    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(["run", "cluster_key", "kind", "signal"],
                                                                    C.OPERATIONAL)}

    class Meta:
        ordering = ["run", "cluster_key"]
        verbose_name = _("bundellidmaatschap")
        verbose_name_plural = _("bundellidmaatschappen")
        constraints = [models.UniqueConstraint(fields=["run", "cluster_key", "signal"],
                                               name="signal_cluster_unique")]
        indexes = [models.Index(fields=["run", "signal"], name="signal_cluster_signal_idx")]

    def __str__(self):
        return f"{self.cluster_key} / {self.signal_id}"


# --- Dossiers -------------------------------------------------------------------------------------------------------


def new_dossier_reference() -> str:
    """A random, meaningless reference such as "D-4821KX", read aloud at the table."""
    return random_reference("D-")


class DossierStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Afgesloten")
    MERGED = "merged", _("Samengevoegd")


class Dossier(BaseModel):
    """Signals that belong together, as the table works on them. The engine proposes dossiers from a link run's
    bundles; people add, remove, merge and split (DossierChange), and what they did is kept on every re-run.
    `municipality` is where the dossier belongs: the table whose region holds it sees it (policy's region
    relation); `owner` is the organisation that chairs that table, when one is known."""

    reference = models.CharField(_("kenmerk"), max_length=10, unique=True, default=new_dossier_reference,
                                 editable=False)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("gemeente"))
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("beheerder"))
    status = models.CharField(_("status"), max_length=8, choices=DossierStatus.choices, default=DossierStatus.OPEN)
    merged_into = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("samengevoegd met"))
    by_engine = models.BooleanField(_("voorgesteld door de bundeling"), default=False)
    created_by = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    policy_owner_field = "owner"
    policy_municipality_field = "municipality"
    policy_subject_field = None
    policy_category = C.OPERATIONAL
    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(
        ["reference", "municipality", "owner", "status", "merged_into", "by_engine", "created_by"], C.OPERATIONAL)}

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")

    def __str__(self):
        return self.reference


class DossierSignal(BaseModel):
    """A signal in a dossier. A signal is active in one dossier at most; an inactive row says a person took it
    out of this dossier, and the engine never puts it back there."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="memberships")
    signal = models.ForeignKey(Signal, on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(_("in het dossier"), default=True)
    by_engine = models.BooleanField(_("door de bundeling"), default=False)
    added_at = models.DateTimeField(_("toegevoegd op"), default=now)

    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(
        ["dossier", "signal", "is_active", "by_engine", "added_at"], C.OPERATIONAL)}

    class Meta:
        ordering = ["added_at"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "signal"], name="dossier_signal_unique"),
            models.UniqueConstraint(fields=["signal"], condition=models.Q(is_active=True),
                                    name="signal_in_one_dossier"),
        ]

    def __str__(self):
        return f"{self.dossier_id} / {self.signal_id}"


class ChangeKind(models.TextChoices):
    CREATED = "created", _("Dossier aangemaakt")
    ENGINE = "engine", _("Door de bundeling voorgesteld")
    ADDED = "added", _("Signaal toegevoegd")
    REMOVED = "removed", _("Signaal verwijderd")
    MERGED = "merged", _("Samengevoegd")
    SPLIT = "split", _("Gesplitst")
    HANDED_OVER = "handed_over", _("Overgedragen aan een andere regio")


class DossierChange(AppendOnlyModel):
    """One change to a dossier's signals, with who made it and why; the engine's own additions have no person.
    `other` is the dossier merged in or split off."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(_("wijziging"), max_length=16, choices=ChangeKind.choices)
    signals = models.JSONField(_("signalen"), default=list)
    other = models.ForeignKey(Dossier, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("ander dossier"))
    reason = models.TextField(_("reden"), blank=True)
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(_("tijdstip"), default=now)

    # The reason is free text about a case (see LinkDecision.reason).
    privacy_categories = {**dict.fromkeys(["id", "dossier", "kind", "signals", "other", "membership", "at"],
                                          C.OPERATIONAL), "reason": C.SPECIAL}

    class Meta:
        base_manager_name = "objects"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.kind}: {self.dossier_id}"


class IdentityReveal(AppendOnlyModel):
    """A participant revealed who a subject is, or an entity's full value, for a stated purpose that policy
    allows their organisation. Listed in the minutes' annex for the chair."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="reveals")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    purpose = models.CharField(_("doel"), max_length=32, choices=Purpose.choices)
    reason = models.CharField(_("waarom nodig"), max_length=300)
    meeting = models.ForeignKey("Meeting", on_delete=models.PROTECT, null=True, blank=True, related_name="reveals")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("tijdstip"), default=now)

    privacy_categories = dict.fromkeys(
        ["id", "dossier", "subject", "entity", "purpose", "reason", "meeting", "membership", "at"], C.OPERATIONAL)

    class Meta:
        base_manager_name = "objects"
        ordering = ["at", "id"]
        constraints = [models.CheckConstraint(
            name="reveal_subject_or_entity",
            condition=models.Q(subject__isnull=False, entity__isnull=True)
            | models.Q(subject__isnull=True, entity__isnull=False))]

    def __str__(self):
        return f"reveal {self.dossier_id}"


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


class HitQuestion(AppendOnlyModel):
    """A member asked whether an identifier is known elsewhere. Only the keyed token of the value is kept (never
    the value), and the answer as it was given: organisation types and regions, no records."""

    asked_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("soort gegeven"), max_length=24)  # an EntityKind or AttributeKind
    token = models.CharField(_("versleutelde waarde"), max_length=64)
    hits = models.JSONField(_("antwoord"), default=list)
    at = models.DateTimeField(_("gevraagd op"), default=now)

    privacy_categories = dict.fromkeys(["id", "asked_by", "kind", "token", "hits", "at"], C.OPERATIONAL)

    class Meta:
        base_manager_name = "objects"
        ordering = ["-at"]

    def __str__(self):
        return f"hit question {self.kind}"


class IdentifierToken(BaseModel):
    """The keyed token (keten.linking.encoded) of one identifier the identity store holds (an entity, or a
    subject's identifying attribute such as a phone number or document number), with who holds it and where: the
    index the hit/no-hit question is answered from, without comparing anyone's plain values."""

    kind = models.CharField(_("soort gegeven"), max_length=24)  # an EntityKind or AttributeKind
    token = models.CharField(_("versleutelde waarde"), max_length=64)
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey(Municipality, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    entity = models.OneToOneField(Entity, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    attribute = models.OneToOneField(IdentityAttribute, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="+")

    # A keyed hash the platform could turn back into the value: kept as identity data.
    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(
        ["kind", "organisation", "municipality", "entity", "attribute"], C.OPERATIONAL), "token": C.IDENTITY}

    class Meta:
        indexes = [models.Index(fields=["kind", "token"], name="identifier_token_idx")]
        constraints = [models.CheckConstraint(
            name="identifier_token_one_source",
            condition=models.Q(entity__isnull=False, attribute__isnull=True)
            | models.Q(entity__isnull=True, attribute__isnull=False))]

    def __str__(self):
        return f"{self.kind} token"


# --- Link explanations ----------------------------------------------------------------------------------------------


class SignalLink(BaseModel):
    """Why a run linked two signals: the engine's probability and match weight (in bits, the prior included) of
    the strongest link between their records, and per field its agreement level and weight in bits. Field names,
    levels and weights only: never a value, so the table can be shown why without being shown whom. `verdict` is
    set when a person's verdict forced the link (keten.linking: "same" is a link of probability 1)."""

    run = models.ForeignKey(LinkRun, on_delete=models.CASCADE, related_name="signal_links")
    signal_a = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="+")
    signal_b = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("kans"))
    weight = models.FloatField(_("gewicht in bits"))
    prior = models.FloatField(_("startgewicht in bits"))
    contributions = models.JSONField(_("bijdragen per veld"), default=list)  # [{field, level, weight}]
    verdict = models.CharField(_("oordeel"), max_length=16, choices=Verdict.choices, blank=True)

    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(
        ["run", "signal_a", "signal_b", "score", "weight", "prior", "contributions", "verdict"], C.OPERATIONAL)}

    class Meta:
        ordering = ["run", "-score"]
        verbose_name = _("koppeling tussen signalen")
        verbose_name_plural = _("koppelingen tussen signalen")
        constraints = [models.UniqueConstraint(fields=["run", "signal_a", "signal_b"], name="signal_link_unique"),
                       models.CheckConstraint(name="signal_link_two_signals",
                                              condition=~models.Q(signal_a=models.F("signal_b")))]
        indexes = [models.Index(fields=["run", "signal_b"], name="signal_link_b_idx")]

    def __str__(self):
        return f"{self.signal_a_id} / {self.signal_b_id}: {self.score:.2f}"
