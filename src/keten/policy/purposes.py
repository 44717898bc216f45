"""Why data is processed: every read of personal data names one of these purposes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from keten.accounts.roles import Role


class Purpose(models.TextChoices):
    SIGNAL_ASSESSMENT = "signal_assessment", _("Beoordelen van een signaal")
    TABLE_MEETING = "table_meeting", _("Bespreking aan de Signaaltafel")
    CARE_COORDINATION = "care_coordination", _("Zorgcoördinatie")
    INVESTIGATION = "investigation", _("Opsporing")
    REGISTRATION = "registration", _("Registratie bij CoMensha")
    MONITORING = "monitoring", _("Monitoring en sturing")
    ADMINISTRATION = "administration", _("Functioneel beheer")
    PRIVACY_SUPERVISION = "privacy_supervision", _("Privacytoezicht")


#: The purpose each role works for by default; a page may offer the role's other purposes.
ROLE_PURPOSES: dict[str, tuple[Purpose, ...]] = {
    Role.CARE_COORDINATOR: (Purpose.CARE_COORDINATION, Purpose.TABLE_MEETING),
    Role.TABLE_CHAIR: (Purpose.TABLE_MEETING,),
    Role.TABLE_MEMBER: (Purpose.TABLE_MEETING,),
    Role.POLICE_INVESTIGATOR: (Purpose.INVESTIGATION, Purpose.TABLE_MEETING),
    Role.CARE_WORKER: (Purpose.CARE_COORDINATION,),
    Role.VEILIG_THUIS_WORKER: (Purpose.SIGNAL_ASSESSMENT, Purpose.TABLE_MEETING),
    Role.MUNICIPALITY_OFFICER: (Purpose.MONITORING,),
    Role.REGISTRATION_OFFICER: (Purpose.REGISTRATION,),
    Role.NATIONAL_ANALYST: (Purpose.MONITORING,),
    Role.PRIVACY_OFFICER: (Purpose.PRIVACY_SUPERVISION,),
    Role.FUNCTIONAL_ADMIN: (Purpose.ADMINISTRATION,),
}


def default_purpose(role: str) -> Purpose:
    return ROLE_PURPOSES[role][0]


def purpose_for(role: str, chosen: str | None) -> Purpose:
    """The purpose a page or API call asked for (?doel= / ?purpose=), if the role may work for it; else the
    role's default purpose."""
    allowed = ROLE_PURPOSES[role]
    return Purpose(chosen) if chosen in allowed else allowed[0]
