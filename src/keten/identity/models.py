"""Pseudonymous subjects, their identifying attributes, and the entities (phones, addresses, vehicles, ...)
that tie signals together. Other apps hold only a Subject id; everything identifying lives here."""

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from keten.accounts.models import Organisation, User
from keten.core.models import BaseModel
from keten.core.privacy import BASE_MODEL_CATEGORIES
from keten.core.privacy import DataCategory as C
from keten.regions.models import Municipality

# Letters and digits that cannot be misread for one another when read aloud at a table (no 0/O, 1/I/L).
_PUBLIC_ID_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_public_id() -> str:
    """A random, meaningless id such as "K-4821M": it says nothing about the person or the order of entry."""
    return f"{secrets.choice(_PUBLIC_ID_ALPHABET)}-" + "".join(secrets.choice(_PUBLIC_ID_ALPHABET) for _ in range(5))


class Subject(BaseModel):
    """A person known to the chain, by a pseudonym. Who they are is in IdentityAttribute, behind policy."""

    public_id = models.CharField(max_length=12, unique=True, default=new_public_id, editable=False)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="subjects",
                              verbose_name=_("beheerder"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name=_("gemeente"))
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    # policy: who owns the record, where it is, whose consent counts, and what the record itself is.
    policy_owner_field = "owner"
    policy_municipality_field = "municipality"
    policy_subject_field = "pk"
    policy_category = C.OPERATIONAL
    privacy_categories = {**BASE_MODEL_CATEGORIES, "public_id": C.OPERATIONAL, "owner": C.OPERATIONAL,
                          "municipality": C.OPERATIONAL, "created_by": C.OPERATIONAL}

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("persoon")
        verbose_name_plural = _("personen")

    def __str__(self):
        return self.alias

    @property
    def alias(self) -> str:
        return _("Persoon {public_id}").format(public_id=self.public_id)


class AttributeKind(models.TextChoices):
    NAME = "name", _("Naam")
    ALIAS = "alias", _("Bijnaam of andere naam")
    DATE_OF_BIRTH = "date_of_birth", _("Geboortedatum")
    SEX = "sex", _("Geslacht")
    NATIONALITY = "nationality", _("Nationaliteit")
    BSN = "bsn", _("BSN")
    V_NUMBER = "v_number", _("V-nummer")
    DOCUMENT_NUMBER = "document_number", _("Documentnummer")
    PHONE = "phone", _("Telefoonnummer")
    EMAIL = "email", _("E-mailadres")
    ADDRESS = "address", _("Adres")


#: How each attribute kind is validated and normalised (keten.identity.normalise kinds).
ATTRIBUTE_NORMALISER = {kind: kind for kind in AttributeKind.values} | {AttributeKind.ALIAS: "name"}


class IdentityAttribute(BaseModel):
    """One identifying value of a subject, normalised for matching (`value`) and as entered (`display`)."""

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="attributes")
    kind = models.CharField(max_length=24, choices=AttributeKind.choices)
    value = models.CharField(max_length=300)
    display = models.CharField(max_length=300)
    added_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    privacy_categories = {**BASE_MODEL_CATEGORIES, "subject": C.OPERATIONAL, "kind": C.OPERATIONAL,
                          "value": C.IDENTITY, "display": C.IDENTITY, "added_by": C.OPERATIONAL}

    class Meta:
        ordering = ["kind", "created_at"]
        constraints = [models.UniqueConstraint(fields=["subject", "kind", "value"], name="attribute_unique")]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.subject_id}"


class EntityKind(models.TextChoices):
    PHONE = "phone", _("Telefoonnummer")
    ADDRESS = "address", _("Adres")
    VEHICLE = "licence_plate", _("Voertuig (kenteken)")
    COMPANY = "kvk", _("Bedrijf (KvK-nummer)")
    TRADE_NAME = "trade_name", _("Bedrijf (handelsnaam)")
    BANK_ACCOUNT = "iban", _("Bankrekening (IBAN)")
    EMAIL = "email", _("E-mailadres")
    ONLINE_HANDLE = "online_handle", _("Online account of advertentie")
    LOCATION = "location", _("Locatie")


class Entity(BaseModel):
    """A phone, address, vehicle, company, account, handle or place that ties signals together."""

    kind = models.CharField(max_length=24, choices=EntityKind.choices)
    value = models.CharField(max_length=300)
    display = models.CharField(max_length=300)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="entities")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    policy_owner_field = "owner"
    policy_municipality_field = "municipality"
    policy_subject_field = None
    policy_category = C.IDENTITY
    privacy_categories = {**BASE_MODEL_CATEGORIES, "kind": C.OPERATIONAL, "value": C.IDENTITY, "display": C.IDENTITY,
                          "owner": C.OPERATIONAL, "municipality": C.OPERATIONAL, "created_by": C.OPERATIONAL}

    class Meta:
        ordering = ["kind", "value"]
        verbose_name_plural = _("entiteiten")
        constraints = [models.UniqueConstraint(fields=["owner", "kind", "value"], name="entity_unique_per_owner")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.pk}"
