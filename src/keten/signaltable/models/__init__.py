"""What the Signaaltafel keeps, one module per part: linking (verdicts, runs, bundles, link explanations),
dossiers (dossiers, their changes, reveals, hit/no-hit questions and tokens) and meetings (agenda, assessments,
decisions, actions, minutes)."""

from keten.signaltable.models.dossiers import (
    ChangeKind,
    Dossier,
    DossierChange,
    DossierSignal,
    DossierStatus,
    HitQuestion,
    IdentifierToken,
    IdentityReveal,
    new_dossier_reference,
)
from keten.signaltable.models.linking import ClusterKind, LinkDecision, LinkRun, SignalCluster, SignalLink, Verdict
from keten.signaltable.models.meetings import (
    INVESTIGATIONS,
    ActionStatus,
    AgendaItem,
    AgendaReason,
    AgendaRequest,
    Assessment,
    DecisionKind,
    Indication,
    Meeting,
    MeetingStatus,
    MinutesDispatch,
    Severity,
    TableAction,
    TableDecision,
)

__all__ = [
    "INVESTIGATIONS", "ActionStatus", "AgendaItem", "AgendaReason", "AgendaRequest", "Assessment", "ChangeKind",
    "ClusterKind", "DecisionKind", "Dossier", "DossierChange", "DossierSignal", "DossierStatus", "HitQuestion",
    "IdentifierToken", "IdentityReveal", "Indication", "LinkDecision", "LinkRun", "Meeting", "MeetingStatus",
    "MinutesDispatch", "Severity", "SignalCluster", "SignalLink", "TableAction", "TableDecision", "Verdict",
    "new_dossier_reference",
]
