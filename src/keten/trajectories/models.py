"""A trajectory (trajectzorg): one per presumed victim, from an accepted referral until self-reliance. Its owner
(an organisation and the person responsible there), its phase, the reflection period (B8), a timeline of care and
justice events, the care plan's goals, and self-reliance (ZRM) assessments over time."""


from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from keten.accounts.models import Membership, Organisation
from keten.core.clock import now
from keten.core.models import AppendOnlyModel, BaseModel
from keten.core.privacy import BASE_MODEL_CATEGORIES
from keten.core.privacy import DataCategory as C
from keten.core.references import random_reference
from keten.identity.models import Subject
from keten.referrals.models import Referral
from keten.regions.models import Municipality


def new_trajectory_reference() -> str:
    """A random, meaningless reference such as "T-4821KX"."""
    return random_reference("T-")


class Phase(models.TextChoices):
    INTAKE = "intake", _("Intake en veiligheid")
    SHELTER = "shelter", _("Opvang")
    REFLECTION = "reflection", _("Bedenktijd (B8)")
    JUSTICE = "justice", _("Aangifte en strafzaak")
    CARE = "care", _("Zorg en herstel")
    LIVING = "living", _("Wonen, werk en inkomen")
    RETURN = "return", _("Terugkeer en herintegratie")
    AFTERCARE = "aftercare", _("Nazorg")
    CLOSED = "closed", _("Afgesloten")


class CloseReason(models.TextChoices):
    SELF_RELIANT = "self_reliant", _("Zelfredzaam volgens de laatste ZRM")
    MOVED_ABROAD = "moved_abroad", _("Naar het buitenland vertrokken")
    DECLINED_HELP = "declined_help", _("Wil geen verdere hulp")
    LOST_CONTACT = "lost_contact", _("Contact verloren na herhaalde pogingen")
    DECEASED = "deceased", _("Overleden")


class ReflectionOutcome(models.TextChoices):
    REPORTED = "reported", _("Aangifte gedaan of meegewerkt aan onderzoek")
    NO_REPORT = "no_report", _("Geen aangifte")
    RETURNED = "returned", _("Teruggekeerd naar land van herkomst")
    OTHER_PERMIT = "other_permit", _("Andere verblijfsvergunning aangevraagd")


class Trajectory(BaseModel):
    """The owner is never empty: a hand-over only names `handover_to` (and the person asked); the owner stays
    responsible until the receiver accepts (keten.trajectories.services). Closing needs self-reliance on the latest
    ZRM or a reason; a closed trajectory can be reopened."""

    reference = models.CharField(_("kenmerk"), max_length=10, unique=True, default=new_trajectory_reference,
                                 editable=False)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("slachtoffer"))
    referral = models.OneToOneField(Referral, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="trajectory")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("gemeente"))
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="trajectories_owned",
                              verbose_name=_("eigenaar"))
    owner_membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+",
                                         verbose_name=_("verantwoordelijke"))
    handover_to = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="trajectories_offered", verbose_name=_("overdracht gevraagd aan"))
    handover_asked_at = models.DateTimeField(null=True, blank=True)
    phase = models.CharField(_("fase"), max_length=16, choices=Phase.choices, default=Phase.INTAKE)
    reflection_start = models.DateField(_("bedenktijd vanaf"), null=True, blank=True)
    reflection_end = models.DateField(_("bedenktijd tot en met"), null=True, blank=True)
    reflection_outcome = models.CharField(_("uitkomst bedenktijd"), max_length=16,
                                          choices=ReflectionOutcome.choices, blank=True)
    close_reason = models.CharField(_("reden van afsluiten"), max_length=16, choices=CloseReason.choices,
                                    blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_activity_at = models.DateTimeField(_("laatste activiteit"), default=now)

    # policy: the owner keeps it; the region sees it by its municipality; the person's consent governs identity.
    policy_owner_field = "owner"
    policy_municipality_field = "municipality"
    policy_subject_field = "subject"
    policy_category = C.OPERATIONAL
    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(
        ["reference", "subject", "referral", "municipality", "owner", "owner_membership", "handover_to",
         "handover_asked_at", "phase", "reflection_start", "reflection_end", "close_reason", "closed_at",
         "last_activity_at"], C.OPERATIONAL),
        # Whether the person reported to the police, returned or asked another permit: sensitive, though a victim's
        # report is not criminal data about them (AVG art. 10 concerns offences of the person).
        "reflection_outcome": C.SPECIAL}

    class Meta:
        ordering = ["-last_activity_at"]
        verbose_name = _("traject")
        verbose_name_plural = _("trajecten")
        constraints = [
            models.CheckConstraint(name="trajectory_handover_elsewhere",
                                   condition=Q(handover_to__isnull=True) | ~Q(handover_to=models.F("owner"))),
            models.CheckConstraint(name="trajectory_closed_has_reason",
                                   condition=Q(phase="closed", closed_at__isnull=False) & ~Q(close_reason="")
                                   | ~Q(phase="closed") & Q(closed_at__isnull=True, close_reason="")),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.phase == Phase.CLOSED


class EventKind(models.TextChoices):
    STARTED = "started", _("Traject gestart")
    PHASE = "phase", _("Nieuwe fase")
    CARE = "care", _("Zorg")
    JUSTICE = "justice", _("Justitie")
    HANDOVER_ASKED = "handover_asked", _("Overdracht gevraagd")
    HANDOVER_ACCEPTED = "handover_accepted", _("Overdracht aangenomen")
    REFLECTION = "reflection", _("Bedenktijd")
    ZRM = "zrm", _("ZRM-meting")
    GOAL = "goal", _("Doel")
    CLOSED = "closed", _("Afgesloten")
    REOPENED = "reopened", _("Heropend")
    PLACEMENT = "placement", _("Plaatsing")


class TrajectoryEvent(AppendOnlyModel):
    """One event on the trajectory's timeline, with the data category of what it says: a justice event is
    criminal-category data and shows only to those policy lets see that (keten.trajectories.selectors)."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("soort"), max_length=20, choices=EventKind.choices)
    category = models.CharField(_("gegevenscategorie"), max_length=16, choices=C.choices, default=C.OPERATIONAL)
    at = models.DateTimeField(_("tijdstip"), default=now)
    text = models.CharField(_("omschrijving"), max_length=1000, blank=True)
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")


    # The text's own category is `category`; the field is declared by its most sensitive use.
    privacy_categories = {**dict.fromkeys(["id", "trajectory", "kind", "category", "at", "membership"],
                                          C.OPERATIONAL), "text": C.CRIMINAL}

    class Meta:
        base_manager_name = "objects"
        ordering = ["at", "id"]

    def __str__(self):
        return self.kind




class GoalStatus(models.TextChoices):
    OPEN = "open", _("Loopt")
    DONE = "done", _("Bereikt")
    DROPPED = "dropped", _("Vervallen")


class Goal(BaseModel):
    """A goal of the care plan, with who works on it and by when."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.PROTECT, related_name="goals")
    text = models.CharField(_("doel"), max_length=300)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("wie werkt eraan"))
    due_on = models.DateField(_("streefdatum"))
    status = models.CharField(_("status"), max_length=8, choices=GoalStatus.choices, default=GoalStatus.OPEN)

    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(["trajectory", "owner", "due_on", "status"],
                                                                   C.OPERATIONAL), "text": C.SPECIAL}

    class Meta:
        ordering = ["due_on", "created_at"]

    def __str__(self):
        return self.text


class ZrmAssessment(BaseModel):
    """The ZRM scores of one moment: every domain 1–5 (keten.trajectories.zrm). Kept, never changed: the history
    is the point."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.PROTECT, related_name="assessments")
    assessed_on = models.DateField(_("datum"))
    scores = models.JSONField(_("scores"))
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")

    # Mental and physical health and substance use are among the domains.
    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(["trajectory", "assessed_on", "membership"],
                                                                   C.OPERATIONAL), "scores": C.SPECIAL}

    class Meta:
        ordering = ["assessed_on", "created_at"]

    def __str__(self):
        return f"{self.trajectory} {self.assessed_on}"


class Placement(BaseModel):
    """A stay in a service of the social map (a shelter place, a bed), from a date until it ends. Where the person
    is staying can be a secret address, so the placement is secret-location data (keten.trajectories.selectors)."""

    trajectory = models.ForeignKey(Trajectory, on_delete=models.PROTECT, related_name="placements")
    service = models.ForeignKey("socialmap.Service", on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("voorziening"))
    start_on = models.DateField(_("vanaf"))
    end_on = models.DateField(_("tot en met"), null=True, blank=True)
    took_capacity = models.BooleanField(default=False)  # whether it took a place of the service's capacity

    privacy_categories = {**BASE_MODEL_CATEGORIES, "trajectory": C.OPERATIONAL, "service": C.SECRET_LOCATION,
                          "start_on": C.OPERATIONAL, "end_on": C.OPERATIONAL, "took_capacity": C.OPERATIONAL}

    class Meta:
        ordering = ["-start_on"]
        constraints = [models.CheckConstraint(name="placement_ends_after_start", condition=Q(end_on__isnull=True)
                                              | Q(end_on__gte=models.F("start_on")))]

    def __str__(self):
        return f"{self.trajectory} {self.start_on}"
