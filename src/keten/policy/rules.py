"""The rules table: which role, at which kind of organisation, may see which category of data, for which
purpose, under which relation to the record — and on which legal basis. Deny is the default: what is not
granted here is not allowed.

Relations (how the actor stands to the record):
  OWN       the record belongs to the actor's organisation;
  REGION    the record's municipality lies in the actor's region (a national membership covers all);
  SHARED    the record was explicitly shared with the actor's organisation for this purpose (policy.Share);
  CONSENT   the person gave consent that covers the actor (policy.Consent).
"""

from dataclasses import dataclass
from enum import StrEnum

from keten.accounts.roles import OrganisationType as T
from keten.accounts.roles import Role as R
from keten.core.privacy import DataCategory as C
from keten.policy.purposes import Purpose as P


class Effect(StrEnum):
    ALLOW = "allow"
    PSEUDONYMISE = "pseudonymise"
    DENY = "deny"


class Relation(StrEnum):
    OWN = "own"
    REGION = "region"
    SHARED = "shared"
    CONSENT = "consent"


#: How much an effect gives; the most generous applicable rule wins (rules only ever grant).
STRENGTH = {Effect.DENY: 0, Effect.PSEUDONYMISE: 1, Effect.ALLOW: 2}


@dataclass(frozen=True)
class Rule:
    role: str
    category: str
    purpose: str
    effect: Effect
    basis: str
    relations: frozenset[Relation]
    org_types: frozenset[str] | None = None  # None: any organisation type

    def applies_to(self, *, role: str, org_type: str, category: str, purpose: str) -> bool:
        return (
            self.role == role
            and self.category == category
            and self.purpose == purpose
            and (self.org_types is None or org_type in self.org_types)
        )


OWN, REGION, SHARED, CONSENT = Relation.OWN, Relation.REGION, Relation.SHARED, Relation.CONSENT
ALLOW, PSEUDO = Effect.ALLOW, Effect.PSEUDONYMISE
INVESTIGATIVE = frozenset({T.POLICE_AVIM, T.KMAR, T.LABOUR_INSPECTORATE})


def grant(role, category, purpose, effect, basis, *relations, org_types=None) -> Rule:
    return Rule(role, category, purpose, effect, basis, frozenset(relations),
                frozenset(org_types) if org_types else None)


RULES: tuple[Rule, ...] = (
    # Care coordinator: the victim's first contact; identity with consent or when the case is theirs.
    grant(R.CARE_COORDINATOR, C.IDENTITY, P.CARE_COORDINATION, ALLOW, "consent", CONSENT),
    grant(R.CARE_COORDINATOR, C.IDENTITY, P.CARE_COORDINATION, ALLOW, "wmo", OWN, SHARED),
    grant(R.CARE_COORDINATOR, C.IDENTITY, P.CARE_COORDINATION, PSEUDO, "wmo", REGION),
    grant(R.CARE_COORDINATOR, C.OPERATIONAL, P.CARE_COORDINATION, ALLOW, "wmo", OWN, REGION, SHARED, CONSENT),
    grant(R.CARE_COORDINATOR, C.SPECIAL, P.CARE_COORDINATION, ALLOW, "avg_9_2_h", OWN, CONSENT),
    # A signal shared with (routed to) the coordinator comes with its description, which may touch on health or
    # sexual life (intake.Signal.description is special).
    grant(R.CARE_COORDINATOR, C.SPECIAL, P.CARE_COORDINATION, ALLOW, "avg_9_2_g", SHARED),
    # Shelter addresses: the region's care coordinator places victims there (DESIGN.md, privacy rule 6).
    grant(R.CARE_COORDINATOR, C.SECRET_LOCATION, P.CARE_COORDINATION, ALLOW, "wmo", OWN, REGION),
    grant(R.CARE_COORDINATOR, C.IDENTITY, P.TABLE_MEETING, PSEUDO, "wgs", OWN, REGION, SHARED),
    grant(R.CARE_COORDINATOR, C.OPERATIONAL, P.TABLE_MEETING, ALLOW, "wgs", OWN, REGION, SHARED),
    # Signaaltafel: pseudonymised by default; revealing an identity is a separate, audited step.
    grant(R.TABLE_CHAIR, C.IDENTITY, P.TABLE_MEETING, PSEUDO, "wgs", OWN, REGION, SHARED),
    grant(R.TABLE_CHAIR, C.OPERATIONAL, P.TABLE_MEETING, ALLOW, "wgs", OWN, REGION, SHARED),
    grant(R.TABLE_MEMBER, C.IDENTITY, P.TABLE_MEETING, PSEUDO, "wgs", OWN, REGION, SHARED),
    grant(R.TABLE_MEMBER, C.OPERATIONAL, P.TABLE_MEETING, ALLOW, "wgs", OWN, REGION, SHARED),
    # A signal's description: the reporting organisation reads back what it wrote; other signals' descriptions
    # stay withheld from the pseudonymised table view.
    grant(R.TABLE_CHAIR, C.SPECIAL, P.TABLE_MEETING, ALLOW, "wgs", OWN),
    grant(R.TABLE_MEMBER, C.SPECIAL, P.TABLE_MEETING, ALLOW, "wgs", OWN),
    # Police information brought to the table (an investigation's rationale and actions, keten.signaltable) goes
    # to the chair who hosts the table and to the investigative services, not to care or the municipality.
    grant(R.TABLE_CHAIR, C.CRIMINAL, P.TABLE_MEETING, ALLOW, "wpg_partnership", OWN),
    # Police AVIM, KMar, labour inspectorate: investigation under their own law.
    grant(R.POLICE_INVESTIGATOR, C.IDENTITY, P.INVESTIGATION, ALLOW, "avg_10_wpg", OWN, REGION, SHARED,
          org_types=INVESTIGATIVE),
    grant(R.POLICE_INVESTIGATOR, C.CRIMINAL, P.INVESTIGATION, ALLOW, "avg_10_wpg", OWN, REGION, SHARED,
          org_types=INVESTIGATIVE),
    grant(R.POLICE_INVESTIGATOR, C.OPERATIONAL, P.INVESTIGATION, ALLOW, "avg_10_wpg", OWN, REGION, SHARED,
          org_types=INVESTIGATIVE),
    # A signal's description may touch on sexual life or health; the police read it with the case (Wpg).
    grant(R.POLICE_INVESTIGATOR, C.SPECIAL, P.INVESTIGATION, ALLOW, "avg_10_wpg", OWN, REGION, SHARED,
          org_types=INVESTIGATIVE),
    grant(R.POLICE_INVESTIGATOR, C.IDENTITY, P.TABLE_MEETING, PSEUDO, "wpg_partnership", OWN, REGION, SHARED,
          org_types=INVESTIGATIVE),
    grant(R.POLICE_INVESTIGATOR, C.OPERATIONAL, P.TABLE_MEETING, ALLOW, "wpg_partnership", OWN, REGION, SHARED,
          org_types=INVESTIGATIVE),
    grant(R.POLICE_INVESTIGATOR, C.CRIMINAL, P.TABLE_MEETING, ALLOW, "wpg_partnership", OWN, REGION, SHARED,
          org_types=INVESTIGATIVE),
    # Care worker: their own clients, and what was shared with them or consented to.
    grant(R.CARE_WORKER, C.IDENTITY, P.CARE_COORDINATION, ALLOW, "avg_6_1_e", OWN, SHARED),
    grant(R.CARE_WORKER, C.IDENTITY, P.CARE_COORDINATION, ALLOW, "consent", CONSENT),
    grant(R.CARE_WORKER, C.OPERATIONAL, P.CARE_COORDINATION, ALLOW, "avg_6_1_e", OWN, SHARED, CONSENT),
    grant(R.CARE_WORKER, C.SPECIAL, P.CARE_COORDINATION, ALLOW, "avg_9_2_h", OWN),
    grant(R.CARE_WORKER, C.SECRET_LOCATION, P.CARE_COORDINATION, ALLOW, "wmo", OWN, org_types={T.SHELTER}),
    # Veilig Thuis: assessing signals under the meldcode.
    grant(R.VEILIG_THUIS_WORKER, C.IDENTITY, P.SIGNAL_ASSESSMENT, ALLOW, "meldcode", OWN, SHARED,
          org_types={T.VEILIG_THUIS}),
    grant(R.VEILIG_THUIS_WORKER, C.IDENTITY, P.SIGNAL_ASSESSMENT, PSEUDO, "meldcode", REGION,
          org_types={T.VEILIG_THUIS}),
    grant(R.VEILIG_THUIS_WORKER, C.OPERATIONAL, P.SIGNAL_ASSESSMENT, ALLOW, "meldcode", OWN, REGION, SHARED,
          org_types={T.VEILIG_THUIS}),
    grant(R.VEILIG_THUIS_WORKER, C.SPECIAL, P.SIGNAL_ASSESSMENT, ALLOW, "avg_9_2_g", OWN,
          org_types={T.VEILIG_THUIS}),
    # A signal shared with (routed to) Veilig Thuis is assessed with its description, as under the meldcode.
    grant(R.VEILIG_THUIS_WORKER, C.SPECIAL, P.SIGNAL_ASSESSMENT, ALLOW, "meldcode", SHARED,
          org_types={T.VEILIG_THUIS}),
    grant(R.VEILIG_THUIS_WORKER, C.IDENTITY, P.TABLE_MEETING, PSEUDO, "wgs", OWN, REGION, SHARED,
          org_types={T.VEILIG_THUIS}),
    grant(R.VEILIG_THUIS_WORKER, C.OPERATIONAL, P.TABLE_MEETING, ALLOW, "wgs", OWN, REGION, SHARED,
          org_types={T.VEILIG_THUIS}),
    # Municipality: steering on figures of its own region, never on persons.
    grant(R.MUNICIPALITY_OFFICER, C.AGGREGATE, P.MONITORING, ALLOW, "avg_6_1_e", OWN, REGION),
    # CoMensha: registers what police and KMar must report, and what was shared with consent.
    grant(R.REGISTRATION_OFFICER, C.IDENTITY, P.REGISTRATION, ALLOW, "besluit_politiegegevens_comensha",
          OWN, SHARED, org_types={T.COMENSHA}),
    grant(R.REGISTRATION_OFFICER, C.IDENTITY, P.REGISTRATION, ALLOW, "consent", CONSENT,
          org_types={T.COMENSHA}),
    grant(R.REGISTRATION_OFFICER, C.OPERATIONAL, P.REGISTRATION, ALLOW, "besluit_politiegegevens_comensha",
          OWN, SHARED, CONSENT, org_types={T.COMENSHA}),
    # A signal reported to CoMensha (shared by police or KMar) is registered with its description.
    grant(R.REGISTRATION_OFFICER, C.SPECIAL, P.REGISTRATION, ALLOW, "besluit_politiegegevens_comensha",
          OWN, SHARED, org_types={T.COMENSHA}),
    grant(R.REGISTRATION_OFFICER, C.SECRET_LOCATION, P.REGISTRATION, ALLOW, "avg_6_1_e", OWN, REGION,
          org_types={T.COMENSHA}),  # CoMensha places victims in COSM shelters across the country
    # National analyst: figures only.
    grant(R.NATIONAL_ANALYST, C.AGGREGATE, P.MONITORING, ALLOW, "avg_6_1_e", OWN, REGION),
    # Privacy officer: who saw what of their organisation's records, never the identity itself.
    grant(R.PRIVACY_OFFICER, C.IDENTITY, P.PRIVACY_SUPERVISION, PSEUDO, "avg_6_1_c", OWN),
    grant(R.PRIVACY_OFFICER, C.OPERATIONAL, P.PRIVACY_SUPERVISION, ALLOW, "avg_6_1_c", OWN),
    # Functional administrator: the organisation's set-up, no personal data of clients.
    grant(R.FUNCTIONAL_ADMIN, C.AGGREGATE, P.ADMINISTRATION, ALLOW, "avg_6_1_e", OWN),
)


def rules_for(*, role: str, org_type: str, category: str, purpose: str, rules=RULES) -> list[Rule]:
    return [r for r in rules if r.applies_to(role=role, org_type=org_type, category=category, purpose=purpose)]
