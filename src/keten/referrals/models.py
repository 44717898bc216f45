"""A referral (aanmelding) of a presumed victim to the care coordinator of the municipality where the person is,
and its append-only history: sent, acknowledged, accepted or declined, transferred to another region."""


from django.db import models
from django.utils.translation import gettext_lazy as _

from keten.accounts.models import Membership, Organisation
from keten.core.clock import now
from keten.core.models import AppendOnlyModel, BaseModel
from keten.core.privacy import BASE_MODEL_CATEGORIES
from keten.core.privacy import DataCategory as C
from keten.core.references import random_reference
from keten.identity.models import Subject
from keten.intake.models import ExploitationForm, Signal
from keten.policy.models import Consent
from keten.regions.models import Municipality


def new_referral_reference() -> str:
    """A random, meaningless reference such as "A-4821KX"."""
    return random_reference("A-")


class ReferralUrgency(models.TextChoices):
    ACUTE = "acute", _("Acuut: vandaag nog opvang of hulp nodig")
    NORMAL = "normal", _("Normaal")


class Need(models.TextChoices):
    SHELTER_TONIGHT = "shelter_tonight", _("Opvang vannacht")
    MEDICAL = "medical", _("Medische zorg")
    SAFETY = "safety", _("Veiligheid")
    INTERPRETER = "interpreter", _("Tolk")
    CHILDREN = "children", _("Zorg voor kinderen")


class ReferralStatus(models.TextChoices):
    DRAFT = "draft", _("Concept")
    SENT = "sent", _("Verstuurd")
    ACKNOWLEDGED = "acknowledged", _("Ontvangen")
    ACCEPTED = "accepted", _("Aangenomen")
    DECLINED = "declined", _("Afgewezen")


class DeclineReason(models.TextChoices):
    NO_INDICATION = "no_indication", _("Geen aanwijzingen voor mensenhandel")
    OTHER_REGION = "other_region", _("Hoort bij een andere regio (draag liever over)")
    ALREADY_IN_CARE = "already_in_care", _("Al in zorg bij een andere zorgcoördinator")
    PERSON_DECLINES = "person_declines", _("De persoon wil geen hulp")
    UNREACHABLE = "unreachable", _("De persoon is niet bereikbaar")


class Referral(BaseModel):
    """A presumed victim referred to a care coordinator (from a signal, a table decision or directly). The
    referral holds the facts a coordinator needs; the person is a pseudonymous Subject, shown to the coordinator
    only on the person's consent for the referral (keten.policy: consent relation). `coordinator` is the
    organisation that holds the referral now; during a transfer `transfer_to` has been asked and the coordinator
    stays responsible until it accepts, so a referral never has no one."""

    reference = models.CharField(_("kenmerk"), max_length=10, unique=True, default=new_referral_reference,
                                 editable=False)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("vermoedelijk slachtoffer"))
    signal = models.ForeignKey(Signal, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals",
                               verbose_name=_("signaal"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("gemeente waar de persoon is"))
    forms = models.JSONField(_("vormen van uitbuiting"), default=list)
    urgency = models.CharField(_("urgentie"), max_length=8, choices=ReferralUrgency.choices,
                               default=ReferralUrgency.NORMAL)
    needs = models.JSONField(_("wat nodig is"), default=list, blank=True)
    situation = models.TextField(_("situatie"), blank=True)
    contact = models.CharField(_("bereikbaar via"), max_length=200)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name=_("toestemming voor de aanmelding"))
    referring_membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    referring_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+",
                                               verbose_name=_("aangemeld door"))
    coordinator = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="referrals_held",
                                    verbose_name=_("zorgcoördinatie"))
    is_fallback = models.BooleanField(_("landelijke terugvaloptie"), default=False)
    transfer_to = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="referrals_offered", verbose_name=_("overdracht gevraagd aan"))
    status = models.CharField(_("status"), max_length=16, choices=ReferralStatus.choices,
                              default=ReferralStatus.SENT)
    acknowledge_due_at = models.DateTimeField(_("ontvangst bevestigen uiterlijk"))
    escalated_at = models.DateTimeField(_("doorgezet naar de landelijke terugvaloptie op"), null=True, blank=True)
    decline_reason = models.CharField(_("reden van afwijzen"), max_length=24, choices=DeclineReason.choices,
                                      blank=True)

    # policy: the referring organisation keeps it; the coordinator sees it through a share, and the person's
    # identity through their consent for the referral.
    policy_owner_field = "referring_organisation"
    policy_municipality_field = "municipality"
    policy_subject_field = "subject"
    policy_category = C.OPERATIONAL
    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(
        ["reference", "subject", "signal", "municipality", "forms", "urgency", "needs", "contact", "consent",
         "referring_membership", "referring_organisation", "coordinator", "is_fallback", "transfer_to", "status",
         "acknowledge_due_at", "escalated_at", "decline_reason"], C.OPERATIONAL),
        # What the person went through and needs, in the referrer's words: health and sexual life come up.
        "situation": C.SPECIAL}

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")
        indexes = [models.Index(fields=["status", "acknowledge_due_at"], name="referral_status_due_idx")]

    def __str__(self):
        return self.reference

    def form_labels(self) -> list[str]:
        return [str(ExploitationForm(code).label) for code in self.forms if code in ExploitationForm.values]

    def need_labels(self) -> list[str]:
        return [str(Need(code).label) for code in self.needs if code in Need.values]


class StepAction(models.TextChoices):
    SENT = "sent", _("Aangemeld")
    ACKNOWLEDGED = "acknowledged", _("Ontvangst bevestigd")
    ACCEPTED = "accepted", _("Aangenomen")
    DECLINED = "declined", _("Afgewezen")
    TRANSFER_ASKED = "transfer_asked", _("Overdracht gevraagd")
    TRANSFER_ACCEPTED = "transfer_accepted", _("Overdracht aangenomen")
    ESCALATED = "escalated", _("Te laat: doorgezet naar de landelijke terugvaloptie")


class ReferralStep(AppendOnlyModel):
    """One step in a referral's history (sent, acknowledged, accepted, declined, transfer asked and accepted,
    escalated). Never changed or deleted, like a signal's history."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="steps")
    action = models.CharField(_("stap"), max_length=24, choices=StepAction.choices)
    at = models.DateTimeField(_("tijdstip"), default=now)
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("betreft organisatie"))
    note = models.CharField(_("toelichting"), max_length=500, blank=True)


    privacy_categories = {**dict.fromkeys(["id", "referral", "action", "at", "membership", "organisation"],
                                          C.OPERATIONAL), "note": C.SPECIAL}

    class Meta:
        base_manager_name = "objects"
        ordering = ["at", "id"]

    def __str__(self):
        return self.action




# --- CoMensha's registration ----------------------------------------------------------------------------------------


def new_registration_number() -> str:
    """A random number such as "R-4821KXQ": it says nothing about the person, the place or the order."""
    return random_reference("R-", 7)


class Registration(BaseModel):
    """A presumed victim registered by CoMensha, with the fields CoMensha registers (codes of
    keten.referrals.comensha), made from a referral, a signal (a police report) or directly, on a legal basis:
    the Police Data Act for investigative services, the person's consent for a care organisation's request for
    shelter or help. The person stays a pseudonymous subject; the export leaves it out."""

    number = models.CharField(_("registratienummer"), max_length=10, unique=True, default=new_registration_number,
                              editable=False)
    registered_on = models.DateField(_("geregistreerd op"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("gemeente waar de persoon is aangetroffen"))
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="registrations")
    signal = models.ForeignKey(Signal, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    dossier_type = models.CharField(_("soort dossier"), max_length=32)
    exploitation_form = models.CharField(_("uitbuitingsvorm"), max_length=32)
    sector = models.CharField(_("sector"), max_length=40, blank=True)
    nationality = models.CharField(_("nationaliteit (land)"), max_length=2, blank=True)
    age = models.PositiveSmallIntegerField(_("leeftijd bij registratie"), null=True, blank=True)
    gender = models.CharField(_("geslacht"), max_length=20)
    reporter_type = models.CharField(_("soort melder"), max_length=24)
    reporter_region = models.CharField(_("regio van de melder"), max_length=16, blank=True)
    trafficking_route = models.CharField(_("binnenlands of grensoverschrijdend"), max_length=24, blank=True)
    basis = models.CharField(_("grondslag"), max_length=64)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")

    # policy: CoMensha keeps its registrations; the place is where the person was found.
    policy_owner_field = "organisation"
    policy_municipality_field = "municipality"
    policy_subject_field = "subject"
    policy_category = C.OPERATIONAL
    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(
        ["number", "registered_on", "municipality", "subject", "referral", "signal", "dossier_type",
         "exploitation_form", "sector", "reporter_type", "reporter_region", "trafficking_route", "basis", "consent",
         "organisation", "membership"],
        C.OPERATIONAL),
        # Together they can single a person out: treated as identifying, and exported as bands only.
        **dict.fromkeys(["nationality", "age", "gender"], C.IDENTITY)}

    class Meta:
        ordering = ["-registered_on", "-created_at"]
        verbose_name = _("registratie")
        verbose_name_plural = _("registraties")

    def __str__(self):
        return self.number
