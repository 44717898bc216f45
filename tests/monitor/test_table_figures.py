"""The monitor's figures on the Signaaltafel: its decisions per region and kind, its open and overdue actions, and
the lead time from a signal to the table's first decision on it. Counts of what the models hold, through
disclosure control, and only of the officer's own region for a municipality officer."""

import csv
import io
from datetime import timedelta

import pytest

from keten.core.clock import now, today
from keten.intake.models import Signal
from keten.monitor.dashboard import SUPPRESSED
from keten.signaltable.models import ActionStatus, DecisionKind, Dossier, TableAction, TableDecision
from tests.monitor.test_facts import decide

pytestmark = pytest.mark.django_db

MAASTRICHT, VENLO = "GM0935", "GM0983"


def _table(client, slug: str, query: str = "") -> dict[str, dict[str, str]]:
    """The export's table as {row label: {column: cell}}."""
    response = client.get(f"/monitor/export/{slug}.csv{query}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8")[1:]), delimiter=";"))
    start = next(index for index, row in enumerate(rows) if len(row) > 2)
    end = next(index for index in range(start, len(rows)) if not rows[index])
    header, *body = rows[start:end]
    return {row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in body}


def _signals(count: int, offset: int = 0) -> list[Signal]:
    """Demo signals of Limburg (where the demo's table decided nothing), oldest first."""
    found = list(Signal.objects.filter(municipality__regions__code="PV31").order_by("created_at")[
        offset:offset + count])
    assert len(found) == count
    return found


def _decisions(demo, municipality: str, count: int, kind: str, offset: int = 0) -> None:
    """`count` dossiers in `municipality`, each decided once."""
    for signal in _signals(count, offset):
        decide(demo, [signal], after=timedelta(hours=1), kind=kind, municipality=municipality)


def _actions(demo, municipality: str, count: int, *, due_in_days: int, status: str = ActionStatus.OPEN) -> None:
    chair = demo["table_chair"]
    dossier = Dossier.objects.create(municipality_id=municipality)
    TableAction.objects.bulk_create([TableAction(
        dossier=dossier, description="(fictief) actie", owner_organisation=chair.organisation, created_by=chair,
        due_on=today() + timedelta(days=due_in_days), status=status) for _index in range(count)])


def test_decisions_per_region_and_kind_count_what_the_table_decided(client_for, demo, settings):
    settings.KETEN_MONITOR_ROUNDING = 1
    _decisions(demo, MAASTRICHT, 12, DecisionKind.CARE_TRAJECTORY)
    _decisions(demo, VENLO, 3, DecisionKind.NO_ACTION, offset=12)
    table = _table(client_for("national_analyst"), "tafelbesluiten", "?indeling=province")
    decided = TableDecision.objects.filter(decided_at__gte=now() - timedelta(days=400))
    for name, code in (("Limburg", "PV31"), ("Noord-Holland", "PV27")):
        for kind, label in DecisionKind.choices:
            true = decided.filter(dossier__municipality__regions__code=code, kind=kind).count()
            shown = table[name][str(label)]
            if 0 < true < 10:
                assert shown == SUPPRESSED, (name, label)
            elif shown != SUPPRESSED:
                assert int(shown) == true, (name, label)
    assert table["Limburg"][str(DecisionKind.NO_ACTION.label)] == SUPPRESSED
    assert table["Totaal"]["Totaal"] == str(decided.count())


def test_open_actions_within_and_past_their_deadline_per_municipality(client_for, demo, settings):
    settings.KETEN_MONITOR_ROUNDING = 1
    _actions(demo, MAASTRICHT, 11, due_in_days=-3)
    _actions(demo, MAASTRICHT, 10, due_in_days=7)
    _actions(demo, MAASTRICHT, 4, due_in_days=-3, status=ActionStatus.DONE)  # done: not open, not counted
    _actions(demo, VENLO, 2, due_in_days=-1)
    table = _table(client_for("municipality_officer"), "tafelacties", "?indeling=municipality")
    # Venlo's two overdue would follow from the column's total minus Maastricht's: so Maastricht's go too.
    assert table["Maastricht"] == {"Open, binnen de termijn": "10", "Open, over de termijn": SUPPRESSED,
                                   "Totaal": SUPPRESSED}
    assert table["Venlo"]["Open, over de termijn"] == SUPPRESSED  # two: too few to show
    assert table["Totaal"]["Totaal"] == "23"
    overdue = TableAction.objects.filter(status=ActionStatus.OPEN, due_on__lt=today(),
                                         dossier__municipality__regions__code="PV31").count()
    assert overdue == 13


def test_an_officer_sees_the_tables_figures_of_their_own_region_only(client_for, demo):
    _decisions(demo, MAASTRICHT, 10, DecisionKind.MONITOR)
    _actions(demo, "GM0363", 12, due_in_days=-2)  # Amsterdam
    client = client_for("municipality_officer")
    decisions = _table(client, "tafelbesluiten", "?indeling=province")
    assert set(decisions) == {"Limburg", "Totaal"}
    assert decisions["Totaal"]["Totaal"] == "10"  # not the demo's decisions in Noord-Holland
    actions = _table(client, "tafelacties", "?indeling=municipality")
    assert "Amsterdam" not in actions and actions["Totaal"]["Totaal"] == "0"
    html = client.get("/monitor/").content.decode()
    assert "Besluiten van de Signaaltafel" in html and "Openstaande acties van de Signaaltafel" in html


def test_the_lead_time_to_the_tables_decision_follows_new_decisions_at_once(client_for, demo, settings):
    settings.KETEN_MONITOR_CACHE_SECONDS = 0  # every view adds up again: what changed must show
    settings.KETEN_MONITOR_ROUNDING = 1
    client = client_for("municipality_officer")
    column = "Signaal tot besluit van de Signaaltafel: mediaan (dagen)"
    before = _table(client, "doorlooptijden", "?indeling=province")
    assert before["Limburg"][column] == "–"  # nothing decided yet in Limburg
    signals = _signals(12)
    for days, signal in enumerate(signals[:3], start=1):
        decide(demo, [signal], after=timedelta(days=days, hours=1))
    assert _table(client, "doorlooptijden", "?indeling=province")["Limburg"][column] == SUPPRESSED  # three
    for days, signal in enumerate(signals[3:], start=4):  # 1 to 12 days and an hour in all
        decide(demo, [signal], after=timedelta(days=days, hours=1))
    after = _table(client, "doorlooptijden", "?indeling=province")
    assert after["Limburg"][column] == "6,0"  # the nearest-rank median of twelve: the sixth
    assert after["Limburg"]["Signaal tot besluit van de Signaaltafel: 90% binnen (dagen)"] == "11,0"
