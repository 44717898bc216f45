"""The main navigation per role: each item names the roles that see it."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from keten.accounts.roles import Role
from keten.intake.selectors import SIGNAL_ROLES
from keten.intake.services import REGISTERING_ROLES
from keten.signaltable.selectors import TABLE_ROLES


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    roles: frozenset[str]
    national_only: bool = False

    @property
    def url(self) -> str:
        return reverse(self.url_name)


ALL_ROLES = frozenset(Role.values)

NAV_ITEMS = [
    NavItem(_("Start"), "web:home", ALL_ROLES),
    NavItem(_("Personen"), "identity:subject-list", ALL_ROLES),
    NavItem(_("Sociale kaart"), "socialmap:search", ALL_ROLES),
    NavItem(_("Kennisbank"), "knowledge:index", ALL_ROLES),
    NavItem(_("Signalen"), "intake:signal-list", SIGNAL_ROLES),
    NavItem(_("Aanmeldingen"), "referrals:list", REGISTERING_ROLES),
    NavItem(_("Signaaltafel"), "signaltable:dossier-list", TABLE_ROLES),
    NavItem(_("Trajecten"), "trajectories:list",
            frozenset({Role.CARE_COORDINATOR, Role.CARE_WORKER, Role.POLICE_INVESTIGATOR})),
    NavItem(_("Registratietaken"), "intake:registration-task-list", frozenset({Role.REGISTRATION_OFFICER})),
    NavItem(_("Monitor"), "monitor:dashboard", frozenset({Role.NATIONAL_ANALYST, Role.MUNICIPALITY_OFFICER})),
    NavItem(_("Registraties"), "referrals:registration-list", frozenset({Role.REGISTRATION_OFFICER})),
    NavItem(_("Jaarbestand"), "monitor:dataset", frozenset({Role.REGISTRATION_OFFICER})),
    NavItem(_("Gebruikers"), "accounts:user-list", frozenset({Role.FUNCTIONAL_ADMIN})),
    NavItem(_("Sociale kaart bijhouden"), "socialmap_admin:service-list", frozenset({Role.FUNCTIONAL_ADMIN})),
    NavItem(_("API-sleutels"), "accounts:token-list", frozenset({Role.FUNCTIONAL_ADMIN})),
    NavItem(_("Regio-indelingen"), "regions:layer-list", frozenset({Role.FUNCTIONAL_ADMIN}), national_only=True),
    NavItem(_("Ondergrens bijhouden"), "socialmap:ondergrens-criteria", frozenset({Role.FUNCTIONAL_ADMIN}),
            national_only=True),
    NavItem(_("Routeringsregels"), "intake:routing-rule-list", frozenset({Role.FUNCTIONAL_ADMIN}),
            national_only=True),
]


def navigation_for(membership) -> list[NavItem]:
    if membership is None:
        return []
    return [
        item for item in NAV_ITEMS
        if membership.role in item.roles and (membership.is_national or not item.national_only)
    ]
