"""The dashboard's sections beyond the signals: open trajectories per phase (counts of people, through disclosure
control), how long trajectories ran per outcome (only over ten or more), and the social map's ondergrens per region
(municipalities, not people: shown as they are, and the page says so)."""

import csv
import io

import pytest

from keten.monitor.dashboard import SUPPRESSED
from keten.socialmap import ondergrens
from keten.trajectories.models import CloseReason, Phase, Trajectory
from tests.monitor.support import trajectories

pytestmark = pytest.mark.django_db

MAASTRICHT, VENLO = "GM0935", "GM0983"


def _table(client, slug: str, query: str = "") -> dict[str, dict[str, str]]:
    """The export's table as {row label: {column: cell}}."""
    content = client.get(f"/monitor/export/{slug}.csv{query}").content.decode("utf-8")[1:]
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    start = next(index for index, row in enumerate(rows) if len(row) > 2)
    end = next(index for index in range(start, len(rows)) if not rows[index])
    header, *body = rows[start:end]
    return {row[0]: dict(zip(header[1:], row[1:], strict=True)) for row in body}


def test_open_trajectories_per_phase_publish_only_what_disclosure_allows(client_for, demo, settings):
    settings.KETEN_MONITOR_ROUNDING = 1
    trajectories(demo, municipality=MAASTRICHT, count=14, phase=Phase.CARE)
    trajectories(demo, municipality=VENLO, count=3, phase=Phase.SHELTER)
    table = _table(client_for("national_analyst"), "open-trajecten", "?indeling=province")
    limburg = table["Limburg"]
    open_in_limburg = Trajectory.objects.filter(municipality__regions__code="PV31").exclude(phase=Phase.CLOSED)
    for code, label in Phase.choices:
        if code == Phase.CLOSED:
            assert str(label) not in limburg
            continue
        true = open_in_limburg.filter(phase=code).count()
        shown = limburg[str(label)]
        if 0 < true < 10:
            assert shown == SUPPRESSED, label
        elif shown != SUPPRESSED:
            assert int(shown) == true, label
    assert limburg["Opvang"] == SUPPRESSED
    # The few demo trajectories of Noord-Holland hide its total, so Limburg's goes too: else the grand total
    # would give Noord-Holland's away.
    assert table["Noord-Holland"]["Totaal"] == limburg["Totaal"] == SUPPRESSED
    assert table["Totaal"]["Totaal"] == str(Trajectory.objects.exclude(phase=Phase.CLOSED).count())


def test_an_officer_sees_open_trajectories_of_their_own_region_only(client_for, demo):
    trajectories(demo, municipality="GM0363", count=12)  # Amsterdam
    table = _table(client_for("municipality_officer"), "open-trajecten", "?indeling=municipality")
    assert "Amsterdam" not in table and "Maastricht" in table


def test_trajectory_duration_per_outcome_only_over_ten_trajectories(client_for, demo, settings):
    days = list(range(10, 130, 10))  # twelve trajectories of 10, 20, ..., 120 days
    trajectories(demo, municipality=MAASTRICHT, count=12, phase=Phase.CLOSED, close_reason=CloseReason.SELF_RELIANT,
                 days=days)
    trajectories(demo, municipality=VENLO, count=3, phase=Phase.CLOSED, close_reason=CloseReason.MOVED_ABROAD,
                 days=[5, 6, 7])
    table = _table(client_for("national_analyst"), "trajectduur")
    self_reliant = table[str(CloseReason.SELF_RELIANT.label)]
    closed_before = Trajectory.objects.filter(phase=Phase.CLOSED, close_reason=CloseReason.SELF_RELIANT).count()
    if closed_before == 12:  # the demo's own closed trajectory is not in this period: the figures are ours alone
        assert self_reliant == {"Mediaan (dagen)": "60,0", "90% binnen (dagen)": "110,0"}
    assert SUPPRESSED not in self_reliant.values()
    assert table[str(CloseReason.MOVED_ABROAD.label)] == {"Mediaan (dagen)": SUPPRESSED,
                                                          "90% binnen (dagen)": SUPPRESSED}
    assert table[str(CloseReason.DECEASED.label)] == {"Mediaan (dagen)": "–", "90% binnen (dagen)": "–"}


def test_the_ondergrens_per_region_counts_municipalities_and_says_so(client_for):
    client = client_for("national_analyst")
    table = _table(client, "ondergrens", "?indeling=province")
    evaluation = ondergrens.evaluate_standard()
    limburg = next(province for province in evaluation.provinces if province.name == "Limburg")
    assert table["Limburg"] == {"Voldoet": str(limburg.good_count), "Deels": str(limburg.partial_count),
                                "Tekort": str(limburg.gap_count),
                                "Gemeenten": str(limburg.good_count + limburg.partial_count + limburg.gap_count)}
    html = client.get("/monitor/").content.decode()
    assert "Sociale kaart: de ondergrens per gebied" in html
    assert "Dit zijn aantallen gemeenten, geen mensen of signalen" in html
    assert "Lopende trajecten per fase" in html and "Duur van trajecten per uitkomst" in html
