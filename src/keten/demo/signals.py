"""Synthetic signals for the demo: three hundred across Noord-Holland and Limburg, in every state of the workflow,
some sharing a phone number, an address or a licence plate, so that the Signaaltafel has something to bundle.

Everything looks invented: phone numbers in the 06-10000xxx block, addresses on the Demostraat and its
neighbours, plates XX-0nn-X, descriptions that start with "(fictief)". The people in a demo signal are seen, not
identified: no subjects are added to the identity store, so the demo persons of keten.demo.people stay the only
ones. Limburg's demo world has no table chair; there its Veilig Thuis takes the table's steps as well.

Deterministic (one seeded random generator; the dates follow today) and run once: if a demo organisation already
reported a signal, nothing is added. Written with bulk_create straight to the models: demo seeding, not a use
case, so no audit."""

import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from keten.accounts.models import Membership
from keten.accounts.roles import OrganisationType as T
from keten.accounts.roles import Role
from keten.core.clock import now
from keten.core.references import ALPHABET
from keten.demo.world import DEMO_PROVINCES
from keten.identity.models import Entity, EntityKind
from keten.identity.normalise import normalise
from keten.intake import routing
from keten.intake.deadlines import triage_due_at
from keten.intake.models import (
    ExploitationForm,
    IndicatorVersion,
    MinorCondition,
    PersonRole,
    RegistrationTask,
    ReporterKind,
    Routing,
    RoutingAction,
    RoutingRule,
    Signal,
    SignalEntity,
    SignalForm,
    SignalPerson,
    SignalTransition,
    Urgency,
)
from keten.intake.services import PUBLIC_GUIDE_BASIS, load_indicators, routing_targets
from keten.intake.workflow import TRANSITIONS, CloseReason, Mover
from keten.intake.workflow import Status as S
from keten.policy.models import Share
from keten.regions.models import LayerKind, Region

SEED = 5
SIGNALS_PER_REGION = {"nh": 200, "li": 100}

#: Who reports in each demo region (a role of keten.demo.world, or None for the public guide), with weights.
REPORTERS = {
    "nh": {Role.CARE_COORDINATOR: 25, Role.POLICE_INVESTIGATOR: 25, Role.CARE_WORKER: 15, Role.TABLE_MEMBER: 10,
           Role.REGISTRATION_OFFICER: 5, None: 20},
    "li": {Role.VEILIG_THUIS_WORKER: 50, Role.REGISTRATION_OFFICER: 10, None: 40},
}
#: Who takes the triage steps and the table's steps in each region.
MOVERS = {
    "nh": {Mover.TRIAGE: (Role.CARE_COORDINATOR, Role.POLICE_INVESTIGATOR, Role.TABLE_CHAIR),
           Mover.TABLE: (Role.TABLE_CHAIR,)},
    "li": {Mover.TRIAGE: (Role.VEILIG_THUIS_WORKER,), Mover.TABLE: (Role.VEILIG_THUIS_WORKER,)},
}
BASIS = {Role.CARE_COORDINATOR: "wmo", Role.POLICE_INVESTIGATOR: "avg_10_wpg", Role.CARE_WORKER: "avg_6_1_e",
         Role.TABLE_MEMBER: "wgs", Role.REGISTRATION_OFFICER: "besluit_politiegegevens_comensha",
         Role.VEILIG_THUIS_WORKER: "meldcode", None: PUBLIC_GUIDE_BASIS}

#: The ways a signal reaches its final status (each step is one of keten.intake.workflow.TRANSITIONS).
PATHS = {
    S.NEW: [[S.NEW]],
    S.TRIAGE: [[S.NEW, S.TRIAGE], [S.NEW, S.TRIAGE, S.RETURNED, S.TRIAGE]],
    S.RETURNED: [[S.NEW, S.TRIAGE, S.RETURNED], [S.NEW, S.TRIAGE, S.AT_TABLE, S.RETURNED]],
    S.AT_TABLE: [[S.NEW, S.TRIAGE, S.AT_TABLE]],
    S.REFERRED: [[S.NEW, S.TRIAGE, S.REFERRED], [S.NEW, S.TRIAGE, S.AT_TABLE, S.REFERRED]],
    S.CLOSED: [[S.NEW, S.CLOSED], [S.NEW, S.TRIAGE, S.CLOSED], [S.NEW, S.TRIAGE, S.AT_TABLE, S.CLOSED],
               [S.NEW, S.TRIAGE, S.AT_TABLE, S.REFERRED, S.CLOSED], [S.NEW, S.TRIAGE, S.REFERRED, S.CLOSED],
               [S.NEW, S.TRIAGE, S.RETURNED, S.CLOSED]],
}
STATUS_WEIGHTS = {S.NEW: 12, S.TRIAGE: 14, S.RETURNED: 8, S.AT_TABLE: 16, S.REFERRED: 20, S.CLOSED: 30}
URGENCY_WEIGHTS = {Urgency.ACUTE: 5, Urgency.HIGH: 25, Urgency.NORMAL: 70}
FORM_WEIGHTS = {ExploitationForm.SEXUAL: 35, ExploitationForm.LABOUR: 35, ExploitationForm.CRIMINAL: 22,
                ExploitationForm.ORGAN_REMOVAL: 2}
REFERRED_TO = (T.POLICE_AVIM, T.LABOUR_INSPECTORATE, T.CARE_PROVIDER, T.VEILIG_THUIS, T.COMENSHA)

DESCRIPTIONS = {
    ExploitationForm.SEXUAL: (
        "(fictief) Jonge vrouw in een massagesalon lijkt niet zelf te mogen bepalen wanneer ze weggaat; een man "
        "haalt haar elke avond op.",
        "(fictief) Advertentie met steeds andere foto's en hetzelfde telefoonnummer; de vrouw spreekt geen "
        "Nederlands en weet niet in welke stad ze is.",
        "(fictief) Meisje vertelt op school over een veel oudere vriend die haar dure cadeaus geeft en haar "
        "overal brengt.",
    ),
    ExploitationForm.LABOUR: (
        "(fictief) Arbeiders van een kwekerij slapen met twaalf man in een loods en moesten hun paspoort bij het "
        "uitzendbureau inleveren.",
        "(fictief) Schoonmaker zegt een schuld bij zijn werkgever af te betalen en al maanden geen loon te krijgen.",
        "(fictief) Bezorgers worden elke ochtend met een busje gehaald en 's avonds teruggebracht, zeven dagen per "
        "week.",
    ),
    ExploitationForm.CRIMINAL: (
        "(fictief) Jongen van een jaar of vijftien vervoert pakketjes voor anderen en is bang voor een "
        "'straatboete'.",
        "(fictief) Vrouw wordt steeds bij een supermarkt afgezet om te bedelen; een man haalt het geld op.",
        "(fictief) Student leent zijn bankrekening uit aan iemand die hij online heeft leren kennen.",
    ),
    ExploitationForm.ORGAN_REMOVAL: (
        "(fictief) Man vertelt dat hij in het buitenland een nier moest afstaan om een reisschuld af te lossen.",
    ),
    ExploitationForm.UNKNOWN: (
        "(fictief) Buren zien veel wisselende bewoners in één woning, die nooit alleen naar buiten gaan.",
        "(fictief) Patiënte komt steeds met iemand die voor haar het woord doet en haar papieren bewaart.",
    ),
}
RETURN_NOTES = ("(fictief) Graag aanvullen: wanneer en hoe vaak is dit gezien?",
                "(fictief) Is bekend voor welk bedrijf de arbeiders werken?",
                "(fictief) Graag het adres of de straat aanvullen, als dat bekend is.")
STREETS = ("Demostraat", "Demolaan", "Voorbeeldweg", "Fictiefplein", "Proefkade")


@dataclass
class _Rows:
    signals: list = field(default_factory=list)
    forms: list = field(default_factory=list)
    indicators: list = field(default_factory=list)
    people: list = field(default_factory=list)
    entities: list = field(default_factory=list)  # new ones only
    links: list = field(default_factory=list)
    steps: list = field(default_factory=list)


def _already_seeded() -> bool:
    return Signal.objects.filter(reporter_organisation__is_demo=True).exists()


@transaction.atomic
def seed_demo_signals(memberships: dict[str, Membership]) -> int:
    """The demo signals, once; returns how many were added. `memberships` are the demo users' by role."""
    load_indicators()
    seed_demo_routing_rules()
    if _already_seeded():
        return 0
    builder = _Builder(memberships)
    for region, count in SIGNALS_PER_REGION.items():
        for _index in range(count):
            builder.signal(region)
    return builder.save()


#: A sensible default rule set (keten.intake.routing: the first match routes); the demo signals are routed by it.
DEMO_ROUTING_RULES = [
    {"name": "Acuut gevaar: politie (AVIM)", "urgencies": [Urgency.ACUTE],
     "actions": [RoutingAction.POLICE_AVIM, RoutingAction.SIGNAL_TABLE]},
    {"name": "Minderjarige betrokken: Veilig Thuis en Signaaltafel", "minor": MinorCondition.YES,
     "actions": [RoutingAction.VEILIG_THUIS, RoutingAction.SIGNAL_TABLE]},
    {"name": "Arbeidsuitbuiting: Arbeidsinspectie", "forms": [ExploitationForm.LABOUR],
     "actions": [RoutingAction.LABOUR_INSPECTORATE, RoutingAction.SIGNAL_TABLE]},
    {"name": "Gemeld door een opsporingsdienst: registratie bij CoMensha",
     "reporter_types": [T.POLICE_AVIM, T.KMAR, T.LABOUR_INSPECTORATE],
     "actions": [RoutingAction.COMENSHA_REGISTRATION, RoutingAction.SIGNAL_TABLE]},
    {"name": "Overige signalen: regionale Signaaltafel", "actions": [RoutingAction.SIGNAL_TABLE]},
]


def seed_demo_routing_rules() -> int:
    """The default rules, when there are none yet (an administrator's own rules are left alone)."""
    if RoutingRule.objects.exists():
        return 0
    RoutingRule.objects.bulk_create([RoutingRule(position=(index + 1) * 10, **values)
                                     for index, values in enumerate(DEMO_ROUTING_RULES)])
    return len(DEMO_ROUTING_RULES)


class _Builder:
    def __init__(self, memberships: dict[str, Membership]):
        self.rng = random.Random(SEED)  # noqa: S311 -- reproducible demo data, not secrets
        self.now = now()
        self.memberships = memberships
        self.rows = _Rows()
        self.references: set[str] = set()
        self.municipalities = {}
        for key, code in DEMO_PROVINCES.items():
            province = Region.objects.get(layer__kind=LayerKind.PROVINCE, code=code)
            self.municipalities[key] = list(province.municipalities.order_by("code"))
        self.indicators = list(IndicatorVersion.objects.filter(valid_until__isnull=True, indicator__is_active=True)
                               .select_related("indicator").order_by("indicator__code"))
        self.pools = {key: self._pools(key, municipalities) for key, municipalities in self.municipalities.items()}
        # Entities are unique per keeping organisation: reuse what the demo organisations already keep.
        self.entities = {(e.owner_id, e.kind, e.value): e for e in Entity.objects.filter(owner__is_demo=True)}

    def _pools(self, region: str, municipalities) -> dict[str, list[str]]:
        """Small per-region pools of phones, addresses and plates: drawing from them makes signals share some."""
        base = 0 if region == "nh" else 500
        towns = self.rng.sample(municipalities, min(8, len(municipalities)))
        return {
            EntityKind.PHONE: [f"06 10000{base + n:03d}" for n in range(1, 31)],
            EntityKind.ADDRESS: [f"{self.rng.choice(STREETS)} {n}, {self.rng.choice(towns).name}"
                                 for n in range(1, 21)],
            EntityKind.VEHICLE: [f"XX-{base // 10 + n:03d}-X" for n in range(1, 21)],
        }

    def _pick(self, weights: dict):
        return self.rng.choices(list(weights), weights=list(weights.values()))[0]

    def _reference(self) -> str:
        while True:
            reference = "M-" + "".join(self.rng.choice(ALPHABET) for _ in range(6))
            if reference not in self.references:
                self.references.add(reference)
                return reference

    def signal(self, region: str) -> None:
        rng = self.rng
        reporter = self.memberships.get(self._pick(REPORTERS[region]))
        status = self._pick(STATUS_WEIGHTS)
        path = rng.choice(PATHS[status])
        urgency = self._pick(URGENCY_WEIGHTS)
        forms = ([ExploitationForm.UNKNOWN] if rng.random() < 0.1 else
                 sorted({self._pick(FORM_WEIGHTS) for _ in range(rng.choice((1, 1, 1, 2)))}))
        if status == S.NEW:  # most new signals are fresh; some are overdue
            registered = self.now - timedelta(minutes=rng.randint(10, 2 * 24 * 60) if rng.random() < 0.6
                                              else rng.randint(4 * 24 * 60, 20 * 24 * 60))
        else:
            registered = self.now - timedelta(days=rng.uniform(2, 120))
        municipality = rng.choice(self.municipalities[region])
        moments = [registered] + sorted(registered + (self.now - registered) * rng.uniform(0.02, 0.9)
                                        for _ in path[1:])
        close_reason = ""
        if status == S.CLOSED:
            close_reason = {S.REFERRED: CloseReason.HANDLED, S.NEW: rng.choice(
                (CloseReason.DUPLICATE, CloseReason.REPORTED_IN_ERROR))}.get(path[-2], rng.choice(
                    (CloseReason.NO_INDICATION, CloseReason.INSUFFICIENT_INFORMATION, CloseReason.ALREADY_HANDLED)))
        signal = Signal(
            reference=self._reference(),
            reporter_kind=ReporterKind.PROFESSIONAL if reporter else ReporterKind.PUBLIC_GUIDE,
            reporter_membership=reporter, reporter_organisation=reporter.organisation if reporter else None,
            observed_on=(registered - timedelta(days=rng.randint(0, 14))).date(), municipality=municipality,
            urgency=urgency, description=rng.choice(DESCRIPTIONS[forms[0]]),
            basis=BASIS[reporter.role if reporter else None], status=status, status_changed_at=moments[-1],
            triage_due_at=triage_due_at(registered, urgency), close_reason=close_reason)
        signal.created_at = registered
        self.rows.signals.append(signal)
        self.rows.forms += [SignalForm(signal=signal, form=form) for form in forms]
        self._indicators(signal, forms)
        self._people(signal)
        if reporter:
            self._entities(signal, region, reporter)
        self._history(signal, region, reporter, path, moments, close_reason)

    def _indicators(self, signal: Signal, forms: list[str]) -> None:
        fitting = [v for v in self.indicators if v.indicator.form in (*forms, "any")]
        for version in self.rng.sample(fitting, self.rng.randint(1, min(5, len(fitting)))):
            self.rows.indicators.append(Signal.indicators.through(signal=signal, indicatorversion=version))

    def _people(self, signal: Signal) -> None:
        rng = self.rng
        age = rng.choice((None, *range(14, 46))) if rng.random() < 0.7 else None
        minor = (age < 18) if age is not None else rng.choice((None, None, True))
        self.rows.people.append(SignalPerson(signal=signal, role=PersonRole.PRESUMED_VICTIM, estimated_age=age,
                                             is_minor=minor))
        if rng.random() < 0.4:
            age = rng.choice((None, *range(20, 56)))
            self.rows.people.append(SignalPerson(signal=signal, role=PersonRole.POSSIBLE_PERPETRATOR,
                                                 estimated_age=age, is_minor=False if age else None))
        if rng.random() < 0.1:
            self.rows.people.append(SignalPerson(signal=signal, role=PersonRole.WITNESS))

    def _entities(self, signal: Signal, region: str, reporter: Membership) -> None:
        rng, pools, linked = self.rng, self.pools[region], set()
        chances = ((EntityKind.ADDRESS, 0.3, True), (EntityKind.PHONE, 0.5, False),
                   (EntityKind.VEHICLE, 0.25, False), (EntityKind.ADDRESS, 0.15, False))
        for kind, chance, is_place in chances:
            if rng.random() >= chance:
                continue
            entity = self._entity(reporter, kind, rng.choice(pools[kind]), signal)
            if entity.pk not in linked:
                linked.add(entity.pk)
                self.rows.links.append(SignalEntity(signal=signal, entity=entity, is_place=is_place))

    def _entity(self, reporter: Membership, kind: str, raw: str, signal: Signal) -> Entity:
        value = normalise(kind, raw)
        key = (reporter.organisation_id, kind, value.value)
        if key not in self.entities:
            self.entities[key] = Entity(kind=kind, value=value.value, display=value.display,
                                        owner=reporter.organisation, municipality=signal.municipality,
                                        created_by=reporter.user)
            self.rows.entities.append(self.entities[key])
        return self.entities[key]

    def _history(self, signal, region, reporter, path, moments, close_reason) -> None:
        rng, previous = self.rng, ""
        for status, moment in zip(path, moments, strict=True):
            if previous == "":
                membership = reporter
            elif previous == S.RETURNED and reporter is not None:
                membership = reporter  # the reporter answered the question
            else:
                mover = Mover.TABLE if TRANSITIONS[previous, status] == {Mover.TABLE} else Mover.TRIAGE
                membership = self.memberships[rng.choice(MOVERS[region][mover])]
            self.rows.steps.append(SignalTransition(
                signal=signal, from_status=previous, to_status=status, at=moment, membership=membership,
                close_reason=close_reason if status == S.CLOSED else "",
                referred_to=rng.choice(REFERRED_TO) if status == S.REFERRED else "",
                note=rng.choice(RETURN_NOTES) if status == S.RETURNED else ""))
            previous = status

    def save(self) -> int:
        rows = self.rows
        registered = {signal.reference: signal.created_at for signal in rows.signals}
        Signal.objects.bulk_create(rows.signals)
        for signal in rows.signals:  # bulk_create stamps created_at with now: give back the registration moment
            signal.created_at = registered[signal.reference]
        Signal.objects.bulk_update(rows.signals, ["created_at"])
        SignalForm.objects.bulk_create(rows.forms)
        Signal.indicators.through.objects.bulk_create(rows.indicators)
        SignalPerson.objects.bulk_create(rows.people)
        Entity.objects.bulk_create(rows.entities)
        SignalEntity.objects.bulk_create(rows.links)
        SignalTransition.objects.bulk_create(rows.steps)
        route_demo_signals(rows.signals)
        return len(rows.signals)


def route_demo_signals(signals: list[Signal]) -> None:
    """Route the demo signals by the demo rules as keten.intake.services.route_signal would have when they were
    registered: the routing rows, the shares under the rule and CoMensha's tasks, without audit or notifications
    (seeding is not a use case, and nobody should be told about invented signals)."""
    rules = routing.active_rules()
    signal_type = ContentType.objects.get_for_model(Signal)
    routings, shared_with, shares, tasks = [], [], [], []
    for signal, facts in zip(signals, routing.facts_of([signal.pk for signal in signals]), strict=True):
        decision = routing.evaluate(rules, facts)
        targets = routing_targets(decision, signal)
        routed = Routing(signal=signal, rule=decision.rule, rule_name=decision.rule.name if decision.rule else "",
                         reasons=decision.reason_text, actions=list(decision.actions), gaps="; ".join(targets.gaps),
                         at=signal.created_at, membership=signal.reporter_membership)
        routings.append(routed)
        for organisation, purpose, basis in targets.shares:
            shared_with.append(Routing.shared_with.through(routing=routed, organisation=organisation))
            shares.append(Share(content_type=signal_type, object_id=signal.pk, organisation=organisation,
                                purpose=purpose, basis=basis, shared_by_organisation=signal.reporter_organisation,
                                shared_by_rule=decision.rule.name))
        tasks += [RegistrationTask(signal=signal, routing=routed, organisation=organisation)
                  for organisation in targets.tasks]
    Routing.objects.bulk_create(routings)
    Routing.shared_with.through.objects.bulk_create(shared_with)
    Share.objects.bulk_create(shares)
    RegistrationTask.objects.bulk_create(tasks)
