"""Which profile acts on what other apps decide: every routing destination of the intake (and, once the
Signaaltafel exists, every decision type) links to the profile of the organisation that acts on it."""

from keten.intake.models import RoutingAction

#: RoutingAction → code of the OrganisationProfile that acts on it (tests/knowledge/test_links.py: none missing).
ROUTING_PROFILES: dict[str, str] = {
    RoutingAction.SIGNAL_TABLE: "ketenregisseur",
    RoutingAction.VEILIG_THUIS: "veilig-thuis",
    RoutingAction.LABOUR_INSPECTORATE: "arbeidsinspectie",
    RoutingAction.POLICE_AVIM: "politie-avim",
    RoutingAction.COMENSHA_REGISTRATION: "comensha",
}

#: Decision type of the Signaaltafel (issue 7) → profile code. The decision types do not exist yet: when they do,
#: add one row per type here; tests/knowledge/test_links.py then checks that every type has a profile, as it does
#: for the routing destinations. Until then the table holds the decisions the issue names.
DECISION_PROFILES: dict[str, str] = {
    "investigate": "politie-avim",
    "inspect": "arbeidsinspectie",
    "administrative_measure": "riec",
    "refer_to_care": "zorgcoordinator",
    "register": "comensha",
    "refer_to_veilig_thuis": "veilig-thuis",
}


def profile_code_for_routing(action: str) -> str | None:
    return ROUTING_PROFILES.get(action)
