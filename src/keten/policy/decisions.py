"""decide() and visible_to(): the one place that says whether an actor may see or change a record.

The rule evaluation itself (`evaluate`) is pure, so its properties can be tested without a database;
`decide` adds the actor's relations to the record, read from the database.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from keten.accounts.actor import Actor
from keten.core.privacy import DataCategory
from keten.policy.bases import LEGAL_BASES, LegalBasis
from keten.policy.models import Consent, Share
from keten.policy.purposes import Purpose
from keten.policy.rules import RULES, STRENGTH, Effect, Relation, Rule, rules_for
from keten.regions.models import Region

READ_ACTIONS = frozenset({"read", "search", "export"})


@dataclass(frozen=True)
class Decision:
    """The answer to "may this actor do this with this record, for this purpose?", with the reason in Dutch
    and what the user can do about it. The reason never reveals what is hidden. `relations` are those that
    were looked up: own organisation and region always; shares and consent only when they could matter."""

    mode: Effect
    basis: LegalBasis | None
    reason: str
    advice: str = ""
    relations: frozenset[Relation] = frozenset()

    @property
    def allowed(self) -> bool:
        return self.mode != Effect.DENY

    @property
    def pseudonymised(self) -> bool:
        return self.mode == Effect.PSEUDONYMISE


def evaluate(*, role: str, org_type: str, category: str, purpose: str, relations: frozenset[Relation],
             rules: tuple[Rule, ...] = RULES) -> tuple[Effect, Rule | None]:
    """The most generous rule that applies under one of the relations; deny when none does."""
    best: Rule | None = None
    for rule in rules_for(role=role, org_type=org_type, category=category, purpose=purpose, rules=rules):
        if rule.relations & relations and (best is None or STRENGTH[rule.effect] > STRENGTH[best.effect]):
            best = rule
    return (best.effect, best) if best else (Effect.DENY, None)


@dataclass(frozen=True)
class _KnownRelations:
    """The relations found for one actor and purpose; `complete` once shares and consent were looked up."""

    key: tuple
    found: frozenset[Relation]
    complete: bool


def relations_between(actor: Actor, record, purpose: str, *, complete: bool = True) -> frozenset[Relation]:
    """How the actor stands to the record: own organisation, own region, shared for this purpose, consent.
    With complete=False shares and consent may be left out. A record fetched through fetch_with_relations for
    the same actor and purpose answers from what was fetched with it."""
    key = (actor.membership.pk, purpose)
    known = getattr(record, "policy_relations", None)
    if known is None or known.key != key or (complete and not known.complete):
        fresh = fetch_with_relations(actor, purpose, type(record).objects.filter(pk=record.pk), complete=complete)
        known = record.policy_relations = fresh[0].policy_relations
    return known.found


def _owner(record, *, id_only: bool = False):
    """The organisation that keeps `record` (or its id); `policy_owner_field` may follow relations ("a__b")."""
    *path, last = type(record).policy_owner_field.split("__")
    for step in path:
        record = getattr(record, step)
        if record is None:
            return None
    return getattr(record, f"{last}_id" if id_only else last)


def fetch_with_relations(actor: Actor, purpose: str, queryset: QuerySet, *, complete: bool = False) -> list:
    """The records of `queryset`, each fetched in one query together with how the actor stands to it, kept on
    the record for decide(). Shares and consent are looked up only with `complete`, or later by decide() when
    they could still matter: most reads are of one's own or one's region's records, which settle it."""
    model = queryset.model
    annotations = {}
    if not actor.is_national:
        annotations["policy_in_region"] = Exists(Region.municipalities.through.objects.filter(
            region_id=actor.membership.region_id, municipality_id=OuterRef(model.policy_municipality_field)))
    if complete:
        annotations["policy_shared"] = Exists(Share.objects.active().filter(
            content_type=ContentType.objects.get_for_model(model), object_id=OuterRef("pk"),
            organisation=actor.organisation, purpose=purpose))
        if model.policy_subject_field:
            annotations["policy_consented"] = Exists(Consent.objects.active().covering(actor.membership).filter(
                subject_id=OuterRef(model.policy_subject_field)))
    records = list(queryset.annotate(**annotations))
    for record in records:
        found = set()
        if _owner(record, id_only=True) == actor.organisation.pk:
            found.add(Relation.OWN)
        if getattr(record, f"{model.policy_municipality_field}_id", None) and (
                actor.is_national or record.policy_in_region):
            found.add(Relation.REGION)
        if getattr(record, "policy_shared", False):
            found.add(Relation.SHARED)
        if getattr(record, "policy_consented", False):
            found.add(Relation.CONSENT)
        record.policy_relations = _KnownRelations((actor.membership.pk, purpose), frozenset(found), complete)
    return records


def decide(actor: Actor, action: str, record, purpose: str, *, category: str | None = None,
           rules: tuple[Rule, ...] = RULES) -> Decision:
    """May `actor` do `action` ("read", "update", ...) on `record` for `purpose`? For a read the answer may be
    "pseudonymised"; any other action needs a full allow."""
    category = category or type(record).policy_category

    def judge(relations):
        return evaluate(role=actor.role, org_type=actor.organisation.type, category=category, purpose=purpose,
                        relations=relations, rules=rules)

    relations = relations_between(actor, record, purpose, complete=False)
    effect, rule = judge(relations)
    if effect != Effect.ALLOW:
        # Rules only grant, so shares and consent can only add: they are looked up only when they could matter.
        relations = relations_between(actor, record, purpose, complete=True)
        effect, rule = judge(relations)
    if action not in READ_ACTIONS and effect == Effect.PSEUDONYMISE:
        effect = Effect.DENY
    return _explain(actor, effect, rule, record, purpose, category, relations)


def visible_to(actor: Actor, purpose: str, queryset: QuerySet, *, category: str | None = None,
               rules: tuple[Rule, ...] = RULES) -> QuerySet:
    """The records of `queryset` the actor may see at all (allowed or pseudonymised) for `purpose`. Apply it
    before any filter the user chose, so a filter can never widen what is visible."""
    model = queryset.model
    granted = _granted_relations(actor, purpose, category or model.policy_category, rules)
    scope = Q(pk__in=[])
    if Relation.OWN in granted:
        scope |= Q(**{model.policy_owner_field: actor.organisation})
    if Relation.REGION in granted:
        # A national membership covers every region; Q() would be dropped from an OR, so say it outright.
        scope |= Q(pk__isnull=False) if actor.is_national else Q(**{
            f"{model.policy_municipality_field}__in": Region.municipalities.through.objects.filter(
                region_id=actor.membership.region_id).values("municipality_id")})
    if Relation.SHARED in granted:
        shared = Share.objects.active().filter(content_type=ContentType.objects.get_for_model(model),
                                               organisation=actor.organisation, purpose=purpose)
        scope |= Q(pk__in=shared.values("object_id"))
    if Relation.CONSENT in granted and model.policy_subject_field:
        consented = Consent.objects.active().covering(actor.membership).values("subject_id")
        scope |= Q(**{f"{model.policy_subject_field}__in": consented})
    return queryset.filter(scope)


def describe_scope(actor: Actor, purpose: str, model, *, rules: tuple[Rule, ...] = RULES) -> str:
    """In plain Dutch: which records of `model` the actor sees for `purpose`, so an empty list explains itself."""
    granted = _granted_relations(actor, purpose, model.policy_category, rules)
    if not granted:
        return _("Als {role} ziet u voor {purpose} geen gegevens over personen.").format(
            role=actor.membership.get_role_display(), purpose=Purpose(purpose).label)
    region = actor.membership.region.name if actor.membership.region_id else _("heel Nederland")
    parts = {
        Relation.OWN: _("die uw organisatie beheert"),
        Relation.REGION: _("uit uw regio ({region})").format(region=region),
        Relation.SHARED: _("die met uw organisatie zijn gedeeld voor dit doel"),
        Relation.CONSENT: _("waarvoor de persoon toestemming gaf die uw organisatie omvat"),
    }
    listed = [str(text) for relation, text in parts.items() if relation in granted]
    return _("U ziet voor {purpose} alleen gegevens {which}.").format(
        purpose=Purpose(purpose).label, which=_(", of ").join(listed))


def _granted_relations(actor: Actor, purpose: str, category: str, rules) -> set[Relation]:
    """Under which relations any rule lets the actor see `category` for `purpose` at all."""
    return {
        relation
        for rule in rules_for(role=actor.role, org_type=actor.organisation.type, category=category,
                              purpose=purpose, rules=rules)
        if rule.effect != Effect.DENY
        for relation in rule.relations
    }


def _explain(actor, effect, rule, record, purpose, category, relations) -> Decision:
    basis = LEGAL_BASES.get(rule.basis) if rule else None
    purpose_label = Purpose(purpose).label
    category_label = DataCategory(category).label
    role_label = actor.membership.get_role_display()
    owner = _owner(record) or _("de organisatie die het gegeven beheert")
    ask_owner = _("Vraag inzage aan bij {owner}: zij kunnen de gegevens met uw organisatie delen, met een doel "
                  "en een grondslag, of toestemming van de persoon vastleggen.").format(owner=owner)
    if effect == Effect.ALLOW:
        return Decision(effect, basis, _("Toegestaan voor {purpose} op grond van {basis}.").format(
            purpose=purpose_label, basis=basis.citation), relations=relations)
    if effect == Effect.PSEUDONYMISE:
        return Decision(effect, basis, _(
            "U ziet deze gegevens afgeschermd: voor {purpose} is de identiteit niet nodig ({basis})."
        ).format(purpose=purpose_label, basis=basis.citation), ask_owner, relations)
    if not relations:
        return Decision(effect, None, _(
            "Dit gegeven hoort niet bij uw organisatie of uw regio, en is niet met uw organisatie gedeeld voor "
            "{purpose}."
        ).format(purpose=purpose_label), ask_owner, relations)
    return Decision(effect, None, _(
        "Als {role} mag u gegevens uit de categorie ‘{category}’ niet inzien voor {purpose}."
    ).format(role=role_label, category=category_label, purpose=purpose_label), ask_owner, relations)
