"""Consent given by or for a person, and explicit shares of a record with another organisation."""

from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from keten.accounts.models import Organisation, User
from keten.accounts.roles import OrganisationType, Role
from keten.core.clock import now, today
from keten.core.models import BaseModel
from keten.core.privacy import BASE_MODEL_CATEGORIES
from keten.core.privacy import DataCategory as C
from keten.policy.purposes import Purpose

#: From this age a person gives consent themselves; below it a parent or guardian does (Jeugdwet, AVG-UAVG).
CONSENT_AGE = 16


class ConsentScope(models.TextChoices):
    CARE_REFERRAL = "care_referral", _("Aanmelding bij de zorgcoördinator")
    COMENSHA_REGISTRATION = "comensha_registration", _("Registratie bij CoMensha")
    SHARE_WITH_ORGANISATION = "share_with_organisation", _("Delen met een organisatie")
    SHARE_WITH_ORGANISATION_TYPE = "share_with_organisation_type", _("Delen met een soort organisatie")


class ConsentGiver(models.TextChoices):
    PERSON = "person", _("De persoon zelf (16 jaar of ouder)")
    PARENT_GUARDIAN = "parent_guardian", _("Ouder of voogd (persoon jonger dan 16 jaar)")


def active_consent_q(*, on: date | None = None, prefix: str = "") -> Q:
    """Consent in force on a day: given by then, not ended, not withdrawn."""
    on = on or today()
    return Q(**{f"{prefix}withdrawn_at__isnull": True, f"{prefix}given_on__lte": on}) & (
        Q(**{f"{prefix}ends_on__isnull": True}) | Q(**{f"{prefix}ends_on__gte": on}))


class ConsentQuerySet(models.QuerySet):
    def active(self, on: date | None = None):
        return self.filter(active_consent_q(on=on))

    def covering(self, membership):
        """Consents whose scope includes this membership's organisation (and, for referrals, role)."""
        organisation = membership.organisation
        covers = (
            Q(scope=ConsentScope.SHARE_WITH_ORGANISATION, organisation=organisation)
            | Q(scope=ConsentScope.SHARE_WITH_ORGANISATION_TYPE, organisation_type=organisation.type)
        )
        if membership.role == Role.CARE_COORDINATOR:
            covers |= Q(scope=ConsentScope.CARE_REFERRAL)
        if organisation.type == OrganisationType.COMENSHA:
            covers |= Q(scope=ConsentScope.COMENSHA_REGISTRATION)
        return self.filter(covers)


class Consent(BaseModel):
    """Consent of a person for one scope, from a date, until an end date or until withdrawn."""

    subject = models.ForeignKey("identity.Subject", on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(_("waarvoor"), max_length=32, choices=ConsentScope.choices)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("organisatie"))
    organisation_type = models.CharField(_("soort organisatie"), max_length=32, blank=True,
                                         choices=OrganisationType.choices)
    giver = models.CharField(_("gegeven door"), max_length=16, choices=ConsentGiver.choices)
    given_on = models.DateField(_("gegeven op"))
    ends_on = models.DateField(_("geldig tot en met"), null=True, blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    recorded_by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = ConsentQuerySet.as_manager()

    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(
        ["subject", "scope", "organisation", "organisation_type", "giver", "given_on", "ends_on", "recorded_by",
         "recorded_by_organisation", "withdrawn_at", "withdrawn_by"], C.OPERATIONAL)}

    class Meta:
        ordering = ["-given_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                name="consent_scope_target",
                condition=(
                    Q(scope="share_with_organisation", organisation__isnull=False)
                    | Q(scope="share_with_organisation_type") & ~Q(organisation_type="")
                    | Q(scope__in=["care_referral", "comensha_registration"])
                ),
            ),
        ]

    def __str__(self):
        return f"{self.get_scope_display()} ({self.given_on})"

    def is_active(self, on: date | None = None) -> bool:
        on = on or today()
        return self.withdrawn_at is None and self.given_on <= on and (self.ends_on is None or self.ends_on >= on)


class ShareQuerySet(models.QuerySet):
    def active(self):
        # One filter, the consent joined rather than sub-selected: this runs on every read of a record.
        return self.filter(
            Q(revoked_at__isnull=True)
            & (Q(expires_at__isnull=True) | Q(expires_at__gt=now()))
            & (Q(consent__isnull=True) | active_consent_q(prefix="consent__"))
        )

    def of_record(self, record):
        return self.filter(content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk)


class Share(BaseModel):
    """A record shared with another organisation for one purpose, on a legal basis, until it expires or is
    revoked. A share that rests on consent ends when the consent does."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.UUIDField()
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="shares_received",
                                     verbose_name=_("gedeeld met"))
    purpose = models.CharField(_("doel"), max_length=32, choices=Purpose.choices)
    basis = models.CharField(_("grondslag"), max_length=64)
    expires_at = models.DateTimeField(_("verloopt op"), null=True, blank=True)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="shares")
    # A person shares (shared_by), or the platform does under a rule an administrator set (shared_by_rule: the
    # routing rule's name), on behalf of the keeping organisation when there is one.
    shared_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    shared_by_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True,
                                               related_name="shares_made")
    shared_by_rule = models.CharField(_("gedeeld volgens regel"), max_length=200, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    objects = ShareQuerySet.as_manager()

    privacy_categories = {**BASE_MODEL_CATEGORIES, **dict.fromkeys(
        ["content_type", "object_id", "organisation", "purpose", "basis", "expires_at", "consent", "shared_by",
         "shared_by_organisation", "shared_by_rule", "revoked_at", "revoked_by"], C.OPERATIONAL)}

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["content_type", "object_id", "organisation", "purpose"])]

    def __str__(self):
        return f"share {self.pk}"
