"""Who is told about a signal, and when: after routing, for acute danger, and as its triage deadline nears or passes.

What a notice says is operational only: the signal's reference, its municipality and a deadline (never a name or
the description), in Dutch whatever language the registering request spoke. The notice links to the signal page,
where policy decides what the recipient sees."""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from keten.accounts.models import Membership
from keten.accounts.roles import OrganisationType, Role
from keten.core.clock import now
from keten.intake.models import RegistrationTask, Routing, RoutingAction, Signal, Urgency
from keten.intake.selectors import SIGNAL_ROLES
from keten.intake.workflow import AWAITING_TRIAGE, TRIAGE_ROLES
from keten.notifications.models import NotificationKind
from keten.notifications.services import notify
from keten.policy.purposes import Purpose
from keten.regions.models import Municipality

#: The roles an organisation's notice reaches: those who work on signals. The privacy officer may read signals
#: to supervise, but acts on none, so is not told about each one.
ACTING_ROLES = SIGNAL_ROLES - {Role.PRIVACY_OFFICER}
DEFAULT_DEADLINE_WARNING = {"acute": {"minutes": 15}, "high": {"hours": 2}, "normal": {"days": 1}}
_WARNING_UNITS = {"days", "hours", "minutes"}


# --- Who ----------------------------------------------------------------------------------------------------------


def _active(memberships: QuerySet[Membership]) -> set:
    """The ids of those that still work, held by a person (an API token's system account reads no notices)."""
    return set(memberships.filter(is_active=True, user__is_active=True, user__is_system=False)
               .values_list("pk", flat=True))


def _in_region_of(municipality: Municipality) -> Q:
    """Memberships whose region (of any layer) holds the municipality."""
    return Q(region__municipalities=municipality)


def triage_memberships(municipality: Municipality) -> set:
    """The triage of the municipality's region (keten.intake.workflow.TRIAGE_ROLES with a region that holds it);
    where the region has none, the national ones of those roles, so a signal never waits unseen."""
    triage = Membership.objects.filter(role__in=TRIAGE_ROLES)
    return _active(triage.filter(_in_region_of(municipality))) or _active(triage.filter(region__isnull=True))


def members_of(organisations) -> set:
    """The people of these organisations who act on signals."""
    return _active(Membership.objects.filter(organisation__in=organisations, role__in=ACTING_ROLES))


def police_of(municipality: Municipality) -> set:
    """The people of the police (AVIM) whose working area holds the municipality."""
    # services imports this module (route_signal calls signal_routed), so its helper is looked up when needed.
    from keten.intake.services import recipients_of

    return members_of(recipients_of(OrganisationType.POLICE_AVIM, municipality))


def table_chairs(municipality: Municipality) -> set:
    return _active(Membership.objects.filter(_in_region_of(municipality), role=Role.TABLE_CHAIR))


# --- What ---------------------------------------------------------------------------------------------------------


def _when(moment: datetime) -> str:
    return date_format(localtime(moment), "j F Y H:i")


def _link(signal: Signal) -> str:
    return reverse("intake:signal-detail", kwargs={"signal_id": signal.pk})


def _key(signal: Signal, about: str) -> str:
    return f"signal:{signal.pk}:{about}"


def _tell(memberships: set, signal: Signal, *, kind: str, about: str, title: str, link: str | None = None) -> int:
    """Notify the memberships about the signal (linking to its page unless `link` says otherwise)."""
    if not memberships:
        return 0
    return len(notify(memberships=memberships, kind=kind, title=title, link=link or _link(signal),
                      key=_key(signal, about), purpose=Purpose.SIGNAL_ASSESSMENT))


# --- When ---------------------------------------------------------------------------------------------------------


def _routing_groups(routing: Routing, place: Municipality):
    """Who hears of the routing, most specific first: (memberships, kind, about, title, link or None)."""
    tasks_for = RegistrationTask.objects.filter(routing=routing).values("organisation")
    yield (_active(Membership.objects.filter(organisation__in=tasks_for, role=Role.REGISTRATION_OFFICER)),
           NotificationKind.TASK, "registration",
           _("Registratietaak voor CoMensha: signaal {reference} uit {municipality}"),
           reverse("intake:registration-task-list"))
    if RoutingAction.SIGNAL_TABLE in routing.actions:
        yield (table_chairs(place), NotificationKind.ROUTING, "signal_table",
               _("Signaal {reference} uit {municipality} is gerouteerd naar de Signaaltafel"), None)
    yield (members_of(routing.shared_with.all()), NotificationKind.ROUTING, "shared",
           _("Signaal {reference} uit {municipality} is met uw organisatie gedeeld"), None)


def signal_acute(signal: Signal) -> None:
    """Of an acute signal, tell the region's triage and police at once, whatever the rules say; not the reporter,
    who knows. Safe to repeat (the notice has its key)."""
    if signal.urgency != Urgency.ACUTE:
        return
    place = signal.municipality
    with translation.override(settings.LANGUAGE_CODE):
        acute = (triage_memberships(place) | police_of(place)) - {signal.reporter_membership_id}
        _tell(acute, signal, kind=NotificationKind.ACUTE, about="acute",
              title=_("Acuut signaal {reference} in {municipality}: triage uiterlijk {due}").format(
                  reference=signal.reference, municipality=place.name, due=_when(signal.triage_due_at)))


def signal_routed(routing: Routing, *, acute: bool = True) -> None:
    """Tell the people who must act on a routed signal: at once the region's triage and police when it is acute
    (signal_acute; `acute=False` when that was done already); CoMensha's registration officers of each
    registration task (linking to their task list), the region's table chairs when it goes to the Signaaltafel,
    and the people of every organisation it was shared with. The reporter knows already, and of the routing
    nobody is told twice (the acute notice comes besides)."""
    signal, place = routing.signal, routing.signal.municipality
    reporter = {routing.membership_id} - {None}
    if acute:
        signal_acute(signal)
    with translation.override(settings.LANGUAGE_CODE):
        names = {"reference": signal.reference, "municipality": place.name}
        told = set(reporter)
        for memberships, kind, about, title, link in _routing_groups(routing, place):
            _tell(memberships - told, signal, kind=kind, about=about, title=title.format(**names), link=link)
            told |= memberships


def deadline_warnings() -> dict[str, timedelta]:
    """How long before its triage deadline a signal of each urgency is called to the triage's attention
    (KETEN_INTAKE_DEADLINE_WARNING: days, hours or minutes per urgency)."""
    specs = getattr(settings, "KETEN_INTAKE_DEADLINE_WARNING", DEFAULT_DEADLINE_WARNING)
    warnings = {}
    for urgency in Urgency.values:
        spec = specs.get(urgency)
        if not spec or not set(spec) <= _WARNING_UNITS or not all(isinstance(v, int) and v >= 0
                                                                   for v in spec.values()):
            raise ImproperlyConfigured(f"KETEN_INTAKE_DEADLINE_WARNING[{urgency!r}] must give days, hours or "
                                       f"minutes as whole numbers, e.g. {{'hours': 2}}; it is {spec!r}.")
        warnings[urgency] = timedelta(**spec)
    return warnings


def scan_deadlines(at: datetime | None = None) -> int:
    """Tell the region's triage about each signal still awaiting triage whose deadline is near (deadline_soon) or
    has passed (overdue); returns the notices created. Safe to repeat: every notice has its key, so a second scan
    adds nothing, and a signal first seen after its deadline gets only the overdue notice."""
    at = at or now()
    near = Q()
    for urgency, ahead in deadline_warnings().items():
        near |= Q(urgency=urgency, triage_due_at__lte=at + ahead)
    signals = Signal.objects.filter(near, status__in=AWAITING_TRIAGE).select_related("municipality")
    triage: dict[str, set] = {}
    created = 0
    with translation.override(settings.LANGUAGE_CODE):
        for signal in signals.order_by("triage_due_at"):
            place = signal.municipality
            if place.pk not in triage:
                triage[place.pk] = triage_memberships(place)
            names = {"reference": signal.reference, "municipality": place.name, "due": _when(signal.triage_due_at)}
            if signal.triage_due_at < at:
                created += _tell(triage[place.pk], signal, kind=NotificationKind.OVERDUE, about="overdue",
                                 title=_("Signaal {reference} uit {municipality} is te laat voor triage (termijn "
                                         "{due})").format(**names))
            else:
                created += _tell(triage[place.pk], signal, kind=NotificationKind.DEADLINE_SOON, about="deadline_soon",
                                 title=_("Triagetermijn van signaal {reference} uit {municipality} loopt af om "
                                         "{due}").format(**names))
    return created
