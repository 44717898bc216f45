"""The synthetic demo world: which organisations exist in which region, and which demo user plays which role.

Everything here is invented and looks invented: names say "Demo" and "(fictief)", e-mail addresses end in
the reserved .invalid domain.
"""

from dataclasses import dataclass

from keten.accounts.roles import OrganisationType as T
from keten.accounts.roles import Role as R

#: The two demo regions, as CBS province codes (Noord-Holland and Limburg).
DEMO_PROVINCES = {"nh": "PV27", "li": "PV31"}
REGION_LABELS = {"nh": "Noord-Holland", "li": "Limburg"}

#: Organisation types that work nationally, not in one region.
NATIONAL_TYPES = {T.COMENSHA, T.NATIONAL_PROGRAMME, T.IND, T.PUBLIC_PROSECUTOR}

ORGANISATION_NAMES = {
    T.POLICE_AVIM: "Demo Politie AVIM {region}",
    T.KMAR: "Demo Marechausseedistrict {region}",
    T.LABOUR_INSPECTORATE: "Demo Arbeidsinspectie team {region}",
    T.PUBLIC_PROSECUTOR: "Demo Openbaar Ministerie",
    T.IND: "Demo IND",
    T.CARE_PROVIDER: "Demo Zorgcoördinatie {region}",
    T.SHELTER: "Demo Opvanghuis {region}",
    T.VEILIG_THUIS: "Demo Veilig Thuis {region}",
    T.MUNICIPALITY: "Demo Gemeente {region}",
    T.ZVH: "Demo Zorg- en Veiligheidshuis {region}",
    T.RIEC: "Demo RIEC {region}",
    T.COMENSHA: "Demo Landelijk Registratiecentrum",
    T.NATIONAL_PROGRAMME: "Demo Landelijk Programma",
}


@dataclass(frozen=True)
class DemoUser:
    role: str
    organisation_type: str
    region: str | None  # "nh", "li" or None for national

    @property
    def email(self) -> str:
        return f"{self.role.replace('_', '-')}@demo.keten.invalid"

    @property
    def full_name(self) -> str:
        return f"Demo {R(self.role).label} (fictief)"


DEMO_USERS = [
    DemoUser(R.CARE_COORDINATOR, T.CARE_PROVIDER, "nh"),
    DemoUser(R.TABLE_CHAIR, T.ZVH, "nh"),
    DemoUser(R.TABLE_MEMBER, T.MUNICIPALITY, "nh"),
    DemoUser(R.POLICE_INVESTIGATOR, T.POLICE_AVIM, "nh"),
    DemoUser(R.CARE_WORKER, T.SHELTER, "nh"),
    DemoUser(R.VEILIG_THUIS_WORKER, T.VEILIG_THUIS, "li"),
    DemoUser(R.MUNICIPALITY_OFFICER, T.MUNICIPALITY, "li"),
    DemoUser(R.REGISTRATION_OFFICER, T.COMENSHA, None),
    DemoUser(R.NATIONAL_ANALYST, T.NATIONAL_PROGRAMME, None),
    DemoUser(R.PRIVACY_OFFICER, T.CARE_PROVIDER, "nh"),
    DemoUser(R.FUNCTIONAL_ADMIN, T.NATIONAL_PROGRAMME, None),
]


def organisation_name(organisation_type: str, region: str | None) -> str:
    label = REGION_LABELS[region] if region else ""
    return ORGANISATION_NAMES[organisation_type].format(region=label) + " (fictief)"
