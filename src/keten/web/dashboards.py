"""What each role sees first on its home page: a title, an introduction and the panels of its overview."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from keten.accounts.roles import Role
from keten.web import panels as live


@dataclass(frozen=True)
class Panel:
    """One block of a home page: live `items` (keten.web.panels; `empty_text` when there are none), or, until its
    capability exists, a text that says what will appear in it."""

    heading: str | Promise
    empty_text: str | Promise
    url_name: str | None = None
    link_label: str | Promise | None = None
    items: Callable | None = None

    @property
    def url(self) -> str | None:
        return reverse(self.url_name) if self.url_name else None


@dataclass(frozen=True)
class Dashboard:
    title: str | Promise
    intro: str | Promise
    panels: tuple[Panel, ...]


DASHBOARDS: dict[str, Dashboard] = {
    Role.CARE_COORDINATOR: Dashboard(
        title=_("Overzicht voor de zorgcoördinator"),
        intro=_("Aanmeldingen van vermoedelijke slachtoffers in uw regio en de trajecten die u coördineert."),
        panels=(
            Panel(_("Nieuwe aanmeldingen"), _("Geen aanmeldingen die op u wachten."),
                  url_name="referrals:list", link_label=_("Alle aanmeldingen"), items=live.waiting_referrals),
            Panel(_("Trajecten die aandacht nodig hebben"),
                  _("Geen trajecten die aandacht nodig hebben: geen stilstand, verlopen doelen of openstaande "
                    "overdrachten."),
                  url_name="trajectories:list", link_label=_("Alle trajecten"),
                  items=live.trajectories_needing_attention),
            Panel(_("Bedenktijd die binnenkort afloopt"),
                  _("Bij geen van uw trajecten loopt de bedenktijd (B8) binnen twee weken af."),
                  items=live.reflection_ending),
        ),
    ),
    Role.TABLE_CHAIR: Dashboard(
        title=_("Overzicht voor de voorzitter van de Signaaltafel"),
        intro=_("Het overleg van uw Signaaltafel voorbereiden en de afspraken bewaken."),
        panels=(
            Panel(_("Volgende overleg"),
                  _("Hier ziet u de datum en de agenda van het volgende overleg, zodra de Signaaltafel in "
                    "Keten beschikbaar is.")),
            Panel(_("Dossiers voor de agenda"),
                  _("Hier verschijnen gebundelde signalen die klaar zijn om te bespreken, zodra signalen "
                    "automatisch worden gekoppeld.")),
            Panel(_("Acties over de deadline"),
                  _("Hier ziet u afgesproken acties waarvan de deadline is verstreken, met hun eigenaar, "
                    "zodra de Signaaltafel in Keten beschikbaar is.")),
        ),
    ),
    Role.TABLE_MEMBER: Dashboard(
        title=_("Overzicht voor het lid van de Signaaltafel"),
        intro=_("Wat u voor het volgende overleg van de Signaaltafel moet weten en doen."),
        panels=(
            Panel(_("Volgende overleg"),
                  _("Hier ziet u de datum en de agenda van het volgende overleg, zodra de Signaaltafel in "
                    "Keten beschikbaar is.")),
            Panel(_("Mijn acties"),
                  _("Hier verschijnen de acties die aan u of uw organisatie zijn toegewezen, met hun "
                    "deadline.")),
            Panel(_("Dossiers van mijn organisatie"),
                  _("Hier ziet u gepseudonimiseerde dossiers waarin uw organisatie een rol heeft, zodra "
                    "de Signaaltafel in Keten beschikbaar is.")),
        ),
    ),
    Role.POLICE_INVESTIGATOR: Dashboard(
        title=_("Overzicht voor de rechercheur"),
        intro=_("Signalen en dossiers die naar de politie (AVIM) zijn doorgezet."),
        panels=(
            Panel(_("Signalen die op triage wachten"), _("Geen signalen die op triage wachten."),
                  url_name="intake:signal-list", link_label=_("Alle signalen"), items=live.signals_awaiting_triage),
            Panel(_("Gekoppelde signalen"),
                  _("Hier ziet u signalen die rond dezelfde persoon, plaats, telefoon, voertuig of "
                    "onderneming zijn gebundeld, zodra koppelen beschikbaar is.")),
            Panel(_("Acties van de Signaaltafel"),
                  _("Hier verschijnen de acties die de Signaaltafel aan de politie heeft toegewezen.")),
        ),
    ),
    Role.CARE_WORKER: Dashboard(
        title=_("Overzicht voor de hulpverlener"),
        intro=_("De slachtoffers die u begeleidt en de signalen die u hebt gemeld."),
        panels=(
            Panel(_("Trajecten van uw organisatie"), _("Uw organisatie heeft geen lopende trajecten."),
                  url_name="trajectories:list", link_label=_("Alle trajecten"), items=live.own_trajectories),
            Panel(_("Aandacht nodig"),
                  _("Geen trajecten met stilstand, verlopen doelen of een aflopende bedenktijd."),
                  items=live.trajectories_needing_attention),
            Panel(_("Mijn gemelde signalen"), _("U heeft nog geen signalen gemeld."),
                  url_name="intake:signal-create", link_label=_("Signaal melden"), items=live.my_signals),
        ),
    ),
    Role.VEILIG_THUIS_WORKER: Dashboard(
        title=_("Overzicht voor de medewerker van Veilig Thuis"),
        intro=_("Signalen van mensenhandel die bij Veilig Thuis zijn binnengekomen."),
        panels=(
            Panel(_("Signalen die op triage wachten"), _("Geen signalen die op triage wachten."),
                  url_name="intake:signal-list", link_label=_("Alle signalen"), items=live.signals_awaiting_triage),
            Panel(_("Signalen over minderjarigen"),
                  _("Hier ziet u signalen waarbij een minderjarige betrokken is en die om voorrang "
                    "vragen.")),
            Panel(_("Terugkoppeling aan melders"),
                  _("Hier verschijnen melders die nog moeten horen wat er met hun signaal is gebeurd.")),
        ),
    ),
    Role.MUNICIPALITY_OFFICER: Dashboard(
        title=_("Overzicht voor de beleidsmedewerker van de gemeente"),
        intro=_("De aanpak van mensenhandel in uw gemeente: aanbod, dekking en cijfers."),
        panels=(
            Panel(_("Dekking in uw gemeente"),
                  _("Hier ziet u hoe het aanbod van opvang en zorg zich verhoudt tot de ondergrens, zodra "
                    "de sociale kaart in Keten beschikbaar is.")),
            Panel(_("Sociale kaart: te controleren"),
                  _("Hier verschijnen vermeldingen op de sociale kaart die lang niet zijn gecontroleerd.")),
            Panel(_("Cijfers van uw regio"),
                  _("Signalen per maand, vorm en melder, en doorlooptijden in uw regio, zonder dat iemand "
                    "herkenbaar is: kleine aantallen worden niet getoond."),
                  url_name="monitor:dashboard", link_label=_("Naar de monitor")),
        ),
    ),
    Role.REGISTRATION_OFFICER: Dashboard(
        title=_("Overzicht voor de registratiemedewerker van CoMensha"),
        intro=_("Aanmeldingen van slachtoffers die bij CoMensha geregistreerd moeten worden."),
        panels=(
            Panel(_("Open registratietaken"), _("Geen open registratietaken."),
                  url_name="intake:registration-task-list", link_label=_("Alle registratietaken"),
                  items=live.open_registration_tasks),
            Panel(_("Onvolledige registraties"),
                  _("Hier ziet u registraties waarvoor nog gegevens ontbreken, met wie ze kan aanvullen.")),
            Panel(_("Registraties en exports"),
                  _("De registraties van dit jaar, de export zonder direct identificerende gegevens en het "
                    "jaaroverzicht voor de Nationaal Rapporteur."),
                  url_name="referrals:registration-list", link_label=_("Naar registraties")),
        ),
    ),
    Role.NATIONAL_ANALYST: Dashboard(
        title=_("Overzicht voor de landelijke analist"),
        intro=_("Landelijke cijfers over signalen en trajecten, zonder dat een persoon herkenbaar is."),
        panels=(
            Panel(_("Signalen per regio"),
                  _("Het aantal signalen per regio, vorm van uitbuiting en periode. Aantallen onder de tien "
                    "worden niet getoond."),
                  url_name="monitor:dashboard", link_label=_("Naar de monitor")),
            Panel(_("Doorlooptijden"),
                  _("Hier ziet u hoe lang het duurt van signaal tot aanmelding en van aanmelding tot "
                    "traject.")),
            Panel(_("Dekking per gemeente"),
                  _("Hier ziet u welke gemeenten de ondergrens van opvang en zorg nog niet halen.")),
        ),
    ),
    Role.PRIVACY_OFFICER: Dashboard(
        title=_("Overzicht voor de privacyfunctionaris"),
        intro=_("Toezicht op wie welke persoonsgegevens heeft ingezien en gedeeld, en waarom."),
        panels=(
            Panel(_("Inzage in persoonsgegevens"),
                  _("Hier ziet u wie welke gegevens heeft bekeken, wanneer en met welk doel, zodra het "
                    "auditspoor in Keten is in te zien.")),
            Panel(_("Toestemmingen die aflopen"),
                  _("Hier verschijnen toestemmingen voor gegevensdeling die binnenkort verlopen of zijn "
                    "ingetrokken.")),
            Panel(_("Controle van het auditspoor"),
                  _("Hier ziet u de uitkomst van de laatste controle of het auditspoor ongeschonden is.")),
        ),
    ),
    Role.FUNCTIONAL_ADMIN: Dashboard(
        title=_("Overzicht voor de functioneel beheerder"),
        intro=_("De mensen, rollen en koppelingen van uw organisatie in Keten."),
        panels=(
            Panel(_("Gebruikers en rollen"),
                  _("Geef collega's toegang tot Keten met de rol die bij hun werk past, en beëindig rollen "
                    "die niet meer nodig zijn."),
                  url_name="accounts:user-list", link_label=_("Naar gebruikers")),
            Panel(_("API-sleutels"),
                  _("Geef systemen van uw organisatie een sleutel voor de API, en trek sleutels in."),
                  url_name="accounts:token-list", link_label=_("Naar API-sleutels")),
            Panel(_("Wijzigingen op de sociale kaart"),
                  _("Hier verschijnen wijzigingen in het aanbod van uw organisatie die op controle "
                    "wachten, zodra de sociale kaart in Keten beschikbaar is.")),
        ),
    ),
}


def panels_for(actor, dashboard: Dashboard) -> list[tuple[Panel, list | None]]:
    """Each panel with its live items (None for a panel without any)."""
    return [(panel, panel.items(actor) if panel.items else None) for panel in dashboard.panels]


def dashboard_for(membership) -> Dashboard | None:
    """The home page of the membership's role; None without an active membership."""
    if not membership:
        return None
    return DASHBOARDS.get(membership.role)
