"""Properties of the rules evaluation, for any role, organisation type, category, purpose and relations:
deny by default, consent and shares only ever add access, and one role's rules never touch another's."""

from hypothesis import given
from hypothesis import strategies as st

from keten.accounts.roles import OrganisationType, Role
from keten.core.privacy import DataCategory
from keten.policy.bases import LEGAL_BASES
from keten.policy.decisions import evaluate
from keten.policy.purposes import ROLE_PURPOSES, Purpose
from keten.policy.rules import RULES, STRENGTH, Effect, Relation, Rule

roles = st.sampled_from(Role.values)
org_types = st.sampled_from(OrganisationType.values)
categories = st.sampled_from(DataCategory.values)
purposes = st.sampled_from(Purpose.values)
relation_sets = st.frozensets(st.sampled_from(list(Relation)))
effects = st.sampled_from(list(Effect))


def _effect(role, org_type, category, purpose, relations, rules=RULES):
    return evaluate(role=role, org_type=org_type, category=category, purpose=purpose, relations=relations,
                    rules=rules)[0]


@given(roles, org_types, categories, purposes, relation_sets)
def test_without_rules_everything_is_denied(role, org_type, category, purpose, relations):
    assert _effect(role, org_type, category, purpose, relations, rules=()) == Effect.DENY


@given(roles, org_types, categories, purposes)
def test_without_any_relation_to_the_record_everything_is_denied(role, org_type, category, purpose):
    assert _effect(role, org_type, category, purpose, frozenset()) == Effect.DENY


@given(roles, org_types, categories, purposes, relation_sets, st.sampled_from([Relation.CONSENT, Relation.SHARED]))
def test_withdrawing_consent_or_revoking_a_share_never_increases_access(role, org_type, category, purpose,
                                                                          relations, lost):
    before = _effect(role, org_type, category, purpose, relations | {lost})
    after = _effect(role, org_type, category, purpose, relations - {lost})
    assert STRENGTH[after] <= STRENGTH[before]


@given(roles, roles, org_types, categories, purposes, relation_sets, effects, relation_sets)
def test_a_rule_for_one_role_never_changes_another_roles_access(role, other_role, org_type, category, purpose,
                                                                 relations, effect, rule_relations):
    if role == other_role:
        return
    extra = Rule(role, category, purpose, effect, "consent", rule_relations)
    assert _effect(other_role, org_type, category, purpose, relations, rules=(*RULES, extra)) == _effect(
        other_role, org_type, category, purpose, relations)


def test_every_rule_names_a_known_legal_basis_and_grants_something():
    for rule in RULES:
        assert rule.basis in LEGAL_BASES, rule
        assert rule.relations and rule.effect != Effect.DENY, rule


def test_every_role_has_a_purpose_and_a_rule_for_it():
    for role in Role.values:
        assert ROLE_PURPOSES[role], role
        assert any(rule.role == role and rule.purpose in ROLE_PURPOSES[role] for rule in RULES), role
