"""The organisation types and roles of the chain: the vocabulary policy and navigation speak."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationType(models.TextChoices):
    POLICE_AVIM = "police_avim", _("Politie (AVIM)")
    KMAR = "kmar", _("Koninklijke Marechaussee")
    LABOUR_INSPECTORATE = "labour_inspectorate", _("Nederlandse Arbeidsinspectie")
    PUBLIC_PROSECUTOR = "public_prosecutor", _("Openbaar Ministerie")
    IND = "ind", _("IND")
    CARE_PROVIDER = "care_provider", _("Zorgaanbieder")
    SHELTER = "shelter", _("Opvangorganisatie")
    VEILIG_THUIS = "veilig_thuis", _("Veilig Thuis")
    MUNICIPALITY = "municipality", _("Gemeente")
    ZVH = "zvh", _("Zorg- en Veiligheidshuis")
    RIEC = "riec", _("RIEC")
    COMENSHA = "comensha", _("CoMensha")
    NATIONAL_PROGRAMME = "national_programme", _("Landelijk programma")


class Role(models.TextChoices):
    CARE_COORDINATOR = "care_coordinator", _("Zorgcoördinator")
    TABLE_CHAIR = "table_chair", _("Voorzitter Signaaltafel")
    TABLE_MEMBER = "table_member", _("Lid Signaaltafel")
    POLICE_INVESTIGATOR = "police_investigator", _("Rechercheur (AVIM)")
    CARE_WORKER = "care_worker", _("Hulpverlener")
    VEILIG_THUIS_WORKER = "veilig_thuis_worker", _("Medewerker Veilig Thuis")
    MUNICIPALITY_OFFICER = "municipality_officer", _("Beleidsmedewerker gemeente")
    REGISTRATION_OFFICER = "registration_officer", _("Registratiemedewerker CoMensha")
    NATIONAL_ANALYST = "national_analyst", _("Landelijk analist")
    PRIVACY_OFFICER = "privacy_officer", _("Privacyfunctionaris")
    FUNCTIONAL_ADMIN = "functional_admin", _("Functioneel beheerder")
