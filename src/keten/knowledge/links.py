"""Which profile acts on what other apps decide: every routing destination of the intake and every decision kind
of the Signaaltafel links to the profile of the organisation that acts on it."""

from keten.intake.models import RoutingAction

#: RoutingAction → code of the OrganisationProfile that acts on it (tests/knowledge/test_links.py: none missing).
ROUTING_PROFILES: dict[str, str] = {
    RoutingAction.SIGNAL_TABLE: "ketenregisseur",
    RoutingAction.VEILIG_THUIS: "veilig-thuis",
    RoutingAction.LABOUR_INSPECTORATE: "arbeidsinspectie",
    RoutingAction.POLICE_AVIM: "politie-avim",
    RoutingAction.COMENSHA_REGISTRATION: "comensha",
}

#: keten.signaltable.models.DecisionKind value → code of the profile of who acts on the decision. Plain strings:
#: knowledge sits below the Signaaltafel and must not import it; tests/knowledge/test_links.py checks that the
#: keys are exactly DecisionKind's values. Decisions the table keeps itself (monitor, no action, hand over to
#: another region's table) go to the profile of who runs the table, the chain director.
DECISION_PROFILES: dict[str, str] = {
    "investigate_police": "politie-avim",
    "investigate_labour": "arbeidsinspectie",
    "investigate_kmar": "kmar",
    "care_trajectory": "zorgcoordinator",
    # The mayor holds the administrative powers; the RIEC advises (its profile says so).
    "administrative": "gemeente",
    "veilig_thuis": "veilig-thuis",
    "monitor": "ketenregisseur",
    "no_action": "ketenregisseur",
    "hand_over": "ketenregisseur",
}


def profile_code_for_routing(action: str) -> str | None:
    return ROUTING_PROFILES.get(action)


def profile_code_for_decision(kind: str) -> str | None:
    return DECISION_PROFILES.get(kind)
